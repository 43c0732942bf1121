"""A recorded video as people over time: sampled frames -> faces (the one inference path) ->
person ids (``ml.tracking``) -> per-person timelines, summaries and exports.

The platform's job runs this in chunks and stores every frame's faces; a job resumed after a
crash rebuilds the tracker by replaying the stored faces (no inference: microseconds a frame), so
person ids continue as if it had never stopped.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ml.emotions import EMOTIONS, stress_score
from ml.faces import Box
from ml.tracking import FaceTracker, TrackedFace

# The CSV's emotion columns use the names ``fer``'s video output uses (its ``to_pandas()``:
# angry, disgust, fear, happy, sad, surprise, neutral), which are ours.
CSV_COLUMNS = ("time_s", "person", "box_x", "box_y", "box_w", "box_h", *EMOTIONS, "dominant", "stress")


@dataclass(frozen=True)
class TrackedFrame:
    """One sampled frame: its time in the video, its size as analysed, and its tracked faces."""

    seconds: float
    width: int
    height: int
    faces: list[TrackedFace]


def analyze_samples(samples: Iterable[tuple[float, np.ndarray]], analyse: Callable[[np.ndarray], object], *,
                    tracker: FaceTracker | None = None) -> Iterator[TrackedFrame]:
    """Analyse each ``(seconds, rgb)`` sample with ``analyse`` (``ml.analyze`` or the platform's
    wrapper of it) and give its faces person ids."""
    tracker = tracker or FaceTracker()
    for seconds, rgb in samples:
        result = analyse(rgb)
        yield TrackedFrame(seconds, int(rgb.shape[1]), int(rgb.shape[0]), tracker.update(result.faces, seconds))


def replay_tracker(frames: Iterable[tuple[float, Sequence[object]]]) -> FaceTracker:
    """A tracker in the state it had after ``frames`` (``(seconds, FaceResult list)`` in time order,
    as stored), so an interrupted job continues the same person ids."""
    tracker = FaceTracker()
    for seconds, faces in frames:
        tracker.update(faces, seconds)
    return tracker


def face_from_row(box: dict, probabilities: dict[str, float]):
    """A stored face back as an ``ml.pipeline.FaceResult`` (for :func:`replay_tracker`)."""
    from ml.pipeline import FaceResult

    return FaceResult(box=Box(int(box["x"]), int(box["y"]), int(box["w"]), int(box["h"])),
                      probabilities={label: float(probabilities[label]) for label in EMOTIONS})


@dataclass(frozen=True)
class PersonRow:
    """One person in one sampled frame, as stored."""

    seconds: float
    person: int
    box: tuple[int, int, int, int]
    probabilities: dict[str, float]

    @property
    def dominant(self) -> str:
        return max(self.probabilities, key=self.probabilities.__getitem__)

    @property
    def stress(self) -> float:
        return stress_score(self.probabilities)


def person_summaries(rows: Iterable[PersonRow], *, interval_s: float) -> list[dict]:
    """Per person: time on screen (samples seen x the sampling interval), first and last seen,
    mean and peak stress (and when), and the dominant emotions by share of their frames."""
    by_person: dict[int, list[PersonRow]] = defaultdict(list)
    for row in rows:
        by_person[row.person].append(row)
    summaries = []
    for person, seen in sorted(by_person.items()):
        stresses = [row.stress for row in seen]
        peak = int(np.argmax(stresses))
        counts = Counter(row.dominant for row in seen)
        summaries.append({
            "person": person,
            "samples": len(seen),
            "seconds_on_screen": round(len(seen) * interval_s, 2),
            "first_seen_s": round(seen[0].seconds, 3),
            "last_seen_s": round(seen[-1].seconds, 3),
            "mean_stress": round(float(np.mean(stresses)), 4),
            "peak_stress": round(stresses[peak], 4),
            "peak_stress_at_s": round(seen[peak].seconds, 3),
            "dominant_emotions": [{"emotion": emotion, "share": round(count / len(seen), 3)}
                                  for emotion, count in counts.most_common(3)],
            "mean_probabilities": {label: round(float(np.mean([row.probabilities[label] for row in seen])), 4)
                                   for label in EMOTIONS},
        })
    return summaries


def rows_to_csv(rows: Iterable[PersonRow]) -> Iterator[str]:
    """CSV lines (header first): one per sampled frame and person, for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for row in rows:
        writer.writerow([f"{row.seconds:.3f}", row.person, *row.box,
                         *(f"{row.probabilities[label]:.4f}" for label in EMOTIONS), row.dominant,
                         f"{row.stress:.4f}"])
        yield flush()
