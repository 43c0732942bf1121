"""Small faces in large photos: figures, not tests.

    python -m ml.bench_large --photos ../shared/photos [--count 60] [--threads 1]

Composes ``--count`` 2048x1536 photos (seeded, so every run sees the same ones): a background
(one of scikit-image's face-free photos enlarged, or a plain wall), and one to five real faces
cut with their surroundings from ``--photos`` (``truth.json`` boxes), shrunk to 24-96 px and
blended in; and the real photos themselves, enlarged to 2048 px. Prints, for the photo search
(``ml.faces.search_plan``) and for the single whole-copy search that live frames use (the search
photos had before), recall by face size, false faces and time per photo (p50/p95); the share of
the pyramid's pixels the gate let through; how time grows with the photo's size, on a plain
and on a textured background with the same faces; recall of small faces by the scale of the
searched copy (what ``ml.faces.RELIABLE_FACE`` rests on); and the contrast of true faces (what
``ml.faces.GATE_CONTRAST`` rests on). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ml.bench import limit_threads, percentile_ms
from ml.bench_detection import FACE_FREE_PHOTOS, face_free_photo, load_truth, match

SIZE = (2048, 1536)
FACE_SIZES = (24, 28, 32, 40, 48, 64, 96)
SIZE_BUCKETS = ((24, 30), (30, 40), (40, 56), (56, 80), (80, 10_000))
SWEEP_SIDES = (640, 1024, 1536, 2048)
SCALES = (0.75, 1.0, 1.25, 1.5, 2.0)


def bucket(width: int) -> str:
    return next(f"{low}-{high}" if high < 10_000 else f"{low}+" for low, high in SIZE_BUCKETS if width < high)


def background(name: str, rng: random.Random, size: tuple[int, int] = SIZE) -> np.ndarray:
    """A face-free BGR picture of ``size``: a scikit-image photo enlarged, or a plain wall
    (a colour, a soft gradient and a little sensor noise)."""
    import cv2

    width, height = size
    if name == "plain":
        colour = np.array([rng.randint(60, 200) for _ in range(3)], np.float32)
        gradient = np.linspace(-25, 25, height, dtype=np.float32)[:, None, None]
        noise = np.random.default_rng(rng.randint(0, 1000)).normal(0, 3, (height, width, 3))
        return np.clip(colour + gradient + noise, 0, 255).astype(np.uint8)
    photo = cv2.cvtColor(face_free_photo(name), cv2.COLOR_RGB2BGR)
    return cv2.resize(photo, size, interpolation=cv2.INTER_CUBIC)


def load_faces(photos: Path) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    import cv2

    faces = []
    for name, boxes in sorted(load_truth(photos).items()):
        image = cv2.imread(str(photos / "images" / name))
        faces += [(image, tuple(box)) for box in boxes]
    return faces


def paste(canvas: np.ndarray, face_source, size: int, at: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """Blend a face (with one face-width of its surroundings) shrunk to ``size`` px wide into
    ``canvas`` with its top-left corner at ``at``; its true box, or None if it does not fit."""
    import cv2

    image, (x, y, w, h) = face_source
    k = size / w
    half = max(w, h)
    centre_x, centre_y = x + w / 2, y + h / 2
    x0, y0 = int(max(0, centre_x - half)), int(max(0, centre_y - half))
    x1, y1 = int(min(image.shape[1], centre_x + half)), int(min(image.shape[0], centre_y + half))
    patch = cv2.resize(image[y0:y1, x0:x1], (max(1, round((x1 - x0) * k)), max(1, round((y1 - y0) * k))),
                       interpolation=cv2.INTER_AREA)
    ph, pw = patch.shape[:2]
    px, py = at
    if px + pw > canvas.shape[1] or py + ph > canvas.shape[0]:
        return None
    margin = max(2, min(ph, pw) // 6)
    mask = np.zeros((ph, pw), np.float32)
    mask[margin:-margin, margin:-margin] = 1
    mask = cv2.GaussianBlur(mask, (0, 0), margin / 2)[..., None]
    region = canvas[py:py + ph, px:px + pw].astype(np.float32)
    canvas[py:py + ph, px:px + pw] = (mask * patch + (1 - mask) * region).astype(np.uint8)
    return (round(px + (x - x0) * k), round(py + (y - y0) * k), round(w * k), round(h * k))


def compose(faces: list, seed: int) -> tuple[np.ndarray, list]:
    """One 2048x1536 photo with 1-5 faces that do not overlap, and their true boxes."""
    rng = random.Random(seed)
    canvas = background(rng.choice([*FACE_FREE_PHOTOS, "plain", "plain", "plain"]), rng)
    boxes: list[tuple[int, int, int, int]] = []
    spans: list[tuple[int, int, int, int]] = []
    for _ in range(rng.choice([1, 2, 3, 5])):
        for _attempt in range(30):
            source, size = rng.choice(faces), rng.choice(FACE_SIZES)
            span = 2.2 * size * max(1.0, source[1][3] / source[1][2])  # The pasted patch, about.
            at = (rng.randint(0, int(SIZE[0] - span)), rng.randint(0, int(SIZE[1] - span)))
            if any(at[0] < sx + sw + 20 and sx < at[0] + span + 20 and at[1] < sy + sh + 20 and sy < at[1] + span + 20
                   for sx, sy, sw, sh in spans):
                continue
            box = paste(canvas, source, size, at)
            if box:
                boxes.append(box)
                spans.append((*at, int(span), int(span)))
                break
    return canvas, boxes


def test_set(photos: Path, count: int) -> list[tuple[str, np.ndarray, list]]:
    """Grayscale photos with their true boxes: ``count`` composed ones and the real photos
    enlarged to 2048 px."""
    import cv2

    faces = load_faces(photos)
    photos_set = []
    for seed in range(count):
        canvas, boxes = compose(faces, seed)
        photos_set.append((f"composed-{seed}", cv2.cvtColor(canvas, cv2.COLOR_BGR2GRAY), boxes))
    for name, boxes in sorted(load_truth(photos).items()):
        image = cv2.imread(str(photos / "images" / name), cv2.IMREAD_GRAYSCALE)
        k = max(SIZE) / max(image.shape)
        enlarged = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        photos_set.append((f"enlarged-{name}", enlarged, [tuple(round(v * k) for v in box) for box in boxes]))
    return photos_set


def searched_share(gray: np.ndarray, min_face: int, budget: int | None) -> float:
    """The share of the photo pyramid's pixels that its gate (and the finest pass's budget) let through."""
    from ml.face_search import gated_windows, search_plan, windows_area

    plan = search_plan(*gray.shape[:2], min_face)
    searched = total = 0.0
    for search in plan:
        total += gray.size * search.scale**2
        if search.gated_for is None:
            searched += gray.size * search.scale**2
        else:
            scale, windows = gated_windows(gray, search, budget=budget if search is plan[0] else None)
            searched += windows_area(windows) * scale**2
    return searched / total


def bench_search(detector, photos_set: list, *, live: bool, min_face: int) -> dict:
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_faces, times, shares = 0, [], []
    for name, gray, boxes in photos_set:
        started = time.perf_counter()
        found = detector.detect(gray, min_face=min_face, live=live)
        times.append(time.perf_counter() - started)
        matched = match(list(boxes), [face.box.as_tuple() for face in found])
        false_faces += len(found) - sum(index is not None for index in matched)
        for box, index in zip(boxes, matched):
            key = "enlarged photos" if name.startswith("enlarged") else bucket(box[2])
            by_size[key][0] += 1
            by_size[key][1] += index is not None
        if not live and hasattr(detector, "finest_budget"):  # YuNet's gated pyramid (ml.face_search).
            shares.append(searched_share(gray, min_face, detector.finest_budget))
    faces = sum(total for total, _ in by_size.values())
    report = {
        "recall": round(sum(found for _, found in by_size.values()) / max(1, faces), 4),
        "recall_by_face_width": {key: f"{found}/{total}" for key, (total, found) in sorted(by_size.items())},
        "false_faces": false_faces,
        "p50_ms": percentile_ms(times, 50),
        "p95_ms": percentile_ms(times, 95),
    }
    if shares:
        report["searched_share_median"] = round(float(np.median(shares)), 3)
    return report


def bench_face_free(detector, min_face: int) -> dict:
    """False faces on scikit-image's face-free photos, as they are and enlarged to 2048 px."""
    import cv2

    found = {}
    for name in FACE_FREE_PHOTOS:
        gray = cv2.cvtColor(background(name, random.Random(0)), cv2.COLOR_BGR2GRAY)
        found[name] = len(detector.detect(gray, min_face=min_face))
    return {"photos": len(found), "false_faces": sum(found.values()), "per_photo": found}


def bench_growth(detector, faces: list, min_face: int, repeats: int = 3) -> dict:
    """Time of the photo search as the photo grows, with the same five faces (24-64 px) on a
    plain wall and on grass (textured everywhere)."""
    import cv2

    rows = {}
    for name in ("plain", "grass"):
        row = {}
        for side in SWEEP_SIDES:
            size = (side, side * 3 // 4)
            canvas = background(name, random.Random(1), size)
            for index, width in enumerate((24, 32, 40, 48, 64)):
                paste(canvas, faces[index % len(faces)], width, (40 + index * (size[0] - 200) // 5, size[1] // 3))
            gray = cv2.cvtColor(canvas, cv2.COLOR_BGR2GRAY)
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                detector.detect(gray, min_face=min_face)
                samples.append(time.perf_counter() - started)
            row[f"{size[0]}x{size[1]}"] = percentile_ms(samples, 50)
        rows[name] = row
    return rows


def bench_scales(detector, photos_set: list, margin: int = 40) -> dict:
    """Recall of the faces under 40 px wide by the scale of the copy searched (each face in a
    window of ``margin`` px around it, at YuNet's plain 0.5 confidence)."""
    from ml.faces import YUNET_MIN_CONFIDENCE

    recall = {}
    for scale in SCALES:
        total = found_total = 0
        for _name, gray, boxes in photos_set:
            for x, y, w, h in boxes:
                if w >= 40:
                    continue
                x0, y0 = max(0, x - margin), max(0, y - margin)
                window = (x0, y0, min(gray.shape[1], x + w + margin), min(gray.shape[0], y + h + margin))
                found = detector._detect_at(gray, scale, window, min_confidence=YUNET_MIN_CONFIDENCE)
                total += 1
                found_total += match([(x, y, w, h)], [face.box.as_tuple() for face in found])[0] is not None
        recall[str(scale)] = round(found_total / max(1, total), 3)
    return recall


def face_contrast(photos_set: list) -> dict:
    """The standard deviation of the most contrasted face-sized window at each true face (the
    measure the gate compares with ``ml.face_search.GATE_CONTRAST``)."""
    from ml.face_search import face_contrast as contrast

    values = []
    for _name, gray, boxes in photos_set:
        for x, y, w, h in boxes:
            region = gray[max(0, y - h // 2):y + h + h // 2, max(0, x - w // 2):x + w + w // 2]
            values.append(float(contrast(region, min(w, 48))[0].max()))
    values_array = np.asarray(values)
    return {"faces": len(values), "min": round(float(values_array.min()), 1),
            "p1": round(float(np.percentile(values_array, 1)), 1), "median": round(float(np.median(values_array)), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench_large", description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, required=True, help="real photos with truth.json boxes (../shared/photos)")
    parser.add_argument("--count", type=int, default=60, help="composed 2048x1536 photos")
    parser.add_argument("--finest-budget", type=int, help="pixels the finest pass may search (default "
                        "ml.face_search.FINEST_SEARCH_PIXELS; 0: no budget)")
    parser.add_argument("--detector", choices=("yunet", "blazeface"), default="yunet",
                        help="blazeface: its own tiled pyramid; the figures by scale are YuNet's only")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    limit_threads(args.threads)
    from ml.face_search import FINEST_SEARCH_PIXELS, MIN_FACE
    from ml.faces import BlazeFaceDetector, YuNetDetector

    budget = FINEST_SEARCH_PIXELS if args.finest_budget is None else args.finest_budget or None
    yunet = args.detector == "yunet"
    detector = YuNetDetector(finest_budget=budget) if yunet else BlazeFaceDetector()
    photos_set = test_set(args.photos, args.count)
    figures = {
        "threads": args.threads,
        "photos": len(photos_set),
        "faces": sum(len(boxes) for _, _, boxes in photos_set),
        "detector": detector.name,
        "min_face": MIN_FACE,
        "finest_budget": budget if yunet else None,
        "photo_search": bench_search(detector, photos_set, live=False, min_face=MIN_FACE),
        "single_whole_copy": bench_search(detector, photos_set, live=True, min_face=MIN_FACE),
        "face_free": bench_face_free(detector, MIN_FACE),
        "time_by_photo_size_ms": bench_growth(detector, load_faces(args.photos), MIN_FACE),
        "small_face_recall_by_scale": bench_scales(detector, photos_set) if yunet else {},
        "face_contrast": face_contrast(photos_set),
    }
    for name in ("photo_search", "single_whole_copy"):
        row = figures[name]
        gate = row.get("searched_share_median")
        print(f"{name}: recall {row['recall']:.1%} of {figures['faces']} ({row['recall_by_face_width']}), "
              f"{row['false_faces']} false, p50/p95 {row['p50_ms']}/{row['p95_ms']} ms"
              + (f", {gate:.0%} of the pyramid searched (median)" if gate is not None else ""))
    print(f"face-free photos: {figures['face_free']['false_faces']} false faces in {figures['face_free']['photos']}")
    for name, row in figures["time_by_photo_size_ms"].items():
        print(f"time by size, {name} background: " + ", ".join(f"{size} {ms} ms" for size, ms in row.items()))
    print("faces under 40 px found, by scale of the searched copy: "
          + ", ".join(f"{scale}: {recall:.0%}" for scale, recall in figures["small_face_recall_by_scale"].items()))
    contrast = figures["face_contrast"]
    print(f"face contrast (std of the sharpest face-sized window): min {contrast['min']}, "
          f"1st percentile {contrast['p1']}, median {contrast['median']}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
