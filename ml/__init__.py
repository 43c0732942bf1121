"""The ML core: emotion recognition on faces. No Django here.

The one entry point the platform uses::

    from ml import analyze
    result = analyze(image_bytes)          # -> ml.pipeline.AnalysisResult
    result.faces[0].probabilities          # {"angry": 0.01, ..., "surprise": 0.02}

Heavy modules (TensorFlow, OpenCV) are imported on first use, so ``import ml`` is cheap.
"""

from ml.emotions import DEFAULT_STRESS_EMOTIONS, EMOTIONS, STRESS_WEIGHTS, stress_level, stress_score
from ml.images import InvalidImageError

__all__ = [
    "DEFAULT_STRESS_EMOTIONS",
    "EMOTIONS",
    "STRESS_WEIGHTS",
    "InvalidImageError",
    "analyze",
    "stress_level",
    "stress_score",
]


def analyze(image, **kwargs):
    from ml.pipeline import analyze as _analyze

    return _analyze(image, **kwargs)
