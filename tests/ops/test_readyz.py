"""/readyz in this process; tests/ops/test_start_scripts.py covers it in a real server, with
an unreachable database."""

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from ml.pipeline import get_analyzer


@pytest.fixture
def loaded_model(settings) -> None:
    # The first check loads the model in the background; load it first so the test need not wait.
    get_analyzer(settings.ML_WEIGHTS_DIR or None)


def redis_settings(url: str) -> dict:
    return {
        "REDIS_URL": url,
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [{"address": url, "socket_timeout": 5, "socket_connect_timeout": 1}]},
            }
        },
    }


@pytest.mark.slow
def test_it_is_ready_when_every_part_works(db, loaded_model):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok" if settings.REDIS_URL else "not configured", "channel_layer": "ok", "model": "ok"},
    }


@pytest.mark.slow
def test_without_redis_it_says_redis_is_not_configured(db, loaded_model, settings):
    settings.REDIS_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "not configured"


@pytest.mark.slow
def test_it_names_redis_and_the_channel_layer_when_redis_stops(db, loaded_model, redis_server):
    with override_settings(**redis_settings(redis_server.url)):
        assert Client().get("/readyz").status_code == 200

        redis_server.stop()
        response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["model"] == "ok"
    assert body["checks"]["redis"].startswith("error: ConnectionError")
    assert body["checks"]["channel_layer"].startswith("error:")


def test_it_does_not_need_a_login_or_a_session(db, loaded_model):
    response = Client().get("/readyz")

    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("max-age=0")
