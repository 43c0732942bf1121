"""The emotion palette and readable text on it (WCAG 2 contrast), without OpenCV: ml.annotate
draws with it, detection.core.presentation serves it to the pages as /palette.css."""

from __future__ import annotations

from collections.abc import Sequence

# RGB, one per emotion, also used by the charts (static/js) so a face and its bar match.
EMOTION_COLOURS: dict[str, tuple[int, int, int]] = {
    "angry": (220, 53, 69),
    "disgust": (111, 66, 193),
    "fear": (253, 126, 20),
    "happy": (25, 135, 84),
    "neutral": (108, 117, 125),
    "sad": (13, 110, 253),
    "surprise": (214, 168, 0),
}

WHITE, DARK = (255, 255, 255), (33, 37, 41)  # DARK: the pages' body text colour (#212529).


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0..255 channels)."""

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG 2's contrast ratio (1 to 21; AA asks 4.5 for normal text)."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: Sequence[float]) -> tuple[int, int, int]:
    """White or dark text, whichever reads better on ``background``: labels, swatches, badges."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(DARK, background) else DARK
