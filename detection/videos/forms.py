from __future__ import annotations

from django import forms
from django.conf import settings

from detection.models import EMOTION_CHOICES, Video
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


class VideoFilterForm(forms.Form):
    """The videos list's filters (the API's ``GET videos/``), read as the analyses' are
    (detection.analyses.forms.HistoryFilterForm): an empty value means not set."""

    status = forms.ChoiceField(choices=[("", "Any status"), *Video.Status.choices], required=False)
    emotion = forms.ChoiceField(label="Dominant emotion", choices=[("", "Any emotion"), *EMOTION_CHOICES], required=False)
    stress_level = forms.ChoiceField(label="Stress", choices=[("", "Any stress"), *STRESS_LEVEL_CHOICES], required=False)
    created_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def selector_filters(self) -> dict:
        """The valid filters, as keyword arguments for detection.videos.selectors.video_list."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "dominant_emotion": data["emotion"],
            "stress_level": data["stress_level"],
            "created_from": data["created_from"],
            "created_to": data["created_to"],
        }
