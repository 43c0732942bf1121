"""A short, friendly suggestion for the emotion that dominated an image, as the earlier app
offered music or an activity per emotion. Advice for awareness, not treatment."""

from __future__ import annotations

SUGGESTIONS: dict[str, str] = {
    "angry": "Step away for a few minutes: a short walk or slow breathing (in for 4, out for 6) takes the edge off.",
    "disgust": "Change the scene: open a window, get some fresh air, or switch to a task you enjoy for a while.",
    "fear": "Ground yourself: name five things you can see and four you can hear. Talking to someone you trust helps.",
    "happy": "Enjoy it! Keep the mood going with an upbeat playlist, or share the good moment with a friend.",
    "neutral": "A steady state. A good time for focused work, perhaps with some lo-fi or classical music in the background.",
    "sad": "Be kind to yourself: reach out to a friend, take a gentle walk, or listen to music that lifts your mood.",
    "surprise": "Take a moment to process what just happened before you react; a few deep breaths help.",
}

NO_FACE_SUGGESTION = "Try a photo where the face is well lit, looks towards the camera and is not too small."


def suggestion_for(emotion: str) -> str:
    return SUGGESTIONS.get(emotion, "")
