"""Celery tasks for analyses: each takes an id (or nothing) and calls one service, which loads the row.

They keep the names they were first registered under (``detection.tasks.*``): services queue
them by that name, and messages already on the broker still find them.

Their outcome is stored in the database, so they keep no result in Redis (ignore_result): that
also spares the web process from subscribing to a result channel when it queues one, which
with Redis down would hang the request and break the process' result consumer.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from detection.analyses.maintenance import maintenance_run
from detection.analyses.services import ANALYSIS_RUN_TASK, MAINTENANCE_TASK, TransientAnalysisError, analysis_run
from detection.models import Analysis

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
