"""A short, friendly suggestion for an analysed image, as the earlier app offered music or an
activity per emotion. It weighs the stress level first and the emotion second, so a stressed
face is never told to "keep the mood going", and says nothing emotion-specific about a face
the model is unsure of. Advice for awareness, not treatment."""

from __future__ import annotations

from ml.emotions import stress_level

EMOTION_SUGGESTIONS: dict[str, str] = {
    "angry": "Step away for a few minutes: a short walk or slow breathing (in for 4, out for 6) takes the edge off.",
    "disgust": "Change the scene: open a window, get some fresh air, or switch to a task you enjoy for a while.",
    "fear": "Ground yourself: name five things you can see and four you can hear. Talking to someone you trust helps.",
    "happy": "Enjoy it! Keep the mood going with an upbeat playlist, or share the good moment with a friend.",
    "neutral": "A steady state. A good time for focused work, perhaps with some lo-fi or classical music in the background.",
    "sad": "Be kind to yourself: reach out to a friend, take a gentle walk, or listen to music that lifts your mood.",
    "surprise": "Take a moment to process what just happened before you react; a few deep breaths help.",
}

# Emotions whose own advice already deals with stress.
STRESSED_EMOTIONS = frozenset({"angry", "disgust", "fear", "sad"})

STRESS_SUGGESTIONS: dict[str, str] = {
    "high": "The face shows a lot of tension. Pause for a few minutes: breathe slowly (in for 4, out for 6), "
    "loosen your shoulders and jaw, and step away from the screen if you can.",
    "moderate": "There are signs of some tension. A short break, a glass of water or a few slow breaths "
    "can stop it building up.",
}

UNCERTAIN_SUGGESTION = (
    "The expression is hard to read with confidence, so there is no advice for a particular emotion. "
    "A well-lit photo with the face towards the camera gives a clearer reading."
)

NO_FACE_SUGGESTION = "Try a photo where the face is well lit, looks towards the camera and is not too small."


def suggestion_for(*, emotion: str, stress: float | None, uncertain: bool = False) -> str:
    """The advice for a face (or an image's most stressed face) with this dominant emotion and
    stress score (0..1). Uncertain faces get the uncertainty note; moderate or high stress gets
    stress advice unless the emotion's own advice already addresses it; calm faces get the
    emotion's advice."""
    if uncertain:
        return UNCERTAIN_SUGGESTION
    level = stress_level(stress) if stress is not None else "low"
    if level in STRESS_SUGGESTIONS and emotion not in STRESSED_EMOTIONS:
        return STRESS_SUGGESTIONS[level]
    return EMOTION_SUGGESTIONS.get(emotion, "")
