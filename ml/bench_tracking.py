"""Tracking benchmark: figures, not tests.

    python -m ml.bench_tracking [--faces ../shared/datasets/fer2013/val] [--clips 24] [--detections analyzer|truth]

Synthetic clips at 10 fps, 640x480: 1-4 val faces (48x48, shown at 80-120 px) move across a plain
background, bounce off the edges, cross paths (the one in front hides the other), vanish for a
moment (0.2-1 s: the same person, who should keep their id) or leave for a while (3-5 s, then come
back where they left: by the issue's rule someone else, who should get a new id). Ground truth
counts a face where at least half of it is visible.

Each clip's frames go through the real analyzer (``--detections analyzer``, the live search) or,
faster, the true boxes with 3 px of jitter and 5 % of faces dropped (``truth``); the same detections
then feed ``ml.tracking.FaceTracker`` (Hungarian assignment) and, for comparison, the same tracker
with greedy assignment. Printed per variant: CLEAR-MOT figures (MOTA, MOTP as mean IoU, misses,
false faces), id switches, fragmentations, the returns that kept or changed their id as they
should, the emotion accuracy of raw and smoothed readings, and the tracker's own cost per frame
(p50/p95, and over 20,000 frames of 4 moving faces). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from ml.bench import limit_threads, percentile_ms
from ml.emotions import EMOTIONS
from ml.faces import Box, iou
from ml.pipeline import FaceResult
from ml.tracking import FORGET_SECONDS, FaceTracker

FPS = 10
WIDTH, HEIGHT = 640, 480
IOU_MATCH = 0.3
VISIBLE_SHARE = 0.5
SCENARIOS = ("wander", "cross", "leave_and_return")


# --- Clips with ground truth -----------------------------------------------------------------


@dataclass
class Walker:
    image: np.ndarray  # The val face, grayscale 48x48.
    label: str
    size: int
    x: float
    y: float
    vx: float
    vy: float
    absences: list[tuple[float, float]] = field(default_factory=list)  # [start, end) seconds

    def away(self, t: float) -> bool:
        return any(start <= t < end for start, end in self.absences)

    def truth_id(self, base: int, t: float) -> int:
        """The person's true id at ``t``: a new one after every absence longer than FORGET_SECONDS."""
        long_absences = sum(end <= t and end - start > FORGET_SECONDS for start, end in self.absences)
        return base * 100 + long_absences

    def step(self, t: float, dt: float) -> None:
        if any(start <= t < end and end - start > FORGET_SECONDS for start, end in self.absences):
            return  # Gone for a while: comes back where they left.
        self.x += self.vx * dt
        self.y += self.vy * dt
        if not 0 <= self.x <= WIDTH - self.size:
            self.vx = -self.vx
            self.x = min(max(self.x, 0), WIDTH - self.size)
        if not 0 <= self.y <= HEIGHT - self.size:
            self.vy = -self.vy
            self.y = min(max(self.y, 0), HEIGHT - self.size)


@dataclass
class Clip:
    scenario: str
    frames: list[np.ndarray]  # RGB
    truth: list[list[tuple[int, tuple[int, int, int, int], str]]]  # per frame: (true id, box, label)
    returns: list[tuple[int, int, int, bool]]  # (walker, frame before leaving, frame back, should keep the id)


def load_faces(directory: Path) -> list[tuple[np.ndarray, str]]:
    from PIL import Image

    faces = []
    for label in EMOTIONS:
        for path in sorted((directory / label).glob("*"))[:200]:
            faces.append((np.asarray(Image.open(path).convert("L").resize((48, 48))), label))
    if not faces:
        raise SystemExit(f"no faces under {directory}/<emotion>/")
    return faces


def make_walkers(scenario: str, people: int, faces: list, rng: random.Random, seconds: float) -> list[Walker]:
    walkers = []
    for index in range(people):
        image, label = rng.choice(faces)
        size = rng.randint(80, 120)
        speed = rng.uniform(40, 160)
        angle = rng.uniform(0, 2 * np.pi)
        walker = Walker(image, label, size, rng.uniform(0, WIDTH - size), rng.uniform(0, HEIGHT - size),
                        speed * np.cos(angle), speed * np.sin(angle))
        if scenario == "cross":
            # Pairs start at opposite sides of one line and meet in the middle of the clip.
            lane = (index // 2) * 200 + 40 + rng.uniform(-15, 15)
            left = index % 2 == 0
            walker.x = 0 if left else WIDTH - size
            walker.y = min(lane, HEIGHT - size)
            walker.vx = (WIDTH - size) / seconds * (1 if left else -1) * 1.8
            walker.vy = 0
        elif scenario == "leave_and_return":
            start = rng.uniform(1.5, 3.0)
            walker.absences.append((start, start + rng.uniform(0.2, 1.0)))
            if index % 2 == 0:
                later = rng.uniform(4.5, 5.0)
                walker.absences.append((later, later + rng.uniform(3.0, 4.5)))
        walkers.append(walker)
    return walkers


def render(walkers: list[Walker], t: float, background: int) -> tuple[np.ndarray, list]:
    import cv2

    canvas = np.full((HEIGHT, WIDTH), background, np.uint8)
    owner = np.full((HEIGHT, WIDTH), -1, np.int16)
    boxes = []
    for index, walker in enumerate(walkers):
        if walker.away(t):
            continue
        x, y, s = round(walker.x), round(walker.y), walker.size
        pad = s // 4
        tile = cv2.copyMakeBorder(cv2.resize(walker.image, (s, s), interpolation=cv2.INTER_CUBIC), pad, pad, pad, pad,
                                  cv2.BORDER_REPLICATE)
        x0, y0 = x - pad, y - pad
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x0 + s + 2 * pad, WIDTH), min(y0 + s + 2 * pad, HEIGHT)
        canvas[cy0:cy1, cx0:cx1] = tile[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
        owner[cy0:cy1, cx0:cx1] = -1  # The border hides what is behind it, without being a face.
        owner[y:y + s, x:x + s] = index
        boxes.append((index, (x, y, s, s)))
    visible = [(index, box) for index, box in boxes
               if (owner[box[1]:box[1] + box[3], box[0]:box[0] + box[2]] == index).mean() >= VISIBLE_SHARE]
    return cv2.cvtColor(canvas, cv2.COLOR_GRAY2RGB), visible


def make_clip(scenario: str, people: int, faces: list, rng: random.Random, seconds: float) -> Clip:
    walkers = make_walkers(scenario, people, faces, rng, seconds)
    background = rng.randint(90, 170)
    frames, truth = [], []
    for frame in range(int(seconds * FPS)):
        t = frame / FPS
        image, visible = render(walkers, t, background)
        frames.append(image)
        truth.append([(walkers[i].truth_id(i + 1, t), box, walkers[i].label) for i, box in visible])
        for walker in walkers:
            walker.step(t, 1 / FPS)
    returns = []
    for index, walker in enumerate(walkers):
        for start, end in walker.absences:
            before, back = int(np.ceil(start * FPS)) - 1, int(np.ceil(end * FPS))
            if back < len(frames):
                returns.append((index, before, back, end - start <= FORGET_SECONDS))
    return Clip(scenario, frames, truth, returns)


# --- Detections --------------------------------------------------------------------------------


def analyzer_detections(analyzer, clip: Clip) -> list[list[FaceResult]]:
    return [analyzer.analyze(frame, live=True).faces for frame in clip.frames]


def truth_detections(clip: Clip, rng: random.Random) -> list[list[FaceResult]]:
    """The true boxes, jittered by up to 3 px, 5 % of them dropped, with the true emotion at 0.7."""
    detections = []
    for faces in clip.truth:
        found = []
        for _, (x, y, w, h), label in faces:
            if rng.random() < 0.05:
                continue
            jitter = [rng.randint(-3, 3) for _ in range(4)]
            probabilities = {name: (0.7 if name == label else 0.05) for name in EMOTIONS}
            found.append(FaceResult(Box(x + jitter[0], y + jitter[1], w + jitter[2], h + jitter[2]), probabilities))
        detections.append(found)
    return detections


# --- Scoring -----------------------------------------------------------------------------------


class GreedyTracker(FaceTracker):
    """The same tracker with greedy assignment (cheapest pair first), for comparison."""

    def _assign(self, cost: np.ndarray) -> list[tuple[int, int]]:
        pairs, used_rows, used_columns = [], set(), set()
        for flat in np.argsort(cost, axis=None):
            i, j = divmod(int(flat), cost.shape[1])
            if i not in used_rows and j not in used_columns:
                pairs.append((i, j))
                used_rows.add(i)
                used_columns.add(j)
        return pairs


@dataclass
class Score:
    truth_faces: int = 0
    misses: int = 0
    false_faces: int = 0
    id_switches: int = 0
    fragmentations: int = 0
    iou_sum: float = 0.0
    matches: int = 0
    returns_kept: int = 0
    returns_short: int = 0
    returns_new: int = 0
    returns_long: int = 0
    raw_right: int = 0
    smoothed_right: int = 0
    update_seconds: list[float] = field(default_factory=list)

    def figures(self) -> dict:
        return {
            "mota": round(1 - (self.misses + self.false_faces + self.id_switches) / max(self.truth_faces, 1), 4),
            "motp_iou": round(self.iou_sum / max(self.matches, 1), 4),
            "truth_faces": self.truth_faces,
            "misses": self.misses,
            "false_faces": self.false_faces,
            "id_switches": self.id_switches,
            "fragmentations": self.fragmentations,
            "short_absences_kept_id": f"{self.returns_kept}/{self.returns_short}",
            "long_absences_new_id": f"{self.returns_new}/{self.returns_long}",
            "emotion_accuracy_raw": round(self.raw_right / max(self.matches, 1), 4),
            "emotion_accuracy_smoothed": round(self.smoothed_right / max(self.matches, 1), 4),
            "update_p50_ms": percentile_ms(self.update_seconds, 50),
            "update_p95_ms": percentile_ms(self.update_seconds, 95),
        }


def score_clip(tracker: FaceTracker, clip: Clip, detections: list[list[FaceResult]], score: Score) -> None:
    last_person: dict[int, int] = {}  # true id -> the person id it was last matched to
    lost: set[int] = set()  # true ids once matched, now visible but unmatched
    person_at: dict[tuple[int, int], int] = {}  # (walker index, frame) -> person id
    for frame, (truth, found) in enumerate(zip(clip.truth, detections)):
        started = time.perf_counter()
        tracked = tracker.update(found, frame / FPS)
        score.update_seconds.append(time.perf_counter() - started)
        score.truth_faces += len(truth)
        overlaps = np.array([[iou(box, t.face.box.as_tuple()) for t in tracked] for _, box, _ in truth]).reshape(len(truth), len(tracked))
        rows, columns = linear_sum_assignment(-overlaps) if overlaps.size else ((), ())
        matched = {i: j for i, j in zip(rows, columns) if overlaps[i, j] >= IOU_MATCH}
        score.misses += len(truth) - len(matched)
        score.false_faces += len(tracked) - len(matched)
        for i, (true_id, _, label) in enumerate(truth):
            if i not in matched:
                if true_id in last_person:
                    lost.add(true_id)
                continue
            hit = tracked[matched[i]]
            score.matches += 1
            score.iou_sum += overlaps[i, matched[i]]
            score.raw_right += hit.face.dominant == label
            score.smoothed_right += hit.smoothed_dominant == label
            if true_id in last_person and last_person[true_id] != hit.person:
                score.id_switches += 1
            if true_id in lost:
                score.fragmentations += 1
                lost.discard(true_id)
            last_person[true_id] = hit.person
            person_at[(true_id // 100 - 1, frame)] = hit.person
    for walker, before, back, should_keep in clip.returns:
        # Judged on the first frames back where the walker is matched at all.
        was = person_at.get((walker, before))
        now = next((person_at[(walker, f)] for f in range(back, back + 3) if (walker, f) in person_at), None)
        if was is None or now is None:
            continue
        if should_keep:
            score.returns_short += 1
            score.returns_kept += was == now
        else:
            score.returns_long += 1
            score.returns_new += was != now


def bench_cost(tracker_class, frames: int = 20_000) -> dict:
    """The tracker's own cost per frame with 4 faces moving (no detection)."""
    rng = np.random.default_rng(0)
    probabilities = dict(zip(EMOTIONS, rng.dirichlet(np.ones(len(EMOTIONS))).tolist()))
    tracker = tracker_class()
    positions = np.array([[50.0, 50.0], [400.0, 60.0], [80.0, 300.0], [420.0, 320.0]])
    velocity = rng.uniform(-8, 8, positions.shape)
    samples = []
    for frame in range(frames):
        positions += velocity + rng.normal(0, 1.5, positions.shape)
        np.clip(positions, 0, 500, out=positions)
        faces = [FaceResult(Box(int(x), int(y), 100, 100), probabilities) for x, y in positions]
        started = time.perf_counter()
        tracker.update(faces, frame / FPS)
        samples.append(time.perf_counter() - started)
    return {"faces": 4, "frames": frames, "mean_ms": round(float(np.mean(samples)) * 1000, 4),
            "p50_ms": percentile_ms(samples, 50), "p95_ms": percentile_ms(samples, 95), "people_seen": tracker.people_seen}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench_tracking", description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=Path, default=Path("../shared/datasets/fer2013/val"),
                        help="FER2013 faces in <emotion>/ folders (default ../shared/datasets/fer2013/val)")
    parser.add_argument("--clips", type=int, default=24, help="clips, each scenario and 1-4 people in turn (default 24)")
    parser.add_argument("--seconds", type=float, default=10.0, help="clip length (default 10 s at 10 fps)")
    parser.add_argument("--detections", choices=("analyzer", "truth"), default="analyzer",
                        help="faces from the real analyzer (default) or jittered true boxes (fast)")
    parser.add_argument("--cost-frames", type=int, default=20_000, help="frames for the cost-per-frame run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    faces = load_faces(args.faces)
    analyzer = None
    if args.detections == "analyzer":
        limit_threads(args.threads)
        from ml.pipeline import get_analyzer

        analyzer = get_analyzer()
    variants = {"hungarian": FaceTracker, "greedy": GreedyTracker}
    scores = {name: Score() for name in variants}
    by_scenario: dict[str, dict[str, Score]] = defaultdict(lambda: {name: Score() for name in variants})
    detect_seconds = 0.0
    frames = 0
    for index in range(args.clips):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        people = 1 + (index // len(SCENARIOS)) % 4
        if scenario == "cross":
            people = max(people, 2)
        clip = make_clip(scenario, people, faces, rng, args.seconds)
        started = time.perf_counter()
        detections = analyzer_detections(analyzer, clip) if analyzer else truth_detections(clip, rng)
        detect_seconds += time.perf_counter() - started
        frames += len(clip.frames)
        for name, tracker_class in variants.items():
            score_clip(tracker_class(), clip, detections, scores[name])
            score_clip(tracker_class(), clip, detections, by_scenario[scenario][name])

    figures = {
        "clips": args.clips,
        "frames": frames,
        "fps": FPS,
        "detections": args.detections,
        "detect_ms_per_frame": round(detect_seconds / max(frames, 1) * 1000, 2),
        "variants": {name: score.figures() for name, score in scores.items()},
        "by_scenario": {scenario: {name: score.figures() for name, score in variants_.items()}
                        for scenario, variants_ in by_scenario.items()},
        "cost_4_faces": {name: bench_cost(tracker_class, args.cost_frames) for name, tracker_class in variants.items()},
    }
    print(f"{args.clips} clips, {frames} frames at {FPS} fps, detections: {args.detections} "
          f"({figures['detect_ms_per_frame']} ms/frame)")
    for name, row in figures["variants"].items():
        cost = figures["cost_4_faces"][name]
        print(f"{name:9s} MOTA {row['mota']:.3f}  MOTP {row['motp_iou']:.3f}  id switches {row['id_switches']}  "
              f"fragmentations {row['fragmentations']}  misses {row['misses']}/{row['truth_faces']}  "
              f"false {row['false_faces']}  short absences kept {row['short_absences_kept_id']}  "
              f"long absences new id {row['long_absences_new_id']}  emotion raw {row['emotion_accuracy_raw']:.3f} "
              f"smoothed {row['emotion_accuracy_smoothed']:.3f}  cost 4 faces p50 {cost['p50_ms']} ms p95 {cost['p95_ms']} ms")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
