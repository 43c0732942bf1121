import pytest

from ml.emotions import EMOTIONS, STRESS_WEIGHTS, stress_level, stress_score


def test_every_emotion_has_a_stress_weight():
    assert set(STRESS_WEIGHTS) == set(EMOTIONS)


@pytest.mark.parametrize(
    ("probabilities", "expected"),
    [
        ({"happy": 1.0}, 0.0),
        ({"neutral": 1.0}, 0.0),
        ({"angry": 1.0}, 1.0),
        ({"fear": 0.5, "happy": 0.5}, 0.5),
        ({"sad": 1.0}, 0.8),
    ],
)
def test_stress_score_is_the_expected_weight(probabilities, expected):
    assert stress_score(probabilities) == pytest.approx(expected)


def test_stress_levels():
    assert [stress_level(s) for s in (0.0, 0.29, 0.3, 0.6, 1.0)] == ["low", "low", "moderate", "high", "high"]
