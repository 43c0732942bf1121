"""examples/stream_client.py against a real server (daphne on the test database): it streams a
video file and prints each person's emotion."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from accounts.tokens import api_token_create
from detection.models import LiveSession
from tests.detection.live_support import live_server_url, two_faces_frame

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("loaded_model", "committed_rows")]

CLIENT = Path(__file__).resolve().parents[3] / "examples" / "stream_client.py"


def load_client():
    spec = importlib.util.spec_from_file_location("stream_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_video(path: Path, frames: int = 4) -> Path:
    bgr = cv2.cvtColor(np.asarray(two_faces_frame()), cv2.COLOR_RGB2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (bgr.shape[1], bgr.shape[0]))
    for _ in range(frames):
        writer.write(bgr)
    writer.release()
    return path


def test_it_streams_a_video_and_prints_each_persons_emotion(alice, transactional_db, tmp_path, capsys):
    url = live_server_url().replace("http://", "ws://") + "/ws/v1/stream/"
    _, key = api_token_create(user=alice)

    code = load_client().main([str(write_video(tmp_path / "two.avi")), "--url", url, "--token", key, "--fps", "20"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.count("person 1:") == 4 and out.count("person 2:") == 4, out
    assert "round trip median" in out
    session = LiveSession.objects.get(owner=alice)
    assert (session.client, session.frames_analyzed) == (LiveSession.Client.STREAM, 4)


def test_a_bad_token_is_reported(transactional_db, tmp_path, capsys):
    url = live_server_url().replace("http://", "ws://") + "/ws/v1/stream/"

    code = load_client().main([str(write_video(tmp_path / "two.avi", 1)), "--url", url, "--token", "nope"])

    assert code == 2
    assert "Refused:" in capsys.readouterr().err
