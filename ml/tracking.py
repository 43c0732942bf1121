"""People, not frames: a person id that follows each face from frame to frame of one stream,
and a smoothed emotion per person.

    tracker = FaceTracker()                      # one per stream (a live connection, a video)
    for timestamp, result in frames:             # timestamp in seconds, from any clock
        for tracked in tracker.update(result.faces, timestamp):
            tracked.person                       # 1, 2, ... (stable while the person stays in view)
            tracked.face                         # the frame's own FaceResult (raw values)
            tracked.smoothed_stress, tracked.smoothed_dominant, tracked.smoothed_probabilities

How faces are matched: every known person's box is moved to where their last speed takes it
(a constant-velocity prediction, at most ``MAX_PREDICTION_SECONDS`` ahead); the cost of giving a
face to a person is ``(1 - IoU) + centre distance / face size`` between the face's box and the
prediction, and SciPy's ``linear_sum_assignment`` picks the cheapest one-to-one matching. A pair
is refused when the face is further than the gate allows (``GATE_FACES`` face sizes, widening by
``GATE_GROWTH`` per second the person was unseen) or its size differs more than ``MAX_SCALE_CHANGE``
times. Unmatched faces are new people. Everything is time-based, not frame-based, so the same
tracker serves a 10 fps camera and a video sampled at 5 fps: a person unseen for up to
``FORGET_SECONDS`` keeps their id when they reappear where they were heading (a blink, a missed
detection, one face passing behind another); after that they are forgotten, and someone who
comes back later gets a new id.

Smoothing is an exponential moving average with a time constant in seconds (``smoothing``):
each frame moves the average ``1 - exp(-dt / smoothing)`` of the way to the frame's value, so it
means the same at any frame rate; 0 turns it off. The raw per-frame values stay on ``face``.

``python -m ml.bench_tracking`` measures id switches, fragmentations, MOTA and the cost per frame
on synthetic clips of val faces (figures in ``ml/README.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linear_sum_assignment

from ml.emotions import EMOTIONS, stress_score

if TYPE_CHECKING:
    from ml.pipeline import FaceResult

# Seconds a person may go unseen and keep their id (the "comes back after a while").
FORGET_SECONDS = 2.0
# The smoothing time constant, in seconds, unless the stream asks for another.
SMOOTHING_SECONDS = 1.0
# A face further than this many face sizes from a person's predicted centre is not theirs; the
# gate widens by GATE_GROWTH face sizes per second unseen (up to FORGET_SECONDS).
GATE_FACES = 1.0
GATE_GROWTH = 1.0
# Nor is a face more than this many times larger or smaller than the person's last box.
MAX_SCALE_CHANGE = 2.0
# A person unseen for longer is predicted to stop where this much coasting took them (people
# who leave the picture turn round; faces that drift past a detection miss do not keep going).
MAX_PREDICTION_SECONDS = 0.5
# How much each new measured speed counts in the running speed (per observation).
VELOCITY_WEIGHT = 0.5
# A cost the solver never picks: pairs beyond the gate.
_REFUSED = 1e6


@dataclass(frozen=True)
class TrackedFace:
    """One face of one frame, with the person it belongs to and that person's smoothed reading."""

    person: int
    face: FaceResult
    smoothed_probabilities: dict[str, float]

    @property
    def smoothed_stress(self) -> float:
        return stress_score(self.smoothed_probabilities)

    @property
    def smoothed_dominant(self) -> str:
        return max(self.smoothed_probabilities, key=self.smoothed_probabilities.__getitem__)

    def to_dict(self, *, probabilities: bool = True) -> dict:
        """The face's own ``to_dict()`` plus ``person`` and ``smoothed`` (``probabilities=False``
        leaves out both probability tables)."""
        raw = self.face.to_dict()
        smoothed = {"dominant": self.smoothed_dominant, "stress": round(self.smoothed_stress, 4)}
        if probabilities:
            smoothed["probabilities"] = {label: round(value, 4) for label, value in self.smoothed_probabilities.items()}
        else:
            del raw["probabilities"]
        return {"person": self.person, **raw, "smoothed": smoothed}


class _Track:
    """What the tracker remembers of one person."""

    __slots__ = ("person", "cx", "cy", "w", "h", "vx", "vy", "first_seen", "last_seen", "hits", "probabilities")

    def __init__(self, person: int, box, timestamp: float, probabilities: list[float]):
        self.person = person
        self.cx, self.cy, self.w, self.h = _centre(box)
        self.vx = self.vy = 0.0
        self.first_seen = self.last_seen = timestamp
        self.hits = 1
        self.probabilities = probabilities

    def predicted(self, timestamp: float) -> tuple[float, float]:
        ahead = min(max(timestamp - self.last_seen, 0.0), MAX_PREDICTION_SECONDS)
        return self.cx + self.vx * ahead, self.cy + self.vy * ahead

    def observe(self, box, timestamp: float) -> None:
        cx, cy, self.w, self.h = _centre(box)
        dt = timestamp - self.last_seen
        if dt > 0:
            weight = VELOCITY_WEIGHT if self.hits > 1 else 1.0
            self.vx += weight * ((cx - self.cx) / dt - self.vx)
            self.vy += weight * ((cy - self.cy) / dt - self.vy)
        self.cx, self.cy = cx, cy
        self.last_seen = timestamp
        self.hits += 1


def _centre(box) -> tuple[float, float, float, float]:
    return box.x + box.w / 2, box.y + box.h / 2, float(box.w), float(box.h)


def _iou_centred(ax: float, ay: float, aw: float, ah: float, bx: float, by: float, bw: float, bh: float) -> float:
    """IoU of two boxes given by centre and size."""
    ix = min(ax + aw / 2, bx + bw / 2) - max(ax - aw / 2, bx - bw / 2)
    iy = min(ay + ah / 2, by + bh / 2) - max(ay - ah / 2, by - bh / 2)
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    return inter / (aw * ah + bw * bh - inter)


class FaceTracker:
    """Person ids for the faces of one stream of frames; see the module's docstring."""

    def __init__(self, *, smoothing: float = SMOOTHING_SECONDS, forget_after: float = FORGET_SECONDS):
        if smoothing < 0 or forget_after <= 0:
            raise ValueError("smoothing must be >= 0 and forget_after > 0 seconds")
        self.smoothing = smoothing
        self.forget_after = forget_after
        self._tracks: list[_Track] = []
        self._next_person = 1
        self._last_timestamp: float | None = None

    @property
    def people_seen(self) -> int:
        """How many person ids this stream has given out."""
        return self._next_person - 1

    def update(self, faces: Sequence[FaceResult], timestamp: float) -> list[TrackedFace]:
        """The faces of the frame taken at ``timestamp`` (seconds, any clock, not decreasing),
        in the same order, each with its person id and smoothed reading."""
        if self._last_timestamp is not None and timestamp < self._last_timestamp:
            timestamp = self._last_timestamp  # A clock stepping back must not make time run backwards.
        self._last_timestamp = timestamp
        self._tracks = [track for track in self._tracks if timestamp - track.last_seen <= self.forget_after]

        owners = self._match(faces, timestamp)
        tracked = []
        for index, face in enumerate(faces):
            raw = [face.probabilities[label] for label in EMOTIONS]
            track = owners.get(index)
            if track is None:
                track = _Track(self._next_person, face.box, timestamp, raw)
                self._next_person += 1
                self._tracks.append(track)
            else:
                weight = self._smoothing_weight(timestamp - track.last_seen)
                track.probabilities = raw if weight == 1 else [old + weight * (new - old) for old, new in zip(track.probabilities, raw)]
                track.observe(face.box, timestamp)
            tracked.append(TrackedFace(track.person, face, dict(zip(EMOTIONS, track.probabilities))))
        return tracked

    def _smoothing_weight(self, dt: float) -> float:
        if self.smoothing == 0:
            return 1.0
        return 1.0 - math.exp(-max(dt, 0.0) / self.smoothing)

    def _match(self, faces: Sequence[FaceResult], timestamp: float) -> dict[int, _Track]:
        """Which known person each face belongs to (by the face's index); new faces are absent."""
        if not faces or not self._tracks:
            return {}
        cost = np.full((len(faces), len(self._tracks)), _REFUSED)
        for j, track in enumerate(self._tracks):
            px, py = track.predicted(timestamp)
            unseen = min(timestamp - track.last_seen, self.forget_after)
            gate = GATE_FACES + GATE_GROWTH * unseen
            for i, face in enumerate(faces):
                cx, cy, w, h = _centre(face.box)
                size = (w + h + track.w + track.h) / 4
                if not 1 / MAX_SCALE_CHANGE <= (w + h) / (track.w + track.h) <= MAX_SCALE_CHANGE:
                    continue
                distance = math.hypot(cx - px, cy - py) / size
                if distance > gate:
                    continue
                cost[i, j] = 1.0 - _iou_centred(cx, cy, w, h, px, py, track.w, track.h) + distance
        return {i: self._tracks[j] for i, j in self._assign(cost) if cost[i, j] < _REFUSED}

    def _assign(self, cost: np.ndarray) -> list[tuple[int, int]]:
        """The cheapest one-to-one pairs (face index, track index)."""
        rows, columns = linear_sum_assignment(cost)
        return list(zip(rows.tolist(), columns.tolist()))
