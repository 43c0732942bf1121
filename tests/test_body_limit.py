"""Request bodies over REQUEST_BODY_MAX_BYTES are refused with 413 before they are read, by the
ASGI application itself and so by the server `make run` starts."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from asgiref.sync import async_to_sync

from stressdetector.asgi import application
from tests.detection.default_server import DefaultServer

LIMIT = 100_000
CHUNK = 16_384


def call(path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[dict, int]:
    """POST through the ASGI application; returns the response and how many chunks it read."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1], "more_body": pulled < len(chunks)}
        await asyncio.Event().wait()  # a client that waits for its answer

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return {"status": start["status"], "headers": dict(start["headers"]), "body": body}, pulled


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.REQUEST_BODY_MAX_BYTES = LIMIT


@pytest.mark.django_db
def test_a_body_declared_over_the_limit_is_refused_without_reading_it():
    response, pulled = call("/accounts/login/", [(b"content-length", str(300 * 1024 * 1024).encode())], [b"a" * CHUNK] * 3)

    assert response["status"] == 413
    assert pulled == 0
    assert b"too large" in response["body"]
    assert response["headers"][b"content-type"].startswith(b"text/html")


@pytest.mark.django_db
def test_a_body_sent_without_a_length_is_cut_off_once_it_passes_the_limit():
    chunks = [b"a" * CHUNK] * 1000  # 16 MB, chunked

    response, pulled = call("/accounts/login/", [(b"transfer-encoding", b"chunked")], chunks)

    assert response["status"] == 413
    assert pulled == LIMIT // CHUNK + 1


@pytest.mark.django_db
def test_the_api_gets_its_refusal_as_json():
    response, _ = call("/api/v1/analyses/", [(b"content-length", str(LIMIT + 1).encode())], [b"a" * (LIMIT + 1)])

    assert response["status"] == 413
    assert json.loads(response["body"])["code"] == "too_large"


@pytest.mark.django_db
def test_a_body_within_the_limit_reaches_django():
    body = b"username=alice&password=wrong"

    response, pulled = call(
        "/accounts/login/",
        [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/x-www-form-urlencoded")],
        [body],
    )

    assert response["status"] == 403  # Django's CSRF check: the body got through to Django
    assert pulled == 1


@pytest.mark.slow
def test_the_default_server_answers_413_before_a_huge_body_is_sent(tmp_path):
    server = DefaultServer(tmp_path, REQUEST_BODY_MAX_BYTES=str(LIMIT))
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
            head = (
                "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 314572800\r\n\r\n"
            )
            # Only the headers and 64 KB of the announced 300 MB: the answer must not wait for the rest.
            connection.sendall(head.encode() + b"a" * 65536)
            reply = connection.recv(4096)
    finally:
        server.stop()

    assert reply.startswith(b"HTTP/1.1 413")


def test_the_video_upload_paths_take_a_video_sized_body(settings):
    from stressdetector.body_limit import request_body_limit

    settings.VIDEO_REQUEST_BODY_MAX_BYTES = 500 * 1024 * 1024
    settings.REQUEST_BODY_MAX_BYTES = 11 * 1024 * 1024

    assert request_body_limit("/api/v1/videos/") == request_body_limit("/detection/videos/new/") == 500 * 1024 * 1024
    assert request_body_limit("/api/v1/analyses/") == request_body_limit("/api/v1/videos/1/") == 11 * 1024 * 1024
