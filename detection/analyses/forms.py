from __future__ import annotations

from django import forms

from detection.core.forms import DateRangeFilterForm
from detection.models import Analysis


class AnalyzeForm(forms.Form):
    """An image file or the address of one. Whether the file is really an image, and whether the
    address may be fetched, is the service's call (detection.analyses.services.analysis_create)."""

    image = forms.FileField(
        label="Image file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/bmp,image/gif"}),
    )
    url = forms.URLField(
        label="Image address",
        required=False,
        max_length=2048,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/photo.jpg"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        image, url = cleaned.get("image"), cleaned.get("url")
        if self.errors:
            return cleaned
        if image and url:
            raise forms.ValidationError("Choose a file or give an address, not both.")
        if not image and not url:
            raise forms.ValidationError("Choose an image file or give the address of one.")
        return cleaned


class HistoryFilterForm(DateRangeFilterForm):
    source = forms.ChoiceField(choices=[("", "Any source"), *Analysis.Source.choices], required=False)
    field_order = ["source", "emotion", "created_from", "created_to"]

    def selector_filters(self) -> dict:
        """The valid filters, as keyword arguments for detection.analyses.selectors.analysis_list."""
        if not self.is_valid():
            return {}
        return {"source": self.cleaned_data["source"], **self.date_range_filters()}
