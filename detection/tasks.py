"""Celery tasks for detection: each takes an id and calls one service, which loads the row.

Their outcome is stored in the database, so they keep no result in Redis (ignore_result): that
also spares the web process from subscribing to a result channel when it queues one, which
with Redis down would hang the request and break the process' result consumer.
"""

from __future__ import annotations

import logging

from celery import shared_task

from detection.alerts import alert_send
from detection.maintenance import maintenance_run
from detection.models import Alert, Analysis
from detection.services import TransientAnalysisError, analysis_run
from detection.sms import SmsTemporaryError

logger = logging.getLogger(__name__)

# Seconds to wait before each retry of a transient failure (a URL that timed out).
ANALYSIS_RETRY_DELAYS_S = (5, 30)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=len(ANALYSIS_RETRY_DELAYS_S))
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


@shared_task
def maintenance_task() -> dict:
    """Recover stuck analyses and sweep orphaned media (beat runs it; so does a worker's start)."""
    return maintenance_run()


# Seconds to wait before each retry of an SMS that hit a temporary failure (a timeout, Twilio
# unavailable); after the last one the alert is marked failed.
SMS_RETRY_DELAYS_S = (10, 60, 300)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=len(SMS_RETRY_DELAYS_S))
def alert_send_sms_task(self, alert_id: int) -> None:
    """Text one stress alert. alert_send leaves an alert that is no longer pending alone, so a
    redelivered task does not send twice.

    In-process (no broker) there are no retries: the caller (a live session, an analysis) should
    not wait for them, so a temporary failure fails the alert at once, with its reason.
    """
    last_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        alert_send(alert_id=alert_id, last_attempt=last_attempt)
    except SmsTemporaryError as error:
        raise self.retry(exc=error, countdown=SMS_RETRY_DELAYS_S[self.request.retries]) from error
    except Alert.DoesNotExist:
        logger.info("Alert %s was deleted before its SMS went out", alert_id)
