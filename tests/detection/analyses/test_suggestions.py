"""The suggestion rules: stress level first, then the emotion; nothing emotion-specific for an
uncertain face."""

from detection.analyses.suggestions import EMOTION_SUGGESTIONS, STRESS_SUGGESTIONS, UNCERTAIN_SUGGESTION, suggestion_for


def test_a_calm_happy_face_gets_the_happy_advice():
    assert suggestion_for(emotion="happy", stress=0.05) == EMOTION_SUGGESTIONS["happy"]


def test_a_highly_stressed_face_that_looks_happy_is_not_told_to_keep_the_mood_going():
    suggestion = suggestion_for(emotion="happy", stress=0.61)

    assert suggestion == STRESS_SUGGESTIONS["high"]
    assert "Enjoy" not in suggestion


def test_moderate_stress_on_a_neutral_face_gets_the_moderate_advice():
    assert suggestion_for(emotion="neutral", stress=0.35) == STRESS_SUGGESTIONS["moderate"]


def test_a_stressed_emotion_keeps_its_own_advice_which_already_deals_with_stress():
    assert suggestion_for(emotion="angry", stress=0.9) == EMOTION_SUGGESTIONS["angry"]


def test_an_uncertain_face_gets_the_uncertainty_note_whatever_its_stress():
    assert suggestion_for(emotion="happy", stress=0.05, uncertain=True) == UNCERTAIN_SUGGESTION
    assert suggestion_for(emotion="fear", stress=0.9, uncertain=True) == UNCERTAIN_SUGGESTION
