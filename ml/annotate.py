"""Drawing results as the earlier app did: a circle around each face and its emotion as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

# The palette and its readable text colours (ml.colours), re-exported for the charts' stylesheet.
from ml.colours import EMOTION_COLOURS, text_on


@dataclass(frozen=True)
class Label:
    text: str
    rect: tuple[int, int, int, int]  # x, y, w, h of its background, inside the image
    scale: float
    stroke: int
    baseline: int


def annotate(image: np.ndarray, faces: Sequence) -> np.ndarray:
    """A copy of the RGB ``image`` with each face circled and labelled ``N emotion NN%``, N its
    number (faces come in reading order, ml.headline.reading_order_key: the first is 1)."""
    canvas = image.copy()
    thickness = max(2, round(max(canvas.shape[:2]) / 300))
    labels = layout_labels(canvas.shape, faces)
    for face in faces:
        x, y, w, h = face.box.as_tuple()
        colour = EMOTION_COLOURS[face.dominant]
        cv2.circle(canvas, (x + w // 2, y + h // 2), round(max(w, h) * 0.6), colour, thickness, cv2.LINE_AA)
    for face, label in zip(faces, labels):
        box_x, box_y, box_w, box_h = label.rect
        cv2.rectangle(canvas, (box_x, box_y), (box_x + box_w - 1, box_y + box_h - 1), EMOTION_COLOURS[face.dominant], -1)
        cv2.putText(canvas, label.text, (box_x + 2, box_y + box_h - label.baseline - 1), cv2.FONT_HERSHEY_SIMPLEX,
                    label.scale, text_on(EMOTION_COLOURS[face.dominant]), label.stroke, cv2.LINE_AA)
    return canvas


def layout_labels(shape: tuple[int, ...], faces: Sequence) -> list[Label]:
    """Each face's label and where it goes: above its circle, or below or inside it where that
    is taken. Labels never overlap one another and stay inside the image (as far as it has room)."""
    height, width = shape[:2]
    # Pages show a photo about 800-1000 px wide, so a small face's label in a large photo is
    # drawn big enough to read there, with strokes in proportion to the letters (a stroke as
    # thick as the circle's fills the letters in).
    least_text_scale = max(0.45, max(height, width) / 1400)
    labels: list[Label] = []
    for number, face in enumerate(faces, start=1):
        x, y, w, h = face.box.as_tuple()
        centre_x, centre_y, radius = x + w // 2, y + h // 2, round(max(w, h) * 0.6)
        text = f"{number} {face.dominant} {face.confidence:.0%}"
        scale = max(least_text_scale, w / 200)
        stroke = max(1, round(scale * 1.6))
        (text_w, text_h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, stroke)
        box_w, box_h = min(width, text_w + 4), min(height, text_h + 2 * baseline + 2)
        left = max(0, min(centre_x - box_w // 2, width - box_w))
        tops = (centre_y - radius - box_h - 2, centre_y + radius + 2, centre_y - radius + 2)
        candidates = [(left, max(0, min(top, height - box_h))) for top in tops]
        rect = _free_spot(candidates, [label.rect for label in labels], box_w, box_h, height)
        labels.append(Label(text, rect, scale, stroke, baseline))
    return labels


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _free_spot(candidates: list[tuple[int, int]], placed: list[tuple[int, int, int, int]], w: int, h: int,
               height: int) -> tuple[int, int, int, int]:
    """The first candidate whose rectangle overlaps no placed label; failing that, the first
    candidate moved down, or else up, past the labels in its way."""
    for x, y in candidates:
        if not any(_overlaps((x, y, w, h), other) for other in placed):
            return (x, y, w, h)
    x, y = candidates[0]
    for step in (1, -1):
        rect = (x, y, w, h)
        while True:
            blocking = [other for other in placed if _overlaps(rect, other)]
            if not blocking:
                return rect
            new_y = max(o[1] + o[3] for o in blocking) if step > 0 else min(o[1] for o in blocking) - h
            if not 0 <= new_y <= height - h:
                break
            rect = (x, new_y, w, h)
    return (x, y, w, h)
