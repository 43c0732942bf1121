"""What a result says, defined once: which faces count for an image's headline, the image's
stress and dominant emotion, the stress levels (thresholds and words), and the faces' numbering.

The pipeline (``ml.pipeline.AnalysisResult``), the stored analyses (detection.analyses), the
pages, the history card and filter, alerts, the live pill, the API and the exports all read
these, so a result reads the same everywhere. No Django here: the Django side passes its
settings in where they differ from the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

# A face counts for its image's headline when the detector is sure it is a face and the
# classifier is sure enough of its emotion. A false face on a sleeve or crossed arms scores
# near the detector's floor (ml.faces.YUNET_MIN_CONFIDENCE, 0.5) and its "emotion" is close to
# uniform; such a face is still shown, marked uncertain, but decides nothing.
HEADLINE_MIN_DETECTION_SCORE = 0.7
HEADLINE_MIN_CONFIDENCE = 0.40

# Stress levels: a score (0..1) at or above a threshold has that level; the first match wins.
STRESS_LEVELS: tuple[tuple[float, str], ...] = ((0.6, "high"), (0.3, "moderate"), (0.0, "low"))
# The words shown for each level ("High stress · 61%").
STRESS_LEVEL_WORDS: dict[str, str] = {"high": "High", "moderate": "Moderate", "low": "Low"}


def stress_level(score: float) -> str:
    """The level of a stress score: "low", "moderate" or "high"."""
    for threshold, level in STRESS_LEVELS:
        if score >= threshold:
            return level
    return STRESS_LEVELS[-1][1]


def stress_level_range(level: str) -> tuple[float, float | None]:
    """The scores of a level: from the first (included) to the second (excluded; None for the
    highest level), so filters select exactly the scores :func:`stress_level` names ``level``."""
    thresholds = [threshold for threshold, _ in STRESS_LEVELS]
    for position, (threshold, name) in enumerate(STRESS_LEVELS):
        if name == level:
            return threshold, (thresholds[position - 1] if position else None)
    raise ValueError(f"No stress level {level!r}: choose one of {[name for _, name in STRESS_LEVELS]}")


def stress_percent(score: float | None) -> str:
    """The one stress unit users see: a whole percentage, 0% calm to 100% highly stressed."""
    return "–" if score is None else f"{round(score * 100)}%"


def stress_words(score: float | None) -> str:
    """The one wording: "High stress · 61%"."""
    if score is None:
        return "No stress reading"
    return f"{STRESS_LEVEL_WORDS[stress_level(score)]} stress · {stress_percent(score)}"


class Reading(Protocol):
    detection_score: float
    confidence: float
    stress: float


ReadingT = TypeVar("ReadingT", bound=Reading)


def counts_for_headline(
    face: Reading,
    *,
    min_detection_score: float = HEADLINE_MIN_DETECTION_SCORE,
    min_confidence: float = HEADLINE_MIN_CONFIDENCE,
) -> bool:
    """Whether a face may decide its image's stress and dominant emotion."""
    return face.detection_score >= min_detection_score and face.confidence >= min_confidence


def headline_face(faces: Iterable[ReadingT], **rule: float) -> ReadingT | None:
    """The face an image's headline reports: the most stressed of the faces that count
    (:func:`counts_for_headline`; ``rule`` overrides its thresholds). The image's stress is this
    face's stress and its dominant emotion this face's emotion, so the headline, the history card,
    its filter and "the most stressed face looks ..." always agree. None when no face counts:
    the image then has no stress reading and no dominant emotion."""
    counted = [face for face in faces if counts_for_headline(face, **rule)]
    return max(counted, key=lambda face: face.stress, default=None)


def reading_order_key(x: float, y: float, w: float, h: float) -> tuple[float, float]:
    """Faces are numbered as a person reads the image, from 1: left to right by their centres,
    top to bottom when two are level. The annotated image, the pages, the API and the exports
    all number faces by this key."""
    return (x + w / 2, y + h / 2)
