"""Days as the site counts them: in the current time zone."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def created_between(rows: QuerySet, created_from: dt.date | None, created_to: dt.date | None) -> QuerySet:
    """``rows`` created from the start of ``created_from`` to the end of ``created_to`` (either may
    be None), in the current time zone."""
    if created_from:
        rows = rows.filter(created_at__gte=start_of_day(created_from))
    if created_to and created_to < dt.date.max:  # The calendar's last day has no next day: no upper bound.
        rows = rows.filter(created_at__lt=start_of_day(created_to + dt.timedelta(days=1)))
    return rows


def hourly_limit_retry_after(rows: QuerySet, limit: int) -> int | None:
    """Seconds until one more of ``rows`` (one user's, with ``created_at``) may be created under a
    limit of ``limit`` an hour, or None while under it. Counted from the database, so the limit
    holds across processes and needs no cache."""
    window_start = timezone.now() - dt.timedelta(hours=1)
    recent = rows.filter(created_at__gte=window_start).order_by("-created_at")
    oldest_counted = recent.values_list("created_at", flat=True)[limit - 1 : limit].first() if limit > 0 else timezone.now()
    if oldest_counted is None:
        return None
    return max(1, int((oldest_counted - window_start).total_seconds()) + 1)
