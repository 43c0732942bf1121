"""Live analysis over a WebSocket: a client sends JPEG frames, the server answers each with the
faces it found, each with the person id that follows it from frame to frame.

Two doors, one protocol (:class:`LiveProtocolConsumer`):

- ``/ws/live/`` (:class:`LiveConsumer`): the live camera page; a signed-in browser session, from
  the site's own origin (stressdetector/asgi.py adds the session and the origin check).
- ``/ws/v1/stream/`` (:class:`StreamConsumer`): programs; an API token in the handshake
  (``Authorization: Token <key>``), no cookies and no origin check.

A refused handshake (no signed-in user, no or a bad token) is accepted and closed at once with
code 4401 and the reason, so any client can read why. A socket over the account's
``LIVE_MAX_SOCKETS_PER_USER`` gets a ``too_many_sockets`` error and code 4429.

Client to server
    ``{"type": "config", "smoothing", "min_face", "probabilities"}`` (optional, before the first
    frame; every key optional): the per-person smoothing time constant in seconds (0-30, default
    ``ml.tracking.SMOOTHING_SECONDS``), the smallest face looked for in px (``LIVE_MIN_FACE``-480),
    whether results carry the probability tables (default true). Answered with ``config``.
    binary message: one JPEG frame (at most ``LIVE_MAX_FRAME_BYTES`` and, read from its header
    before decoding, ``LIVE_MAX_FRAME_PIXELS``).
    ``{"type": "snapshot"}``: store the last analysed frame and the result it got as an analysis.
    ``{"type": "stop"}``: end the session; the server answers ``stopped`` and closes.

Server to client (JSON text)
    ``{"type": "session", "id", "url"}``: once, on connecting.
    ``{"type": "config", "smoothing", "min_face", "probabilities"}``: the options in force.
    ``{"type": "result", "frame", "seq", "t", "faces": [{"person", "box", "probabilities",
    "dominant", "confidence", "stress", "smoothed": {"dominant", "stress", "probabilities"}}],
    "dominant", "stress", "stress_level", "width", "height", "ms"}``: the answer to a frame.
    ``frame`` counts the binary messages received (so a reply can be matched to its frame),
    ``seq`` the frames analysed, ``t`` is the frame's arrival in seconds since the session began,
    ``ms`` the server's analysis time; ``person`` is 1, 2, ... per session.
    ``{"type": "error", "code", "message"[, "frame"]}``: a frame (then with its ``frame``) or
    message was refused; ``code`` is ``bad_frame`` (not a JPEG we can read), ``too_large`` (bytes
    or pixels), ``rate_limited`` (over ``LIVE_MAX_FPS`` frames a second per connection, for a
    stream ``LIVE_STREAM_MAX_FPS`` per token, or ``LIVE_MAX_FPS_PER_USER`` over all the account's
    sockets), ``busy`` (the previous frame is still being analysed: this one is dropped, never
    queued), ``bad_config`` or ``bad_message`` (any text message that is not a JSON object with a
    known string ``type``).
    ``{"type": "snapshot", "analysis", "url"}``: the snapshot was stored.
    ``{"type": "alert", ...}``: a stress alert fired (``person`` says whose) or its SMS status changed.
    ``{"type": "stopped", "session", "url"}``: after ``stop`` (both null when no frame was
    analysed: such a session is not kept).

Every binary message gets exactly one reply, ``result`` or ``error``. Flow control: at most one
frame per connection is analysed at a time; send the next frame after the answer to the previous
one. Analysis runs on a small thread pool shared by all connections, so the event loop never
blocks on it; the tracker (``ml.tracking``) runs after it on the event loop (tens of microseconds).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework.exceptions import AuthenticationFailed

from accounts.authentication import ApiTokenAuthentication
from accounts.models import User
from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import AlertWindow, alert_create, alerts_group_name
from detection.analyses.inference import InvalidImageError, analyze_live_frame
from detection.live import limits
from detection.live.frames import JPEG_MAGIC, jpeg_dimensions
from detection.live.limits import RateLimiter
from detection.live.services import live_session_end, live_session_save, live_session_start
from detection.live.tracker import LiveTracker
from detection.models import LiveSession
from ml.face_search import LIVE_MIN_FACE
from ml.tracking import SMOOTHING_SECONDS, FaceTracker
from stressdetector.ops.metrics import LIVE_CONNECTIONS, LIVE_FRAMES

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_MANY_SOCKETS = 4429
MAX_SMOOTHING_SECONDS = 30.0
MAX_MIN_FACE = 480

_inference_pool: ThreadPoolExecutor | None = None


def inference_pool() -> ThreadPoolExecutor:
    """The process-wide pool that runs analyses off the event loop (created on first use)."""
    global _inference_pool
    if _inference_pool is None:
        _inference_pool = ThreadPoolExecutor(max_workers=settings.LIVE_INFERENCE_THREADS, thread_name_prefix="live-inference")
    return _inference_pool


@dataclass
class StreamOptions:
    """What a client may set with a ``config`` message."""

    smoothing: float = SMOOTHING_SECONDS
    min_face: int = LIVE_MIN_FACE
    probabilities: bool = True

    def updated(self, message: dict) -> StreamOptions:
        """These options with the message's; ``ValueError`` with a readable reason."""
        unknown = set(message) - {"type", "smoothing", "min_face", "probabilities"}
        if unknown:
            raise ValueError(f"Unknown option(s): {', '.join(sorted(unknown))}.")
        smoothing = message.get("smoothing", self.smoothing)
        min_face = message.get("min_face", self.min_face)
        probabilities = message.get("probabilities", self.probabilities)
        if isinstance(smoothing, bool) or not isinstance(smoothing, int | float) or not 0 <= smoothing <= MAX_SMOOTHING_SECONDS:
            raise ValueError(f"smoothing is a number of seconds from 0 to {MAX_SMOOTHING_SECONDS:g}.")
        if isinstance(min_face, bool) or not isinstance(min_face, int) or not LIVE_MIN_FACE <= min_face <= MAX_MIN_FACE:
            raise ValueError(f"min_face is a whole number of pixels from {LIVE_MIN_FACE} to {MAX_MIN_FACE}.")
        if not isinstance(probabilities, bool):
            raise ValueError("probabilities is true or false.")
        return StreamOptions(float(smoothing), min_face, probabilities)

    def to_dict(self) -> dict:
        return {"smoothing": self.smoothing, "min_face": self.min_face, "probabilities": self.probabilities}


class LiveProtocolConsumer(AsyncWebsocketConsumer):
    """The protocol of both sockets (see the module's docstring). A subclass says who the user is
    (:meth:`authenticate`), how a refusal is told and how fast frames may come."""

    client: str = LiveSession.Client.BROWSER
    rate_limited_message = "At most {fps:g} frames a second."
    session = None  # Set once connected; clean_up() looks at what connect() got to.
    counted_socket = False
    counted_gauge = False
    alerts_group: str | None = None

    async def __call__(self, scope, receive, send) -> None:
        # Channels calls disconnect() only on a clean close; a consumer that raises (a message
        # it could not handle, Redis gone) would skip it. Clean up whatever happened.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.clean_up()

    async def authenticate(self) -> User | None:
        raise NotImplementedError

    async def refuse(self, reason: str) -> None:
        # Accepted first, so that the client reads the close code and reason (a close before
        # accepting is an HTTP 403 without either).
        await self.accept()
        await self.close(code=CLOSE_UNAUTHENTICATED, reason=reason[:120])

    def frame_rate_limiter(self) -> RateLimiter:
        return RateLimiter(settings.LIVE_MAX_FPS)

    async def connect(self) -> None:
        user = await self.authenticate()
        if user is None:
            return
        self.user = user
        if not limits.socket_open(user.pk):
            await self.accept()
            max_sockets = settings.LIVE_MAX_SOCKETS_PER_USER
            await self.send_error("too_many_sockets", f"At most {max_sockets} live connections per account at a time.")
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        self.counted_socket = True
        self.recorder = LiveTracker()
        self.options = StreamOptions()
        self.people = FaceTracker(smoothing=self.options.smoothing)
        self.rate_limiter = self.frame_rate_limiter()
        self.analysis_task: asyncio.Task | None = None
        self.frames_received = 0
        self.last_analysed = None  # (AnalysisResult, [TrackedFace]) of the last frame answered.
        self.ended = False
        self.saver: asyncio.Task | None = None
        self.session = await database_sync_to_async(live_session_start)(owner=self.user, client=self.client)
        self.alert_rule = await database_sync_to_async(alert_rule_get)(user=self.user)
        self.alert_windows: dict[int, AlertWindow] = {}
        await self.channel_layer.group_add(alerts_group_name(self.user.pk), self.channel_name)
        self.alerts_group = alerts_group_name(self.user.pk)
        await self.accept()
        LIVE_CONNECTIONS.inc()
        self.counted_gauge = True
        self.saver = asyncio.create_task(self.save_periodically())
        await self.send_json({"type": "session", "id": self.session.pk, "url": self.session.get_absolute_url()})

    async def disconnect(self, code: int) -> None:
        await self.clean_up()

    async def clean_up(self) -> None:
        """End the session (or delete it if no frame was analysed), stop the saver, leave the
        alerts group and uncount the socket. Runs on every way out, each step on its own, and
        at most once per step."""
        if self.counted_gauge:
            self.counted_gauge = False
            LIVE_CONNECTIONS.dec()
        if self.counted_socket:
            self.counted_socket = False
            limits.socket_closed(self.user.pk)
        if self.session is not None:
            try:
                await self.end_session()
            except Exception:
                logger.exception("Could not end live session %s", self.session.pk)
        if self.alerts_group is not None:
            group, self.alerts_group = self.alerts_group, None
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("Could not leave the alerts group %s", group, exc_info=True)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.session is None:
            return  # Refused, closing.
        if bytes_data is not None:
            await self.receive_frame(bytes_data)
            return
        message = parse_control_message(text_data)
        if message is None:
            await self.send_error("bad_message", "Send JPEG frames as binary messages and JSON control messages as text.")
            return
        kind = message["type"]
        if kind == "config":
            await self.configure(message)
        elif kind == "snapshot":
            await self.snapshot()
        elif kind == "stop":
            kept = await self.end_session()
            # A session without any analysed frame is not kept, so there is nothing to link to.
            url = self.session.get_absolute_url() if kept else None
            await self.send_json({"type": "stopped", "session": self.session.pk if kept else None, "url": url})
            await self.close()
        else:
            await self.send_error("bad_message", f"Unknown message type {kind[:40]!r}.")

    async def configure(self, message: dict) -> None:
        if self.frames_received:
            await self.send_error("bad_config", "Send the configuration before the first frame.")
            return
        try:
            self.options = self.options.updated(message)
        except ValueError as error:
            await self.send_error("bad_config", str(error))
            return
        self.people = FaceTracker(smoothing=self.options.smoothing)
        await self.send_json({"type": "config", **self.options.to_dict()})

    # --- Frames ------------------------------------------------------------------------------

    async def receive_frame(self, frame: bytes) -> None:
        if self.ended:
            return
        self.frames_received += 1
        number = self.frames_received
        if not self.rate_limiter.allow():
            await self.send_error("rate_limited", self.rate_limited_message.format(fps=self.rate_limiter.rate), frame=number)
            return
        if not limits.frame_allowed(self.user.pk):
            fps = settings.LIVE_MAX_FPS_PER_USER
            await self.send_error("rate_limited", f"At most {fps:g} frames a second over all your connections.", frame=number)
            return
        if self.analysis_task is not None:
            await self.send_error("busy", "The previous frame is still being analysed; this one was dropped.", frame=number)
            return
        if len(frame) > settings.LIVE_MAX_FRAME_BYTES:
            await self.send_error("too_large", f"A frame may be at most {settings.LIVE_MAX_FRAME_BYTES // 1024} KB.", frame=number)
            return
        if not frame.startswith(JPEG_MAGIC):
            await self.send_error("bad_frame", "A frame must be a JPEG image.", frame=number)
            return
        size = jpeg_dimensions(frame)
        if size is None:
            await self.send_error("bad_frame", "The frame is not a JPEG image we can read.", frame=number)
            return
        if size[0] * size[1] > settings.LIVE_MAX_FRAME_PIXELS:
            megapixels = settings.LIVE_MAX_FRAME_PIXELS / 1_000_000
            message = f"A frame may have at most {megapixels:g} megapixels (this one is {size[0]}x{size[1]})."
            await self.send_error("too_large", message, frame=number)
            return
        # Analyse in the background and return at once, so that a frame arriving meanwhile is
        # answered "busy" straight away instead of waiting in the server's queue.
        self.analysis_task = asyncio.create_task(self.analyse(frame, number, self.recorder.elapsed()))

    async def analyse(self, frame: bytes, number: int, t: float) -> None:
        try:
            started = time.perf_counter()
            analyze = functools.partial(analyze_live_frame, frame, min_face=self.options.min_face)
            try:
                result = await asyncio.get_running_loop().run_in_executor(inference_pool(), analyze)
            except InvalidImageError as error:
                await self.send_error("bad_frame", str(error), frame=number)
                return
            elapsed_ms = (time.perf_counter() - started) * 1000
            LIVE_FRAMES.inc()
            tracked = self.people.update(result.faces, t)
            self.recorder.add(result, tracked, t=t)
            if self.ended:
                return
            self.last_analysed = (result, tracked)
            await self.send_json(
                {
                    "type": "result",
                    "frame": number,
                    "seq": self.recorder.frames_analyzed,
                    "t": round(t, 3),
                    "faces": [face.to_dict(probabilities=self.options.probabilities) for face in tracked],
                    "dominant": result.dominant,
                    "stress": None if result.stress is None else round(result.stress, 4),
                    "stress_level": result.stress_level,
                    "width": result.width,
                    "height": result.height,
                    "ms": round(elapsed_ms, 1),
                }
            )
            await self.check_alerts(tracked)
        except Exception:
            # One bad frame must not end the session.
            logger.exception("Live frame analysis failed")
            await self.send_error("bad_frame", "The frame could not be analysed.", frame=number)
        finally:
            self.analysis_task = None

    async def check_alerts(self, tracked: list) -> None:
        """Each person has their own alert window: a stressed person fires it, named."""
        now = time.monotonic()
        for face in tracked:
            window = self.alert_windows.setdefault(face.person, AlertWindow(self.alert_rule))
            if not window.add(dominant=face.face.dominant, stress=face.face.stress, now=now):
                continue
            # The alert quotes the stress the page shows as it fires, not a mean over the window.
            stress_frames, window_frames, latest_stress = window.stress_frames, len(window.frames), window.latest_stress
            window.rest(now=now)
            # The SMS goes out from a Celery task; only with eager Celery (no Redis: one person on
            # one machine) does it run here, in the database thread, never on the event loop.
            await database_sync_to_async(alert_create)(
                owner=self.user,
                rule=window.rule,
                stress_frames=stress_frames,
                window_frames=window_frames,
                stress=latest_stress,
                live_session_id=self.session.pk,
                person=face.person,
            )

    # --- Control messages --------------------------------------------------------------------

    async def snapshot(self) -> None:
        """Store what is on screen: the last frame answered and the result it got, person ids
        included, without analysing it again."""
        if self.last_analysed is None:
            await self.send_error("bad_message", "No frame has been analysed yet.")
            return
        from detection.analyses.services import analysis_create_from_live_frame

        result, tracked = self.last_analysed
        try:
            analysis = await database_sync_to_async(analysis_create_from_live_frame)(
                owner=self.user, result=result, people=[face.person for face in tracked]
            )
        except ValidationError as error:
            await self.send_error("bad_message", error.messages[0])
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
            if self.recorder.frames_analyzed != saved_frames:
                saved_frames = self.recorder.frames_analyzed
                try:
                    await database_sync_to_async(live_session_save)(session_id=self.session.pk, progress=self.recorder.progress())
                except Exception:
                    logger.exception("Could not save live session %s", self.session.pk)

    async def end_session(self) -> bool:
        """Save the session a last time; False when it was not kept (no frame analysed)."""
        if self.ended:
            return self.recorder.frames_analyzed > 0
        self.ended = True
        if self.saver is not None:
            self.saver.cancel()
        if self.analysis_task is not None:
            # Let the frame being analysed finish, so that it is counted.
            await asyncio.wait([self.analysis_task], timeout=5)
        return await database_sync_to_async(live_session_end)(session_id=self.session.pk, progress=self.recorder.progress())

    # --- Helpers -----------------------------------------------------------------------------

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, message: str, *, frame: int | None = None) -> None:
        error = {"type": "error", "code": code, "message": message}
        if frame is not None:
            error["frame"] = frame
        await self.send_json(error)


class LiveConsumer(LiveProtocolConsumer):
    """``/ws/live/``: the live camera page, as the signed-in user of the browser session."""

    async def authenticate(self) -> User | None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.refuse("Sign in first.")
            return None
        return user


# Frame-rate limits of stream tokens, by token, shared by a token's connections in this process.
_token_rate_limiters: dict[str, RateLimiter] = {}


class StreamConsumer(LiveProtocolConsumer):
    """``/ws/v1/stream/``: programs, as the owner of the API token in the handshake's
    ``Authorization: Token <key>`` header (knox's authentication, as the REST API's)."""

    client = LiveSession.Client.STREAM
    rate_limited_message = "At most {fps:g} frames a second per API token."

    async def authenticate(self) -> User | None:
        headers = dict(self.scope.get("headers", []))
        scheme, _, key = headers.get(b"authorization", b"").partition(b" ")
        if scheme.lower() != b"token" or not key.strip():
            await self.refuse("Send an API token in the handshake: Authorization: Token <key>.")
            return None
        try:
            user, token = await database_sync_to_async(ApiTokenAuthentication().authenticate_credentials)(key.strip())
        except AuthenticationFailed as error:
            await self.refuse(str(error.detail))
            return None
        self.token_key = token.token_key
        return user

    def frame_rate_limiter(self) -> RateLimiter:
        limiter = _token_rate_limiters.get(self.token_key)
        if limiter is None or limiter.rate != settings.LIVE_STREAM_MAX_FPS:
            limiter = _token_rate_limiters[self.token_key] = RateLimiter(settings.LIVE_STREAM_MAX_FPS)
        return limiter


def parse_control_message(text: str | None) -> dict | None:
    """A JSON control message with a string ``type``; None for anything malformed (not JSON,
    nested too deep to parse, not an object, no string ``type``)."""
    if not isinstance(text, str):
        return None
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    return message
