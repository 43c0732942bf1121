"""Resilience and abuse limits of the live camera socket (issue 21, items 2, 3 and 9): clean-up
after a crash, malformed messages, the per-account limits and the decoded-pixel cap."""

from __future__ import annotations

import io

import pytest
from asgiref.sync import async_to_sync
from PIL import Image
from prometheus_client import REGISTRY

from detection.live import consumers
from detection.live.frames import jpeg_dimensions
from detection.models import LiveSession
from tests.detection.live_support import face_frame_jpeg, live_socket, open_socket, session_cookie

pytestmark = [pytest.mark.slow]


@pytest.fixture(autouse=True)
def memory_layer(settings, transactional_db):
    """The in-memory channel layer; the consumer commits from its own threads."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def solid_jpeg(width: int, height: int, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 150)).save(buffer, format="JPEG", quality=50, **options)
    return buffer.getvalue()


def connections_gauge() -> float:
    return REGISTRY.get_sample_value("stressdetector_live_connections") or 0.0


# --- Malformed messages and crashes -----------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["[" * 1000 + "]" * 1000, "[1, 2]", '"snapshot"', "42", "null", '{"type": ["stop"]}', '{"type": 5}', "{}", "{nope"],
    ids=["1000 nested arrays", "array", "string", "number", "null", "type is a list", "type is a number", "no type", "not json"],
)
def test_a_malformed_message_is_answered_bad_message_and_the_socket_stays_open(alice, message):
    cookie = session_cookie(alice)

    async def scenario():
        socket, _ = await open_socket(cookie)
        try:
            await socket.send_to(text_data=message)
            answer = await socket.receive_json_from(timeout=5)
            result = await socket.send_to(bytes_data=face_frame_jpeg()) or await socket.receive_json_from(timeout=30)
            return answer, result
        finally:
            await socket.disconnect()

    answer, result = async_to_sync(scenario)()

    assert (answer["type"], answer["code"]) == ("error", "bad_message")
    assert result["type"] == "result"


@pytest.mark.parametrize("frames", [0, 1])
def test_a_crash_in_the_consumer_still_ends_the_session_and_uncounts_the_connection(alice, monkeypatch, frames):
    """Channels does not call disconnect() when the consumer raises (a Redis outage, a bug)."""

    async def crash(self):
        raise RuntimeError("the channel layer went away")

    monkeypatch.setattr(consumers.LiveConsumer, "snapshot", crash)
    cookie = session_cookie(alice)
    before = connections_gauge()

    async def scenario():
        socket, hello = await open_socket(cookie)
        for _ in range(frames):
            await socket.send_to(bytes_data=face_frame_jpeg())
            assert (await socket.receive_json_from(timeout=30))["type"] == "result"
        await socket.send_to(text_data='{"type": "snapshot"}')
        with pytest.raises(RuntimeError):
            await socket.receive_output(timeout=10)
        return hello

    hello = async_to_sync(scenario)()

    assert connections_gauge() == before
    if frames:
        session = LiveSession.objects.get(pk=hello["id"])
        assert session.ended_at is not None
        assert session.frames_analyzed == 1
    else:
        assert not LiveSession.objects.filter(pk=hello["id"]).exists()


# --- Limits per account -----------------------------------------------------------------------


def test_a_user_may_open_only_so_many_sockets_at_once_and_others_are_unaffected(alice, bob, settings):
    settings.LIVE_MAX_SOCKETS_PER_USER = 2
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario():
        first, _ = await open_socket(alice_cookie)
        second, _ = await open_socket(alice_cookie)
        third = live_socket(alice_cookie)
        assert (await third.connect(timeout=10))[0]
        refused = await third.receive_json_from(timeout=5)
        closed = await third.receive_output(timeout=5)
        bobs, _ = await open_socket(bob_cookie)
        await first.disconnect()
        again, _ = await open_socket(alice_cookie)
        for socket in (second, bobs, again, third):
            await socket.disconnect()
        return refused, closed

    refused, closed = async_to_sync(scenario)()

    assert (refused["type"], refused["code"]) == ("error", "too_many_sockets")
    assert closed == {"type": "websocket.close", "code": 4429}
    assert LiveSession.objects.filter(owner=alice).count() == 0  # No frame analysed: none kept.


def test_frames_a_second_are_limited_over_all_of_a_users_sockets(alice, bob, settings):
    settings.LIVE_MAX_FPS = 10
    settings.LIVE_MAX_FPS_PER_USER = 3
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def send(socket, frame: bytes) -> str:
        await socket.send_to(bytes_data=frame)
        return (await socket.receive_json_from(timeout=5))["code"]

    async def scenario():
        one, _ = await open_socket(alice_cookie)
        two, _ = await open_socket(alice_cookie)
        bobs, _ = await open_socket(bob_cookie)
        try:
            alices = [await send(socket, b"not a jpeg") for socket in (one, two, one, two)]
            bob_codes = [await send(bobs, b"not a jpeg") for _ in range(3)]
        finally:
            for socket in (one, two, bobs):
                await socket.disconnect()
        return alices, bob_codes

    alices, bob_codes = async_to_sync(scenario)()

    assert alices == ["bad_frame", "bad_frame", "bad_frame", "rate_limited"]
    assert bob_codes == ["bad_frame"] * 3


def test_a_frame_of_too_many_pixels_is_refused_from_its_header_before_decoding(alice, settings, monkeypatch):
    settings.LIVE_MAX_FRAME_PIXELS = 1_000_000
    decoded = []
    monkeypatch.setattr(consumers, "analyze_live_frame", lambda frame: decoded.append(frame))
    cookie = session_cookie(alice)
    big = solid_jpeg(1600, 1200)  # 1.9 MP in a few KB: small in bytes, large in pixels.

    async def scenario():
        socket, _ = await open_socket(cookie)
        try:
            await socket.send_to(bytes_data=big)
            return await socket.receive_json_from(timeout=5)
        finally:
            await socket.disconnect()

    answer = async_to_sync(scenario)()

    assert len(big) < settings.LIVE_MAX_FRAME_BYTES
    assert (answer["type"], answer["code"]) == ("error", "too_large")
    assert "1600x1200" in answer["message"]
    assert decoded == []


# --- Reading a JPEG's size from its header ----------------------------------------------------


@pytest.mark.parametrize(
    "options", [{}, {"progressive": True}, {"exif": b"Exif\x00\x00" + b"\x00" * 200}], ids=["baseline", "progressive", "exif"]
)
def test_jpeg_dimensions_reads_the_size_from_the_header(options):
    assert jpeg_dimensions(solid_jpeg(6200 // 10, 6400 // 10, **options)) == (620, 640)


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\xff\xd8\xff\xe0\x00", b"\xff\xd8\xff\xe0" + b"\x00" * 100, b"\xff\xd8\xff\xd9"])
def test_jpeg_dimensions_is_none_for_what_has_no_readable_header(data):
    assert jpeg_dimensions(data) is None
