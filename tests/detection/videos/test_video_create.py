"""detection.videos.services.video_create: checks before anything is kept."""

import pytest
from django.core.exceptions import ValidationError

from detection.models import Video
from detection.videos.services import VideoRateLimitError, video_create
from ml.bench_video import write_audio_only
from tests.detection.videos.conftest import stored_names, video_upload


def test_it_stores_the_file_probes_it_and_makes_a_thumbnail(pending_video, media_root):
    video = pending_video

    assert video.status == Video.Status.PENDING
    assert video.duration_s == pytest.approx(3.0, abs=0.1)
    assert (video.width, video.height, video.codec) == (640, 480, "h264")
    assert video.samples_per_second == 4.0
    assert video.original_name == "interview.mp4"
    assert len(stored_names(media_root)) == 2  # The video and its thumbnail.


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.mp4", "empty"),
        (b"just some notes, renamed\n" * 40, "notes.mp4", "not a video"),
        (b"\x00" * 100, "clip.txt", "Choose a video file"),
    ],
)
def test_a_bad_file_is_refused_clearly_and_leaves_nothing(alice, media_root, content, name, message):
    with pytest.raises(ValidationError, match=message):
        video_create(owner=alice, file=video_upload(content, name))

    assert Video.objects.count() == 0
    assert stored_names(media_root) == []


def test_a_truncated_video_is_refused_and_leaves_nothing(alice, media_root, two_faces_mp4):
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        video_create(owner=alice, file=video_upload(two_faces_mp4[: len(two_faces_mp4) // 2]))

    assert stored_names(media_root) == []


def test_an_audio_only_file_is_refused(alice, media_root, tmp_path):
    path = write_audio_only(tmp_path / "voice.mp4")

    with pytest.raises(ValidationError, match="audio only"):
        video_create(owner=alice, file=video_upload(path.read_bytes()))
    assert stored_names(media_root) == []


def test_over_the_limits_is_refused(alice, media_root, two_faces_mp4, settings):
    settings.VIDEO_MAX_DURATION_SECONDS = 2
    with pytest.raises(ValidationError, match="limit is"):
        video_create(owner=alice, file=video_upload(two_faces_mp4))
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        video_create(owner=alice, file=video_upload(two_faces_mp4))
    assert stored_names(media_root) == []


def test_the_hourly_limit_counts_videos(alice, pending_video, two_faces_mp4, settings):
    settings.VIDEO_CREATE_PER_HOUR = 1

    with pytest.raises(VideoRateLimitError):
        video_create(owner=alice, file=video_upload(two_faces_mp4))
