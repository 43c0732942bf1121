"""The live camera over a WebSocket: the browser sends JPEG frames, the server answers each with
the faces it found.

Protocol (path ``/ws/live/``; a signed-in session only, from an allowed origin):

Client to server
    binary message: one JPEG frame (at most ``LIVE_MAX_FRAME_BYTES``).
    ``{"type": "snapshot"}``: store the last analysed frame as an analysis (source "live").
    ``{"type": "stop"}``: end the session; the server answers ``stopped`` and closes.

Server to client (JSON text)
    ``{"type": "session", "id", "url"}``: once, on connecting.
    ``{"type": "result", "seq", "faces": [{"box", "probabilities", "dominant", "confidence",
    "stress"}], "dominant", "stress", "stress_level", "width", "height", "ms"}``: one per
    analysed frame (``stress_level`` is low, moderate or high);
    ``seq`` counts analysed frames, ``ms`` is the server's analysis time.
    ``{"type": "error", "code", "message"}``: a frame or message was refused; ``code`` is
    ``bad_frame`` (not a JPEG we can read), ``too_large``, ``rate_limited`` (more than
    ``LIVE_MAX_FPS`` frames a second), ``busy`` (a frame arrived while the previous one was
    still being analysed: it is dropped, never queued) or ``bad_message``.
    ``{"type": "snapshot", "analysis", "url"}``: the snapshot was stored.
    ``{"type": "alert", ...}``: a stress alert fired or its SMS status changed.
    ``{"type": "stopped", "session", "url"}``: after ``stop`` (both null when no frame was
    analysed: such a session is not kept).

Flow control: at most one frame per connection is analysed at a time; the client should send
the next frame only after the answer to the previous one. Analysis runs on a small thread pool
shared by all connections, so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import AlertWindow, alert_create, alerts_group_name
from detection.analyses.inference import InvalidImageError, analyze_live_frame
from detection.live.services import live_session_end, live_session_save, live_session_start
from detection.live.tracker import LiveTracker
from detection.models import Analysis
from stressdetector.ops.metrics import LIVE_CONNECTIONS, LIVE_FRAMES

logger = logging.getLogger(__name__)

JPEG_MAGIC = b"\xff\xd8\xff"
# Close codes (4000-4999 are the application's).
CLOSE_UNAUTHENTICATED = 4401

_inference_pool: ThreadPoolExecutor | None = None


def inference_pool() -> ThreadPoolExecutor:
    """The process-wide pool that runs analyses off the event loop (created on first use)."""
    global _inference_pool
    if _inference_pool is None:
        _inference_pool = ThreadPoolExecutor(max_workers=settings.LIVE_INFERENCE_THREADS, thread_name_prefix="live-inference")
    return _inference_pool


class RateLimiter:
    """A token bucket: ``rate`` events a second on average, bursts of up to ``rate``."""

    def __init__(self, rate: float, *, clock=time.monotonic):
        self.rate = rate
        self.tokens = rate
        self.clock = clock
        self.updated = clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.user = self.scope["user"]
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.tracker = LiveTracker()
        self.rate_limiter = RateLimiter(settings.LIVE_MAX_FPS)
        self.analysis_task: asyncio.Task | None = None
        self.last_frame: bytes | None = None
        self.ended = False
        self.saver: asyncio.Task | None = None
        self.session = await database_sync_to_async(live_session_start)(owner=self.user)
        self.alert_window = AlertWindow(await database_sync_to_async(alert_rule_get)(user=self.user))
        self.alerts_group = alerts_group_name(self.user.pk)
        await self.channel_layer.group_add(self.alerts_group, self.channel_name)
        await self.accept()
        LIVE_CONNECTIONS.inc()
        self.saver = asyncio.create_task(self.save_periodically())
        await self.send_json({"type": "session", "id": self.session.pk, "url": self.session.get_absolute_url()})

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "session", None):
            return
        if getattr(self, "saver", None) is not None:  # Set once the connection was accepted.
            LIVE_CONNECTIONS.dec()
        await self.end_session()
        await self.channel_layer.group_discard(self.alerts_group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None:
            await self.receive_frame(bytes_data)
            return
        try:
            message = json.loads(text_data)
            kind = message["type"]
        except (TypeError, ValueError, KeyError):
            await self.send_error("bad_message", "Send JPEG frames as binary messages and JSON control messages as text.")
            return
        if kind == "snapshot":
            await self.snapshot()
        elif kind == "stop":
            kept = await self.end_session()
            # A session without any analysed frame is not kept, so there is nothing to link to.
            url = self.session.get_absolute_url() if kept else None
            await self.send_json({"type": "stopped", "session": self.session.pk if kept else None, "url": url})
            await self.close()
        else:
            await self.send_error("bad_message", f"Unknown message type {kind!r}.")

    # --- Frames ------------------------------------------------------------------------------

    async def receive_frame(self, frame: bytes) -> None:
        if self.ended:
            return
        if not self.rate_limiter.allow():
            await self.send_error("rate_limited", f"At most {settings.LIVE_MAX_FPS:g} frames a second.")
            return
        if self.analysis_task is not None:
            await self.send_error("busy", "The previous frame is still being analysed; this one was dropped.")
            return
        if len(frame) > settings.LIVE_MAX_FRAME_BYTES:
            await self.send_error("too_large", f"A frame may be at most {settings.LIVE_MAX_FRAME_BYTES // 1024} KB.")
            return
        if not frame.startswith(JPEG_MAGIC):
            await self.send_error("bad_frame", "A frame must be a JPEG image.")
            return
        # Analyse in the background and return at once, so that a frame arriving meanwhile is
        # answered "busy" straight away instead of waiting in the server's queue.
        self.analysis_task = asyncio.create_task(self.analyse(frame))

    async def analyse(self, frame: bytes) -> None:
        try:
            started = time.perf_counter()
            try:
                result = await asyncio.get_running_loop().run_in_executor(inference_pool(), analyze_live_frame, frame)
            except InvalidImageError as error:
                await self.send_error("bad_frame", str(error))
                return
            elapsed_ms = (time.perf_counter() - started) * 1000
            LIVE_FRAMES.inc()
            self.last_frame = frame
            self.tracker.add(result)
            if self.ended:
                return
            await self.send_json(
                {
                    "type": "result",
                    "seq": self.tracker.frames_analyzed,
                    "faces": [face.to_dict() for face in result.faces],
                    "dominant": result.dominant,
                    "stress": round(result.stress, 4),
                    "stress_level": result.stress_level,
                    "width": result.width,
                    "height": result.height,
                    "ms": round(elapsed_ms, 1),
                }
            )
            await self.check_alert(dominant=result.dominant, stress=result.stress)
        except Exception:
            # One bad frame must not end the session.
            logger.exception("Live frame analysis failed")
            await self.send_error("bad_frame", "The frame could not be analysed.")
        finally:
            self.analysis_task = None

    async def check_alert(self, *, dominant: str | None, stress: float) -> None:
        window = self.alert_window
        now = time.monotonic()
        if not window.add(dominant=dominant, stress=stress, now=now):
            return
        stress_frames, window_frames, mean_stress = window.stress_frames, len(window.frames), window.mean_stress
        window.rest(now=now)
        # The SMS goes out from a Celery task; only with eager Celery (no Redis: one person on
        # one machine) does it run here, in the database thread, never on the event loop.
        await database_sync_to_async(alert_create)(
            owner=self.user,
            rule=window.rule,
            stress_frames=stress_frames,
            window_frames=window_frames,
            stress=mean_stress,
            live_session_id=self.session.pk,
        )

    # --- Control messages --------------------------------------------------------------------

    async def snapshot(self) -> None:
        if self.last_frame is None:
            await self.send_error("bad_message", "No frame has been analysed yet.")
            return
        from detection.analyses.services import analysis_create

        try:
            analysis = await database_sync_to_async(analysis_create)(
                owner=self.user, source=Analysis.Source.LIVE, image=ContentFile(self.last_frame, name="live.jpg")
            )
        except ValidationError as error:
            await self.send_error("bad_frame", error.messages[0])
            return
        await self.send_json({"type": "snapshot", "analysis": analysis.pk, "url": analysis.get_absolute_url()})

    async def alert_changed(self, event: dict) -> None:
        """An alert of this user was stored or its SMS status changed (from any process)."""
        await self.send_json({"type": "alert", **event["alert"]})

    # --- Storing the session -----------------------------------------------------------------

    async def save_periodically(self) -> None:
        saved_frames = 0
        while True:
            await asyncio.sleep(settings.LIVE_SAVE_SECONDS)
            if self.tracker.frames_analyzed != saved_frames:
                saved_frames = self.tracker.frames_analyzed
                try:
                    await database_sync_to_async(live_session_save)(session_id=self.session.pk, progress=self.tracker.progress())
                except Exception:
                    logger.exception("Could not save live session %s", self.session.pk)

    async def end_session(self) -> bool:
        """Save the session a last time; False when it was not kept (no frame analysed)."""
        if self.ended:
            return self.tracker.frames_analyzed > 0
        self.ended = True
        if self.saver is not None:
            self.saver.cancel()
        if self.analysis_task is not None:
            # Let the frame being analysed finish, so that it is counted.
            await asyncio.wait([self.analysis_task], timeout=5)
        return await database_sync_to_async(live_session_end)(session_id=self.session.pk, progress=self.tracker.progress())

    # --- Helpers -----------------------------------------------------------------------------

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
