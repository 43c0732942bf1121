"""Stress alerts: the user's rule, deciding when it fires, storing the alert and texting it.

A live session feeds each analysed frame to an :class:`AlertWindow`; when more than
``threshold`` of the last ``window`` frames with a face were dominated by one of the rule's
emotions, the consumer calls :func:`alert_create`. An analysed image calls
:func:`alerts_check_analysis`. Either way the alert is stored first (so the user sees it even
when no SMS can go out), then a Celery task sends the SMS (:func:`alert_send`), and every change
is pushed to the user's open live pages over the channel layer.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from detection.alerts.selectors import alert_rule_get
from detection.alerts.sms import SmsError, SmsNotConfiguredError, SmsTemporaryError, sms_is_configured, sms_send
from detection.models import Alert, AlertRule, Analysis
from stressdetector.background import enqueue_or_log

logger = logging.getLogger(__name__)


# --- The rule --------------------------------------------------------------------------------


def alert_rule_update(
    *,
    user: User,
    emotions: Iterable[str],
    window: int,
    threshold: int,
    cooldown_minutes: int,
    image_stress_threshold: float | None = None,
) -> AlertRule:
    rule = alert_rule_get(user=user)
    rule.emotions = list(emotions)
    rule.window = window
    rule.threshold = threshold
    rule.cooldown_minutes = cooldown_minutes
    rule.image_stress_threshold = image_stress_threshold
    rule.full_clean()
    rule.save()
    return rule


def alert_rule_to_dict(rule: AlertRule) -> dict:
    return {
        "emotions": list(rule.emotions),
        "window": rule.window,
        "threshold": rule.threshold,
        "cooldown_minutes": rule.cooldown_minutes,
        "image_stress_threshold": rule.image_stress_threshold,
    }


class AlertWindow:
    """The last ``window`` frames with a face, and whether each was dominated by a stress
    emotion. Frames without a face are not counted: looking away is not being calm."""

    def __init__(self, rule: AlertRule):
        self.rule = rule
        self.emotions = frozenset(rule.emotions)
        self.frames: deque[bool] = deque(maxlen=rule.window)
        self.stress: deque[float] = deque(maxlen=rule.window)
        self.quiet_until = 0.0  # Monotonic time before which the window does not fire again.

    @property
    def stress_frames(self) -> int:
        return sum(self.frames)

    @property
    def mean_stress(self) -> float:
        return sum(self.stress) / len(self.stress) if self.stress else 0.0

    def add(self, *, dominant: str | None, stress: float, now: float) -> bool:
        """Count one frame; True when the rule fires."""
        if dominant is None:
            return False
        self.frames.append(dominant in self.emotions)
        self.stress.append(stress)
        return self.stress_frames > self.rule.threshold and now >= self.quiet_until

    def rest(self, *, now: float) -> None:
        """After firing (or being refused by the cooldown): start counting afresh, quietly."""
        self.frames.clear()
        self.stress.clear()
        self.quiet_until = now + self.rule.cooldown_minutes * 60


# --- Storing an alert ------------------------------------------------------------------------


def alert_create(
    *,
    owner: User,
    rule: AlertRule,
    stress_frames: int,
    window_frames: int,
    stress: float,
    live_session_id: int | None = None,
    analysis: Analysis | None = None,
) -> Alert | None:
    """Store an alert and queue its SMS, unless alerts are off or one fired within the
    cooldown (for any session or image of this user). Returns the alert, or None."""
    with transaction.atomic():
        # Lock the user so that two sessions of the same person cannot both pass the cooldown.
        owner = User.objects.select_for_update().get(pk=owner.pk)
        if not owner.sms_alerts_enabled:
            return None
        since = timezone.now() - timedelta(minutes=rule.cooldown_minutes)
        if Alert.objects.filter(owner=owner, created_at__gte=since).exists():
            return None
        if not owner.phone_number:
            status = Alert.Status.NO_PHONE
        elif not sms_is_configured():
            status = Alert.Status.NOT_CONFIGURED
        else:
            status = Alert.Status.PENDING
        alert = Alert.objects.create(
            owner=owner,
            live_session_id=live_session_id,
            analysis=analysis,
            rule=alert_rule_to_dict(rule),
            stress_frames=stress_frames,
            window_frames=window_frames,
            stress=round(stress, 4),
            message=_alert_message(rule=rule, stress_frames=stress_frames, window_frames=window_frames, stress=stress, analysis=analysis),
            status=status,
        )
        transaction.on_commit(lambda: alert_publish(alert=alert))
        if status == Alert.Status.PENDING:
            transaction.on_commit(lambda: _queue_sms(alert.pk))
    return alert


def _alert_message(*, rule: AlertRule, stress_frames: int, window_frames: int, stress: float, analysis: Analysis | None) -> str:
    if analysis is not None:
        return f"Stress Detector: high stress ({stress:.0%}) in an analysed image."
    emotions = ", ".join(rule.emotions)
    return f"Stress Detector: sustained stress, {stress_frames} of the last {window_frames} frames showed {emotions} (stress {stress:.0%})."


SMS_QUEUE_UNAVAILABLE = "Not sent: the task queue was unavailable."
# The Celery task (detection.alerts.tasks), queued by name: it imports this module.
ALERT_SEND_SMS_TASK = "detection.tasks.alert_send_sms_task"


def _queue_sms(alert_id: int) -> None:
    if not enqueue_or_log(ALERT_SEND_SMS_TASK, alert_id, what=f"the SMS of alert {alert_id}"):
        # The broker (Redis) is down. The alert is stored and shown; say why no text came
        # rather than leave it pending for ever (or fail the frame or analysis that fired it).
        Alert.objects.filter(pk=alert_id, status=Alert.Status.PENDING).update(
            status=Alert.Status.FAILED, error=SMS_QUEUE_UNAVAILABLE
        )


def alerts_check_analysis(*, analysis: Analysis) -> Alert | None:
    """Called when an image analysis finishes: alert if the owner's rule has an image
    threshold and the image's stress reaches it."""
    rule = alert_rule_get(user=analysis.owner)
    if rule.image_stress_threshold is None or analysis.stress is None or analysis.stress < rule.image_stress_threshold:
        return None
    return alert_create(owner=analysis.owner, rule=rule, stress_frames=1, window_frames=1, stress=analysis.stress, analysis=analysis)


# --- Sending it ------------------------------------------------------------------------------


def alert_send(*, alert_id: int, last_attempt: bool = True) -> Alert:
    """One attempt at texting a pending alert; the Celery task calls it.

    Safe to repeat: an alert no longer pending is left as it is. A temporary failure
    (timeout, Twilio unavailable) raises :class:`SmsTemporaryError` for the task to retry,
    unless this is the ``last_attempt``, which marks the alert failed.
    """
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("owner").get(pk=alert_id)
        if alert.status != Alert.Status.PENDING:
            return alert
        alert.attempts += 1
        alert.save(update_fields=["attempts"])

    retry_error: SmsTemporaryError | None = None
    try:
        alert.twilio_sid = sms_send(to=str(alert.owner.phone_number), body=alert.message)
    except SmsNotConfiguredError:
        alert.status = Alert.Status.NOT_CONFIGURED
    except SmsTemporaryError as error:
        alert.error = str(error)
        if last_attempt:
            alert.status = Alert.Status.FAILED
        else:
            retry_error = error
    except SmsError as error:
        alert.error = str(error)
        alert.status = Alert.Status.FAILED
    else:
        alert.status = Alert.Status.SENT
        alert.error = ""
        alert.sent_at = timezone.now()
    alert.save(update_fields=["status", "twilio_sid", "error", "sent_at"])
    if alert.status == Alert.Status.FAILED:
        logger.warning("SMS alert %s failed after %s attempt(s): %s", alert.pk, alert.attempts, alert.error)
    alert_publish(alert=alert)
    if retry_error is not None:
        raise retry_error
    return alert


TEST_SMS_BODY = "Stress Detector: this is a test message. Stress alerts will arrive like this."


def alert_send_test_sms(*, user: User) -> str:
    """Text the user's phone a test message now, so they can check their number before an
    alert depends on it. Returns Twilio's message SID; raises :class:`SmsError` (with a message
    for the user) when there is no number, SMS is not configured or Twilio refuses."""
    if not user.phone_number:
        raise SmsError("Add a phone number (and save your profile) first.")
    try:
        return sms_send(to=str(user.phone_number), body=TEST_SMS_BODY)
    except SmsNotConfiguredError:
        raise SmsError("SMS is not configured on this server, so no text message can be sent.") from None


# --- Telling the user's open pages -----------------------------------------------------------


def alerts_group_name(user_id: int) -> str:
    return f"alerts.user.{user_id}"


def alert_to_dict(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "created_at": alert.created_at.isoformat(),
        "message": alert.message,
        "stress": alert.stress,
        "stress_frames": alert.stress_frames,
        "window_frames": alert.window_frames,
        "status": alert.status,
        "status_display": alert.get_status_display(),
        "error": alert.error,
        "live_session": alert.live_session_id,
        "analysis": alert.analysis_id,
    }


def alert_publish(*, alert: Alert) -> None:
    """Push the alert to the owner's live pages. Best effort: an alert is stored whether or
    not a page hears about it, so a channel layer failure is logged, never raised."""
    try:
        async_to_sync(get_channel_layer().group_send)(
            alerts_group_name(alert.owner_id), {"type": "alert.changed", "alert": alert_to_dict(alert)}
        )
    except Exception:
        logger.exception("Could not publish alert %s to the channel layer", alert.pk)


def alerts_mark_seen(*, user: User) -> None:
    user.alerts_seen_at = timezone.now()
    User.objects.filter(pk=user.pk).update(alerts_seen_at=user.alerts_seen_at)
