"""The Celery tasks of the subpackages: registered under the names they had before detection was
split (the beat schedule, messages already queued and the services refer to them by name), and
a starting worker still recovers stuck work."""

from celery.signals import worker_ready
from django.conf import settings

from stressdetector.background import enqueue
from stressdetector.celery import app

TASK_NAMES = {"detection.tasks.analysis_run_task", "detection.tasks.maintenance_task", "detection.tasks.alert_send_sms_task"}


def test_the_tasks_keep_their_registered_names():
    assert set(app.tasks) >= TASK_NAMES


def test_the_beat_schedule_names_registered_tasks():
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)


def test_a_starting_worker_queues_the_maintenance(monkeypatch):
    queued = []
    monkeypatch.setattr("detection.analyses.tasks.maintenance_task.delay", lambda: queued.append("maintenance"))

    worker_ready.send(sender=None)

    assert queued == ["maintenance"]


def test_a_task_is_queued_by_its_name(celery_eager, monkeypatch):
    queued = []
    monkeypatch.setattr("detection.alerts.tasks.alert_send_sms_task.delay", queued.append)

    enqueue("detection.tasks.alert_send_sms_task", 42)

    assert queued == [42]
