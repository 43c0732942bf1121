"""ml.headline: the one definition of what a result says."""

from types import SimpleNamespace

import numpy as np

from ml import headline
from ml.annotate import layout_labels
from ml.faces import Box
from ml.headline import counts_for_headline, headline_face, reading_order_key, stress_level, stress_words


def face(score=0.95, confidence=0.8, stress=0.2, **extra):
    return SimpleNamespace(detection_score=score, confidence=confidence, stress=stress, **extra)


def test_unsure_faces_do_not_count():
    assert counts_for_headline(face())
    assert not counts_for_headline(face(score=0.55))
    assert not counts_for_headline(face(confidence=0.31))


def test_the_headline_is_the_most_stressed_face_that_counts():
    clear, false_face, calm = face(stress=0.3, name="clear"), face(score=0.5, stress=0.77), face(stress=0.05)

    assert headline_face([false_face, clear, calm]).name == "clear"
    assert headline_face([false_face]) is None


def test_the_levels_and_their_words_agree_with_the_badge():
    assert [stress_level(s) for s in (0.29, 0.3, 0.55, 0.6)] == ["low", "moderate", "moderate", "high"]
    assert stress_words(0.55) == "Moderate stress · 55%"
    assert stress_words(None) == "No stress reading"
    assert [level for _, level in headline.STRESS_LEVELS] == list(headline.STRESS_LEVEL_WORDS)


def test_faces_are_numbered_left_to_right():
    boxes = {"right": (400, 50, 200, 200), "left": (10, 300, 40, 40), "middle": (200, 10, 60, 60)}

    assert sorted(boxes, key=lambda name: reading_order_key(*boxes[name])) == ["left", "middle", "right"]


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_labels_carry_the_number_never_overlap_and_stay_inside_the_image():
    # Faces at the top edge, side by side: each label above its circle would be cut off and
    # collide with its neighbour's.
    faces = [SimpleNamespace(box=Box(x, 0, 60, 60), dominant="happy", confidence=0.93) for x in (0, 50, 100, 150)]

    labels = layout_labels((300, 400, 3), faces)

    assert [label.text for label in labels] == [f"{n} happy 93%" for n in (1, 2, 3, 4)]
    for i, label in enumerate(labels):
        x, y, w, h = label.rect
        assert x >= 0 and y >= 0 and x + w <= 400 and y + h <= 300
        assert not any(overlaps(label.rect, other.rect) for other in labels[i + 1:])
    np.testing.assert_equal(len(labels), 4)
