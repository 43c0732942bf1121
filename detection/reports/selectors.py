"""Reads for the reports page, all from detection.reports.trends (which the API's trends
endpoint uses too), so the page and the API always agree."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from detection.reports.trends import TrendBucket, trends_list, trends_total


def _report_days(*, owner: User, since: dt.date) -> list[TrendBucket]:
    return trends_list(owner=owner, date_from=since, date_to=max(since, timezone.localdate()))


def stress_daily(*, owner: User, since: dt.date) -> list[dict]:
    """One point per day with analysed faces: ``{"date", "mean_stress", "analyses"}``, oldest first.

    An image's stress is its most stressed face's (see ml.pipeline.AnalysisResult.stress).
    """
    return [
        {"date": day.start.isoformat(), "mean_stress": day.mean_stress, "analyses": day.analyses}
        for day in _report_days(owner=owner, since=since)
        if day.analyses
    ]


def emotion_shares_daily(*, owner: User, since: dt.date) -> list[dict]:
    """Per day, the share of analyses each emotion dominated: ``{"date", "shares": {emotion: 0..1}}``."""
    return [
        {"date": day.start.isoformat(), "shares": {label: round(count / day.analyses, 4) for label, count in day.emotion_counts.items()}}
        for day in _report_days(owner=owner, since=since)
        if day.analyses
    ]


def emotion_totals(*, owner: User, since: dt.date) -> dict[str, int]:
    """How many analyses each emotion dominated since ``since``, for every emotion."""
    return trends_total(_report_days(owner=owner, since=since)).emotion_counts


def live_session_summary(*, owner: User, since: dt.date) -> dict:
    """For reports: the owner's live sessions since ``since``: how many, frames analysed, the
    mean stress over every face seen and the peak (from detection.reports.trends, like the API's trends)."""
    total = trends_total(trends_list(owner=owner, date_from=since, date_to=max(since, timezone.localdate())))
    return {
        "sessions": total.live_sessions,
        "frames": total.live_frames,
        "mean_stress": total.live_mean_stress,
        "peak_stress": total.live_peak_stress,
    }
