"""The analysis task, run the two real ways: in-process (no Redis, the default) and by a Celery
worker consuming from Redis."""

import time

import pytest

from detection.analyses import fetch, tasks
from detection.analyses.services import analysis_create
from detection.models import Analysis
from tests.detection.conftest import ASTRONAUT_FACE_CENTRE, face_contains, upload

pytestmark = pytest.mark.slow


def wait_until_finished(analysis: Analysis, timeout: float = 90) -> Analysis:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        analysis.refresh_from_db()
        if analysis.is_finished:
            return analysis
        time.sleep(0.1)
    raise AssertionError(f"analysis {analysis.pk} still {analysis.status} after {timeout}s")


def test_the_task_is_acknowledged_late_and_redelivered_if_its_worker_dies():
    assert tasks.analysis_run_task.acks_late is True
    assert tasks.analysis_run_task.reject_on_worker_lost is True
    assert tasks.analysis_run_task.max_retries == len(tasks.ANALYSIS_RETRY_DELAYS_S)


def test_it_runs_in_process_when_there_is_no_broker(alice, astronaut_jpeg, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        analysis = analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE
    assert any(face_contains(face, ASTRONAUT_FACE_CENTRE) for face in analysis.faces.all())


def test_in_process_a_timeout_fails_at_once_without_retries(
    alice, image_server, monkeypatch, celery_eager, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.2)

    with django_capture_on_commit_callbacks(execute=True):
        analysis = analysis_create(owner=alice, source="url", source_url=image_server.url("/slow"))

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert "too long" in analysis.error
    assert len(image_server.requests) == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_analyses_an_upload_sent_through_redis(redis_celery_worker, alice, astronaut_jpeg):
    analysis = analysis_create(owner=alice, source="upload", image=upload(astronaut_jpeg))

    analysis = wait_until_finished(analysis)

    assert analysis.status == Analysis.Status.DONE
    assert any(face_contains(face, ASTRONAUT_FACE_CENTRE) for face in analysis.faces.all())
    assert analysis.annotated


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_fetches_a_url_and_reports_a_bad_one(redis_celery_worker, alice, image_server):
    good = analysis_create(owner=alice, source="url", source_url=image_server.url("/astronaut.jpg"))
    bad = analysis_create(owner=alice, source="url", source_url=image_server.url("/page.html"))

    assert wait_until_finished(good).status == Analysis.Status.DONE
    bad = wait_until_finished(bad)
    assert bad.status == Analysis.Status.FAILED
    assert "did not return an image" in bad.error


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_a_timeout_a_bounded_number_of_times_then_fails(redis_celery_worker, alice, image_server, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.2)
    monkeypatch.setattr(tasks, "ANALYSIS_RETRY_DELAYS_S", (0, 0))

    analysis = wait_until_finished(analysis_create(owner=alice, source="url", source_url=image_server.url("/slow")))

    assert analysis.status == Analysis.Status.FAILED
    assert "too long" in analysis.error
    assert len(image_server.requests) == 1 + tasks.analysis_run_task.max_retries
