"""The visual language defined once: stress unit, uncertainty threshold, face numbering and the
palette stylesheet."""

from types import SimpleNamespace

from detection.core.presentation import faces_in_reading_order, is_uncertain, palette_css, stress_label, stress_percent, text_colour


def test_stress_is_a_whole_percentage_with_its_level():
    assert stress_percent(0.614) == "61%"
    assert stress_percent(None) == "–"
    assert stress_label(0.61) == "High stress · 61%"
    assert stress_label(0.07) == "Low stress · 7%"


def test_a_face_below_the_configured_confidence_is_uncertain(settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.4

    assert is_uncertain(0.31)
    assert not is_uncertain(0.4)
    assert not is_uncertain(0.62)


def test_the_threshold_is_a_setting(settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.25

    assert not is_uncertain(0.31)


def test_faces_are_numbered_left_to_right_whatever_their_detection_order():
    largest_on_the_right = SimpleNamespace(name="right", x=400, y=50, w=200, h=200)
    small_on_the_left = SimpleNamespace(name="left", x=10, y=300, w=40, h=40)
    middle = SimpleNamespace(name="middle", x=200, y=10, w=60, h=60)

    ordered = faces_in_reading_order([largest_on_the_right, small_on_the_left, middle])

    assert [face.name for face in ordered] == ["left", "middle", "right"]
    assert [face.number for face in ordered] == [1, 2, 3]


def test_text_colours_are_darkened_until_they_read_on_white():
    gold = (214, 168, 0)

    darker = text_colour(gold)

    assert darker != gold
    assert all(new <= old for new, old in zip(darker, gold, strict=True))
    assert text_colour((13, 110, 253)) == (13, 110, 253)  # Already readable: unchanged.


def test_the_palette_css_defines_variables_and_classes_for_each_emotion():
    css = palette_css({"happy": (25, 135, 84)})

    assert "--emotion-happy-rgb: 25, 135, 84;" in css
    assert ".emotion-swatch-happy { background-color: rgb(25, 135, 84);" in css
    assert ".emotion-fill-happy { fill: rgb(25, 135, 84); }" in css
