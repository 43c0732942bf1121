"""Live camera sessions: what one connection has seen so far, and storing it.

The consumer feeds every analysed frame to a :class:`LiveTracker` (plain Python, on the event
loop, no database) and hands its :meth:`LiveTracker.progress` to :func:`detection.live.services.live_session_save`
every few seconds and once more when the connection ends, so a dropped connection loses at
most those few seconds.

Besides the session's totals it keeps one :class:`PersonRecord` per person id that
``ml.tracking.FaceTracker`` gave out: time in view, mean and peak stress, dominant emotions, and a
timeline of one point per second (dominant emotion, mean probabilities, mean stress).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ml.emotions import EMOTIONS, stress_score
from ml.pipeline import AnalysisResult
from ml.tracking import FORGET_SECONDS, TrackedFace

# The timeline keeps one point per second; past this many points, neighbours are merged
# (two seconds a point, then four...), so a long session's row stays small.
TIMELINE_MAX_POINTS = 1800
# People recorded per session (each id the tracker gives out is one; a crowd passing by a
# camera for hours would otherwise grow the row without bound). Later ones count in the totals.
MAX_PEOPLE = 50
# Frames of one person this close count as continuous time in view: as long as the tracker keeps
# their id (on a slow connection frames can be a second or more apart).
IN_VIEW_GAP_SECONDS = FORGET_SECONDS


@dataclass
class TimelinePoint:
    """Frames analysed during ``seconds`` seconds from ``t`` (seconds since the start)."""

    t: int
    seconds: int
    frames: int = 0
    stress_sum: float = 0.0
    dominant_counts: Counter = field(default_factory=Counter)

    def add(self, stress: float, dominant: str | None) -> None:
        self.frames += 1
        self.stress_sum += stress
        if dominant:
            self.dominant_counts[dominant] += 1

    def merge(self, other: TimelinePoint) -> None:
        self.seconds += other.seconds
        self.frames += other.frames
        self.stress_sum += other.stress_sum
        self.dominant_counts.update(other.dominant_counts)

    def to_dict(self) -> dict:
        with_faces = sum(self.dominant_counts.values())
        return {
            "t": self.t,
            "frames": self.frames,
            "stress": round(self.stress_sum / self.frames, 4) if self.frames else 0.0,
            "dominant": self.dominant_counts.most_common(1)[0][0] if with_faces else None,
            # Of the frames with a face, the share each emotion dominated.
            "shares": {label: round(self.dominant_counts[label] / with_faces, 4) if with_faces else 0.0 for label in EMOTIONS},
        }


@dataclass
class PersonPoint:
    """One person's frames during ``seconds`` seconds from ``t``."""

    t: int
    seconds: int
    frames: int = 0
    probability_sums: list[float] = field(default_factory=lambda: [0.0] * len(EMOTIONS))

    def add(self, probabilities: dict[str, float]) -> None:
        self.frames += 1
        for index, label in enumerate(EMOTIONS):
            self.probability_sums[index] += probabilities[label]

    def merge(self, other: PersonPoint) -> None:
        self.seconds += other.seconds
        self.frames += other.frames
        self.probability_sums = [a + b for a, b in zip(self.probability_sums, other.probability_sums)]

    def to_dict(self) -> dict:
        means = {label: total / self.frames for label, total in zip(EMOTIONS, self.probability_sums)}
        return {
            "t": self.t,
            "frames": self.frames,
            "dominant": max(means, key=means.__getitem__),
            "probabilities": {label: round(value, 4) for label, value in means.items()},
            "stress": round(stress_score(means), 4),
        }


@dataclass
class PersonRecord:
    """Everything a session keeps about one person (times in seconds since the session began)."""

    person: int
    first_seen: float
    last_seen: float
    frames: int = 0
    seconds_in_view: float = 0.0
    stress_sum: float = 0.0
    peak_stress: float = 0.0
    emotion_counts: Counter = field(default_factory=Counter)
    points: list[PersonPoint] = field(default_factory=list)

    def add(self, face: TrackedFace, t: float, point_start: int, point_seconds: int) -> None:
        if self.frames and t - self.last_seen <= IN_VIEW_GAP_SECONDS:
            self.seconds_in_view += t - self.last_seen
        self.last_seen = t
        self.frames += 1
        self.stress_sum += face.face.stress
        self.peak_stress = max(self.peak_stress, face.face.stress)
        self.emotion_counts[face.face.dominant] += 1
        if not self.points or self.points[-1].t != point_start:
            self.points.append(PersonPoint(t=point_start, seconds=point_seconds))
        self.points[-1].add(face.face.probabilities)

    def to_dict(self) -> dict:
        return {
            "person": self.person,
            "first_seen": round(self.first_seen, 1),
            "last_seen": round(self.last_seen, 1),
            "seconds_in_view": round(self.seconds_in_view, 1),
            "frames": self.frames,
            "mean_stress": round(self.stress_sum / self.frames, 4) if self.frames else 0.0,
            "peak_stress": round(self.peak_stress, 4),
            # Emotions by the number of frames they dominated, most first.
            "dominant_emotions": {label: count for label, count in self.emotion_counts.most_common()},
            "timeline": [point.to_dict() for point in self.points],
        }


def _coarsened(points: list, seconds: int) -> list:
    """Neighbouring points merged into points of ``seconds`` seconds."""
    merged: list = []
    for point in points:
        start = point.t - point.t % seconds
        if merged and merged[-1].t == start:
            merged[-1].merge(point)
        else:
            point.t = start
            merged.append(point)
    return merged


class LiveTracker:
    """Running totals of one live session, in the shape :class:`LiveSession` stores them."""

    def __init__(self, *, clock=time.monotonic):
        self._clock = clock
        self._started = clock()
        self.frames_analyzed = 0
        self.frames_with_faces = 0
        self.faces_seen = 0
        self.emotion_counts: Counter = Counter()
        self.probability_sums: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)
        self.stress_sum = 0.0
        self.peak_stress = 0.0
        self.points: list[TimelinePoint] = []
        self.point_seconds = 1
        self.people: dict[int, PersonRecord] = {}

    def elapsed(self) -> float:
        """Seconds since the session began."""
        return self._clock() - self._started

    def add(self, result: AnalysisResult, tracked: list[TrackedFace] = (), *, t: float | None = None) -> None:
        """Count one analysed frame, taken ``t`` seconds into the session (default: now), and its
        faces' people (``tracked``, from ``ml.tracking.FaceTracker``)."""
        t = self.elapsed() if t is None else t
        self.frames_analyzed += 1
        if result.faces:
            self.frames_with_faces += 1
        if result.dominant:  # A frame whose faces are all uncertain has none (ml.headline).
            self.emotion_counts[result.dominant] += 1
        for face in result.faces:
            self.faces_seen += 1
            for label in EMOTIONS:
                self.probability_sums[label] += face.probabilities[label]
            self.stress_sum += face.stress
            self.peak_stress = max(self.peak_stress, face.stress)
        self._timeline_point(t).add(result.stress or 0.0, result.dominant)
        start = self.points[-1].t
        for face in tracked:
            record = self.people.get(face.person)
            if record is None:
                if len(self.people) >= MAX_PEOPLE:
                    continue
                record = self.people[face.person] = PersonRecord(person=face.person, first_seen=t, last_seen=t)
            record.add(face, t, start, self.point_seconds)

    def _timeline_point(self, t: float) -> TimelinePoint:
        elapsed = int(t)
        start = elapsed - elapsed % self.point_seconds
        if not self.points or self.points[-1].t != start:
            self.points.append(TimelinePoint(t=start, seconds=self.point_seconds))
            if len(self.points) > TIMELINE_MAX_POINTS:
                self._coarsen()
        return self.points[-1]

    def _coarsen(self) -> None:
        self.point_seconds *= 2
        self.points = _coarsened(self.points, self.point_seconds)
        for record in self.people.values():
            record.points = _coarsened(record.points, self.point_seconds)

    def progress(self) -> dict:
        """The fields of :class:`LiveSession` this tracker owns, ready to save."""
        return {
            "frames_analyzed": self.frames_analyzed,
            "frames_with_faces": self.frames_with_faces,
            "faces_seen": self.faces_seen,
            "emotion_counts": {label: self.emotion_counts[label] for label in EMOTIONS},
            "probability_sums": {label: round(value, 4) for label, value in self.probability_sums.items()},
            "stress_sum": self.stress_sum,
            "peak_stress": self.peak_stress,
            "timeline": [point.to_dict() for point in self.points],
            "people": [record.to_dict() for record in self.people.values()],
        }
