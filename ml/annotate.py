"""Drawing results as the earlier app did: a circle around each face and its emotion as text."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

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


def annotate(image: np.ndarray, faces: Sequence) -> np.ndarray:
    """A copy of the RGB ``image`` with each face circled and labelled ``emotion NN%``."""
    canvas = image.copy()
    longest = max(canvas.shape[:2])
    thickness = max(2, round(longest / 300))
    # Pages show a photo about 800-1000 px wide, so a small face's label in a large photo is
    # drawn big enough to read there, with strokes in proportion to the letters (a stroke as
    # thick as the circle's fills the letters in).
    least_text_scale = max(0.45, longest / 1400)
    for face in faces:
        x, y, w, h = face.box.as_tuple()
        colour = EMOTION_COLOURS[face.dominant]
        centre = (x + w // 2, y + h // 2)
        radius = round(max(w, h) * 0.6)
        cv2.circle(canvas, centre, radius, colour, thickness, cv2.LINE_AA)
        label = f"{face.dominant} {face.confidence:.0%}"
        scale = max(least_text_scale, w / 200)
        stroke = max(1, round(scale * 1.6))
        (text_w, text_h), baseline = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, stroke)
        text_x = max(0, min(centre[0] - text_w // 2, canvas.shape[1] - text_w))
        text_y = max(text_h + baseline, centre[1] - radius - baseline - 2)
        cv2.rectangle(canvas, (text_x - 2, text_y - text_h - baseline), (text_x + text_w + 2, text_y + baseline), colour, -1)
        cv2.putText(canvas, label, (text_x, text_y), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), stroke, cv2.LINE_AA)
    return canvas
