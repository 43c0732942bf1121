"""Celery tasks for alerts: texting one alert. The task keeps the name it was first registered
under, ``detection.tasks.alert_send_sms_task``, by which the alert services queue it."""

from __future__ import annotations

import logging

from celery import shared_task

from detection.alerts.services import ALERT_SEND_SMS_TASK, alert_send
from detection.alerts.sms import SmsTemporaryError
from detection.models import Alert

logger = logging.getLogger(__name__)

# Seconds to wait before each retry of an SMS that hit a temporary failure (a timeout, Twilio
# unavailable); after the last one the alert is marked failed.
SMS_RETRY_DELAYS_S = (10, 60, 300)


@shared_task(
    name=ALERT_SEND_SMS_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=len(SMS_RETRY_DELAYS_S),
)
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
