"""When a stress alert fires (the rule's window, the cooldown, images over a threshold) and
how it is stored."""

from datetime import timedelta

import pytest

from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import AlertWindow, alert_create, alerts_check_analysis
from detection.models import Alert, AlertRule, LiveSession


@pytest.fixture
def alice_alerts_on(alice):
    alice.sms_alerts_enabled = True
    alice.save()
    return alice


def fire(owner, **overrides):
    fields = {"rule": alert_rule_get(user=owner), "stress_frames": 11, "window_frames": 50, "stress": 0.7}
    return alert_create(owner=owner, **{**fields, **overrides})


def test_the_default_rule_is_the_issues_more_than_10_of_the_last_50_frames(alice):
    rule = alert_rule_get(user=alice)

    assert (rule.threshold, rule.window, rule.cooldown_minutes) == (10, 50, 15)
    assert rule.emotions == ["angry", "disgust", "fear", "sad"]


def test_the_window_fires_on_more_than_threshold_stress_frames_of_the_last_window(alice):
    window = AlertWindow(AlertRule(owner=alice, emotions=["sad"], window=5, threshold=2))

    fired = [window.add(dominant=emotion, stress=0.5, now=0) for emotion in ["sad", "happy", "sad", "happy", "sad"]]

    assert fired == [False, False, False, False, True]


def test_frames_without_a_face_do_not_count_and_old_frames_leave_the_window(alice):
    rule = AlertRule(owner=alice, emotions=["sad"], window=3, threshold=1)

    no_faces_between = AlertWindow(rule)
    fired = [no_faces_between.add(dominant=emotion, stress=0.5, now=0) for emotion in ["sad", None, None, "happy", "sad"]]
    sad_one_too_long_ago = AlertWindow(rule)
    too_late = [sad_one_too_long_ago.add(dominant=emotion, stress=0.5, now=0) for emotion in ["sad", "happy", "happy", "sad"]]

    assert fired == [False, False, False, False, True]
    assert too_late == [False, False, False, False]


def test_after_firing_the_window_stays_quiet_for_the_cooldown(alice):
    window = AlertWindow(AlertRule(owner=alice, emotions=["sad"], window=2, threshold=0, cooldown_minutes=1))
    assert window.add(dominant="sad", stress=0.9, now=0)

    window.rest(now=0)

    assert not window.add(dominant="sad", stress=0.9, now=59)
    assert window.add(dominant="sad", stress=0.9, now=61)


def test_nothing_is_stored_when_sms_alerts_are_off(alice):
    assert fire(alice) is None
    assert not Alert.objects.exists()


def test_without_twilio_credentials_the_alert_is_stored_as_not_sent(alice_alerts_on, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    session = LiveSession.objects.create(owner=alice_alerts_on)

    alert = fire(alice_alerts_on, live_session_id=session.pk)

    assert alert.status == Alert.Status.NOT_CONFIGURED
    assert alert.get_status_display() == "Not sent: SMS not configured"
    assert alert.live_session == session
    assert (alert.stress_frames, alert.window_frames, alert.stress) == (11, 50, 0.7)
    assert alert.rule == {
        "emotions": ["angry", "disgust", "fear", "sad"],
        "window": 50,
        "threshold": 10,
        "cooldown_minutes": 15,
        "image_stress_threshold": None,
    }
    assert "11 of the last 50 frames" in alert.message


def test_with_credentials_the_alert_waits_for_its_sms_task(alice_alerts_on, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC1", "token", "+15005550006"
    queued = []
    monkeypatch.setattr("detection.alerts.tasks.alert_send_sms_task.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        alert = fire(alice_alerts_on)

    assert alert.status == Alert.Status.PENDING
    assert queued == [alert.pk]


def test_one_alert_per_cooldown_across_all_sessions(alice_alerts_on):
    first = fire(alice_alerts_on)

    assert fire(alice_alerts_on) is None
    Alert.objects.filter(pk=first.pk).update(created_at=first.created_at - timedelta(minutes=16))
    assert fire(alice_alerts_on) is not None


def test_an_analysed_image_alerts_at_the_rules_image_threshold(alice_alerts_on, make_analysis):
    AlertRule.objects.create(owner=alice_alerts_on, image_stress_threshold=0.6)

    assert alerts_check_analysis(analysis=make_analysis(alice_alerts_on, stress=0.5)) is None
    alert = alerts_check_analysis(analysis=make_analysis(alice_alerts_on, stress=0.8))

    assert alert.analysis.stress == 0.8
    assert "analysed image" in alert.message


def test_images_never_alert_without_an_image_threshold(alice_alerts_on, make_analysis):
    assert alerts_check_analysis(analysis=make_analysis(alice_alerts_on, stress=1.0)) is None


@pytest.fixture
def dead_broker(settings):
    """Celery publishing to a Redis that is not there (a port nothing listens on)."""
    import socket

    from stressdetector.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.INPROCESS_TASK_THREADS = 0
    app.conf.update(broker_url=f"redis://127.0.0.1:{port}/0", task_always_eager=False)
    app._pool = None  # Connection pools are built from the broker URL on first use.
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_with_the_task_queue_down_the_alert_is_kept_and_says_why_no_sms_came(
    alice_alerts_on, settings, django_capture_on_commit_callbacks, dead_broker
):
    from detection.alerts.services import SMS_QUEUE_UNAVAILABLE

    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC1", "token", "+15005550006"

    with django_capture_on_commit_callbacks(execute=True):
        alert = fire(alice_alerts_on)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.FAILED
    assert alert.error == SMS_QUEUE_UNAVAILABLE
