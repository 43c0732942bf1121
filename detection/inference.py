"""The Django side's one door to the ML core: every task, consumer and API view that analyses
an image calls :func:`analyze_image`, which reads the settings and calls :func:`ml.analyze`."""

from __future__ import annotations

from django.conf import settings

import ml
from ml.images import ImageInput
from ml.pipeline import AnalysisResult
from stressdetector.ops.metrics import INFERENCE_SECONDS

InvalidImageError = ml.InvalidImageError


def analyze_image(image: ImageInput) -> AnalysisResult:
    """Detect every face in ``image`` and classify its emotion with the configured model.

    Raises :class:`InvalidImageError` for anything that is not a usable image.
    """
    result = ml.analyze(image, model_dir=settings.ML_WEIGHTS_DIR or None)
    INFERENCE_SECONDS.observe(result.timings_ms["total"] / 1000)
    return result
