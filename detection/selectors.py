"""Reads from detection. Every query starts from the user who asks, so nobody sees another
user's analyses; views and the API take their querysets from here."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from detection.models import Analysis, DetectedFace
from ml.emotions import EMOTIONS


def analysis_list(
    *,
    owner: User,
    source: str = "",
    dominant_emotion: str = "",
    created_from: dt.date | None = None,
    created_to: dt.date | None = None,
) -> QuerySet[Analysis]:
    """The owner's analyses, newest first, optionally filtered (dates are inclusive, in the
    current time zone)."""
    analyses = Analysis.objects.filter(owner=owner)
    if source:
        analyses = analyses.filter(source=source)
    if dominant_emotion:
        analyses = analyses.filter(dominant_emotion=dominant_emotion)
    if created_from:
        analyses = analyses.filter(created_at__gte=start_of_day(created_from))
    if created_to:
        analyses = analyses.filter(created_at__lt=start_of_day(created_to + dt.timedelta(days=1)))
    return analyses.order_by("-created_at", "-id")


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def analysis_get(*, user: User, analysis_id: int) -> Analysis:
    """One of the user's analyses with its faces; ``Analysis.DoesNotExist`` for anyone else's."""
    return Analysis.objects.prefetch_related("faces").get(owner=user, pk=analysis_id)


def analysis_get_for_media(*, user: User, analysis_id: int) -> Analysis:
    """An analysis whose images ``user`` may see: their own, or any for staff (the admin)."""
    analyses = Analysis.objects.all() if user.is_staff else Analysis.objects.filter(owner=user)
    return analyses.get(pk=analysis_id)


def analysis_list_with_faces(*, owner: User, **filters) -> QuerySet[Analysis]:
    """:func:`analysis_list` with the faces loaded, oldest first: for exports."""
    faces = Prefetch("faces", queryset=DetectedFace.objects.order_by("index"))
    return analysis_list(owner=owner, **filters).prefetch_related(faces).order_by("created_at", "id")


# --- Reports ---------------------------------------------------------------------------------


def _done_analyses_since(*, owner: User, since: dt.date) -> QuerySet[Analysis]:
    return Analysis.objects.filter(owner=owner, status=Analysis.Status.DONE, face_count__gt=0, created_at__gte=start_of_day(since))


def stress_daily(*, owner: User, since: dt.date) -> list[dict]:
    """One point per day with analysed faces: ``{"date", "mean_stress", "analyses"}``, oldest first.

    An image's stress is its most stressed face's (see ml.pipeline.AnalysisResult.stress).
    """
    rows = (
        _done_analyses_since(owner=owner, since=since)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(mean_stress=Avg("stress"), analyses=Count("id"))
        .order_by("day")
    )
    return [{"date": row["day"].isoformat(), "mean_stress": round(row["mean_stress"], 4), "analyses": row["analyses"]} for row in rows]


def emotion_shares_daily(*, owner: User, since: dt.date) -> list[dict]:
    """Per day, the share of analyses each emotion dominated: ``{"date", "shares": {emotion: 0..1}}``."""
    rows = (
        _done_analyses_since(owner=owner, since=since)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "dominant_emotion")
        .annotate(count=Count("id"))
        .order_by("day")
    )
    counts: dict[dt.date, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row["day"]][row["dominant_emotion"]] += row["count"]
    return [
        {"date": day.isoformat(), "shares": {label: round(counter[label] / sum(counter.values()), 4) for label in EMOTIONS}}
        for day, counter in sorted(counts.items())
    ]


def emotion_totals(*, owner: User, since: dt.date) -> dict[str, int]:
    """How many analyses each emotion dominated since ``since``, for every emotion."""
    rows = _done_analyses_since(owner=owner, since=since).values("dominant_emotion").annotate(count=Count("id"))
    totals = dict.fromkeys(EMOTIONS, 0)
    for row in rows:
        totals[row["dominant_emotion"]] = row["count"]
    return totals
