"""The live camera's load test (``manage.py live_bench``): WebSocket clients that each send a
face frame at F frames a second, like the live page does (at most one frame in flight per
client; a frame due while the previous one is unanswered is dropped, not queued).

The session cookie comes from logging in over HTTP (:func:`login`) or, when this process uses
the server's database, from a session created for a user (:func:`session_for`).
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from django.conf import settings
from django.core.management.base import CommandError

FRAME_SIZE = (640, 480)


@dataclass
class ClientStats:
    sent: int = 0
    answered: int = 0
    dropped: int = 0  # Due while the previous frame was still in flight: not sent.
    refused: dict[str, int] = field(default_factory=dict)  # Server errors by code (busy, rate_limited...).
    round_trips_ms: list[float] = field(default_factory=list)
    faces: int = 0


def face_frame_jpeg(image: Path | None) -> bytes:
    from PIL import Image

    if image is not None:
        photo = Image.open(image).convert("RGB")
    else:
        try:
            from skimage import data
        except ImportError:
            raise CommandError("Give a face image with --image (or install scikit-image for its astronaut photo).") from None
        photo = Image.fromarray(data.astronaut())
    photo.thumbnail(FRAME_SIZE)
    frame = Image.new("RGB", FRAME_SIZE, (32, 32, 32))
    frame.paste(photo, ((FRAME_SIZE[0] - photo.width) // 2, (FRAME_SIZE[1] - photo.height) // 2))
    buffer = io.BytesIO()
    frame.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def login(base_url: str, username: str, password: str) -> str:
    """Log in through the login form, as a browser would; returns the session cookie."""
    # unsafe: keep cookies from servers addressed by IP (127.0.0.1), which aiohttp drops by default.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        login_url = f"{base_url}/accounts/login/"
        async with http.get(login_url) as response:
            response.raise_for_status()
        csrf = cookie_value(http, settings.CSRF_COOKIE_NAME)
        if csrf is None:
            raise CommandError(f"No CSRF cookie from {login_url}")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        async with http.post(login_url, data=form, headers={"Referer": login_url}, allow_redirects=False) as response:
            if response.status != 302:
                raise CommandError(f"Logging in as {username!r} failed (HTTP {response.status}); check the username and password.")
        session = cookie_value(http, settings.SESSION_COOKIE_NAME)
        if session is None:
            raise CommandError("Logged in, but got no session cookie.")
        return session


def cookie_value(http: aiohttp.ClientSession, name: str) -> str | None:
    return next((cookie.value for cookie in http.cookie_jar if cookie.key == name), None)


def session_for(username: str) -> str:
    """A session for ``username`` in this process's database (the server's, if shared)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user {username!r} in this database.") from None
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


async def run_client(*, ws_url: str, origin: str, cookie: str, frame: bytes, fps: float, seconds: float, delay: float) -> ClientStats:
    stats = ClientStats()
    in_flight: dict[str, float] = {}
    headers = {"Origin": origin, "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url, headers=headers, max_msg_size=0) as socket:
        hello = await socket.receive_json(timeout=30)
        if hello.get("type") != "session":
            raise CommandError(f"Unexpected first message: {hello}")
        # One untimed frame first: the server may still have to load its model.
        await socket.send_bytes(frame)
        warm_up = await socket.receive_json(timeout=120)
        if warm_up.get("type") != "result":
            raise CommandError(f"The warm-up frame was not analysed: {warm_up}")
        await asyncio.sleep(delay)

        async def receive() -> None:
            async for message in socket:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                answer = json.loads(message.data)
                if answer["type"] == "result":
                    stats.answered += 1
                    stats.faces += len(answer["faces"])
                    stats.round_trips_ms.append((time.perf_counter() - in_flight.pop("sent_at")) * 1000)
                elif answer["type"] == "error":
                    stats.refused[answer["code"]] = stats.refused.get(answer["code"], 0) + 1
                    in_flight.pop("sent_at", None)

        receiver = asyncio.create_task(receive())
        period = 1 / fps
        started = time.perf_counter()
        due = started
        while due < started + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if in_flight:
                stats.dropped += 1
            else:
                in_flight["sent_at"] = time.perf_counter()
                stats.sent += 1
                await socket.send_bytes(frame)
            due += period
        # Let the last frame come back, then end the session as the page's Stop button does.
        deadline = time.perf_counter() + 5
        while in_flight and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        await socket.send_str(json.dumps({"type": "stop"}))
        await asyncio.wait_for(receiver, timeout=10)
    return stats
