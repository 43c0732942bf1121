"""After a Redis restart every pooled connection is dead; the web process must notice and use a
fresh one, not answer the next WebSocket connect with HTTP 500."""

from __future__ import annotations

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.detection.default_server import DefaultServer
from tests.helpers import PASSWORD
from tests.ops.support import RedisServer

pytestmark = pytest.mark.slow


def log_in(server: DefaultServer) -> str:
    """A signed-in browser's Cookie header."""
    session = requests.Session()
    session.get(f"{server.url}/accounts/login/", timeout=30)
    session.post(
        f"{server.url}/accounts/login/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{server.url}/accounts/login/"},
        timeout=30,
    )
    assert "sessionid" in session.cookies
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def open_live_socket(server: DefaultServer, cookie: str) -> str:
    headers = {"Origin": server.url, "Cookie": cookie}
    try:
        with connect(f"ws://127.0.0.1:{server.port}/ws/live/", additional_headers=headers, open_timeout=30):
            return "accepted"
    except InvalidStatus as refusal:
        return f"HTTP {refusal.response.status_code}"


def test_live_sockets_open_right_after_a_redis_restart(tmp_path):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    server = DefaultServer(tmp_path, REDIS_URL=redis_server.url)
    server.create_user("alice")
    server.start()
    try:
        cookie = log_in(server)
        # Several sockets, so that the pool holds several connections when Redis goes away.
        before = [open_live_socket(server, cookie) for _ in range(3)]
        redis_server.stop()
        redis_server.start()

        after = [open_live_socket(server, cookie) for _ in range(4)]
        ready = requests.get(f"{server.url}/readyz", timeout=30).json()["checks"]
    finally:
        server.stop()
        redis_server.stop()

    assert before == ["accepted"] * 3
    assert after == ["accepted"] * 4
    assert ready["channel_layer"] == "ok"
    assert ready["redis"] == "ok"
