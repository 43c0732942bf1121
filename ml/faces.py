"""Face detection with OpenCV's Haar cascade.

Why Haar: OpenCV 4.x wheels ship the cascade files (5.x dropped them and the DNN detectors
need model files we would have to ship or download), it needs no extra package, and on these
CPUs it finds a frontal face in a 640x480 frame in a few milliseconds once the frame is scaled
down. ``python -m ml.bench --detectors`` measures recall and speed of the shipped cascades.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

# alt2 over the default cascade: on 300 FER2013 faces it finds 73 % against 78 %, but the default
# one also fires on background (a steady false face beside the astronaut's, whatever
# min_neighbors); alt2 does not, and it is the fastest of the three (see ml/README.md).
DEFAULT_CASCADE = "haarcascade_frontalface_alt2.xml"
# Detection runs on a copy scaled so its long side is at most this; boxes are mapped back.
DETECTION_SIDE = 320
# Smallest face searched for, in pixels of the scaled copy.
MIN_FACE = 24
# ...but the copy is never scaled below this, so faces of MIN_FACE / MIN_SCALE = 48 px are found
# in an image of any size (a 640x480 frame is scaled by exactly this; a large photo is searched
# at half its size, slower but not blind to small faces).
MIN_SCALE = 0.5


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


class FaceDetector:
    """Finds frontal faces. Safe to share between threads: each thread gets its own cascade
    (``CascadeClassifier`` keeps scratch state and is not documented as thread-safe)."""

    def __init__(self, cascade: str = DEFAULT_CASCADE, *, scale_factor: float = 1.1, min_neighbors: int = 4,
                 detection_side: int = DETECTION_SIDE):
        self.cascade_path = cascade if "/" in cascade else cv2.data.haarcascades + cascade
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.detection_side = detection_side
        self._local = threading.local()
        self._cascade()  # Fail now, not on the first frame, if the file is missing.

    def _cascade(self) -> cv2.CascadeClassifier:
        cascade = getattr(self._local, "cascade", None)
        if cascade is None:
            cascade = cv2.CascadeClassifier(self.cascade_path)
            if cascade.empty():
                raise FileNotFoundError(f"cannot load the face cascade {self.cascade_path}")
            self._local.cascade = cascade
        return cascade

    def detect(self, gray: np.ndarray) -> list[Box]:
        """Boxes of the faces in a grayscale uint8 image, largest first."""
        height, width = gray.shape[:2]
        scale = min(1.0, max(self.detection_side / max(height, width), MIN_SCALE))
        small = gray if scale == 1.0 else cv2.resize(gray, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        small = cv2.equalizeHist(small)
        found = self._cascade().detectMultiScale(
            small, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors, minSize=(MIN_FACE, MIN_FACE)
        )
        boxes = [
            Box(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
            for (x, y, w, h) in (found if len(found) else [])
        ]
        return sorted(boxes, key=lambda box: box.w * box.h, reverse=True)


def crop_faces(gray: np.ndarray, boxes: list[Box], size: int = 48, margin: float = 0.1) -> np.ndarray:
    """``(N, size, size)`` uint8 crops, each box grown by ``margin`` on every side (FER2013's
    crops show a little more than the cascade's tight box) and clipped to the image."""
    height, width = gray.shape[:2]
    crops = np.empty((len(boxes), size, size), dtype=np.uint8)
    for index, box in enumerate(boxes):
        grow_x, grow_y = round(box.w * margin), round(box.h * margin)
        x0, y0 = max(0, box.x - grow_x), max(0, box.y - grow_y)
        x1, y1 = min(width, box.x + box.w + grow_x), min(height, box.y + box.h + grow_y)
        crops[index] = cv2.resize(gray[y0:y1, x0:x1], (size, size), interpolation=cv2.INTER_AREA)
    return crops


def blur_faces(faces: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian-blur each ``(N, H, W)`` crop; ``sigma <= 0`` returns them unchanged.

    The FER2013 training images we have are all blurred (a Gaussian of sigma about 3 px matches
    their statistics; the validation images and real cameras are sharp), so the model only
    knows blurred faces. Blurring every face the same way before classifying it shows the
    model what it was trained on.
    """
    if sigma <= 0 or len(faces) == 0:
        return faces
    return np.stack([cv2.GaussianBlur(face, (0, 0), sigma) for face in faces])
