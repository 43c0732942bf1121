"""Reads for the reports page, all from detection.reports.trends (which the API's trends
endpoint uses too), so the page and the API always agree."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from detection.reports.trends import DAY, MONTH, WEEK, TrendBucket, trends_list, trends_total

# A report's charts draw one bar per day up to this many days, one per week up to
# MONTHLY_AFTER_DAYS, one per month beyond (a bar a day over a year is an invisible sliver).
WEEKLY_AFTER_DAYS = 60
MONTHLY_AFTER_DAYS = 180


def report_bucket(days: int) -> str:
    """The bucket a report of ``days`` days is charted by."""
    return DAY if days <= WEEKLY_AFTER_DAYS else WEEK if days <= MONTHLY_AFTER_DAYS else MONTH


def report_series(*, owner: User, since: dt.date, bucket: str) -> dict:
    """The reports page's charts, one point per bucket (its first day, ISO), empty ones too:
    ``stress`` ``{"date", "mean_stress", "live_mean_stress", "video_mean_stress", "analyses",
    "live_sessions", "videos"}`` (None where there is no data, so charts leave a gap), ``shares``
    per bucket with analyses, ``totals`` (analyses) and ``video_totals`` (videos) per emotion."""
    buckets = trends_list(owner=owner, date_from=since, date_to=max(since, timezone.localdate()), bucket=bucket)
    live = [None if point.live_mean_stress is None else round(point.live_mean_stress, 4) for point in buckets]
    total = trends_total(buckets)
    return {
        "bucket": bucket,
        "days": [point.start.isoformat() for point in buckets],
        "stress": [
            {"date": point.start.isoformat(), "mean_stress": point.mean_stress, "live_mean_stress": live_stress,
             "video_mean_stress": point.video_mean_stress, "analyses": point.analyses, "live_sessions": point.live_sessions,
             "videos": point.videos}
            for point, live_stress in zip(buckets, live, strict=True)
        ],
        "shares": [
            {"date": point.start.isoformat(), "shares": {label: round(n / point.analyses, 4) for label, n in point.emotion_counts.items()}}
            for point in buckets
            if point.analyses
        ],
        "totals": total.emotion_counts,
        "video_totals": total.video_emotion_counts,
    }


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


def video_summary(*, owner: User, since: dt.date) -> dict:
    """For reports: the owner's analysed videos since ``since`` that have a stress reading (as the
    trends count them): how many, the mean of their stress and the highest stress of anyone in
    them (from detection.reports.trends, like the API's trends)."""
    total = trends_total(trends_list(owner=owner, date_from=since, date_to=max(since, timezone.localdate())))
    return {"videos": total.videos, "mean_stress": total.video_mean_stress, "peak_stress": total.video_peak_stress}
