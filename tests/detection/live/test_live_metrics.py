"""The live camera's figures in /metrics: open connections, frames analysed, inference time."""

import pytest
from asgiref.sync import async_to_sync
from prometheus_client import REGISTRY

from tests.detection.live_support import face_frame_jpeg, live_socket, session_cookie

pytestmark = pytest.mark.slow


def sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


@pytest.mark.django_db(transaction=True)  # The consumer commits from its own threads.
def test_it_counts_connections_frames_and_inference_time(alice):
    cookie = session_cookie(alice)
    connections, frames = sample("stressdetector_live_connections"), sample("stressdetector_live_frames_analysed_total")
    inferences = sample("stressdetector_inference_seconds_count")
    seen: dict[str, float] = {}

    async def scenario():
        socket = live_socket(cookie)
        connected, _ = await socket.connect(timeout=10)
        assert connected
        assert (await socket.receive_json_from(timeout=5))["type"] == "session"
        seen["connections while open"] = sample("stressdetector_live_connections")
        await socket.send_to(bytes_data=face_frame_jpeg())
        assert (await socket.receive_json_from(timeout=60))["type"] == "result"
        await socket.disconnect()

    async_to_sync(scenario)()

    assert seen["connections while open"] == connections + 1
    assert sample("stressdetector_live_connections") == connections
    assert sample("stressdetector_live_frames_analysed_total") == frames + 1
    assert sample("stressdetector_inference_seconds_count") == inferences + 1
