"""How results are shown, defined once: the stress unit and wording, when a face counts as
uncertain and which faces count for an image's headline (both ml.headline's rule, with the
configured confidence), the order faces are numbered in, and the emotion palette. Templates use these through
``{% load presentation %}``, scripts through /palette.css and static/js/format.js."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from django.conf import settings

from ml import headline
from ml.colours import EMOTION_COLOURS, WHITE, contrast_ratio, text_on
from ml.emotions import EMOTIONS

# WCAG AA for normal text on white.
TEXT_CONTRAST = 4.5


class HasBox(Protocol):
    x: int
    y: int
    w: int
    h: int


FaceT = TypeVar("FaceT", bound=HasBox)


stress_percent = headline.stress_percent  # The one stress unit: "61%".
stress_label = headline.stress_words  # The one wording: "High stress · 61%".


def uncertain_below() -> float:
    return settings.EMOTION_UNCERTAIN_BELOW


def is_uncertain(confidence: float | None) -> bool:
    """A face whose most likely emotion is below the calibrated threshold: shown as uncertain,
    with its best guess, and it gets no emotion-specific advice."""
    return confidence is None or confidence < uncertain_below()


def headline_rule() -> dict[str, float]:
    """ml.headline's thresholds as configured (keyword arguments for its functions and for
    ml.video_analysis'): the detector's score as shipped, the confidence from the settings."""
    return {"min_confidence": uncertain_below()}


def counts_for_headline(face) -> bool:
    """ml.headline's rule with the configured confidence: whether a stored face (or a video's
    sample) may decide its image's (or video's) stress and dominant emotion."""
    return headline.counts_for_headline(face, **headline_rule())


def analysis_headline_face(faces: Iterable[FaceT]) -> FaceT | None:
    """The face an analysis' headline reports (ml.headline.headline_face): its stress and
    dominant emotion are the analysis'."""
    return headline.headline_face(faces, min_confidence=uncertain_below())


# --- The emotion palette ---------------------------------------------------------------------


def emotion_palette() -> dict[str, tuple[int, int, int]]:
    """RGB per emotion: the colours ml/ circles faces with, and so every chart and label's."""

    return {label: EMOTION_COLOURS[label] for label in EMOTIONS}


def text_colour(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour darkened just enough to read as text on white (contrast >= 4.5)."""
    colour = rgb
    factor = 1.0
    while contrast_ratio(colour, WHITE) < TEXT_CONTRAST and factor > 0:
        factor -= 0.05
        colour = tuple(round(value * factor) for value in rgb)
    return colour


def palette_css(palette: Mapping[str, tuple[int, int, int]]) -> str:
    """CSS custom properties (``--emotion-happy-rgb: 25, 135, 84``) for the scripts
    (static/js/emotions.js reads them), and the text, swatch and SVG fill classes for the
    templates."""
    lines = [":root {"]
    for label, rgb in palette.items():
        lines.append(f"  --emotion-{label}-rgb: {', '.join(map(str, rgb))};")
    lines.append("}")
    for label, rgb in palette.items():
        text = ", ".join(map(str, text_colour(rgb)))
        lines.append(f".emotion-{label} {{ color: rgb({text}); }}")
        on = ", ".join(map(str, text_on(rgb)))  # White or dark, whichever meets WCAG AA.
        lines.append(f".emotion-swatch-{label} {{ background-color: rgb({', '.join(map(str, rgb))}); color: rgb({on}); }}")
        lines.append(f".emotion-fill-{label} {{ fill: rgb({', '.join(map(str, rgb))}); }}")
    return "\n".join(lines) + "\n"
