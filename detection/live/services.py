"""Writes of live sessions: opening, saving a tracker's progress, closing (see detection.live.tracker)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from detection.models import LiveSession


def live_session_start(*, owner: User) -> LiveSession:
    return LiveSession.objects.create(owner=owner)


def live_session_save(*, session_id: int, progress: dict, ended: bool = False) -> None:
    """Store a tracker's progress. Called every few seconds and once at the end; each call
    overwrites the totals, so a call that is lost or repeated does no harm."""
    now = timezone.now()
    fields = {**progress, "last_saved_at": now}
    if ended:
        fields["ended_at"] = now
    LiveSession.objects.filter(pk=session_id).update(**fields)


def live_session_end(*, session_id: int, progress: dict) -> bool:
    """Close a session. One in which no frame was analysed (the camera never started, say) is
    deleted rather than kept as an empty entry in the history; returns whether it was kept."""
    if not progress["frames_analyzed"]:
        LiveSession.objects.filter(pk=session_id).delete()
        return False
    live_session_save(session_id=session_id, progress=progress, ended=True)
    return True
