"""The Django side's one door to the ML core: every task, consumer and API view that analyses
an image calls :func:`analyze_image`, which reads the settings and calls :func:`ml.analyze`."""

from __future__ import annotations

import numpy as np
from django.conf import settings

import ml
from ml.images import ImageInput
from ml.pipeline import AnalysisResult
from ml.video import VIDEO_MIN_FACE
from stressdetector.ops.metrics import INFERENCE_SECONDS

InvalidImageError = ml.InvalidImageError


def analyze_image(image: ImageInput, *, live: bool = False, min_face: int | None = None) -> AnalysisResult:
    """Detect every face in ``image`` and classify its emotion with the configured model.

    ``live`` frames are searched for faces from ``ml.face_search.LIVE_MIN_FACE`` px up in one pass (a
    camera's faces are close, and a smaller search copy keeps the frame rate up); uploaded images
    from ``ml.face_search.MIN_FACE`` px up, everywhere a face could be. Raises
    :class:`InvalidImageError` for anything that is not a usable image.
    """
    result = ml.analyze(image, model_dir=settings.ML_WEIGHTS_DIR or None, live=live, min_face=min_face)
    INFERENCE_SECONDS.observe(result.timings_ms["total"] / 1000)
    return result


def analyze_live_frame(frame: bytes, min_face: int | None = None) -> AnalysisResult:
    """A camera frame; ``min_face`` (px) raises the smallest face looked for (a stream's option)."""
    return analyze_image(frame, live=True, min_face=min_face)


def analyze_video_frame(frame: np.ndarray) -> AnalysisResult:
    """A sampled video frame (upright RGB): one pass, like a live frame, for faces from
    ``ml.video.VIDEO_MIN_FACE`` px."""
    return analyze_image(frame, live=True, min_face=VIDEO_MIN_FACE)
