"""Celery tasks for analyses: each takes an id (or nothing) and calls one service, which loads the row.

They keep the names they were first registered under (``detection.tasks.*``): services queue
them by that name, and messages already on the broker still find them.

Their outcome is stored in the database, so they keep no result in Redis (ignore_result): that
also spares the web process from subscribing to a result channel when it queues one, which
with Redis down would hang the request and break the process' result consumer.
"""

from __future__ import annotations

import json
import logging
import threading

from celery import bootsteps, shared_task
from celery.signals import worker_ready
from django.core.cache import cache
from django.db import connections

from detection.analyses.maintenance import maintenance_run
from detection.analyses.services import (
    ANALYSIS_RUN_TASK,
    MAINTENANCE_TASK,
    TransientAnalysisError,
    analysis_requeue_pending,
    analysis_run,
)
from detection.models import Analysis
from stressdetector.celery import app

logger = logging.getLogger(__name__)

# Seconds to wait before each retry of a transient failure (a URL that timed out).
ANALYSIS_RETRY_DELAYS_S = (5, 30)


@shared_task(
    name=ANALYSIS_RUN_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=len(ANALYSIS_RETRY_DELAYS_S),
)
def analysis_run_task(self, analysis_id: int) -> None:
    """Run one analysis. Redelivered if its worker dies; analysis_run is safe to repeat.

    In-process (no broker) there are no retries: the caller is a web request that should not
    wait for them, so a transient failure fails the analysis at once, with its reason.
    """
    may_retry = not self.request.is_eager and self.request.retries < self.max_retries
    try:
        analysis = analysis_run(analysis_id=analysis_id, retry_transient=may_retry)
    except TransientAnalysisError as error:
        raise self.retry(exc=error, countdown=ANALYSIS_RETRY_DELAYS_S[self.request.retries]) from error
    except Analysis.DoesNotExist:
        logger.info("Analysis %s was deleted before it could run", analysis_id)
    else:
        logger.info("Analysis %s finished: %s, %s face(s)", analysis_id, analysis.status, analysis.face_count)


@shared_task(name=MAINTENANCE_TASK)
def maintenance_task() -> dict:
    """Recover stuck analyses and sweep orphaned media (beat runs it; so does a worker's start)."""
    return maintenance_run()


@worker_ready.connect
def recover_stuck_work_on_start(sender, **kwargs) -> None:
    """A worker that starts may be replacing one that died mid-task: look for stuck analyses."""
    maintenance_task.delay()


# --- Broker restarts ---------------------------------------------------------------------------

# Workers that (re)connect within this many seconds of each other requeue only once between them.
REQUEUE_ONCE_PER_SECONDS = 10
_REQUEUE_LOCK_KEY = "analyses:requeue-pending-on-connect"


class RequeuePendingOnConnect(bootsteps.StartStopStep):
    """Each time the worker's consumer (re)connects to the broker (its start, and after Redis
    restarted), queue again the pending analyses that are not on the broker's queue: a broker
    restart may have lost their messages (Redis without persistence, or the last second of its
    append-only file). They run seconds after the broker is back, instead of waiting for the
    stuck-analysis sweep (ANALYSIS_STUCK_AFTER_SECONDS)."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer) -> None:
        # Off the consumer's thread: it should go on consuming meanwhile.
        threading.Thread(target=requeue_lost_analyses, name="requeue-pending", daemon=True).start()


app.steps["consumer"].add(RequeuePendingOnConnect)


def requeue_lost_analyses() -> list[int]:
    """Queue again the pending analyses whose messages are not on the broker's queue."""
    try:
        if not cache.add(_REQUEUE_LOCK_KEY, 1, REQUEUE_ONCE_PER_SECONDS):
            return []  # Another worker just did it.
    except Exception:  # The cache may be down when the broker is not; requeue anyway.
        logger.warning("Could not take the requeue lock; requeueing anyway", exc_info=True)
    try:
        return analysis_requeue_pending(exclude=queued_analysis_ids())
    except Exception:
        logger.exception("Could not queue pending analyses again after connecting to the broker")
        return []
    finally:
        connections.close_all()


def queued_analysis_ids() -> set[int]:
    """The analysis ids of the analysis tasks waiting on the broker's queue (Redis only; an empty
    set for other brokers or when it cannot be read, so that everything pending is queued again:
    a duplicate is harmless)."""
    queue = app.conf.task_default_queue
    try:
        with app.connection_for_read() as connection:
            client = getattr(connection.default_channel, "client", None)
            if client is None:
                return set()
            messages = client.lrange(queue, 0, -1)
    except Exception:
        logger.warning("Could not read the broker's queue", exc_info=True)
        return set()
    ids = set()
    for raw in messages:
        try:
            headers = json.loads(raw)["headers"]
            if headers.get("task") == ANALYSIS_RUN_TASK:
                ids.add(int(headers["argsrepr"].strip("(),")))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return ids
