"""Detection and end-to-end benchmark: figures, not tests.

    python ../shared/tools/make_scenes.py ../shared/datasets/fer2013/val runs/scenes 200 1
    python -m ml.bench_detection --scenes runs/scenes [--photos ../shared/photos] [--detector yunet blazeface] [--live]

For each detector: recall (a true face matched by a detection at IoU >= 0.3) and false faces on the
composed scenes, the same on real photos (``truth.json`` boxes), false faces on scikit-image's
face-free photos, end-to-end accuracy on the scenes (the right emotion on a found face, over all
true faces) with and without eye alignment, the median framing of true FER crops relative to the
detector's boxes (what ``ml.faces.FRAME_SCALE`` is fitted from), and detection and
``analyze`` time per 640x480 frame (p50/p95). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ml.bench import frame_with_one_face, limit_threads, percentile_ms
from ml.faces import iou

IOU_MATCH = 0.3
FRAME_SCALES = (1.15, 1.25, 1.33, 1.45)  # Crop margins tried for end-to-end accuracy.
FACE_FREE_PHOTOS = ("coffee", "chelsea", "rocket", "hubble_deep_field", "coins", "page", "horse", "grass")


def match(truth: list, found: list) -> list[int | None]:
    """For each true box, the index of the detection matched to it (greedy by IoU), or None."""
    pairs = sorted(
        ((iou(t, f), ti, fi) for ti, t in enumerate(truth) for fi, f in enumerate(found)), reverse=True
    )
    matched: list[int | None] = [None] * len(truth)
    used: set[int] = set()
    for overlap, ti, fi in pairs:
        if overlap < IOU_MATCH:
            break
        if matched[ti] is None and fi not in used:
            matched[ti] = fi
            used.add(fi)
    return matched


def load_truth(directory: Path) -> dict:
    return json.loads((directory / "truth.json").read_text())


def right_emotions(classifier, detector_name: str, gray: np.ndarray, hits: list, **crop_options) -> int:
    """How many of the found faces (``hits``: (face, true label) pairs) get their true emotion,
    cropped with ``crop_options``."""
    from ml.emotions import EMOTIONS
    from ml.faces import crop_faces

    crops = crop_faces(gray, [face for face, _ in hits], size=classifier.input_size[0], detector=detector_name,
                       **crop_options)
    predicted = classifier.predict(crops).argmax(axis=1)
    return sum(EMOTIONS[p] == label for p, (_, label) in zip(predicted, hits))


def bench_scenes(detector, classifier, scenes: Path, search: dict) -> dict:
    import cv2

    truth = load_truth(scenes)
    true_total = matched_total = false_total = 0
    correct = {True: 0, False: 0}
    by_frame_scale = dict.fromkeys(FRAME_SCALES, 0)
    detect_times: list[float] = []
    scale_ratios, shift_x, shift_y = [], [], []
    for name, faces in sorted(truth.items()):
        gray = cv2.imread(str(scenes / name), cv2.IMREAD_GRAYSCALE)
        started = time.perf_counter()
        found = detector.detect(gray, **search)
        detect_times.append(time.perf_counter() - started)
        boxes = [face["box"] for face in faces]
        matched = match(boxes, [face.box.as_tuple() for face in found])
        true_total += len(boxes)
        matched_total += sum(index is not None for index in matched)
        false_total += len(found) - sum(index is not None for index in matched)
        for box, index in zip(boxes, matched):
            if index is None:
                continue
            det = found[index].box
            scale_ratios.append(box[2] / det.w)
            shift_x.append((box[0] + box[2] / 2 - (det.x + det.w / 2)) / det.w)
            shift_y.append((box[1] + box[3] / 2 - (det.y + det.h / 2)) / det.h)
        hits = [(found[index], face["label"]) for face, index in zip(faces, matched) if index is not None]
        if not hits:
            continue
        for align in (True, False):
            correct[align] += right_emotions(classifier, detector.name, gray, hits, align=align)
        for frame_scale in FRAME_SCALES:
            by_frame_scale[frame_scale] += right_emotions(classifier, detector.name, gray, hits, frame_scale=frame_scale)
    report = {
        "scenes": len(truth),
        "faces": true_total,
        "recall": round(matched_total / max(1, true_total), 4),
        "false_faces": false_total,
        "detect_p50_ms": percentile_ms(detect_times, 50),
        "detect_p95_ms": percentile_ms(detect_times, 95),
        "framing_median": {
            "truth_side_over_box_width": round(float(np.median(scale_ratios)), 3) if scale_ratios else None,
            "truth_centre_shift_x_over_width": round(float(np.median(shift_x)), 3) if shift_x else None,
            "truth_centre_shift_y_over_height": round(float(np.median(shift_y)), 3) if shift_y else None,
        },
        "end_to_end_accuracy": round(correct[True] / max(1, true_total), 4),
        "end_to_end_accuracy_unaligned": round(correct[False] / max(1, true_total), 4),
        "end_to_end_accuracy_by_frame_scale": {
            str(scale): round(count / max(1, true_total), 4) for scale, count in by_frame_scale.items()
        },
    }
    return report


def bench_photos(detector, photos: Path, search: dict) -> dict:
    import cv2

    truth = load_truth(photos)
    true_total = matched_total = false_total = 0
    missed = []
    for name, boxes in sorted(truth.items()):
        path = next((p for p in (photos / name, photos / "images" / name) if p.is_file()), None)
        if path is None:
            continue
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        found = detector.detect(gray, **search)
        matched = match(boxes, [face.box.as_tuple() for face in found])
        true_total += len(boxes)
        matched_total += sum(index is not None for index in matched)
        false_total += len(found) - sum(index is not None for index in matched)
        if None in matched:
            missed.append(name)
    return {"faces": true_total, "found": matched_total, "false_faces": false_total, "missed_in": missed}


def face_free_photo(name: str) -> np.ndarray:
    """One of scikit-image's face-free photos (``FACE_FREE_PHOTOS``) as an RGB array."""
    from skimage import data

    from ml.images import to_rgb_array

    image = getattr(data, name)()
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    return to_rgb_array(image)


def bench_face_free(detector, search: dict) -> dict:
    import cv2

    found = {}
    for name in FACE_FREE_PHOTOS:
        gray = cv2.cvtColor(face_free_photo(name), cv2.COLOR_RGB2GRAY)
        found[name] = len(detector.detect(gray, **search))
    return {"photos": len(found), "false_faces": sum(found.values()), "per_photo": found}


def bench_analyze(analyzer, frames: int, search: dict) -> dict:
    frame = frame_with_one_face()
    for _ in range(5):
        analyzer.analyze(frame, **search)
    samples = []
    for _ in range(frames):
        started = time.perf_counter()
        analyzer.analyze(frame, **search)
        samples.append(time.perf_counter() - started)
    return {"p50_ms": percentile_ms(samples, 50), "p95_ms": percentile_ms(samples, 95)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench_detection", description=__doc__.split("\n")[0])
    parser.add_argument("--scenes", type=Path, required=True, help="output of ../shared/tools/make_scenes.py")
    parser.add_argument("--photos", type=Path, help="real photos with truth.json boxes (e.g. ../shared/photos)")
    parser.add_argument("--detector", nargs="+", choices=("yunet", "blazeface", "all"), default=["all"],
                        help="detectors to measure, side by side (default: all)")
    parser.add_argument("--weights", type=Path, help="exported model directory (default: the shipped model)")
    parser.add_argument("--live", action="store_true", help="search as the live pages do: one pass per frame "
                        "(default: as uploaded photos are searched)")
    parser.add_argument("--min-face", type=int, help="smallest face searched for, px (default: ml.face_search.MIN_FACE, "
                        "or ml.face_search.LIVE_MIN_FACE with --live)")
    parser.add_argument("--min-confidence", type=float, help="YuNet or BlazeFace confidence threshold "
                        "(default ml.faces.YUNET_MIN_CONFIDENCE, BLAZEFACE_MIN_CONFIDENCE, or live "
                        "their _LIVE_MIN_CONFIDENCE)")
    parser.add_argument("--no-second-opinion", action="store_true",
                        help="YuNet without BlazeFace's second opinion on its unsure detections (ml.faces.YUNET_SURE)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--frames", type=int, default=100, help="analyze() calls for the timing")
    args = parser.parse_args(argv)

    limit_threads(args.threads)
    from ml.face_search import smallest_face
    from ml.faces import DETECTORS
    from ml.pipeline import Analyzer
    from ml.predictor import EmotionClassifier

    min_face = smallest_face(args.min_face, args.live)
    search = {"min_face": min_face, "live": args.live}
    classifier = EmotionClassifier(args.weights)
    kinds = DETECTORS
    chosen = list(kinds) if "all" in args.detector else args.detector
    figures: dict = {"model_version": classifier.version, "threads": args.threads, **search}
    for kind in chosen:
        options = {"min_confidence": args.min_confidence} if args.min_confidence else {}
        options.update({"live_min_confidence": args.min_confidence} if args.min_confidence else {})
        if kind == "yunet":
            options.update({"second_opinion": False} if args.no_second_opinion else {})
        detector = kinds[kind](**options)
        row = {"scenes": bench_scenes(detector, classifier, args.scenes, search),
               "face_free": bench_face_free(detector, search)}
        if args.photos:
            row["photos"] = bench_photos(detector, args.photos, search)
        row["analyze_640x480"] = bench_analyze(Analyzer(classifier, detector), args.frames, search)
        figures[detector.name] = row
        scenes = row["scenes"]
        mode = "live frames" if args.live else "photos"
        print(f"{detector.name}, {mode}, faces from {min_face} px: scenes recall {scenes['recall']:.1%} of {scenes['faces']}, "
              f"{scenes['false_faces']} false, end-to-end {scenes['end_to_end_accuracy']:.1%} "
              f"(unaligned {scenes['end_to_end_accuracy_unaligned']:.1%}), "
              f"detect p50/p95 {scenes['detect_p50_ms']}/{scenes['detect_p95_ms']} ms")
        if "photos" in row:
            photos = row["photos"]
            print(f"  real photos: {photos['found']}/{photos['faces']} faces, {photos['false_faces']} false")
        print(f"  face-free photos: {row['face_free']['false_faces']} false faces; "
              f"analyze 640x480 p50/p95 {row['analyze_640x480']['p50_ms']}/{row['analyze_640x480']['p95_ms']} ms")
        print(f"  framing of true FER crops vs boxes: {scenes['framing_median']}")
        print(f"  end-to-end accuracy by crop size (x box width): {scenes['end_to_end_accuracy_by_frame_scale']}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
