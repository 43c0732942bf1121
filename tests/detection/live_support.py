"""Helpers for the live camera tests: a face frame, and a WebSocket client signed in as a user."""

from __future__ import annotations

import atexit
import functools
import io
import logging
import threading
import uuid

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from PIL import Image

from accounts.models import User
from stressdetector.asgi import application

ORIGIN = b"http://localhost"


def face_frame(width: int = 640, height: int = 480) -> Image.Image:
    """scikit-image's astronaut photo (one face), letterboxed into a camera-sized frame."""
    from skimage import data

    photo = Image.fromarray(data.astronaut())
    photo.thumbnail((width, height))
    frame = Image.new("RGB", (width, height), (32, 32, 32))
    frame.paste(photo, ((width - photo.width) // 2, (height - photo.height) // 2))
    return frame


def two_faces_frame(width: int = 640, height: int = 480) -> Image.Image:
    """Two astronauts side by side: two faces about 60 px wide, one in each half."""
    from skimage import data

    photo = Image.fromarray(data.astronaut())
    photo.thumbnail((width // 2, height))
    frame = Image.new("RGB", (width, height), (32, 32, 32))
    top = (height - photo.height) // 2
    frame.paste(photo, (0, top))
    frame.paste(photo, (width // 2, top))
    return frame


@functools.cache
def face_frame_jpeg(width: int = 640, height: int = 480) -> bytes:
    frame = face_frame(width, height)
    buffer = io.BytesIO()
    frame.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def live_socket(cookie: str | None = None) -> WebsocketCommunicator:
    """A client for /ws/live/ through the real ASGI stack (origin check, session auth)."""
    headers = [(b"origin", ORIGIN), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


def stream_socket(authorization: str | None = None, *, cookie: str | None = None) -> WebsocketCommunicator:
    """A program's client for /ws/v1/stream/: no Origin, an ``Authorization`` header if given."""
    headers = [(b"host", b"localhost")]
    if authorization:
        headers.append((b"authorization", authorization.encode()))
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/v1/stream/", headers=headers)


async def open_socket(cookie: str) -> tuple[WebsocketCommunicator, dict]:
    """A signed-in live socket, connected, with its ``session`` message read: (socket, hello)."""
    return await connected(live_socket(cookie))


async def connected(socket: WebsocketCommunicator) -> tuple[WebsocketCommunicator, dict]:
    """``socket`` connected, and the ``session`` message the server greets it with."""
    accepted, _ = await socket.connect(timeout=10)
    assert accepted
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "session"
    return socket, hello


def redis_channel_layers() -> dict:
    """CHANNEL_LAYERS for channels_redis, with a prefix of its own so tests cannot cross-talk."""
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": settings.REDIS_URL, "socket_timeout": settings.CHANNEL_LAYER_SOCKET_TIMEOUT_S}],
                "prefix": f"test-{uuid.uuid4().hex[:8]}",
            },
        }
    }


@functools.cache
def live_server_url() -> str:
    """daphne serving the real ASGI application from a thread of this process, so it shares the
    test database (tests that use it need ``transactional_db``). Twisted's reactor cannot be
    restarted, so there is one server per test run, started on first use."""
    from daphne.server import Server
    from twisted.internet import reactor

    # Its start and stop messages would outlive pytest's captured output at exit.
    logging.getLogger("daphne").setLevel(logging.WARNING)
    ready = threading.Event()
    server = Server(application, endpoints=["tcp:port=0:interface=127.0.0.1"], signal_handlers=False, ready_callable=ready.set, verbosity=0)
    threading.Thread(target=server.run, name="daphne", daemon=True).start()
    if not ready.wait(20):
        raise RuntimeError("daphne did not start")
    atexit.register(reactor.callFromThread, reactor.stop)
    host, port = server.listening_addresses[0]
    return f"http://{host}:{port}"
