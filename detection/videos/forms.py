from __future__ import annotations

from django import forms
from django.conf import settings

from detection.core.forms import DateRangeFilterForm
from detection.models import Video
from ml.headline import STRESS_LEVEL_WORDS, STRESS_LEVELS
from ml.video import MAX_SAMPLES_PER_SECOND

STRESS_LEVEL_CHOICES = [(level, f"{STRESS_LEVEL_WORDS[level]} stress") for _, level in reversed(STRESS_LEVELS)]


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


class VideoFilterForm(DateRangeFilterForm):
    """The videos list's filters (the API's ``GET videos/``), read as the analyses' are
    (detection.analyses.forms.HistoryFilterForm): an empty value means not set."""

    status = forms.ChoiceField(choices=[("", "Any status"), *Video.Status.choices], required=False)
    stress_level = forms.ChoiceField(label="Stress", choices=[("", "Any stress"), *STRESS_LEVEL_CHOICES], required=False)
    field_order = ["status", "emotion", "stress_level", "created_from", "created_to"]

    def selector_filters(self) -> dict:
        """The valid filters, as keyword arguments for detection.videos.selectors.video_list."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"status": data["status"], "stress_level": data["stress_level"], **self.date_range_filters()}
