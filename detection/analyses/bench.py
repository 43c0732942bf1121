"""Pushing images through the real queue and timing them (``manage.py bench_analyses``).

Each image goes through detection.analyses.services.analysis_create, exactly as an upload
does; latency is submit -> done (finished_at), so it includes the time spent in the queue.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import CommandError

from accounts.models import User
from detection.analyses.services import analysis_create
from detection.models import Analysis

POLL_S = 0.05


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def bench_image_bytes(image: Path | None) -> bytes:
    """The image to send: ``image``'s bytes, or scikit-image's astronaut photo as a JPEG."""
    if image is not None:
        return image.read_bytes()
    try:
        from skimage import data
    except ImportError:
        raise CommandError("Pass --image PATH (scikit-image, for the default astronaut photo, is not installed).") from None
    from ml.images import encode_jpeg

    return encode_jpeg(data.astronaut())


def bench_analysis_submit(*, owner: User, content: bytes) -> Analysis:
    """Queue one analysis exactly as an upload does; remembers when it was submitted."""
    submitted = time.time()
    analysis = analysis_create(owner=owner, source=Analysis.Source.UPLOAD, image=ContentFile(content, name="bench.jpg"))
    analysis.bench_submitted = submitted
    return analysis


def bench_analyses_wait(analyses: list[Analysis], *, timeout: float) -> list[Analysis]:
    """Wait until every analysis has finished; returns them reloaded, in id order."""
    deadline = time.monotonic() + timeout
    submitted = {analysis.pk: analysis.bench_submitted for analysis in analyses}
    unfinished = (Analysis.Status.PENDING, Analysis.Status.PROCESSING)
    while Analysis.objects.filter(pk__in=submitted, status__in=unfinished).exists():
        if time.monotonic() > deadline:
            raise CommandError(f"Timed out after {timeout} s waiting for the analyses (is a worker running?).")
        time.sleep(POLL_S)
    finished = list(Analysis.objects.filter(pk__in=submitted).order_by("pk"))
    for analysis in finished:
        analysis.bench_submitted = submitted[analysis.pk]
    return finished
