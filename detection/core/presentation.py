"""How results are shown, defined once: the stress unit and wording, when a face counts as
uncertain, the order faces are numbered in, and the emotion palette. Templates use these through
``{% load presentation %}``, scripts through /palette.css and static/js/format.js."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from django.conf import settings

from ml.emotions import EMOTIONS, stress_level

# WCAG AA for normal text on white.
TEXT_CONTRAST = 4.5


class HasBox(Protocol):
    x: int
    y: int
    w: int
    h: int


FaceT = TypeVar("FaceT", bound=HasBox)


def stress_percent(score: float | None) -> str:
    """The one stress unit: a whole percentage, 0 % calm to 100 % highly stressed."""
    return "–" if score is None else f"{round(score * 100)}%"


def stress_label(score: float | None) -> str:
    """The one wording: "High stress · 61%"."""
    if score is None:
        return "No stress reading"
    return f"{stress_level(score).capitalize()} stress · {stress_percent(score)}"


def uncertain_below() -> float:
    return settings.EMOTION_UNCERTAIN_BELOW


def is_uncertain(confidence: float | None) -> bool:
    """A face whose most likely emotion is below the calibrated threshold: shown as uncertain,
    with its best guess, and it gets no emotion-specific advice."""
    return confidence is None or confidence < uncertain_below()


def faces_in_reading_order(faces: Iterable[FaceT]) -> list[FaceT]:
    """Faces numbered as a person reads the image: left to right by their centres, top to
    bottom when two are level. Sets ``number`` (1, 2, ...) on each face, used by the cards, the
    circles drawn on the page and the downloadable image alike."""
    ordered = sorted(faces, key=lambda face: (face.x + face.w / 2, face.y + face.h / 2))
    for number, face in enumerate(ordered, start=1):
        face.number = number
    return ordered


# --- The emotion palette ---------------------------------------------------------------------


def emotion_palette() -> dict[str, tuple[int, int, int]]:
    """RGB per emotion: the colours ml/ circles faces with, and so every chart and label's."""
    from ml.annotate import EMOTION_COLOURS  # Imports OpenCV: only when the palette is served.

    return {label: EMOTION_COLOURS[label] for label in EMOTIONS}


def _luminance(rgb: Iterable[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour darkened just enough to read as text on white (contrast >= 4.5)."""
    colour = rgb
    factor = 1.0
    while (1.05 / (_luminance(colour) + 0.05)) < TEXT_CONTRAST and factor > 0:
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
        lines.append(f".emotion-swatch-{label} {{ background-color: rgb({', '.join(map(str, rgb))}); color: #fff; }}")
        lines.append(f".emotion-fill-{label} {{ fill: rgb({', '.join(map(str, rgb))}); }}")
    return "\n".join(lines) + "\n"


def number_badge_radius(*, width: int, height: int) -> int:
    """The radius of the numbered disc at each face's top-left corner, on the page and on the
    downloadable image alike: readable on large images, not overwhelming on small ones."""
    return max(12, round(max(width, height) / 40))
