"""The live camera WebSocket (detection/live/consumers.py), through the real ASGI stack and the
Redis channel layer."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from detection.analyses.inference import analyze_image
from detection.models import Alert, AlertRule, Analysis, LiveSession
from ml.emotions import EMOTIONS
from tests.detection.fake_twilio import fake_twilio  # noqa: F401 (fixture)
from tests.detection.live_support import face_frame_jpeg, live_socket, redis_channel_layers, session_cookie

# Loading the model and analysing frames takes a few seconds.
pytestmark = [pytest.mark.slow]


@pytest.fixture(autouse=True, scope="module")
def loaded_model():
    """Load the model once, before any socket is waiting on it."""
    analyze_image(face_frame_jpeg())


@pytest.fixture(autouse=True)
def committed_rows(transactional_db):
    """The consumer reaches the database from other threads and closes connections it finds in
    a transaction (channels' database_sync_to_async), so these tests commit for real."""


@pytest.fixture
def redis_layer(settings, requires_redis):
    settings.CHANNEL_LAYERS = redis_channel_layers()


@pytest.fixture
def alice_cookie(alice) -> str:
    return session_cookie(alice)


async def open_socket(cookie: str):
    socket = live_socket(cookie)
    connected, _ = await socket.connect(timeout=10)
    assert connected
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "session"
    return socket, hello


async def send_frame(socket, frame: bytes) -> dict:
    await socket.send_to(bytes_data=frame)
    return await socket.receive_json_from(timeout=20)


def test_an_anonymous_socket_is_closed():
    async def scenario():
        socket = live_socket()
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    connected, code = async_to_sync(scenario)()

    assert connected is False
    assert code == 4401
    assert not LiveSession.objects.exists()


@pytest.mark.parametrize("layer", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_it_answers_a_frame_with_the_faces_found(alice_cookie, settings, layer):
    if layer == "redis":
        settings.CHANNEL_LAYERS = redis_channel_layers()

    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            return await send_frame(socket, face_frame_jpeg())
        finally:
            await socket.disconnect()

    answer = async_to_sync(scenario)()

    assert answer["type"] == "result"
    assert answer["seq"] == 1
    assert (answer["width"], answer["height"]) == (640, 480)
    assert len(answer["faces"]) >= 1
    face = answer["faces"][0]
    assert set(face["box"]) == {"x", "y", "w", "h"}
    assert set(face["probabilities"]) == set(EMOTIONS)
    assert face["dominant"] in EMOTIONS
    assert 0 <= face["stress"] <= 1
    assert answer["dominant"] in EMOTIONS
    assert answer["ms"] > 0


@pytest.mark.redis
def test_it_answers_bad_frames_with_an_error_and_keeps_going(alice_cookie, redis_layer):
    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            not_jpeg = await send_frame(socket, b"GIF89a not a jpeg at all")
            broken_jpeg = await send_frame(socket, b"\xff\xd8\xff\xe0" + b"\x00" * 100)
            await socket.send_to(text_data="{nope")
            not_json = await socket.receive_json_from()
            good = await send_frame(socket, face_frame_jpeg())
            return not_jpeg, broken_jpeg, not_json, good
        finally:
            await socket.disconnect()

    not_jpeg, broken_jpeg, not_json, good = async_to_sync(scenario)()

    assert (not_jpeg["type"], not_jpeg["code"]) == ("error", "bad_frame")
    assert (broken_jpeg["type"], broken_jpeg["code"]) == ("error", "bad_frame")
    assert broken_jpeg["message"]
    assert (not_json["type"], not_json["code"]) == ("error", "bad_message")
    assert good["type"] == "result"


@pytest.mark.redis
def test_it_refuses_a_frame_over_the_size_limit(alice_cookie, redis_layer, settings):
    settings.LIVE_MAX_FRAME_BYTES = 1024

    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            return await send_frame(socket, face_frame_jpeg())
        finally:
            await socket.disconnect()

    assert async_to_sync(scenario)()["code"] == "too_large"


@pytest.mark.redis
def test_a_frame_sent_while_another_is_analysed_is_dropped_not_queued(alice, alice_cookie, redis_layer):
    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            await socket.send_to(bytes_data=face_frame_jpeg())
            await socket.send_to(bytes_data=face_frame_jpeg())
            first = await socket.receive_json_from(timeout=20)
            second = await socket.receive_json_from(timeout=20)
            nothing_more = await socket.receive_nothing(timeout=0.5)
        finally:
            await socket.disconnect()
        return first, second, nothing_more

    first, second, nothing_more = async_to_sync(scenario)()

    assert (first["type"], first["code"]) == ("error", "busy")
    assert (second["type"], second["seq"]) == ("result", 1)
    assert nothing_more
    assert LiveSession.objects.get(owner=alice).frames_analyzed == 1


@pytest.mark.redis
def test_it_rate_limits_each_connection(alice_cookie, redis_layer, settings):
    settings.LIVE_MAX_FPS = 2

    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            return [(await send_frame(socket, b"not a jpeg"))["code"] for _ in range(3)]
        finally:
            await socket.disconnect()

    assert async_to_sync(scenario)() == ["bad_frame", "bad_frame", "rate_limited"]


@pytest.mark.redis
def test_the_session_is_saved_after_the_socket_disconnects(alice, alice_cookie, redis_layer):
    async def scenario():
        socket, hello = await open_socket(alice_cookie)
        try:
            for _ in range(2):
                assert (await send_frame(socket, face_frame_jpeg()))["type"] == "result"
        finally:
            await socket.disconnect()
        return hello

    hello = async_to_sync(scenario)()

    session = LiveSession.objects.get(pk=hello["id"])
    assert session.owner == alice
    assert hello["url"] == session.get_absolute_url()
    assert session.ended_at is not None
    assert session.frames_analyzed == 2
    assert session.frames_with_faces == 2
    assert sum(session.emotion_counts.values()) == 2
    assert session.faces_seen >= 2
    assert 0 < session.mean_stress <= session.peak_stress <= 1
    assert sum(session.mean_probabilities.values()) == pytest.approx(1, abs=0.01)
    assert session.timeline[0]["frames"] == 2
    assert set(session.timeline[0]["shares"]) == set(EMOTIONS)


@pytest.mark.redis
def test_progress_is_saved_every_few_seconds_while_the_session_runs(alice_cookie, redis_layer, settings):
    settings.LIVE_SAVE_SECONDS = 0.2

    async def scenario():
        socket, hello = await open_socket(alice_cookie)
        try:
            await send_frame(socket, face_frame_jpeg())
            await asyncio.sleep(0.6)
            return await database_sync_to_async(LiveSession.objects.get)(pk=hello["id"])
        finally:
            await socket.disconnect()

    while_running = async_to_sync(scenario)()

    assert while_running.frames_analyzed == 1
    assert while_running.last_saved_at is not None
    assert while_running.ended_at is None


@pytest.mark.redis
def test_stop_ends_the_session_and_a_session_without_frames_is_not_kept(alice, alice_cookie, redis_layer):
    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            await socket.send_json_to({"type": "stop"})
            stopped = await socket.receive_json_from()
            closed = await socket.receive_output()
        finally:
            await socket.disconnect()
        return stopped, closed

    stopped, closed = async_to_sync(scenario)()

    assert stopped == {"type": "stopped", "session": None, "url": None}
    assert closed["type"] == "websocket.close"
    assert not LiveSession.objects.filter(owner=alice).exists()


@pytest.mark.redis
def test_a_snapshot_stores_the_last_frame_as_a_live_analysis(alice, alice_cookie, redis_layer, celery_eager):
    async def scenario():
        socket, _ = await open_socket(alice_cookie)
        try:
            await socket.send_json_to({"type": "snapshot"})
            too_early = await socket.receive_json_from()
            await send_frame(socket, face_frame_jpeg())
            await socket.send_json_to({"type": "snapshot"})
            return too_early, await socket.receive_json_from(timeout=20)
        finally:
            await socket.disconnect()

    too_early, stored = async_to_sync(scenario)()

    assert (too_early["type"], too_early["code"]) == ("error", "bad_message")
    analysis = Analysis.objects.get(pk=stored["analysis"])
    assert stored["url"] == analysis.get_absolute_url()
    assert (analysis.owner, analysis.source, analysis.status) == (alice, Analysis.Source.LIVE, Analysis.Status.DONE)
    assert analysis.face_count >= 1


@pytest.mark.redis
def test_an_alert_fires_during_the_session_and_reaches_the_page(alice, redis_layer, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    alice.sms_alerts_enabled = True
    alice.save()
    # Every emotion counts, so two frames with a face fire it.
    AlertRule.objects.create(owner=alice, emotions=list(EMOTIONS), window=3, threshold=1, cooldown_minutes=15)
    cookie = session_cookie(alice)

    async def scenario():
        socket, hello = await open_socket(cookie)
        try:
            answers = [await send_frame(socket, face_frame_jpeg()) for _ in range(2)]
            alert = await socket.receive_json_from(timeout=10)
        finally:
            await socket.disconnect()
        return hello, answers, alert

    hello, answers, alert = async_to_sync(scenario)()

    assert [answer["type"] for answer in answers] == ["result", "result"]
    assert alert["type"] == "alert"
    assert alert["status"] == Alert.Status.NOT_CONFIGURED
    assert alert["status_display"] == "Not sent: SMS not configured"
    stored = Alert.objects.get(owner=alice)
    assert stored.live_session_id == hello["id"]
    assert (stored.stress_frames, stored.window_frames) == (2, 2)



@pytest.mark.redis
def test_a_failing_sms_is_reported_and_the_session_goes_on(alice, redis_layer, fake_twilio, celery_eager):  # noqa: F811
    fake_twilio.mode = "unavailable"
    alice.sms_alerts_enabled = True
    alice.save()
    AlertRule.objects.create(owner=alice, emotions=list(EMOTIONS), window=3, threshold=1, cooldown_minutes=15)
    cookie = session_cookie(alice)

    async def scenario():
        socket, _ = await open_socket(cookie)
        try:
            for _ in range(2):
                await send_frame(socket, face_frame_jpeg())
            stored = await socket.receive_json_from(timeout=10)
            failed = await socket.receive_json_from(timeout=10)
            after = await send_frame(socket, face_frame_jpeg())
        finally:
            await socket.disconnect()
        return stored, failed, after

    stored, failed, after = async_to_sync(scenario)()

    assert (stored["type"], stored["status"]) == ("alert", Alert.Status.PENDING)
    assert (failed["type"], failed["id"], failed["status"]) == ("alert", stored["id"], Alert.Status.FAILED)
    assert "20503" in failed["error"]
    assert after["type"] == "result"
    assert LiveSession.objects.get(owner=alice).frames_analyzed == 3
