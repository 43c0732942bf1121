"""Videos generated for the tests (PyAV's encoder, scikit-image's astronaut): nothing committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from detection.models import Video
from detection.videos.services import video_create
from ml.bench_video import write_clip


@pytest.fixture(scope="session")
def two_faces_mp4(tmp_path_factory) -> bytes:
    """3 s, 640x480 at 15 fps: two heads drifting in their own half of the picture."""
    return write_clip(tmp_path_factory.mktemp("videos") / "two.mp4", seconds=3, fps=15).read_bytes()


def video_upload(content: bytes, name: str = "interview.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="video/mp4")


@pytest.fixture
def pending_video(alice, two_faces_mp4, settings) -> Video:
    """Alice's uploaded clip, not yet analysed (tasks do not run: the queue is a no-op)."""
    settings.VIDEO_SAMPLES_PER_SECOND = 4.0
    from unittest import mock

    with mock.patch("detection.videos.services._queue_video"):
        return video_create(owner=alice, file=video_upload(two_faces_mp4))


def stored_names(media_root: Path) -> list[str]:
    return sorted(path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file())

