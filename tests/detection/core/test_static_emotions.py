"""static/js/emotions.js mirrors the one list of emotions in ml/, and takes its colours from
/palette.css, which is generated from the colours ml/ annotates faces with."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from ml.annotate import EMOTION_COLOURS
from ml.emotions import EMOTIONS

SOURCE = (settings.BASE_DIR / "static" / "js" / "emotions.js").read_text()


def test_the_emotions_are_the_same_and_in_the_same_order():
    listed = re.search(r"export const EMOTIONS = (\[.*?\]);", SOURCE).group(1)

    assert tuple(json.loads(listed)) == EMOTIONS


def test_the_scripts_hard_code_no_emotion_colour():
    scripts = (settings.BASE_DIR / "static" / "js").glob("*.js")

    for script in scripts:
        assert not re.search(r"#[0-9a-fA-F]{6}", script.read_text()), f"{script.name} defines a colour of its own"


@pytest.mark.django_db
def test_the_palette_stylesheet_carries_the_annotation_colours(client):
    response = client.get(reverse("palette"))
    css = response.content.decode()

    assert response["Content-Type"].startswith("text/css")
    for label, rgb in EMOTION_COLOURS.items():
        assert f"--emotion-{label}-rgb: {', '.join(map(str, rgb))};" in css
        assert f".emotion-{label} {{ color: rgb(" in css
