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

from ml.emotions import EMOTIONS, EmotionReading
from ml.faces import Box
from ml.headline import counts_for_headline
from ml.tracking import FaceTracker, TrackedFace

# The CSV's emotion columns use the names ``fer``'s video output uses (its ``to_pandas()``:
# angry, disgust, fear, happy, sad, surprise, neutral), which are ours. The last two say how sure
# the detector was that it is a face, and whether the sample counts (ml.headline).
CSV_COLUMNS = ("time_s", "person", "box_x", "box_y", "box_w", "box_h", *EMOTIONS, "dominant", "stress", "detection_score",
               "counts_for_headline")


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


def face_from_row(box: dict, probabilities: dict[str, float], detection_score: float = 1.0):
    """A stored face back as an ``ml.pipeline.FaceResult`` (for :func:`replay_tracker`)."""
    from ml.pipeline import FaceResult

    return FaceResult(box=Box(int(box["x"]), int(box["y"]), int(box["w"]), int(box["h"])),
                      probabilities={label: float(probabilities[label]) for label in EMOTIONS},
                      detection_score=float(detection_score))


@dataclass(frozen=True)
class PersonRow(EmotionReading):
    """One person in one sampled frame, as stored."""

    seconds: float
    person: int
    box: tuple[int, int, int, int]
    probabilities: dict[str, float]
    detection_score: float = 1.0  # How sure the detector was that this is a face.


def _most_frequent_dominant(rows: Sequence[PersonRow]) -> Counter:
    return Counter(row.dominant for row in rows)


def person_summaries(rows: Iterable[PersonRow], *, interval_s: float, **rule: float) -> list[dict]:
    """Per person: time on screen (samples seen x the sampling interval), first and last seen,
    mean and peak stress (and when), and the dominant emotions by share of their frames.

    Only the samples that count (ml.headline.counts_for_headline; ``rule`` overrides its
    thresholds) decide the stress, the dominant emotions and the mean probabilities: a sample the
    detector or the classifier is unsure of is on screen, and in the exports, but decides
    nothing. A person with no sample that counts has no stress reading (None) and no dominant
    emotion."""
    by_person: dict[int, list[PersonRow]] = defaultdict(list)
    for row in rows:
        by_person[row.person].append(row)
    summaries = []
    for person, seen in sorted(by_person.items()):
        counted = [row for row in seen if counts_for_headline(row, **rule)]
        stresses = [row.stress for row in counted]
        peak = int(np.argmax(stresses)) if counted else None
        counts = _most_frequent_dominant(counted)
        summaries.append({
            "person": person,
            "samples": len(seen),
            "counted_samples": len(counted),
            "seconds_on_screen": round(len(seen) * interval_s, 2),
            "first_seen_s": round(seen[0].seconds, 3),
            "last_seen_s": round(seen[-1].seconds, 3),
            "mean_stress": round(float(np.mean(stresses)), 4) if counted else None,
            "peak_stress": round(stresses[peak], 4) if counted else None,
            "peak_stress_at_s": round(counted[peak].seconds, 3) if counted else None,
            "dominant_emotions": [{"emotion": emotion, "share": round(count / len(counted), 3)}
                                  for emotion, count in _ranked(counts)[:3]],
            "mean_probabilities": {label: round(float(np.mean([row.probabilities[label] for row in counted])), 4)
                                   for label in EMOTIONS} if counted else {},
        })
    return summaries


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    """Emotions by how many samples they dominated, most first; ties in EMOTIONS' order."""
    return sorted(((label, counts[label]) for label in EMOTIONS if counts[label]), key=lambda item: -item[1])


def video_headline(rows: Iterable[PersonRow], **rule: float) -> dict:
    """A whole video's headline from every person's samples that count (ml.headline; ``rule``
    overrides its thresholds): ``stress``, the mean of their stress, ``peak_stress``, the highest,
    and ``dominant_emotion``, the emotion that dominated most of them (as a person's dominant
    emotions are ranked). None, None and "" when no sample counts: no stress reading."""
    counted = [row for row in rows if counts_for_headline(row, **rule)]
    if not counted:
        return {"stress": None, "peak_stress": None, "dominant_emotion": ""}
    stresses = [row.stress for row in counted]
    return {
        "stress": round(float(np.mean(stresses)), 4),
        "peak_stress": round(max(stresses), 4),
        "dominant_emotion": _ranked(_most_frequent_dominant(counted))[0][0],
    }


def rows_to_csv(rows: Iterable[PersonRow], **rule: float) -> Iterator[str]:
    """CSV lines (header first): one per sampled frame and person, for streaming responses;
    ``counts_for_headline`` is ml.headline's rule (``rule`` overrides its thresholds)."""
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
                         f"{row.stress:.4f}", f"{row.detection_score:.4f}", "yes" if counts_for_headline(row, **rule) else "no"])
        yield flush()
