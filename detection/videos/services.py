"""Writes of videos: uploading one, running its analysis in resumable chunks, cancelling and
deleting it.

The job (``video_run``) samples frames with ``ml.video``, analyses each through the one inference
service (``analyze_video_frame``), gives faces person ids (``ml.tracking`` via
``ml.video_analysis``), and stores ``VIDEO_CHUNK_SAMPLES`` samples at a time together with the
time it reached (``analyzed_until_s``). A job that starts again (a killed worker's task redelivered,
a retry) deletes nothing it stored: it replays the stored faces into a new tracker, so person ids
continue, and samples from the checkpoint on.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts.models import User
from detection.analyses.inference import analyze_video_frame
from detection.analyses.services import UPLOAD_TOO_LARGE
from detection.core.dates import hourly_limit_retry_after
from detection.core.presentation import headline_rule
from detection.models import Video, VideoFace
from ml.emotions import EMOTIONS
from ml.images import encode_jpeg
from ml.video import MAX_SAMPLES_PER_SECOND, InvalidVideoError, VideoInfo, next_sample_time, probe, sample_frames
from ml.video_analysis import (
    PersonRow,
    TrackedFrame,
    analyze_samples,
    face_from_row,
    person_summaries,
    replay_tracker,
    video_headline,
)
from stressdetector.background import enqueue_or_log

logger = logging.getLogger(__name__)

# The Celery task (detection.videos.tasks), queued by name: it imports this module.
VIDEO_RUN_TASK = "detection.videos.tasks.video_run_task"

VIDEO_EXTENSIONS = (".mp4", ".m4v", ".webm", ".mov", ".avi", ".mkv")
MIN_SAMPLES_PER_SECOND = 0.2
THUMBNAIL_SIDE = 320


class VideoRateLimitError(ValidationError):
    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        plural = "s" if minutes != 1 else ""
        super().__init__(f"You have uploaded the most videos allowed in an hour. Try again in {minutes} minute{plural}.")
        self.retry_after = retry_after


class VideoCancelled(Exception):
    """The user cancelled the video while its job ran."""


def _check_video_rate(owner: User) -> None:
    retry_after = hourly_limit_retry_after(Video.objects.filter(owner=owner), settings.VIDEO_CREATE_PER_HOUR)
    if retry_after is not None:
        raise VideoRateLimitError(retry_after=retry_after)


def video_create(*, owner: User, file: File, samples_per_second: float | None = None) -> Video:
    """Check the upload (size, type, that it decodes, duration), store it, create a ``pending``
    video and queue its job. Raises :class:`ValidationError` with a user-readable message, and
    then leaves no file behind."""
    _check_video_rate(owner)
    rate = settings.VIDEO_SAMPLES_PER_SECOND if samples_per_second is None else float(samples_per_second)
    if not MIN_SAMPLES_PER_SECOND <= rate <= MAX_SAMPLES_PER_SECOND:
        raise ValidationError(f"Pick between {MIN_SAMPLES_PER_SECOND:g} and {MAX_SAMPLES_PER_SECOND:g} frames a second.")
    limit = settings.VIDEO_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(f"The file is larger than {filesizeformat(limit)}.", code=UPLOAD_TOO_LARGE)
    name = PurePosixPath(file.name or "").name
    if PurePosixPath(name).suffix.lower() not in VIDEO_EXTENSIONS:
        raise ValidationError("Choose a video file (MP4, WebM, MOV or AVI).", code="invalid_video")

    video = Video(owner=owner, original_name=name[:255], size_bytes=file.size or 0, samples_per_second=rate)
    video.file.save(name, file, save=False)
    try:
        info = _probe_stored(video)
        _apply_info(video, info)
        with transaction.atomic():
            video.save()
            transaction.on_commit(lambda: _queue_video(video.pk))
    except BaseException:
        # Nothing refers to the stored files: remove them.
        _delete_file(video.file)
        _delete_file(video.thumbnail)
        raise
    return video


def _probe_stored(video: Video) -> VideoInfo:
    try:
        info = probe(video.file.path)
    except InvalidVideoError as error:
        raise ValidationError(str(error), code="invalid_video") from None
    limit = settings.VIDEO_MAX_DURATION_SECONDS
    if info.duration_s > limit:
        raise ValidationError(f"The video is {info.duration_s / 60:.0f} minutes long; the limit is {limit / 60:g} minutes.",
                              code="too_long")
    return info


def _apply_info(video: Video, info: VideoInfo) -> None:
    video.duration_s, video.fps, video.width, video.height = info.duration_s, info.fps, info.width, info.height
    video.rotation, video.codec = info.rotation, info.codec
    frames = sample_frames(video.file.path, max_side=THUMBNAIL_SIDE)
    try:
        _, first = next(frames)
    except (InvalidVideoError, StopIteration):
        return
    finally:
        frames.close()  # Closes the file now, not when the generator is collected.
    video.thumbnail.save("thumbnail.jpg", ContentFile(encode_jpeg(first, 85)), save=False)


def _queue_video(video_id: int) -> None:
    if not enqueue_or_log(VIDEO_RUN_TASK, video_id, what=f"video {video_id}"):
        Video.objects.filter(pk=video_id, status=Video.Status.PENDING).update(
            status=Video.Status.FAILED, finished_at=timezone.now(),
            error="The analysis could not be started: the task queue is unavailable. Please try again in a minute.")


def video_run(*, video_id: int, analyse=analyze_video_frame) -> Video:
    """Run (or resume) a video's job to the end; safe to repeat. ``analyse`` is for tests that
    count or interrupt analyses; the platform always uses the one inference service."""
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.is_finished:
            return video
        video.attempts += 1
        if video.attempts > settings.VIDEO_MAX_ATTEMPTS:
            return _video_fail(video, f"The analysis stopped {video.attempts - 1} times before the end and was given up "
                                      f"at {video.analyzed_until_s:.0f} s of {video.duration_s:.0f} s.")
        video.status = Video.Status.PROCESSING
        video.started_at = video.started_at or timezone.now()
        video.heartbeat_at = timezone.now()
        video.save(update_fields=["attempts", "status", "started_at", "heartbeat_at"])
    try:
        _run_chunks(video, analyse)
    except VideoCancelled:
        logger.info("Video %s cancelled at %.1f s", video.pk, video.analyzed_until_s)
        return Video.objects.get(pk=video.pk)
    except InvalidVideoError as error:
        return _video_fail(video, str(error))
    return _video_finish(video)


def _stored_frames(video: Video) -> list[tuple[float, list]]:
    frames: dict[float, list] = {}
    for seconds, x, y, w, h, probabilities, detection_score in video.faces.order_by("seconds", "person").values_list(
            "seconds", "x", "y", "w", "h", "probabilities", "detection_score"):
        frames.setdefault(seconds, []).append(face_from_row({"x": x, "y": y, "w": w, "h": h}, probabilities, detection_score))
    return sorted(frames.items())


def _run_chunks(video: Video, analyse) -> None:
    tracker = replay_tracker(_stored_frames(video))
    samples = sample_frames(video.file.path, per_second=video.samples_per_second, start_s=video.analyzed_until_s,
                            max_duration_s=settings.VIDEO_MAX_DURATION_SECONDS + 1)
    chunk: list[TrackedFrame] = []
    for frame in analyze_samples(samples, analyse, tracker=tracker):
        chunk.append(frame)
        if len(chunk) >= settings.VIDEO_CHUNK_SAMPLES:
            _store_chunk(video, chunk, until_s=next_sample_time(frame.seconds, video.samples_per_second))
            chunk = []
    last = next_sample_time(chunk[-1].seconds, video.samples_per_second) if chunk else video.analyzed_until_s
    _store_chunk(video, chunk, until_s=max(video.duration_s, last))


def _store_chunk(video: Video, chunk: list[TrackedFrame], *, until_s: float) -> None:
    """Store a chunk's faces and move the checkpoint past it, in one transaction; stop if the
    user cancelled meanwhile."""
    faces = [
        VideoFace(video=video, seconds=frame.seconds, person=tracked.person, x=max(0, tracked.face.box.x),
                  y=max(0, tracked.face.box.y), w=tracked.face.box.w, h=tracked.face.box.h,
                  probabilities={label: round(tracked.face.probabilities[label], 4) for label in EMOTIONS},
                  dominant_emotion=tracked.face.dominant, stress=round(min(1.0, max(0.0, tracked.face.stress)), 4),
                  detection_score=round(tracked.face.detection_score, 4))
        for frame in chunk for tracked in frame.faces
    ]
    with transaction.atomic():
        current = Video.objects.select_for_update().get(pk=video.pk)
        if current.status == Video.Status.CANCELLED:
            raise VideoCancelled
        VideoFace.objects.bulk_create(faces)
        updates = {"analyzed_until_s": until_s, "heartbeat_at": timezone.now(),
                   "samples_done": F("samples_done") + len(chunk), "samples_analyzed_total": F("samples_analyzed_total") + len(chunk)}
        if chunk and not current.analysis_width:
            updates.update(analysis_width=chunk[0].width, analysis_height=chunk[0].height)
        Video.objects.filter(pk=video.pk).update(**updates)
    video.analyzed_until_s = until_s


def video_person_rows(video: Video) -> list[PersonRow]:
    return [PersonRow(seconds, person, (x, y, w, h), probabilities, detection_score)
            for seconds, person, x, y, w, h, probabilities, detection_score in video.faces.order_by("seconds", "person").values_list(
                "seconds", "person", "x", "y", "w", "h", "probabilities", "detection_score")]


def video_summary_fields(video: Video) -> dict:
    """A video's people and headline from its stored faces: ``persons`` (per-person summaries),
    ``person_count``, ``stress``, ``peak_stress`` and ``dominant_emotion``. Samples the detector or
    the classifier is unsure of are stored and shown, but decide nothing (ml.headline, with the
    configured confidence, as for analyses)."""
    rows = video_person_rows(video)
    persons = person_summaries(rows, interval_s=1 / video.samples_per_second, **headline_rule())
    return {"persons": persons, "person_count": len(persons), **video_headline(rows, **headline_rule())}


def _video_finish(video: Video) -> Video:
    from ml.pipeline import get_analyzer

    fields = video_summary_fields(video)
    video.refresh_from_db()
    if video.status == Video.Status.CANCELLED:
        return video
    analyzer = get_analyzer(settings.ML_WEIGHTS_DIR or None)
    for name, value in fields.items():
        setattr(video, name, value)
    video.model_version, video.detector = analyzer.classifier.version, analyzer.detector.name
    video.status = Video.Status.DONE
    video.finished_at = timezone.now()
    video.save()
    return video


def _video_fail(video: Video, message: str) -> Video:
    Video.objects.filter(pk=video.pk).update(status=Video.Status.FAILED, error=message, finished_at=timezone.now())
    video.refresh_from_db()
    logger.info("Video %s failed: %s", video.pk, message)
    return video


def video_cancel(*, video: Video) -> Video:
    """Stop a pending or running job; what it stored so far stays viewable."""
    Video.objects.filter(pk=video.pk, status__in=[Video.Status.PENDING, Video.Status.PROCESSING]).update(
        status=Video.Status.CANCELLED, finished_at=timezone.now())
    video.refresh_from_db()
    return video


def video_delete(*, video: Video) -> None:
    """Delete the video and its results; its files follow once committed (detection.videos.signals)."""
    video.delete()


def video_recover_stuck(*, stuck_before: dt.datetime) -> list[int]:
    """Queue again the jobs whose worker went silent (no checkpoint since ``stuck_before``);
    ``video_run`` resumes them and fails them after ``VIDEO_MAX_ATTEMPTS``."""
    stuck = list(Video.objects.filter(status__in=[Video.Status.PENDING, Video.Status.PROCESSING],
                                      created_at__lt=stuck_before).exclude(heartbeat_at__gte=stuck_before)
                 .values_list("pk", flat=True))
    for video_id in stuck:
        _queue_video(video_id)
    return stuck


def _delete_file(field) -> None:
    if field and field.name:
        try:
            field.storage.delete(field.name)
        except OSError:
            logger.warning("Could not delete %s", field.name)
