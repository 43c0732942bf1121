"""Benchmarks: figures, not tests.

    python -m ml.bench [--threads 1] [--frames 200]

Prints faces/s for batched classification (plain and with flip averaging), p50/p95 latency of
``analyze`` on a 640x480 frame with one face, model load time and peak memory, then one JSON line
with every figure. Detection recall and end-to-end accuracy: ``python -m ml.bench_detection``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np


def frame_with_one_face(width: int = 640, height: int = 480) -> np.ndarray:
    """scikit-image's astronaut photo (a real, smiling face) cropped to a 640x480 frame."""
    from skimage import data

    photo = data.astronaut()  # 512x512 RGB, face near the top centre
    frame = np.full((height, width, 3), 128, np.uint8)
    frame[:height, (width - 512) // 2 : (width - 512) // 2 + 512] = photo[:height]
    return frame


def limit_threads(threads: int) -> None:
    """Run TensorFlow, OpenCV and libfacedetection's OpenMP on ``threads`` threads (before they start)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["OMP_NUM_THREADS"] = str(threads)  # libfacedetection's OpenMP, read when it loads.
    import cv2
    import tensorflow as tf

    cv2.setNumThreads(threads)
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def percentile_ms(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(samples) * 1000, q)), 2)


def bench_classifier(classifier, batch: int, repeats: int) -> dict:
    faces = np.random.default_rng(0).integers(0, 256, (batch, 48, 48), dtype=np.uint8)
    classifier.predict(faces)
    results = {}
    for flip in (False, True):
        classifier.flip_average = flip
        started = time.perf_counter()
        for _ in range(repeats):
            classifier.predict(faces)
        results["with_flip" if flip else "plain"] = round(batch * repeats / (time.perf_counter() - started), 1)
    classifier.flip_average = classifier.metadata.get("flip_average", True)
    return results


def bench_analyze(analyzer, frame: np.ndarray, frames: int) -> dict:
    from ml.images import encode_jpeg

    jpeg = encode_jpeg(frame)
    for _ in range(5):
        analyzer.analyze(frame)
    results = {}
    for name, source in (("array", frame), ("jpeg", jpeg)):
        samples = []
        for _ in range(frames):
            started = time.perf_counter()
            result = analyzer.analyze(source)
            samples.append(time.perf_counter() - started)
        results[name] = {"p50_ms": percentile_ms(samples, 50), "p95_ms": percentile_ms(samples, 95), "faces": len(result.faces)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--weights", type=Path, help="exported model directory (default: the shipped model)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for TensorFlow and OpenCV (default 1)")
    parser.add_argument("--frames", type=int, default=200, help="analyze() calls per input kind")
    parser.add_argument("--batch", type=int, default=256, help="faces per classification call")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)

    limit_threads(args.threads)
    from ml.faces import default_detector
    from ml.pipeline import Analyzer
    from ml.predictor import EmotionClassifier

    started = time.perf_counter()
    classifier = EmotionClassifier(args.weights)
    analyzer = Analyzer(classifier, default_detector())
    load_seconds = time.perf_counter() - started

    frame = frame_with_one_face()
    figures = {
        "model_version": classifier.version,
        "detector": analyzer.detector.name,
        "threads": args.threads,
        "load_seconds": round(load_seconds, 2),
        "classify_faces_per_second": bench_classifier(classifier, args.batch, args.repeats),
        "analyze_640x480": bench_analyze(analyzer, frame, args.frames),
    }
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    print(f"model {figures['model_version']}, detector {figures['detector']}, {args.threads} thread(s), "
          f"loaded in {figures['load_seconds']} s")
    rates = figures["classify_faces_per_second"]
    print(f"classification, batches of {args.batch}: {rates['plain']:.0f} faces/s ({rates['with_flip']:.0f} faces/s with flip averaging)")
    for kind, row in figures["analyze_640x480"].items():
        print(f"analyze 640x480 {kind}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['faces']} face(s)")
    print(f"peak memory {figures['peak_memory_mb']} MB")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
