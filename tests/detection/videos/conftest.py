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


def probabilities_for(dominant: str, confidence: float) -> dict[str, float]:
    """Seven probabilities summing to 1 whose most likely emotion is ``dominant`` at ``confidence``."""
    from ml.emotions import EMOTIONS

    rest = round((1 - confidence) / (len(EMOTIONS) - 1), 4)
    return {label: confidence if label == dominant else rest for label in EMOTIONS}


@pytest.fixture
def make_video():
    """A video stored directly in the database, with its faces and the headline the job would
    give them (``video_summary_fields``), without a file or the model. ``samples`` are
    ``(seconds, person, dominant, confidence, detection_score)``."""
    from django.utils import timezone

    from detection.models import VideoFace
    from detection.videos.services import video_summary_fields
    from ml.emotions import stress_score

    def make(owner, samples=(), *, status=Video.Status.DONE, created_at=None, samples_per_second=4.0, **fields) -> Video:
        video = Video.objects.create(owner=owner, file=f"videos/{owner.pk}/test.mp4", original_name="test.mp4", status=status,
                                     samples_per_second=samples_per_second, duration_s=10.0, width=640, height=480,
                                     analysis_width=640, analysis_height=480, **fields)
        for seconds, person, dominant, confidence, detection_score in samples:
            probabilities = probabilities_for(dominant, confidence)
            VideoFace.objects.create(video=video, seconds=seconds, person=person, x=10 + 300 * (person - 1), y=20, w=100, h=100,
                                     probabilities=probabilities, dominant_emotion=dominant, stress=round(stress_score(probabilities), 4),
                                     detection_score=detection_score)
        if status == Video.Status.DONE:
            Video.objects.filter(pk=video.pk).update(**video_summary_fields(video), finished_at=timezone.now())
        if created_at is not None:
            Video.objects.filter(pk=video.pk).update(created_at=created_at)
        video.refresh_from_db()
        return video

    return make
