"""A cap on request bodies, applied before Django reads a byte of them.

Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, the upload form's size check) act only once the
server has taken the whole body in, and daphne (`manage.py runserver`) queues every chunk of it
in memory before the application runs: one anonymous 300 MB POST grew that server by gigabytes.
This ASGI middleware answers 413 as soon as the Content-Length header is over the cap, without
reading the body, and stops a body sent without a length (chunked) as soon as it passes the cap.
uvicorn, which `make run` and docker/start-web use, reads no more of a body than the
application asks for, so nothing over the cap is ever held in memory.
"""

from __future__ import annotations

import json

from django.conf import settings


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _refusal(path: str, limit: int) -> tuple[bytes, bytes]:
    """The 413's body and content type: JSON for the API, a short page for everyone else."""
    message = f"The request is too large: at most {_megabytes(limit)} may be sent."
    if path.startswith("/api/"):
        return json.dumps({"detail": message, "code": "too_large"}).encode(), b"application/json"
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Request too large</title>"
        f"<h1>Request too large</h1><p>{message}</p><p><a href=/>Back to Stress Detector</a></p></html>"
    )
    return page.encode(), b"text/html; charset=utf-8"


async def _send_413(send, path: str, limit: int) -> None:
    body, content_type = _refusal(path, limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def request_body_limit(path: str) -> int:
    """The cap for a request to ``path``: the video upload paths take a video, the rest at most an image."""
    if path in settings.VIDEO_UPLOAD_PATHS:
        return settings.VIDEO_REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


class RequestBodyLimit:
    """ASGI middleware: refuse HTTP request bodies over settings.REQUEST_BODY_MAX_BYTES with 413."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        limit = request_body_limit(scope.get("path", ""))
        length = _content_length(scope)
        if length is not None and length > limit:
            return await _send_413(send, scope.get("path", ""), limit)

        received = 0
        over_limit = False

        async def receive_within_limit():
            nonlocal received, over_limit
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # To Django this is a client that went away: it stops reading and answers
                    # nothing, and the 413 below is the one response.
                    over_limit = True
                    return {"type": "http.disconnect"}
            return message

        response_started = False

        async def send_tracking_start(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.application(scope, receive_within_limit, send_tracking_start)
        if over_limit and not response_started:
            await _send_413(send, scope.get("path", ""), limit)
