"""The emotion classifier: the exported Keras model behind one compiled, batched call.

Keras' ``predict()`` costs tens of milliseconds of set-up per call; calling a ``tf.function``
traced once with a dynamic batch dimension costs well under one, so the live path can classify
every frame's faces in a single call.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ml.calibration import apply_temperature
from ml.emotions import EMOTIONS
from ml.model_io import SHIPPED_MODEL_DIR, load_model, read_metadata


class EmotionClassifier:
    """Classifies 48x48 grayscale face crops. Thread-safe; load it once per process.

    With ``flip_average`` (test-time augmentation) each face is classified as is and mirrored,
    in the same batch, and the two distributions are averaged. The metadata's ``temperature``
    then calibrates the result (``ml.calibration``).
    """

    def __init__(self, model_dir: str | Path | None = None, *, flip_average: bool | None = None,
                 temperature: float | None = None):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        self.model_dir = Path(model_dir) if model_dir else SHIPPED_MODEL_DIR
        self.metadata = read_metadata(self.model_dir)
        self.flip_average = self.metadata.get("flip_average", True) if flip_average is None else flip_average
        # Softmax temperature fitted on held-out faces (ml.calibration); 1 leaves outputs raw.
        self.temperature = float(self.metadata.get("temperature", 1.0) if temperature is None else temperature)
        height, width = self.metadata.get("input_size", (48, 48))
        self.input_size = (int(height), int(width))
        model = load_model(self.model_dir)
        self._forward = tf.function(
            lambda pixels: model(pixels, training=False),
            input_signature=[tf.TensorSpec((None, height, width, 1), tf.float32)],
            reduce_retracing=True,
        )
        self._tf = tf
        self.predict(np.zeros((1, height, width), dtype=np.uint8))  # Trace now, not on the first request.

    @property
    def version(self) -> str:
        return f"{self.metadata.get('architecture', 'model')}-{self.metadata.get('trained_on', 'unknown')}"

    def predict_in_batches(self, faces: np.ndarray, batch: int = 512) -> np.ndarray:
        """:meth:`predict` for a whole data set, ``batch`` faces a call."""
        return np.concatenate([self.predict(faces[i : i + batch]) for i in range(0, len(faces), batch)])

    def predict(self, faces: np.ndarray) -> np.ndarray:
        """``(N, 48, 48)`` uint8 crops -> ``(N, 7)`` probabilities in :data:`EMOTIONS` order."""
        if faces.ndim != 3 or faces.shape[1:] != self.input_size:
            raise ValueError(f"expected faces of shape (N, {self.input_size[0]}, {self.input_size[1]}), got {faces.shape}")
        count = len(faces)
        if count == 0:
            return np.empty((0, len(EMOTIONS)), dtype=np.float32)
        batch = faces[..., None].astype(np.float32)
        if self.flip_average:
            batch = np.concatenate([batch, batch[:, :, ::-1]])
        probabilities = self._forward(self._tf.constant(batch)).numpy()
        if self.flip_average:
            probabilities = (probabilities[:count] + probabilities[count:]) / 2
        return apply_temperature(probabilities, self.temperature)
