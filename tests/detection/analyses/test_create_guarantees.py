"""What analysis_create guarantees under concurrency and outages (issue 21, items 7 and 9): the
hourly limit is exact with simultaneous requests, a request whose task could not be queued is
not answered "pending", and a retried request with the same Idempotency-Key creates nothing new."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from kombu.exceptions import OperationalError

from detection.analyses import services
from detection.analyses.services import QUEUE_UNAVAILABLE_MESSAGE, AnalysisRateLimitError, analysis_create
from detection.models import Analysis

LIST_URL = reverse("api:analysis-list")


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("face.jpg", content, content_type="image/jpeg")


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(services, "_queue_analysis", ids.append)
    return ids


@pytest.mark.django_db(transaction=True)
def test_the_hourly_limit_holds_when_requests_arrive_at_the_same_moment(alice, blank_png, queued, settings, make_analysis):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database shares one cache between threads (table locks, no busy wait)")
    settings.ANALYSIS_CREATE_PER_HOUR = 12
    for _ in range(9):
        make_analysis(alice, with_images=False)
    start = threading.Barrier(10)

    def create(_: int) -> str:
        try:
            start.wait()
            analysis_create(owner=alice, source=Analysis.Source.UPLOAD, image=upload(blank_png))
            return "created"
        except AnalysisRateLimitError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(create, range(10)))

    assert sorted(outcomes) == ["created"] * 3 + ["refused"] * 7
    assert Analysis.objects.filter(owner=alice).count() == 12


@pytest.mark.django_db(transaction=True)
def test_an_upload_while_the_queue_is_down_is_answered_503_with_the_failed_analysis(alice_api, alice, blank_png, monkeypatch):
    def broker_down(task, *args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("stressdetector.background.enqueue", broker_down)

    response = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart")

    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert (body["status"], body["error"]) == ("failed", QUEUE_UNAVAILABLE_MESSAGE)
    assert Analysis.objects.get(pk=body["id"]).status == Analysis.Status.FAILED


def test_a_retry_with_the_same_idempotency_key_gets_the_same_analysis(alice_api, alice, blank_png, queued):
    first = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="abc-1")
    retry = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="abc-1")
    other = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="abc-2")

    assert (first.status_code, retry.status_code, other.status_code) == (202, 202, 202)
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert other.json()["id"] != first.json()["id"]
    assert Analysis.objects.filter(owner=alice).count() == 2


def test_an_idempotency_key_is_per_user_and_expires(alice_api, bob_api, alice, bob, blank_png, queued, settings):
    mine = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="same").json()
    bobs = bob_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="same").json()
    Analysis.objects.filter(pk=mine["id"]).update(created_at=Analysis.objects.get(pk=mine["id"]).created_at.replace(year=2020))
    later = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="same").json()

    assert bobs["id"] != mine["id"]
    assert later["id"] not in (mine["id"], bobs["id"])


def test_an_overlong_idempotency_key_is_refused(alice_api, alice, blank_png, queued):
    response = alice_api.post(LIST_URL, {"image": upload(blank_png)}, format="multipart", HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert response.status_code == 400
    with pytest.raises(ValidationError):
        analysis_create(owner=alice, source=Analysis.Source.UPLOAD, image=upload(blank_png), idempotency_key="k" * 256)


@pytest.mark.slow
def test_the_hourly_limit_holds_on_the_default_server_with_simultaneous_requests(tmp_path, blank_png):
    """uvicorn on a SQLite file, as `make run` serves: the count and the insert are one step."""
    import requests

    from tests.detection.default_server import DefaultServer

    server = DefaultServer(tmp_path, ANALYSIS_CREATE_PER_HOUR="5", API_USER_RATE="10000/hour")
    server.create_user()
    server.start()
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {server.token()}"
        start = threading.Barrier(15)

        def post(_: int) -> int:
            start.wait()
            files = {"image": ("blank.png", blank_png, "image/png")}
            return session.post(f"{server.url}/api/v1/analyses/", files=files, timeout=120).status_code

        with ThreadPoolExecutor(15) as pool:
            codes = list(pool.map(post, range(15)))
    finally:
        server.stop()

    assert sorted(codes) == [202] * 5 + [429] * 10
