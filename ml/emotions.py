"""The one list of emotions, and how they map to stress.

Everything else (the model's output order, database choices, the API, the charts) reads
``EMOTIONS`` from here.
"""

from __future__ import annotations

from collections.abc import Mapping

# The stress levels' thresholds and words are ml.headline's, beside what counts for an image's
# headline; re-exported here as ml.stress_level.
from ml.headline import stress_level

# FER2013's label order (emotion ids 0..6 in fer2013.csv), sorted alphabetically as well.
EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")

# How much each emotion says about stress, in [0, 1]. The negative, high-arousal emotions
# count fully; sadness (the earlier app's trigger) counts a little less than fear and anger;
# surprise is ambiguous; neutral and happy are calm.
STRESS_WEIGHTS: dict[str, float] = {
    "angry": 1.0,
    "disgust": 0.9,
    "fear": 1.0,
    "sad": 0.8,
    "surprise": 0.3,
    "neutral": 0.0,
    "happy": 0.0,
}

# The emotions a stress alert counts by default (the earlier app counted 'sad' only).
DEFAULT_STRESS_EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "sad")


def stress_score(probabilities: Mapping[str, float]) -> float:
    """Expected stress weight under the predicted distribution, clipped to [0, 1]."""
    score = sum(STRESS_WEIGHTS[label] * float(probabilities.get(label, 0.0)) for label in EMOTIONS)
    return min(1.0, max(0.0, score))


class EmotionReading:
    """What seven probabilities say, for a class with a ``probabilities`` mapping (a face of
    ``ml.pipeline``, a stored video sample of ``ml.video_analysis``): the same words everywhere."""

    probabilities: Mapping[str, float]

    @property
    def dominant(self) -> str:
        return max(self.probabilities, key=self.probabilities.__getitem__)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.dominant]

    @property
    def stress(self) -> float:
        return stress_score(self.probabilities)


__all__ = ["DEFAULT_STRESS_EMOTIONS", "EMOTIONS", "STRESS_WEIGHTS", "EmotionReading", "stress_level", "stress_score"]
