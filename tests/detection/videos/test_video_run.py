"""detection.videos.services.video_run: the job, through the real model."""

from unittest import mock

import pytest

from detection.analyses.inference import analyze_video_frame
from detection.models import Video
from detection.videos.services import video_cancel, video_run

pytestmark = pytest.mark.slow


class WorkerKilled(BaseException):
    """Stands for the worker process dying: not an Exception, so nothing catches it."""


def counting(calls: list, *, die_after: int | None = None):
    def analyse(rgb):
        if die_after is not None and len(calls) == die_after:
            raise WorkerKilled
        calls.append(1)
        return analyze_video_frame(rgb)

    return analyse


def test_two_moving_faces_give_two_persons_with_timelines(pending_video):
    video = video_run(video_id=pending_video.pk)

    assert video.status == Video.Status.DONE, video.error
    assert video.person_count == 2
    assert video.samples_done == 12
    assert [person["person"] for person in video.persons] == [1, 2]
    assert all(person["seconds_on_screen"] == pytest.approx(3.0) for person in video.persons)
    for person in (1, 2):
        times = list(video.faces.filter(person=person).values_list("seconds", flat=True))
        # The first frame at or after each quarter second (frames are 1/15 s apart).
        assert times == pytest.approx([index / 4 for index in range(12)], abs=1 / 15)
    assert 0 <= video.stress <= video.peak_stress <= 1
    assert (video.analysis_width, video.analysis_height) == (640, 480)


def test_a_killed_worker_resumes_from_its_last_chunk(pending_video, settings):
    settings.VIDEO_CHUNK_SAMPLES = 4
    calls: list = []

    with pytest.raises(WorkerKilled):
        video_run(video_id=pending_video.pk, analyse=counting(calls, die_after=6))
    stopped = Video.objects.get(pk=pending_video.pk)
    assert stopped.status == Video.Status.PROCESSING
    assert stopped.samples_done == 4 and stopped.analyzed_until_s == pytest.approx(1.0)

    video = video_run(video_id=pending_video.pk, analyse=counting(calls))

    assert video.status == Video.Status.DONE
    # 12 samples; the 2 analysed after the last checkpoint were analysed twice, nothing else.
    assert len(calls) == 12 + 2
    assert video.samples_done == 12 and video.faces.count() == 24
    assert video.person_count == 2  # The replayed tracker kept the ids.


def test_a_job_that_keeps_dying_ends_failed_with_a_reason(pending_video, settings):
    settings.VIDEO_MAX_ATTEMPTS = 1
    with pytest.raises(WorkerKilled):
        video_run(video_id=pending_video.pk, analyse=counting([], die_after=0))

    video = video_run(video_id=pending_video.pk)

    assert video.status == Video.Status.FAILED
    assert "stopped 1 times" in video.error


def test_a_cancelled_video_stops_at_its_next_chunk(pending_video, settings):
    settings.VIDEO_CHUNK_SAMPLES = 4
    calls: list = []

    def analyse_then_cancel(rgb):
        if len(calls) == 5:
            video_cancel(video=Video.objects.get(pk=pending_video.pk))
        calls.append(1)
        return analyze_video_frame(rgb)

    video = video_run(video_id=pending_video.pk, analyse=analyse_then_cancel)

    assert video.status == Video.Status.CANCELLED
    assert len(calls) == 8 and video.samples_done == 4


def test_maintenance_requeues_a_video_whose_job_went_silent(pending_video):
    import datetime as dt

    from django.utils import timezone

    from detection.analyses.maintenance import maintenance_run

    Video.objects.filter(pk=pending_video.pk).update(
        status=Video.Status.PROCESSING, created_at=timezone.now() - dt.timedelta(hours=1),
        heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    with mock.patch("detection.videos.services._queue_video") as queue:
        result = maintenance_run()

    assert result["videos_requeued"] == [pending_video.pk]
    queue.assert_called_once_with(pending_video.pk)
