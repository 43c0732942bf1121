"""``analyze(image) -> AnalysisResult``: the one function everything else calls.

decode (any input, upright RGB) -> detect faces (YuNet, or BlazeFace where its wheel is missing) ->
crop each face as FER2013 framed them, levelled by its eyes -> classify every face in one batched
call -> per-face probabilities (calibrated), dominant emotion and stress score.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ml.emotions import EMOTIONS, EmotionReading
from ml.faces import Box, FaceDetector, crop_faces, default_detector
from ml.headline import headline_face, reading_order_key, stress_level
from ml.images import ImageInput, encode_jpeg, to_rgb_array
from ml.predictor import EmotionClassifier


@dataclass(frozen=True)
class FaceResult(EmotionReading):
    box: Box
    probabilities: dict[str, float]
    detection_score: float = 1.0

    def to_dict(self) -> dict:
        return {
            "box": dict(zip(("x", "y", "w", "h"), self.box.as_tuple())),
            "detection_score": round(self.detection_score, 3),
            "probabilities": {label: round(value, 4) for label, value in self.probabilities.items()},
            "dominant": self.dominant,
            "confidence": round(self.confidence, 4),
            "stress": round(self.stress, 4),
        }


@dataclass
class AnalysisResult:
    image: np.ndarray = field(repr=False)  # The upright RGB image the boxes refer to.
    faces: list[FaceResult]
    model_version: str
    timings_ms: dict[str, float]
    detector: str  # ml.faces' detector name: "yunet" or "blazeface".

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def headline_face(self) -> FaceResult | None:
        """The face the image's headline reports (ml.headline.headline_face): the most stressed
        of the faces the detector and the classifier are sure of."""
        return headline_face(self.faces)

    @property
    def stress(self) -> float | None:
        """The headline face's stress; None when no face counts (ml.headline)."""
        face = self.headline_face
        return None if face is None else face.stress

    @property
    def stress_level(self) -> str | None:
        return None if self.stress is None else stress_level(self.stress)

    @property
    def dominant(self) -> str | None:
        """The headline face's emotion; None when no face counts (ml.headline)."""
        face = self.headline_face
        return None if face is None else face.dominant

    def annotated(self) -> np.ndarray:
        from ml.annotate import annotate

        return annotate(self.image, self.faces)

    def annotated_jpeg(self, quality: int = 90) -> bytes:
        return encode_jpeg(self.annotated(), quality)

    def to_dict(self) -> dict:
        return {
            "width": self.width,
            "height": self.height,
            "faces": [face.to_dict() for face in self.faces],
            "dominant": self.dominant,
            "stress": None if self.stress is None else round(self.stress, 4),
            "stress_level": self.stress_level,
            "model_version": self.model_version,
            "detector": self.detector,
            "timings_ms": {name: round(value, 2) for name, value in self.timings_ms.items()},
        }


class Analyzer:
    """A face detector and an emotion classifier, loaded once and shared between threads."""

    def __init__(self, classifier: EmotionClassifier, detector: FaceDetector | None = None):
        self.classifier = classifier
        self.detector = detector or default_detector()

    def analyze(self, image: ImageInput, *, min_face: int | None = None, live: bool = False) -> AnalysisResult:
        """Faces from ``min_face`` px up (default ``ml.face_search.MIN_FACE``; for a ``live``
        camera frame ``ml.face_search.LIVE_MIN_FACE``, searched in one faster pass: see
        :func:`ml.face_search.search_plan`)."""
        started = time.perf_counter()
        rgb = to_rgb_array(image)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        decoded = time.perf_counter()
        found = self.detector.detect(gray, min_face=min_face, live=live)
        detected = time.perf_counter()
        crops = crop_faces(gray, found, size=self.classifier.input_size[0], detector=self.detector.name)
        probabilities = self.classifier.predict(crops)
        classified = time.perf_counter()
        faces = [
            FaceResult(box=face.box, probabilities={label: float(p) for label, p in zip(EMOTIONS, row)},
                       detection_score=face.score)
            for face, row in zip(found, probabilities)
        ]
        # Numbered as everywhere else (ml.headline.reading_order_key): faces[0] is face 1.
        faces.sort(key=lambda face: reading_order_key(*face.box.as_tuple()))
        return AnalysisResult(
            image=rgb,
            faces=faces,
            model_version=self.classifier.version,
            detector=self.detector.name,
            timings_ms={
                "decode": (decoded - started) * 1000,
                "detect": (detected - decoded) * 1000,
                "classify": (classified - detected) * 1000,
                "total": (classified - started) * 1000,
            },
        )


_analyzers: dict[str, Analyzer] = {}
_analyzers_lock = threading.Lock()


def get_analyzer(model_dir: str | Path | None = None) -> Analyzer:
    """The process-wide analyzer for ``model_dir`` (the shipped model by default)."""
    key = str(Path(model_dir).resolve()) if model_dir else ""
    with _analyzers_lock:
        if key not in _analyzers:
            _analyzers[key] = Analyzer(EmotionClassifier(model_dir))
        return _analyzers[key]


def analyze(image: ImageInput, *, model_dir: str | Path | None = None, min_face: int | None = None,
            live: bool = False) -> AnalysisResult:
    """Find every face in ``image`` and classify its emotion.

    Raises :class:`ml.images.InvalidImageError` for anything that is not a usable image.
    """
    return get_analyzer(model_dir).analyze(image, min_face=min_face, live=live)
