"""Temperature scaling: fitted on held-out faces, it changes confidence, never the ranking."""

import numpy as np
import pytest

from ml.calibration import (
    apply_temperature,
    calibration_report,
    expected_calibration_error,
    fit_temperature,
)
from ml.model_io import read_metadata
from ml.predictor import EmotionClassifier


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def overconfident_predictions(count=4000, seed=0):
    """Labels drawn from softmax(logits), predictions from softmax(3 * logits): over-confident
    by a temperature of 3."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, (count, 7))
    true = softmax(logits)
    labels = np.array([rng.choice(7, p=row) for row in true])
    return softmax(3 * logits).astype(np.float32), labels


def test_a_temperature_of_one_changes_nothing():
    probabilities, _ = overconfident_predictions(50)
    assert apply_temperature(probabilities, 1.0) is probabilities


def test_fitting_recovers_the_temperature_that_made_predictions_overconfident():
    probabilities, labels = overconfident_predictions()

    assert fit_temperature(probabilities, labels) == pytest.approx(3.0, rel=0.1)


def test_calibration_lowers_the_expected_calibration_error():
    probabilities, labels = overconfident_predictions()

    report = calibration_report(probabilities, labels)

    assert report["ece_after"] < report["ece_before"] / 3
    assert report["nll_after"] < report["nll_before"]


def test_the_expected_calibration_error_of_perfect_confidence_is_zero():
    probabilities = np.eye(7, dtype=np.float32)[[0, 1, 2, 3]]
    assert expected_calibration_error(probabilities, np.array([0, 1, 2, 3])) == 0.0
    assert expected_calibration_error(probabilities, np.array([1, 2, 3, 4])) == 1.0


def test_the_shipped_model_carries_its_temperature_and_it_changes_confidence_not_ranking():
    metadata = read_metadata()
    assert metadata["temperature"] != 1.0
    assert metadata["calibration"]["ece_after"] < metadata["calibration"]["ece_before"]

    faces = np.random.default_rng(1).integers(0, 256, (32, 48, 48), dtype=np.uint8)
    raw = EmotionClassifier(temperature=1.0).predict(faces)
    shipped = EmotionClassifier().predict(faces)

    np.testing.assert_array_equal(np.argsort(shipped, axis=1), np.argsort(raw, axis=1))
    assert not np.allclose(shipped.max(axis=1), raw.max(axis=1), atol=1e-3)
    np.testing.assert_allclose(shipped.sum(axis=1), 1.0, atol=1e-5)
