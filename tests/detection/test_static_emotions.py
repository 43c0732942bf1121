"""static/js/emotions.js mirrors the one list of emotions and the annotation colours in ml/."""

import json
import re

from django.conf import settings

from ml.annotate import EMOTION_COLOURS
from ml.emotions import EMOTIONS

SOURCE = (settings.BASE_DIR / "static" / "js" / "emotions.js").read_text()


def test_the_emotions_are_the_same_and_in_the_same_order():
    listed = re.search(r"export const EMOTIONS = (\[.*?\]);", SOURCE).group(1)

    assert tuple(json.loads(listed)) == EMOTIONS


def test_the_colours_match_the_annotated_images():
    block = re.search(r"export const EMOTION_COLOURS = \{(.*?)\};", SOURCE, re.S).group(1)
    colours = {name: tuple(map(int, rgb.split(","))) for name, rgb in re.findall(r"(\w+): \[([\d, ]+)\]", block)}

    assert colours == EMOTION_COLOURS
