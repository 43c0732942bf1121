"""The Celery app: in-process by default, a real worker through Redis when REDIS_URL is set."""

import pytest

from stressdetector.celery import app, ping


def test_the_celery_app_takes_its_settings_from_django():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"]


def test_it_runs_tasks_in_process_without_redis(celery_eager):
    result = ping.delay()

    assert result.get(timeout=1) == "pong"


@pytest.mark.redis
def test_a_worker_runs_tasks_sent_through_redis(redis_celery_worker):
    result = ping.delay()

    assert result.get(timeout=20) == "pong"
