"""No analysis stays pending or processing for ever: one whose run was lost (a crash, a killed
worker) is queued again once, then failed with a clear reason; the user can try again."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from detection.analyses.maintenance import maintenance_run
from detection.analyses.services import STUCK_MESSAGE, analysis_recover_stuck
from detection.models import Analysis
from tests.detection.default_server import DefaultServer, wait_until_finished


def make_stuck(make_analysis, owner, *, status=Analysis.Status.PROCESSING, minutes_ago=30, **fields) -> Analysis:
    analysis = make_analysis(owner, status=status, **fields)
    long_ago = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Analysis.objects.filter(pk=analysis.pk).update(created_at=long_ago, started_at=long_ago if status == "processing" else None)
    return analysis


def test_a_stuck_analysis_is_queued_again_and_then_finishes(alice, make_analysis, celery_eager, django_capture_on_commit_callbacks):
    analysis = make_stuck(make_analysis, alice)

    with django_capture_on_commit_callbacks(execute=True):
        requeued, failed = analysis_recover_stuck(stuck_before=timezone.now() - dt.timedelta(minutes=10))

    assert (requeued, failed) == ([analysis.pk], [])
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE
    assert analysis.requeued_at is not None
    assert analysis.face_count >= 1


def test_an_analysis_stuck_again_after_being_queued_again_fails_with_a_reason(alice, make_analysis):
    analysis = make_stuck(make_analysis, alice, status=Analysis.Status.PENDING, requeued_at=timezone.now() - dt.timedelta(minutes=20))

    requeued, failed = analysis_recover_stuck(stuck_before=timezone.now() - dt.timedelta(minutes=10))

    assert (requeued, failed) == ([], [analysis.pk])
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error == STUCK_MESSAGE


def test_recent_and_finished_analyses_are_left_alone(alice, make_analysis, django_capture_on_commit_callbacks):
    recent = make_stuck(make_analysis, alice, minutes_ago=2)
    done = make_stuck(make_analysis, alice, status=Analysis.Status.DONE)
    recently_requeued = make_stuck(make_analysis, alice, requeued_at=timezone.now() - dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert analysis_recover_stuck(stuck_before=timezone.now() - dt.timedelta(minutes=10)) == ([], [])

    assert callbacks == []
    assert [Analysis.objects.get(pk=a.pk).status for a in (recent, done, recently_requeued)] == ["processing", "done", "processing"]


def test_the_maintenance_round_uses_the_stuck_deadline_setting(alice, make_analysis, settings, django_capture_on_commit_callbacks):
    settings.ANALYSIS_STUCK_AFTER_SECONDS = 60 * 60
    analysis = make_stuck(make_analysis, alice, minutes_ago=30)

    with django_capture_on_commit_callbacks(execute=False):
        assert maintenance_run()["requeued"] == []
        settings.ANALYSIS_STUCK_AFTER_SECONDS = 60
        assert maintenance_run()["requeued"] == [analysis.pk]


def test_a_failed_analysis_page_offers_to_try_again_and_does_not_poll(alice_client, alice, make_analysis):
    analysis = make_analysis(alice, status=Analysis.Status.FAILED, error=STUCK_MESSAGE)

    html = alice_client.get(analysis.get_absolute_url()).content.decode()

    assert STUCK_MESSAGE in html
    assert reverse("detection:analysis_retry", args=[analysis.pk]) in html
    assert "Try again" in html
    assert "analysis-progress" not in html


def test_trying_again_runs_the_analysis_from_the_start(
    alice_client, alice, make_analysis, celery_eager, django_capture_on_commit_callbacks
):
    analysis = make_analysis(alice, status=Analysis.Status.FAILED, error=STUCK_MESSAGE)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("detection:analysis_retry", args=[analysis.pk]))

    assert response.url == analysis.get_absolute_url()
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE
    assert analysis.error == ""


def test_another_user_cannot_retry_an_analysis(bob_client, alice, make_analysis):
    analysis = make_analysis(alice, status=Analysis.Status.FAILED, error="Broken")

    assert bob_client.post(reverse("detection:analysis_retry", args=[analysis.pk])).status_code == 404
    assert Analysis.objects.get(pk=analysis.pk).status == Analysis.Status.FAILED


@pytest.mark.slow
def test_an_analysis_running_when_the_server_is_killed_finishes_after_a_restart(tmp_path, image_server, astronaut_jpeg):
    """A URL analysis whose server hangs keeps the analysis processing; the server is killed
    (SIGKILL) then started again, and the analysis is picked up and finishes."""
    release = threading.Event()
    calls = []

    def hang_once(handler) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            release.wait(120)
            return
        handler._answer(200, {"Content-Type": "image/jpeg"}, astronaut_jpeg)

    image_server.routes["/hang-once"] = hang_once
    server = DefaultServer(tmp_path, ANALYSIS_URL_ALLOWED_HOSTS="127.0.0.1")
    server.create_user()
    try:
        server.start()
        session = requests.Session()
        session.headers["Authorization"] = f"Token {server.token()}"
        url = session.post(f"{server.url}/api/analyses/", json={"url": image_server.url("/hang-once")}, timeout=30).json()["url"]
        deadline = time.monotonic() + 60
        while session.get(url, timeout=10).json()["status"] != "processing":
            assert time.monotonic() < deadline, "the analysis never started"
            time.sleep(0.2)

        server.kill()
        server.start()

        finished = wait_until_finished(session, [url], timeout=120)
        assert finished[url]["status"] == "done"
        assert finished[url]["face_count"] >= 1
        assert len(calls) == 2
    finally:
        release.set()
        server.stop()
