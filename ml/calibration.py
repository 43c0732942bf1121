"""Calibrating the classifier's probabilities: temperature scaling (Guo et al., 2017).

The network's softmax is over-confident (or, after label smoothing, under-confident) in a way
that one number fixes: ``p_T ∝ p ** (1 / T)``, which equals ``softmax(logits / T)`` for a
softmax output. ``T`` is fitted on held-out faces by minimising the negative log-likelihood;
it changes how sure the model is, never which emotion ranks first. Stress scores and alert
rules read the calibrated probabilities.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Rescale ``(N, C)`` probabilities by ``temperature`` (1 leaves them as they are)."""
    if temperature == 1.0 or len(probabilities) == 0:
        return probabilities
    logits = np.log(np.clip(probabilities, EPSILON, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return (scaled / scaled.sum(axis=1, keepdims=True)).astype(probabilities.dtype, copy=False)


def negative_log_likelihood(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(-np.log(np.clip(probabilities[np.arange(len(labels)), labels], EPSILON, 1.0)).mean())


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray, low: float = 0.25, high: float = 4.0) -> float:
    """The temperature in ``[low, high]`` that minimises the NLL of ``labels`` (golden-section
    search on log T; the NLL is unimodal in T)."""
    def loss(log_t: float) -> float:
        return negative_log_likelihood(apply_temperature(probabilities, float(np.exp(log_t))), labels)

    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):
        if loss(c) < loss(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return round(float(np.exp((a + b) / 2)), 4)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins
    weighted by how many predictions fall in each."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for lower, upper in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > lower) & (confidence <= upper)
        if in_bin.any():
            error += in_bin.mean() * abs(confidence[in_bin].mean() - correct[in_bin].mean())
    return round(float(error), 4)


def calibration_report(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    """Fit a temperature on ``probabilities``/``labels`` and give ECE and NLL before and after."""
    temperature = fit_temperature(probabilities, labels)
    calibrated = apply_temperature(probabilities, temperature)
    return {
        "temperature": temperature,
        "ece_before": expected_calibration_error(probabilities, labels),
        "ece_after": expected_calibration_error(calibrated, labels),
        "nll_before": round(negative_log_likelihood(probabilities, labels), 4),
        "nll_after": round(negative_log_likelihood(calibrated, labels), 4),
    }


def calibrate_model_dir(model_dir, images: np.ndarray, labels: np.ndarray) -> dict:
    """Fit the temperature of the exported model in ``model_dir`` on ``images`` (through the
    shipped inference path, flip averaging as the metadata says) and store it, with the
    figures, in its metadata. Returns the figures."""
    import json
    from pathlib import Path

    from ml.model_io import METADATA_FILE
    from ml.predictor import EmotionClassifier

    classifier = EmotionClassifier(model_dir, temperature=1.0)
    raw = classifier.predict_in_batches(images)
    report = calibration_report(raw, labels)
    path = Path(model_dir) / METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata["temperature"] = report["temperature"]
    metadata["calibration"] = {**report, "fitted_on": f"{len(images)} validation faces"}
    path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m ml.calibration --data VAL_DIR [--weights DIR]``: refit and store the temperature."""
    import argparse
    import json

    from ml.data import load_dataset
    from ml.model_io import SHIPPED_MODEL_DIR

    parser = argparse.ArgumentParser(prog="python -m ml.calibration", description=main.__doc__)
    parser.add_argument("--data", required=True, help="held-out image-folder split (one folder per emotion)")
    parser.add_argument("--weights", default=str(SHIPPED_MODEL_DIR), help="exported model directory")
    args = parser.parse_args(argv)
    images, labels = load_dataset(args.data)
    print(json.dumps(calibrate_model_dir(args.weights, images, labels)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
