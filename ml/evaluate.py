"""Evaluate a model on an image-folder split.

    python -m ml.evaluate --data ../shared/datasets/fer2013/val [--weights ml/weights] [--json]

Prints accuracy, per-class precision/recall/F1; ``--confusion FILE`` also draws the confusion
matrix as a PNG. With ``--json`` the last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ml.data import load_dataset
from ml.emotions import EMOTIONS


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int = len(EMOTIONS)) -> np.ndarray:
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def classification_report(matrix: np.ndarray) -> dict:
    """Accuracy and per-class precision, recall, F1 and support from a confusion matrix
    (rows: truth, columns: prediction)."""
    true_positive = np.diag(matrix).astype(np.float64)
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(true_positive, predicted, out=np.zeros_like(true_positive), where=predicted > 0)
    recall = np.divide(true_positive, support, out=np.zeros_like(true_positive), where=support > 0)
    denominator = precision + recall
    f1 = np.divide(2 * precision * recall, denominator, out=np.zeros_like(true_positive), where=denominator > 0)
    per_class = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(EMOTIONS, precision, recall, f1, support)
    }
    return {
        "accuracy": round(float(true_positive.sum() / max(1, matrix.sum())), 4),
        "macro_f1": round(float(f1.mean()), 4),
        "per_class": per_class,
    }


def save_confusion_png(matrix: np.ndarray, path: Path, title: str) -> None:
    """A row-normalised confusion matrix drawn with OpenCV (no plotting library needed)."""
    import cv2

    cell, left, top = 70, 90, 60
    size = len(EMOTIONS)
    canvas = np.full((top + cell * size + 70, left + cell * size + 10, 3), 255, np.uint8)
    rates = matrix / np.maximum(1, matrix.sum(axis=1, keepdims=True))
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(canvas, title, (10, 25), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    for row in range(size):
        cv2.putText(canvas, EMOTIONS[row], (5, top + row * cell + cell // 2 + 5), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        for column in range(size):
            shade = int(255 - 200 * rates[row, column])
            x, y = left + column * cell, top + row * cell
            cv2.rectangle(canvas, (x, y), (x + cell - 2, y + cell - 2), (255, shade, shade)[::-1], -1)
            colour = (255, 255, 255) if rates[row, column] > 0.5 else (0, 0, 0)
            cv2.putText(canvas, f"{rates[row, column]:.2f}", (x + 12, y + 32), font, 0.45, colour, 1, cv2.LINE_AA)
            cv2.putText(canvas, str(matrix[row, column]), (x + 12, y + 52), font, 0.35, colour, 1, cv2.LINE_AA)
    for column in range(size):
        cv2.putText(canvas, EMOTIONS[column][:7], (left + column * cell + 2, top + size * cell + 20), font, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(canvas, "rows: true emotion, columns: predicted", (left, top + size * cell + 50), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.imwrite(str(path), canvas)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="an image-folder split (one folder per emotion)")
    parser.add_argument("--weights", type=Path, help="exported model directory (default: the shipped model)")
    parser.add_argument("--no-flip", dest="flip", action="store_false", help="disable flip averaging")
    parser.add_argument("--confusion", type=Path, help="also draw the confusion matrix into this PNG file")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    args = parser.parse_args(argv)

    from ml.predictor import EmotionClassifier

    images, labels = load_dataset(args.data)
    classifier = EmotionClassifier(args.weights, flip_average=args.flip)
    started = time.perf_counter()
    probabilities = classifier.predict_in_batches(images)
    seconds = time.perf_counter() - started
    matrix = confusion_matrix(labels, probabilities.argmax(axis=1))
    report = classification_report(matrix)
    report.update(
        images=int(len(images)),
        flip_average=classifier.flip_average,
        model=str(classifier.model_dir),
        model_version=classifier.version,
        faces_per_second=round(len(images) / seconds, 1),
        confusion_matrix=matrix.tolist(),
        confusion_png=str(args.confusion) if args.confusion else None,
    )
    if args.confusion:
        save_confusion_png(matrix, args.confusion, f"{classifier.version} on {args.data} - accuracy {report['accuracy']:.2%}")

    print(f"{len(images)} images from {args.data}, model {classifier.version}, flip averaging {'on' if args.flip else 'off'}")
    print(f"accuracy {report['accuracy']:.2%}  macro F1 {report['macro_f1']:.3f}")
    print(f"{'emotion':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label, row in report["per_class"].items():
        print(f"{label:<10}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}")
    if args.confusion:
        print(f"confusion matrix written to {args.confusion}")
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
