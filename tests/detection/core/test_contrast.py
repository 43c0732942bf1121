"""Every text/background pair of the palette meets WCAG AA (4.5:1): the stress badges, the live
pill, the emotion swatches and text, and the labels on the marked image."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from detection.core.presentation import emotion_palette, palette_css
from ml.colours import EMOTION_COLOURS, WHITE, contrast_ratio, text_on

AA = 4.5
CSS = Path(settings.BASE_DIR) / "static" / "css"
COLOUR = r"(?:rgba?\((\d+), (\d+), (\d+)(?:, [\d.]+)?\)|#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b)"


def rgb(match: re.Match) -> tuple[int, ...]:
    if match.group(4):
        digits = match.group(4) if len(match.group(4)) == 6 else "".join(d * 2 for d in match.group(4))
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return tuple(int(match.group(i)) for i in (1, 2, 3))


def pairs(css: str, selector: str) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """(rule, text, background) for each rule matching ``selector`` that sets both."""
    found = []
    for rule, body in re.findall(r"([^{}\n]*" + selector + r"[^{}]*)\{([^}]*)\}", css):
        background = re.search(r"background(?:-color)?: " + COLOUR, body)
        text = re.search(r"(?<!-)color: " + COLOUR, body)
        assert background and text, f"{rule.strip()} sets no text colour for its background"
        found.append((rule.strip(), rgb(text), rgb(background)))
    return found


@pytest.mark.parametrize(("file", "selector"), [("app.css", r"\.stress-(?:low|moderate|high)"), ("live.css", r"data-level=")])
def test_the_stress_levels_text_meets_aa(file, selector):
    found = pairs((CSS / file).read_text(), selector)

    assert len(found) == 3
    for rule, text, background in found:
        assert contrast_ratio(text, background) >= AA, rule


def test_the_emotion_swatches_and_texts_meet_aa():
    css = palette_css(emotion_palette())

    swatches = pairs(css, r"\.emotion-swatch-\w+ ")
    assert len(swatches) == len(EMOTION_COLOURS)
    for rule, text, background in swatches:
        assert contrast_ratio(text, background) >= AA, rule
    for label, text in re.findall(r"\.emotion-(\w+) \{ color: rgb\((\d+, \d+, \d+)\); \}", css):
        assert contrast_ratio(tuple(map(int, text.split(", "))), WHITE) >= AA, label


@pytest.mark.parametrize("emotion", sorted(EMOTION_COLOURS))
def test_the_marked_images_labels_meet_aa(emotion):
    assert contrast_ratio(text_on(EMOTION_COLOURS[emotion]), EMOTION_COLOURS[emotion]) >= AA
