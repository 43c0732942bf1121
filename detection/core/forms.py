"""What the history's and the APIs' list filters share."""

from __future__ import annotations

from django import forms

from detection.models import EMOTION_CHOICES


class DateRangeFilterForm(forms.Form):
    """A dominant emotion and a range of creation dates; an empty value means not set, and the
    range must not run backwards."""

    emotion = forms.ChoiceField(label="Dominant emotion", choices=[("", "Any emotion"), *EMOTION_CHOICES], required=False)
    created_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def date_range_filters(self) -> dict:
        """The shared filters, as selector keyword arguments (call after ``is_valid()``)."""
        data = self.cleaned_data
        return {"dominant_emotion": data["emotion"], "created_from": data["created_from"], "created_to": data["created_to"]}
