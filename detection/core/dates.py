"""Days as the site counts them: in the current time zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
