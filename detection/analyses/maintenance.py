"""Housekeeping that keeps the platform honest after crashes: stuck analyses are queued again
(once) or failed, and image files that no analysis refers to are removed. It also keeps each
user's retention setting: their data older than ``retention_days`` is deleted.

It runs on a schedule: with a broker, as a Celery beat task (``make worker`` starts beat) and
once when a worker starts; without one, on a thread of the web process, which also runs it once
at start-up (in-process, nothing can be running yet, so every unfinished analysis created before
the process started was lost with the previous one).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from detection.analyses.services import analysis_recover_stuck
from detection.models import Alert, Analysis, LiveSession, Video

logger = logging.getLogger(__name__)

# Sent by every maintenance round with ``stuck_before``, for jobs of the concerns above this one
# (detection.videos requeues its stuck videos); receivers return a short summary of what they did.
maintenance_round = Signal()

# Only this folder of MEDIA_ROOT holds analysis images (see detection.models.image_upload_path).
ANALYSES_MEDIA_DIR = "analyses"


def media_sweep(*, modified_before: dt.datetime, dry_run: bool = False) -> list[str]:
    """Delete analysis image files that no analysis refers to and that were last modified
    before ``modified_before`` (an upload is stored just before its row is committed, so young
    files are left alone). Returns the storage names removed (or, with ``dry_run``, that would be)."""
    root = Path(settings.MEDIA_ROOT)
    folder = root / ANALYSES_MEDIA_DIR
    if not folder.is_dir():
        return []
    cutoff = modified_before.timestamp()
    candidates = [
        path.relative_to(root).as_posix() for path in folder.rglob("*") if path.is_file() and path.stat().st_mtime < cutoff
    ]
    if not candidates:
        return []
    referenced = set()
    for original, annotated in Analysis.objects.values_list("original", "annotated").iterator(chunk_size=2000):
        referenced.update((original, annotated))
    orphans = sorted(name for name in candidates if name not in referenced)
    if not dry_run:
        for name in orphans:
            (root / name).unlink(missing_ok=True)
        if orphans:
            logger.warning("Removed %d image files that no analysis refers to", len(orphans))
    return orphans


def retention_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete, for every user with a ``retention_days`` setting, their analyses (the image
    files follow, see detection.analyses.signals), videos (their files follow, see
    detection.videos.signals), live sessions and alerts created more than that many days ago.
    Returns how many rows of those four kinds were deleted."""
    now = now or timezone.now()
    deleted = 0
    for days in User.objects.exclude(retention_days=None).values_list("retention_days", flat=True).distinct().order_by():
        cutoff = now - dt.timedelta(days=days)
        for model, created in ((Alert, "created_at"), (LiveSession, "started_at"), (Analysis, "created_at"),
                               (Video, "created_at")):
            expired = model.objects.filter(owner__retention_days=days, **{f"{created}__lt": cutoff})
            # In batches, so that a first sweep over years of data holds no long transaction.
            while batch := list(expired.values_list("pk", flat=True)[:500]):
                deleted += model.objects.filter(pk__in=batch).delete()[1].get(model._meta.label, 0)
    if deleted:
        logger.info("Retention: deleted %d analyses, videos, live sessions and alerts past their owners' retention",
                    deleted)
    return deleted


def maintenance_run(*, stuck_before: dt.datetime | None = None) -> dict:
    """One round: recover stuck analyses, delete data past its owner's retention, then sweep
    orphaned media. Returns what it did."""
    now = timezone.now()
    if stuck_before is None:
        stuck_before = now - dt.timedelta(seconds=settings.ANALYSIS_STUCK_AFTER_SECONDS)
    requeued, failed = analysis_recover_stuck(stuck_before=stuck_before)
    expired = retention_sweep(now=now)
    removed = media_sweep(modified_before=now - dt.timedelta(seconds=settings.MEDIA_SWEEP_GRACE_SECONDS))
    result = {"requeued": requeued, "failed": failed, "expired": expired, "files_removed": len(removed)}
    for _receiver, summary in maintenance_round.send(sender=maintenance_run, stuck_before=stuck_before):
        result.update(summary or {})
    return result


_started = False
_start_lock = threading.Lock()


def start_in_process_maintenance() -> bool:
    """Start the web process's maintenance thread when tasks run in-process (no broker) and
    ``MAINTENANCE_INTERVAL_SECONDS`` is positive; at most once per process. True if started."""
    global _started
    if not settings.CELERY_TASK_ALWAYS_EAGER or settings.MAINTENANCE_INTERVAL_SECONDS <= 0:
        return False
    with _start_lock:
        if _started:
            return False
        _started = True
    started_at = timezone.now()
    threading.Thread(target=_maintenance_loop, args=(started_at,), name="maintenance", daemon=True).start()
    return True


def _maintenance_loop(started_at: dt.datetime) -> None:
    _maintenance_round(stuck_before=started_at)
    while True:
        time.sleep(settings.MAINTENANCE_INTERVAL_SECONDS)
        _maintenance_round(stuck_before=None)


def _maintenance_round(*, stuck_before: dt.datetime | None) -> None:
    try:
        maintenance_run(stuck_before=stuck_before)
    except Exception:
        logger.exception("Maintenance round failed")
    finally:
        connections.close_all()
