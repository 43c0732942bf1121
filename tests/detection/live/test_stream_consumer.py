"""The streaming API for programs (/ws/v1/stream/): an API token in the handshake, the live
protocol, person ids, and the stream recorded as the token owner's live session."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from accounts.tokens import api_token_create
from detection.live import consumers
from detection.models import LiveSession
from ml.emotions import EMOTIONS
from tests.detection.live_support import connected, face_frame_jpeg, session_cookie, stream_socket

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("loaded_model", "committed_rows")]


@pytest.fixture(autouse=True)
def fresh_token_limits():
    consumers._token_rate_limiters.clear()


@pytest.fixture
def alice_token(alice) -> str:
    return api_token_create(user=alice, name="script")[1]


async def open_stream(authorization: str):
    return await connected(stream_socket(authorization))


async def refusal(socket) -> dict:
    connected, _ = await socket.connect(timeout=10)
    assert connected  # Accepted, so that the close code and reason reach the client...
    closed = await socket.receive_output(timeout=5)
    await socket.disconnect()
    return closed


def test_a_token_client_streams_frames_and_gets_person_ids(alice, alice_token):
    async def scenario():
        socket, hello = await open_stream(f"Token {alice_token}")
        try:
            answers = []
            for _ in range(3):
                await socket.send_to(bytes_data=face_frame_jpeg())
                answers.append(await socket.receive_json_from(timeout=20))
            await socket.send_json_to({"type": "stop"})
            stopped = await socket.receive_json_from(timeout=10)
            return hello, answers, stopped
        finally:
            await socket.disconnect()

    hello, answers, stopped = async_to_sync(scenario)()

    assert [answer["type"] for answer in answers] == ["result"] * 3
    assert [answer["frame"] for answer in answers] == [1, 2, 3]
    assert [[face["person"] for face in answer["faces"]] for answer in answers] == [[1]] * 3
    face = answers[-1]["faces"][0]
    assert face["smoothed"]["dominant"] in EMOTIONS and 0 <= face["smoothed"]["stress"] <= 1
    assert answers[0]["t"] <= answers[1]["t"] <= answers[2]["t"]
    # Recorded as a live session of the token's owner, with the person's timeline.
    session = LiveSession.objects.get(pk=hello["id"])
    assert stopped["session"] == session.pk
    assert (session.owner, session.client, session.frames_analyzed) == (alice, LiveSession.Client.STREAM, 3)
    assert [person["person"] for person in session.people] == [1]
    assert session.people[0]["frames"] == 3
    assert session.people[0]["timeline"][0]["dominant"] in EMOTIONS


def test_the_recorded_session_is_in_its_owners_history_and_a_404_for_another_user(alice, alice_token, alice_client, bob_client):
    async def scenario():
        socket, hello = await open_stream(f"Token {alice_token}")
        try:
            await socket.send_to(bytes_data=face_frame_jpeg())
            await socket.receive_json_from(timeout=20)
        finally:
            await socket.disconnect()
        return hello

    hello = async_to_sync(scenario)()

    assert alice_client.get(hello["url"]).status_code == 200
    assert bob_client.get(hello["url"]).status_code == 404
    assert hello["url"] in alice_client.get(reverse("detection:history")).content.decode()


@pytest.mark.parametrize(
    "authorization",
    [None, "Token", "Token not-a-real-token-at-all", "Bearer something"],
    ids=["no token", "empty token", "bad token", "other scheme"],
)
def test_a_handshake_without_a_good_token_is_refused_with_4401(authorization, alice_token):
    closed = async_to_sync(refusal)(stream_socket(authorization))

    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4401
    assert "token" in closed["reason"].lower()
    assert not LiveSession.objects.exists()


def test_a_signed_in_browser_session_without_a_token_is_refused(alice):
    """Cookies are not read on the program route: another site's page cannot stream as its visitor."""
    closed = async_to_sync(refusal)(stream_socket(cookie=session_cookie(alice)))

    assert closed["code"] == 4401
    assert not LiveSession.objects.exists()


def test_a_revoked_token_is_refused(alice):
    token, key = api_token_create(user=alice)
    token.delete()

    closed = async_to_sync(refusal)(stream_socket(f"Token {key}"))

    assert closed["code"] == 4401


def test_a_configuration_message_applies_before_the_first_frame(alice_token):
    async def scenario():
        socket, _ = await open_stream(f"Token {alice_token}")
        try:
            await socket.send_json_to({"type": "config", "smoothing": 0, "probabilities": False, "min_face": 40})
            config = await socket.receive_json_from()
            await socket.send_json_to({"type": "config", "smoothing": -1})
            bad = await socket.receive_json_from()
            await socket.send_to(bytes_data=face_frame_jpeg())
            result = await socket.receive_json_from(timeout=20)
            await socket.send_json_to({"type": "config", "smoothing": 2})
            late = await socket.receive_json_from()
            return config, bad, result, late
        finally:
            await socket.disconnect()

    config, bad, result, late = async_to_sync(scenario)()

    assert config == {"type": "config", "smoothing": 0.0, "min_face": 40, "probabilities": False}
    assert (bad["type"], bad["code"]) == ("error", "bad_config")
    face = result["faces"][0]
    assert "probabilities" not in face and "probabilities" not in face["smoothed"]
    assert face["smoothed"]["dominant"] == face["dominant"]  # No smoothing.
    assert (late["type"], late["code"]) == ("error", "bad_config")


def test_every_frame_gets_exactly_one_reply_and_the_limit_is_per_token(alice_token, settings):
    settings.LIVE_STREAM_MAX_FPS = 2

    async def scenario():
        first, _ = await open_stream(f"Token {alice_token}")
        second, _ = await open_stream(f"Token {alice_token}")
        try:
            await first.send_to(bytes_data=b"not a jpeg")
            await second.send_to(bytes_data=b"not a jpeg either")
            await second.send_to(bytes_data=b"\xff\xd8\xff and still not")
            replies = [await first.receive_json_from(), await second.receive_json_from(), await second.receive_json_from()]
            assert await second.receive_nothing(timeout=0.3)
            return replies
        finally:
            await first.disconnect()
            await second.disconnect()

    replies = async_to_sync(scenario)()

    assert [(reply["code"], reply["frame"]) for reply in replies] == [("bad_frame", 1), ("bad_frame", 1), ("rate_limited", 2)]
    assert "per API token" in replies[2]["message"]
