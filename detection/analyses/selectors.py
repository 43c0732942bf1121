"""Reads of analyses. Every query starts from the user who asks, so nobody sees another
user's analyses; views and the API take their querysets from here."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from detection.core.dates import created_between
from detection.models import Analysis, DetectedFace


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
    return created_between(analyses, created_from, created_to).order_by("-created_at", "-id")


def analysis_get(*, user: User, analysis_id: int) -> Analysis:
    """One of the user's analyses with its faces; ``Analysis.DoesNotExist`` for anyone else's."""
    return Analysis.objects.prefetch_related("faces").get(owner=user, pk=analysis_id)


def analysis_get_for_media(*, user: User, analysis_id: int) -> Analysis:
    """An analysis whose images ``user`` may see: their own, or any for staff who may view
    analyses in the admin (superusers, or the ``detection.view_analysis`` permission)."""
    may_see_all = user.is_staff and user.has_perm("detection.view_analysis")
    analyses = Analysis.objects.all() if may_see_all else Analysis.objects.filter(owner=user)
    return analyses.get(pk=analysis_id)


def analysis_list_with_faces(*, owner: User, **filters) -> QuerySet[Analysis]:
    """:func:`analysis_list` with the faces loaded, oldest first: for exports."""
    faces = Prefetch("faces", queryset=DetectedFace.objects.order_by("index"))
    return analysis_list(owner=owner, **filters).prefetch_related(faces).order_by("created_at", "id")
