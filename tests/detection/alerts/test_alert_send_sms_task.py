"""Texting an alert from its Celery task: delivery status, Twilio's SID or error, bounded
retries of temporary failures. Twilio is a fake API on loopback (tests/detection/fake_twilio.py)."""

import time

import pytest

from detection.alerts.services import alert_send
from detection.alerts.sms import SmsTemporaryError
from detection.alerts.tasks import alert_send_sms_task
from detection.models import Alert
from tests.detection.fake_twilio import fake_twilio  # noqa: F401 (fixture)


@pytest.fixture
def alert(alice) -> Alert:
    return Alert.objects.create(owner=alice, message="Stress Detector: sustained stress", status=Alert.Status.PENDING)


def test_it_sends_the_sms_and_keeps_twilios_message_sid(alert, fake_twilio, celery_eager):  # noqa: F811
    alert_send_sms_task.delay(alert.pk)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert alert.twilio_sid == "SM" + "1".zfill(32)
    assert alert.sent_at is not None
    assert alert.attempts == 1
    assert fake_twilio.requests[0]["form"]["To"] == "+447911123456"
    assert fake_twilio.requests[0]["form"]["Body"] == "Stress Detector: sustained stress"


def test_a_twilio_error_fails_the_alert_with_the_reason(alert, fake_twilio, celery_eager):  # noqa: F811
    fake_twilio.mode = "invalid_number"

    alert_send_sms_task.delay(alert.pk)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.FAILED
    assert "21211" in alert.error
    assert len(fake_twilio.requests) == 1


def test_in_process_a_timeout_fails_at_once_instead_of_retrying(alert, fake_twilio, celery_eager):  # noqa: F811
    fake_twilio.mode = "slow"

    alert_send_sms_task.delay(alert.pk)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.FAILED
    assert alert.error == "Twilio did not answer within 0.5 s"


def test_a_temporary_failure_before_the_last_attempt_leaves_the_alert_pending_for_a_retry(alert, fake_twilio):  # noqa: F811
    fake_twilio.mode = "unavailable"

    with pytest.raises(SmsTemporaryError):
        alert_send(alert_id=alert.pk, last_attempt=False)

    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (Alert.Status.PENDING, 1)
    assert "20503" in alert.error


def test_a_sent_alert_is_not_sent_again(alert, fake_twilio):  # noqa: F811
    alert_send(alert_id=alert.pk)
    alert_send(alert_id=alert.pk)

    assert len(fake_twilio.requests) == 1


@pytest.mark.redis
@pytest.mark.slow
def test_a_worker_retries_a_bounded_number_of_times_then_fails_the_alert(
    transactional_db, alert, fake_twilio, redis_celery_worker, monkeypatch  # noqa: F811
):
    monkeypatch.setattr("detection.alerts.tasks.SMS_RETRY_DELAYS_S", (0, 0, 0))
    fake_twilio.mode = "unavailable"

    alert_send_sms_task.delay(alert.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Alert.objects.get(pk=alert.pk).status == Alert.Status.PENDING:
        time.sleep(0.2)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.FAILED
    assert alert.attempts == 4  # The first try and three retries.
    assert len(fake_twilio.requests) == 4
