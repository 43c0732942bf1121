"""Live camera sessions: what one connection has seen so far, and storing it.

The consumer feeds every analysed frame to a :class:`LiveTracker` (plain Python, on the event
loop, no database) and hands its :meth:`LiveTracker.progress` to :func:`detection.live.services.live_session_save`
every few seconds and once more when the connection ends, so a dropped connection loses at
most those few seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ml.emotions import EMOTIONS
from ml.pipeline import AnalysisResult

# The timeline keeps one point per second; past this many points, neighbours are merged
# (two seconds a point, then four...), so a long session's row stays small.
TIMELINE_MAX_POINTS = 1800


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

    def add(self, result: AnalysisResult) -> None:
        """Count one analysed frame."""
        self.frames_analyzed += 1
        if result.faces:
            self.frames_with_faces += 1
            self.emotion_counts[result.dominant] += 1
        for face in result.faces:
            self.faces_seen += 1
            for label in EMOTIONS:
                self.probability_sums[label] += face.probabilities[label]
            self.stress_sum += face.stress
            self.peak_stress = max(self.peak_stress, face.stress)
        self._timeline_point().add(result.stress, result.dominant)

    def _timeline_point(self) -> TimelinePoint:
        elapsed = int(self._clock() - self._started)
        start = elapsed - elapsed % self.point_seconds
        if not self.points or self.points[-1].t != start:
            self.points.append(TimelinePoint(t=start, seconds=self.point_seconds))
            if len(self.points) > TIMELINE_MAX_POINTS:
                self._coarsen()
        return self.points[-1]

    def _coarsen(self) -> None:
        self.point_seconds *= 2
        merged: list[TimelinePoint] = []
        for point in self.points:
            start = point.t - point.t % self.point_seconds
            if merged and merged[-1].t == start:
                merged[-1].merge(point)
            else:
                point.t = start
                merged.append(point)
        self.points = merged

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
        }
