from __future__ import annotations

from django import forms
from django.conf import settings

from ml.video import MAX_SAMPLES_PER_SECOND


class VideoUploadForm(forms.Form):
    """A video file and how many frames a second to analyse; the service checks the file."""

    file = forms.FileField(
        label="Video file",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm,video/quicktime,video/x-msvideo,.mp4,.webm,.mov,.avi,.mkv"}),
    )
    samples_per_second = forms.FloatField(
        label="Frames analysed per second", min_value=0.2, max_value=MAX_SAMPLES_PER_SECOND, required=False,
        help_text="More is finer and slower.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["samples_per_second"].initial = settings.VIDEO_SAMPLES_PER_SECOND
