"""A fake Twilio REST API on loopback, for the real twilio client to talk to.

It answers ``POST /2010-04-01/Accounts/<sid>/Messages.json`` like Twilio does, after checking
the HTTP basic credentials and the form fields, and records every request. ``mode`` picks the
answer: "ok" (201 with a message SID), "invalid_number" (Twilio's 400, error 21211),
"unavailable" (503) or "slow" (answers after ``slow_seconds``, for timeouts).
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token"
FROM_NUMBER = "+15005550006"


@dataclass
class FakeTwilio:
    base_url: str = ""
    mode: str = "ok"
    slow_seconds: float = 2.0
    requests: list[dict] = field(default_factory=list)


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            credentials = base64.b64decode(self.headers.get("Authorization", "Basic ").split(" ", 1)[1] or b"").decode()
            fake.requests.append({"path": self.path, "form": form, "credentials": credentials})

            if self.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                return self.answer(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
            if credentials != f"{ACCOUNT_SID}:{AUTH_TOKEN}":
                return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if not form.get("To") or form.get("From") != FROM_NUMBER or not form.get("Body"):
                return self.answer(400, {"code": 21604, "message": "A 'To', 'From' and 'Body' are required.", "status": 400})
            if fake.mode == "invalid_number":
                message = f"The 'To' number {form['To']} is not a valid phone number."
                return self.answer(400, {"code": 21211, "message": message, "status": 400})
            if fake.mode == "unavailable":
                return self.answer(503, {"code": 20503, "message": "Service unavailable", "status": 503})
            if fake.mode == "slow":
                time.sleep(fake.slow_seconds)
            sid = f"SM{len(fake.requests):032d}"
            self.answer(201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": form["To"], "body": form["Body"], "status": "queued"})

        def answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            # The client may have given up waiting (the "slow" mode), as it should.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    return Handler


@pytest.fixture
def fake_twilio(settings) -> Iterator[FakeTwilio]:
    """The fake API, with the settings pointing the twilio client at it."""
    fake = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_API_BASE_URL = fake.base_url
    settings.TWILIO_TIMEOUT_SECONDS = 0.5
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
