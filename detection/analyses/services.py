"""Writes of analyses: creating, running and deleting image analyses.

Views, the API, the live camera and the Celery task call these; none of them touches the
models' files or statuses directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Coalesce, Greatest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts.models import User
from detection.alerts.services import alerts_check_analysis
from detection.analyses.fetch import FetchError, TransientFetchError, check_url, fetch_image
from detection.analyses.inference import InvalidImageError, analyze_image
from detection.core.dates import hourly_limit_retry_after
from detection.core.presentation import analysis_headline_face
from detection.models import Analysis, DetectedFace
from ml.images import UnsupportedImageError, encode_jpeg, to_rgb_array
from ml.pipeline import AnalysisResult
from stressdetector.background import enqueue_or_log

logger = logging.getLogger(__name__)

STORED_JPEG_QUALITY = 92
# ValidationError codes of uploads refused for their size or their image type (the API answers
# them with 413 and 415); other refusals have the code "invalid_image".
UPLOAD_TOO_LARGE = "too_large"
UNSUPPORTED_IMAGE = "unsupported_image"

# The Celery tasks (detection.analyses.tasks), queued by name: they import this module.
ANALYSIS_RUN_TASK = "detection.tasks.analysis_run_task"
MAINTENANCE_TASK = "detection.tasks.maintenance_task"


class TransientAnalysisError(Exception):
    """``analysis_run`` hit a failure worth retrying; the analysis is back to ``pending``."""


class AnalysisRateLimitError(ValidationError):
    """The user started ``ANALYSIS_CREATE_PER_HOUR`` analyses in the last hour; ``retry_after``
    is how many seconds until the oldest of them leaves the window."""

    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        plural = "s" if minutes != 1 else ""
        super().__init__(f"You have started the most analyses allowed in an hour. Try again in {minutes} minute{plural}.")
        self.retry_after = retry_after


def _check_analysis_rate(owner: User) -> None:
    """Counted from the database, so the limit holds across processes and needs no cache. Only
    exact under :func:`_lock_owner` (analysis_create calls it again there)."""
    retry_after = hourly_limit_retry_after(Analysis.objects.filter(owner=owner), settings.ANALYSIS_CREATE_PER_HOUR)
    if retry_after is not None:
        raise AnalysisRateLimitError(retry_after=retry_after)


def _lock_owner(owner: User) -> None:
    """Serialise one user's analysis_create calls until the transaction ends, across threads and
    processes, so that counting and inserting are one step: on PostgreSQL a row lock on the user;
    on SQLite every transaction already holds the database's write lock from its start
    (transaction_mode IMMEDIATE in the settings), and select_for_update is a no-op."""
    User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).first()


IDEMPOTENCY_KEY_MAX_LENGTH = 255


def _idempotent_replay(owner: User, idempotency_key: str) -> Analysis | None:
    """The analysis this user created with this key in the last IDEMPOTENCY_KEY_HOURS, if any."""
    if not idempotency_key:
        return None
    since = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return Analysis.objects.filter(owner=owner, idempotency_key=idempotency_key, created_at__gte=since).first()


def analysis_create(
    *, owner: User, source: str, image: File | None = None, source_url: str = "", idempotency_key: str = ""
) -> Analysis:
    """Validate the input, store the original image, create a ``pending`` analysis and queue it.

    ``image`` is required for uploads and live snapshots, ``source_url`` for URLs. Raises
    :class:`ValidationError` with a user-readable message for anything we cannot analyse.
    With an ``idempotency_key`` (a client's retry of the same request), the analysis this user
    created with that key in the last IDEMPOTENCY_KEY_HOURS is returned instead, with
    ``replayed`` set. The returned analysis has the status it has once the call is committed
    (``failed`` if it could not be queued).
    """
    if source not in Analysis.Source.values:
        raise ValidationError(f"Unknown source {source!r}.")
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationError(f"An idempotency key may have at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters.")
    if replayed := _idempotent_replay(owner, idempotency_key):
        replayed.replayed = True
        return replayed
    _check_analysis_rate(owner)  # Refuse early, before reading the image; checked again below.
    analysis = Analysis(owner=owner, source=source, idempotency_key=idempotency_key)
    analysis.replayed = False
    if source == Analysis.Source.URL:
        if image is not None or not source_url:
            raise ValidationError("Give the address of an image.")
        try:
            check_url(source_url)  # Syntax and host policy: a refused address is never queued.
        except FetchError as error:
            raise ValidationError(str(error)) from None
        analysis.source_url = source_url
    else:
        if image is None or source_url:
            raise ValidationError("Choose an image file.")
        content = _read_upload(image)
        analysis.original.save("original.jpg", _normalised_jpeg(content), save=False)

    try:
        with transaction.atomic():
            _lock_owner(owner)
            if replayed := _idempotent_replay(owner, idempotency_key):
                # The same request, retried while this one was running.
                _delete_file(analysis.original)
                replayed.replayed = True
                return replayed
            _check_analysis_rate(owner)
            if idempotency_key:
                # A key older than IDEMPOTENCY_KEY_HOURS is free again.
                Analysis.objects.filter(owner=owner, idempotency_key=idempotency_key).update(idempotency_key="")
            analysis.save()
            transaction.on_commit(lambda: _queue_analysis(analysis.pk))
    except BaseException:
        # The row was not saved, so nothing refers to the stored file: remove it.
        _delete_file(analysis.original)
        raise
    # Once committed, it was queued or (the broker down) failed at once: answer with which.
    analysis.refresh_from_db(fields=["status", "error", "finished_at"])
    return analysis


QUEUE_UNAVAILABLE_MESSAGE = "The analysis could not be started: the task queue is unavailable. Please try again in a minute."


def _queue_analysis(analysis_id: int) -> None:
    if enqueue_or_log(ANALYSIS_RUN_TASK, analysis_id, what=f"analysis {analysis_id}"):
        logger.info("Analysis %s queued", analysis_id)
    else:
        # The broker (Redis) is down: the analysis would wait for ever. Fail it with a reason the
        # user sees, instead of a server error or a "pending" that never ends.
        Analysis.objects.filter(pk=analysis_id, status=Analysis.Status.PENDING).update(
            status=Analysis.Status.FAILED, error=QUEUE_UNAVAILABLE_MESSAGE, finished_at=timezone.now()
        )


def _read_upload(image: File) -> bytes:
    limit = settings.ANALYSIS_MAX_UPLOAD_BYTES
    too_large = ValidationError(f"The file is larger than {filesizeformat(limit)}.", code=UPLOAD_TOO_LARGE)
    if image.size is not None and image.size > limit:
        raise too_large
    image.seek(0)
    content = image.read(limit + 1)
    if len(content) > limit:
        raise too_large
    if not content:
        raise ValidationError("The file is empty.")
    return content


def _normalised_jpeg(content: bytes) -> ContentFile:
    """The image as we keep it: upright (EXIF orientation applied), RGB, first frame only, at
    most ml.images.MAX_SIDE on its long side (the size the face boxes refer to), re-encoded as
    JPEG without any metadata (no EXIF, GPS or camera details). Decoding and its checks (formats,
    size limits, damage) are ml.images', whose messages are written for users."""
    try:
        rgb = to_rgb_array(content)
    except InvalidImageError as error:
        # A file type we do not read is answered 415 by the API; anything else unfit, 400.
        unsupported = isinstance(error, UnsupportedImageError)
        raise ValidationError(str(error), code=UNSUPPORTED_IMAGE if unsupported else "invalid_image") from None
    return ContentFile(encode_jpeg(rgb, STORED_JPEG_QUALITY), name="original.jpg")


def analysis_run(*, analysis_id: int, retry_transient: bool = False) -> Analysis:
    """Analyse one image and store its faces and annotated image: the Celery task's body.

    Safe to run twice: a finished analysis is returned as it is, and one left ``processing`` by a
    worker that died is started again (results are written in one transaction at the end, so a
    half-finished run leaves nothing behind in the database). With ``retry_transient``, a failure
    worth retrying (a URL timing out) puts the analysis back to ``pending`` and raises
    :class:`TransientAnalysisError`; otherwise every failure ends as ``failed`` with the reason.
    Raises ``Analysis.DoesNotExist`` if the analysis is (or gets) deleted.
    """
    with transaction.atomic():
        analysis = Analysis.objects.select_for_update().get(pk=analysis_id)
        if analysis.is_finished:
            return analysis
        analysis.status = Analysis.Status.PROCESSING
        analysis.started_at = timezone.now()
        analysis.save(update_fields=["status", "started_at"])

    try:
        if not analysis.original:
            _fetch_original(analysis)
        with analysis.original.open("rb") as original:
            result = analyze_image(original.read())
    except TransientFetchError as error:
        if retry_transient:
            Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.PROCESSING).update(status=Analysis.Status.PENDING)
            raise TransientAnalysisError(str(error)) from error
        return _analysis_fail(analysis, str(error))
    except (FetchError, InvalidImageError) as error:
        return _analysis_fail(analysis, str(error))
    except Analysis.DoesNotExist:
        raise
    except Exception:
        # A bug, not bad input: keep the traceback in the logs, tell the user it failed, and do
        # not raise (in-process, that would turn the upload into a server error).
        logger.exception("Analysis %s failed unexpectedly", analysis.pk)
        return _analysis_fail(analysis, "The analysis failed unexpectedly. Please try again.")

    if result.faces:
        analysis.annotated.save("annotated.jpg", ContentFile(result.annotated_jpeg()), save=False)
    try:
        with transaction.atomic():
            current = Analysis.objects.select_for_update().get(pk=analysis_id)
            if current.is_finished:
                # Another run of the same task finished first; its results stand.
                _delete_file(analysis.annotated)
                return current
            current.annotated = analysis.annotated.name
            _store_result(current, result)
    except BaseException:
        _delete_file(analysis.annotated)
        raise
    _check_alerts(current)
    return current


def _check_alerts(analysis: Analysis) -> None:
    try:
        alerts_check_analysis(analysis=analysis)
    except Exception:
        # The analysis is saved and stands; a failing alert must not turn it into an error.
        logger.exception("Checking stress alerts for analysis %s failed", analysis.pk)


def _store_result(analysis: Analysis, result: AnalysisResult, people: list[int] | None = None) -> None:
    """Save ``analysis`` as done with ``result``'s figures and faces (``people``: each face's
    person id, for a live snapshot). Inside the caller's transaction."""
    people = people or [None] * len(result.faces)
    # ml returns the faces in reading order, so index 0 is face number 1.
    faces = [
        DetectedFace(
            index=index,
            x=face.box.x,
            y=face.box.y,
            w=face.box.w,
            h=face.box.h,
            probabilities=face.probabilities,
            dominant_emotion=face.dominant,
            confidence=face.confidence,
            stress=face.stress,
            detection_score=face.detection_score,
            person=person,
        )
        for index, (face, person) in enumerate(zip(result.faces, people))
    ]
    headline = analysis_headline_face(faces)
    analysis.status = Analysis.Status.DONE
    analysis.error = ""
    analysis.model_version = result.model_version
    analysis.detector = result.detector
    analysis.width, analysis.height = result.width, result.height
    analysis.face_count = len(result.faces)
    analysis.dominant_emotion = headline.dominant_emotion if headline else ""
    analysis.stress = headline.stress if headline else None
    analysis.timings = {name: round(value, 2) for name, value in result.timings_ms.items()}
    analysis.finished_at = timezone.now()
    analysis.save()
    for face in faces:
        face.analysis = analysis
    DetectedFace.objects.bulk_create(faces)


def analysis_create_from_live_frame(*, owner: User, result: AnalysisResult, people: list[int]) -> Analysis:
    """A live snapshot: the frame and the result it got on screen (``people``: each face's person
    id), stored as a finished analysis, without analysing the frame again. The boxes refer to
    ``result.image``, which is what is stored. Raises :class:`AnalysisRateLimitError` past the
    hourly limit, as any new analysis."""
    _check_analysis_rate(owner)
    analysis = Analysis(owner=owner, source=Analysis.Source.LIVE, started_at=timezone.now())
    analysis.original.save("original.jpg", ContentFile(encode_jpeg(result.image, STORED_JPEG_QUALITY)), save=False)
    try:
        if result.faces:
            analysis.annotated.save("annotated.jpg", ContentFile(result.annotated_jpeg()), save=False)
        with transaction.atomic():
            _store_result(analysis, result, people)
    except BaseException:
        _delete_file(analysis.original)
        _delete_file(analysis.annotated)
        raise
    _check_alerts(analysis)
    return analysis


def _fetch_original(analysis: Analysis) -> None:
    """Download a URL analysis's image and store it as an upload would be."""
    fetched = fetch_image(analysis.source_url, max_bytes=settings.ANALYSIS_MAX_UPLOAD_BYTES)
    if not fetched.content:
        raise FetchError("The address answered with an empty body instead of an image.")
    try:
        normalised = _normalised_jpeg(fetched.content)
    except ValidationError as error:
        raise FetchError(f"The address did not return an image we can read. {error.messages[0]}") from None
    analysis.original.save("original.jpg", normalised, save=False)
    try:
        updated = Analysis.objects.filter(pk=analysis.pk).update(original=analysis.original.name)
    except BaseException:
        _delete_file(analysis.original)
        raise
    if not updated:
        _delete_file(analysis.original)
        raise Analysis.DoesNotExist(f"Analysis {analysis.pk} was deleted while it was being analysed.")


def _analysis_fail(analysis: Analysis, message: str) -> Analysis:
    logger.info("Analysis %s failed: %s", analysis.pk, message)
    unfinished = (Analysis.Status.PENDING, Analysis.Status.PROCESSING)
    Analysis.objects.filter(pk=analysis.pk, status__in=unfinished).update(
        status=Analysis.Status.FAILED, error=message, finished_at=timezone.now()
    )
    analysis.refresh_from_db()
    return analysis


STUCK_MESSAGE = "The analysis did not finish (the server stopped or was overloaded while it ran). Please try again."
UNFINISHED = (Analysis.Status.PENDING, Analysis.Status.PROCESSING)


def analysis_recover_stuck(*, stuck_before: dt.datetime) -> tuple[list[int], list[int]]:
    """Deal with analyses that show no progress since ``stuck_before`` (their worker died, or
    the process that ran them in-process was stopped): queue each again once, and fail one
    that is stuck again after that with :data:`STUCK_MESSAGE`. Safe to run at any time and from
    several processes at once: every change is conditional on the row still being stuck.

    Returns the ids queued again and the ids failed.
    """
    # The last sign of life: queued again, started, or created, whichever is latest.
    last_activity = Greatest(Coalesce("requeued_at", "created_at"), Coalesce("started_at", "created_at"))
    stuck = Analysis.objects.filter(status__in=UNFINISHED).alias(last_activity=last_activity).filter(last_activity__lt=stuck_before)
    requeued, failed = [], []
    now = timezone.now()
    for analysis_id, requeued_at in stuck.values_list("pk", "requeued_at"):
        # Filtering on "stuck" again makes each update a no-op if another process got there first.
        still_stuck = stuck.filter(pk=analysis_id)
        if requeued_at is None:
            with transaction.atomic():
                if still_stuck.filter(requeued_at=None).update(status=Analysis.Status.PENDING, requeued_at=now):
                    requeued.append(analysis_id)
                    transaction.on_commit(functools.partial(_queue_analysis, analysis_id))
        elif still_stuck.update(status=Analysis.Status.FAILED, error=STUCK_MESSAGE, finished_at=now):
            failed.append(analysis_id)
    if requeued or failed:
        logger.warning("Stuck analyses: queued again %s, failed %s", requeued, failed)
    return requeued, failed


def analysis_requeue_pending(*, exclude: frozenset[int] | set[int] = frozenset()) -> list[int]:
    """Queue again every ``pending`` analysis except those in ``exclude`` (the ones known to be
    on the broker's queue). A worker calls it each time it (re)connects to the broker, so that
    analyses whose messages a broker restart lost run within seconds instead of waiting for the
    stuck-analysis sweep. Running an analysis twice is safe (analysis_run). Returns the ids."""
    pending = Analysis.objects.filter(status=Analysis.Status.PENDING).order_by("created_at", "pk")
    ids = [analysis_id for analysis_id in pending.values_list("pk", flat=True) if analysis_id not in exclude]
    for analysis_id in ids:
        _queue_analysis(analysis_id)
    if ids:
        logger.warning("Queued again %d pending analyses that were not on the broker's queue", len(ids))
    return ids


def analysis_retry(*, analysis: Analysis) -> Analysis:
    """Run a failed analysis again from the start ("Try again" on its page)."""
    if analysis.status != Analysis.Status.FAILED:
        raise ValidationError("Only a failed analysis can be tried again.")
    with transaction.atomic():
        updated = Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.FAILED).update(
            status=Analysis.Status.PENDING, error="", started_at=None, finished_at=None, requeued_at=None
        )
        if updated:
            transaction.on_commit(functools.partial(_queue_analysis, analysis.pk))
    analysis.refresh_from_db()
    return analysis


def analysis_delete(*, analysis: Analysis) -> None:
    """Delete an analysis, its faces and, once the deletion is committed, its image files
    (detection.analyses.signals removes the files, for every way an analysis can be deleted)."""
    with transaction.atomic():
        analysis.delete()


def _delete_file(field) -> None:
    if field:
        field.storage.delete(field.name)
