"""The annotated image: a face's label stays readable when a large photo is shown page-sized."""

import numpy as np

from ml.annotate import EMOTION_COLOURS, annotate
from ml.emotions import EMOTIONS
from ml.faces import Box
from ml.pipeline import FaceResult


def label_height(width: int, height: int, face_width: int) -> int:
    """Rows of the label drawn over a plain photo for one happy face of ``face_width`` px."""
    photo = np.full((height, width, 3), 30, np.uint8)
    probabilities = {emotion: 0.9 if emotion == "happy" else 0.1 / 6 for emotion in EMOTIONS}
    face = FaceResult(Box(width // 2, height // 2, face_width, face_width), probabilities)

    drawn = annotate(photo, [face])

    label_rows = (drawn[: height // 2] == EMOTION_COLOURS["happy"]).all(axis=2).any(axis=1)
    return int(label_rows.sum())


def test_a_small_face_in_a_large_photo_gets_a_label_readable_at_page_size():
    small_photo = label_height(640, 480, 24)
    large_photo = label_height(2048, 1536, 24)

    # Shown ~900 px wide, the 2048 px photo shrinks 2.3 times: its label must be drawn that much
    # bigger to look the same.
    assert small_photo >= 12
    assert large_photo >= 2.3 * small_photo
