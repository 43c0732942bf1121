"""What the concerns' admin pages share: view-only records, and scores shown as percentages."""

from django.contrib import admin

from detection.core.presentation import stress_percent
from ml.emotions import EMOTIONS


def percent(value: float | None) -> str:
    return stress_percent(value)


def emotion_percentages(values: dict) -> str:
    """``{"happy": 0.84, ...}`` as "happy 84% · surprise 10% · ...", largest first."""
    ordered = sorted(((label, values.get(label, 0.0)) for label in EMOTIONS), key=lambda item: -item[1])
    return " · ".join(f"{label} {percent(value)}" for label, value in ordered)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View and delete, never add or edit: the page has no SAVE buttons."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
