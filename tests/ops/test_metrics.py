import pytest
from django.test import Client
from prometheus_client import REGISTRY

from detection.models import Analysis
from stressdetector.celery import ping
from stressdetector.ops.metrics import metrics_exposition

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    return settings


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_it_refuses_a_client_outside_the_allowed_networks_without_the_token(db, metrics_settings):
    response = Client(REMOTE_ADDR="192.0.2.10").get("/metrics")

    assert response.status_code == 403
    assert b"stressdetector_" not in response.content


def test_it_refuses_a_wrong_token(db, metrics_settings):
    response = Client(REMOTE_ADDR="192.0.2.10").get("/metrics", headers={"Authorization": "Bearer guess"})

    assert response.status_code == 403


def test_the_token_opens_it_from_anywhere(db, metrics_settings):
    response = Client(REMOTE_ADDR="192.0.2.10").get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")


def test_an_allowed_network_opens_it_without_the_token(db, metrics_settings):
    response = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")

    assert response.status_code == 200


def test_by_default_only_this_machine_may_read_it(db):
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.10").get("/metrics").status_code == 403


def test_it_counts_requests_by_view_and_status(db):
    before = sample("stressdetector_http_requests_total", method="GET", view="healthz", status="200")

    Client().get("/healthz")
    Client().get("/healthz")

    assert sample("stressdetector_http_requests_total", method="GET", view="healthz", status="200") == before + 2
    assert b'stressdetector_http_requests_total{method="GET",status="200",view="healthz"}' in metrics_exposition()


def test_it_counts_analyses_by_status_from_the_database(alice, bob):
    Analysis.objects.create(owner=alice, source="upload", status="done")
    Analysis.objects.create(owner=bob, source="upload", status="done")
    Analysis.objects.create(owner=alice, source="url", status="failed")

    text = Client().get("/metrics").content.decode()

    assert 'stressdetector_analyses{status="done"} 2.0' in text
    assert 'stressdetector_analyses{status="failed"} 1.0' in text
    assert 'stressdetector_analyses{status="pending"} 0.0' in text


def test_it_times_celery_tasks(celery_eager):
    before = sample("stressdetector_task_duration_seconds_count", task="stressdetector.ping", state="SUCCESS")

    assert ping.delay().get() == "pong"

    assert sample("stressdetector_task_duration_seconds_count", task="stressdetector.ping", state="SUCCESS") == before + 1
