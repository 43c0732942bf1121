"""Trends: a user's analyses, live sessions and videos summed per day or per week. The one source of the
reports page's numbers and of the API's /stats/trends/, so the two always agree.

Days are the current time zone's. An analysis counts when it is done and has a stress reading (ml.headline: its
stress is its most stressed face that counts); a live session counts on the day it started, a video on the day it
was uploaded (when it is done and has a stress reading: ml.headline, over its people's samples that count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from detection.core.dates import start_of_day
from detection.models import Analysis, LiveSession, Video
from ml.emotions import EMOTIONS

DAY = "day"
WEEK = "week"
MONTH = "month"
BUCKETS = (DAY, WEEK, MONTH)


def _no_emotions() -> dict[str, int]:
    return dict.fromkeys(EMOTIONS, 0)


@dataclass
class TrendBucket:
    """The totals of one day or week (``start`` to ``end``, both included)."""

    start: dt.date
    end: dt.date
    analyses: int = 0
    emotion_counts: dict[str, int] = field(default_factory=_no_emotions)  # analyses each emotion dominated
    stress_sum: float = 0.0
    peak_stress: float | None = None
    live_sessions: int = 0
    live_frames: int = 0
    live_faces: int = 0
    live_stress_sum: float = 0.0
    live_peak_stress: float | None = None
    videos: int = 0  # Analysed videos with a stress reading, by the day they were uploaded.
    video_emotion_counts: dict[str, int] = field(default_factory=_no_emotions)  # videos each emotion dominated
    video_stress_sum: float = 0.0
    video_peak_stress: float | None = None

    @property
    def mean_stress(self) -> float | None:
        """The analysed images' mean stress, rounded to 4 places."""
        return round(self.stress_sum / self.analyses, 4) if self.analyses else None

    @property
    def live_mean_stress(self) -> float | None:
        """The mean stress over every face the live sessions saw."""
        return self.live_stress_sum / self.live_faces if self.live_faces else None

    @property
    def video_mean_stress(self) -> float | None:
        """The mean of the videos' mean stress (each over every person's samples)."""
        return round(self.video_stress_sum / self.videos, 4) if self.videos else None

    def add(self, other: TrendBucket) -> None:
        self.end = max(self.end, other.end)
        self.analyses += other.analyses
        for label, count in other.emotion_counts.items():
            self.emotion_counts[label] += count
        self.stress_sum += other.stress_sum
        self.peak_stress = _max(self.peak_stress, other.peak_stress)
        self.live_sessions += other.live_sessions
        self.live_frames += other.live_frames
        self.live_faces += other.live_faces
        self.live_stress_sum += other.live_stress_sum
        self.live_peak_stress = _max(self.live_peak_stress, other.live_peak_stress)
        self.videos += other.videos
        for label, count in other.video_emotion_counts.items():
            self.video_emotion_counts[label] += count
        self.video_stress_sum += other.video_stress_sum
        self.video_peak_stress = _max(self.video_peak_stress, other.video_peak_stress)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def trends_list(*, owner: User, date_from: dt.date, date_to: dt.date, bucket: str = DAY) -> list[TrendBucket]:
    """Every day (or ISO week, Monday first, or calendar month) from ``date_from`` to ``date_to``
    inclusive, empty ones too, oldest first. A week or month bucket is cut to the period, so
    buckets always add up to it."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {BUCKETS}, not {bucket!r}")
    days = {day: TrendBucket(start=day, end=day) for day in _days(date_from, date_to)}
    for row in _analysis_rows(owner, date_from, date_to):
        point = days[row["day"]]
        point.analyses += row["count"]
        if row["dominant_emotion"] in point.emotion_counts:
            point.emotion_counts[row["dominant_emotion"]] += row["count"]
        point.stress_sum += row["stress_sum"] or 0.0
        point.peak_stress = _max(point.peak_stress, row["peak"])
    for row in _live_rows(owner, date_from, date_to):
        point = days[row["day"]]
        point.live_sessions = row["sessions"]
        point.live_frames = row["frames"] or 0
        point.live_faces = row["faces"] or 0
        point.live_stress_sum = row["stress_sum"] or 0.0
        point.live_peak_stress = row["peak"] if point.live_faces else None
    for row in _video_rows(owner, date_from, date_to):
        point = days[row["day"]]
        point.videos += row["count"]
        if row["dominant_emotion"] in point.video_emotion_counts:
            point.video_emotion_counts[row["dominant_emotion"]] += row["count"]
        point.video_stress_sum += row["stress_sum"] or 0.0
        point.video_peak_stress = _max(point.video_peak_stress, row["peak"])
    if bucket == DAY:
        return list(days.values())
    groups: dict[dt.date, TrendBucket] = {}
    for day, point in days.items():
        first = day - dt.timedelta(days=day.weekday()) if bucket == WEEK else day.replace(day=1)
        if first in groups:
            groups[first].add(point)
        else:
            groups[first] = point
    return list(groups.values())


def trends_total(buckets: list[TrendBucket]) -> TrendBucket | None:
    """The whole period's totals (None for no buckets)."""
    if not buckets:
        return None
    total = TrendBucket(start=buckets[0].start, end=buckets[0].start)
    for point in buckets:
        total.add(point)
    return total


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def _between(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return start_of_day(start), start_of_day(end + dt.timedelta(days=1))


def _analysis_rows(owner: User, start: dt.date, end: dt.date) -> QuerySet:
    low, high = _between(start, end)
    analyses = Analysis.objects.filter(
        owner=owner, status=Analysis.Status.DONE, stress__isnull=False, created_at__gte=low, created_at__lt=high
    )
    return (
        analyses.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "dominant_emotion")
        .annotate(count=Count("id"), stress_sum=Sum("stress"), peak=Max("stress"))
        .order_by()
    )


def _live_rows(owner: User, start: dt.date, end: dt.date) -> QuerySet:
    low, high = _between(start, end)
    sessions = LiveSession.objects.filter(owner=owner, started_at__gte=low, started_at__lt=high)
    return (
        sessions.annotate(day=TruncDate("started_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            sessions=Count("id"),
            frames=Sum("frames_analyzed"),
            faces=Sum("faces_seen"),
            stress_sum=Sum("stress_sum"),
            peak=Max("peak_stress"),
        )
        .order_by()
    )


def _video_rows(owner: User, start: dt.date, end: dt.date) -> QuerySet:
    low, high = _between(start, end)
    videos = Video.objects.filter(owner=owner, status=Video.Status.DONE, stress__isnull=False, created_at__gte=low, created_at__lt=high)
    return (
        videos.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "dominant_emotion")
        .annotate(count=Count("id"), stress_sum=Sum("stress"), peak=Max("peak_stress"))
        .order_by()
    )
