"""Reads of live sessions; every query starts from the user who asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from accounts.models import User
from detection.core.dates import start_of_day
from detection.models import LiveSession


def live_session_duration(session: LiveSession) -> str:
    """How long the session ran (to its last save if it was interrupted), e.g. "1 min 05 s"."""
    end = session.ended_at or session.last_saved_at
    if end is None:
        return "unknown"
    minutes, seconds = divmod(round((end - session.started_at).total_seconds()), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def live_session_get(*, user: User, session_id: int) -> LiveSession:
    """One of the user's live sessions; ``LiveSession.DoesNotExist`` for anyone else's."""
    return LiveSession.objects.get(owner=user, pk=session_id)


def live_session_list(*, owner: User, started_from: dt.date | None = None, started_to: dt.date | None = None) -> QuerySet[LiveSession]:
    """The owner's live sessions, newest first, optionally by start date (inclusive, in the
    current time zone)."""
    sessions = LiveSession.objects.filter(owner=owner)
    if started_from:
        sessions = sessions.filter(started_at__gte=start_of_day(started_from))
    if started_to:
        sessions = sessions.filter(started_at__lt=start_of_day(started_to + dt.timedelta(days=1)))
    return sessions.order_by("-started_at", "-id")
