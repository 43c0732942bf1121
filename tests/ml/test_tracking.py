"""ml.tracking: person ids that follow faces across the frames of one stream."""

import math

import pytest

from ml.emotions import EMOTIONS, stress_score
from ml.faces import Box
from ml.pipeline import FaceResult
from ml.tracking import FORGET_SECONDS, FaceTracker

FPS = 10


def face(x: float, y: float, size: int = 100, emotion: str = "neutral") -> FaceResult:
    probabilities = {label: (0.94 if label == emotion else 0.01) for label in EMOTIONS}
    return FaceResult(box=Box(round(x), round(y), size, size), probabilities=probabilities)


def people(tracked) -> list[int]:
    return [face.person for face in tracked]


def test_each_new_face_gets_the_next_small_number():
    tracker = FaceTracker()

    assert people(tracker.update([face(0, 0), face(300, 0)], 0.0)) == [1, 2]
    assert people(tracker.update([face(0, 0), face(300, 0), face(150, 250)], 0.1)) == [1, 2, 3]
    assert tracker.people_seen == 3


def test_ids_follow_the_faces_not_their_order_in_the_frame():
    tracker = FaceTracker()
    tracker.update([face(0, 0), face(300, 0)], 0.0)

    assert people(tracker.update([face(305, 2), face(4, 3)], 0.1)) == [2, 1]


def test_two_faces_crossing_keep_their_ids():
    """Two faces walk towards each other along the same line and pass; while they overlap the
    one behind is not detected at all, as a real detector would miss it."""
    tracker = FaceTracker()
    seen: dict[str, set[int]] = {"left": set(), "right": set()}
    for frame in range(41):
        t = frame / FPS
        left_x, right_x = 20 + 12 * frame, 500 - 12 * frame  # 120 px/s each, crossing at frame 20
        faces = {"left": face(left_x, 100, emotion="happy"), "right": face(right_x, 110, emotion="angry")}
        if abs(left_x - right_x) < 60:
            del faces["right"]  # Hidden behind the left face.
        names = list(faces)
        for name, tracked in zip(names, tracker.update(list(faces.values()), t)):
            seen[name].add(tracked.person)

    assert seen == {"left": {1}, "right": {2}}


def test_a_face_missing_for_two_frames_keeps_its_id():
    tracker = FaceTracker()
    for frame in range(10):
        tracker.update([face(100 + 5 * frame, 100)], frame / FPS)
    tracker.update([], 1.0)
    tracker.update([], 1.1)

    assert people(tracker.update([face(162, 101)], 1.2)) == [1]


def test_a_face_that_leaves_for_five_seconds_gets_a_new_id():
    tracker = FaceTracker()
    for frame in range(10):
        tracker.update([face(100, 100)], frame / FPS)
    for frame in range(10, 60):
        tracker.update([], frame / FPS)

    assert people(tracker.update([face(100, 100)], 6.0)) == [2]


def test_ids_are_kept_up_to_the_forget_time_whatever_the_frame_rate():
    """Time-based, not frame-based: at 2 fps (a sampled video) one missed sample is 0.5 s."""
    tracker = FaceTracker()
    tracker.update([face(100, 100)], 0.0)
    tracker.update([face(110, 100)], 0.5)

    assert people(tracker.update([face(130, 100)], 1.5)) == [1]
    assert people(tracker.update([face(130, 100)], 1.5 + FORGET_SECONDS + 0.1)) == [2]


def test_a_stranger_far_from_where_someone_was_is_someone_else():
    tracker = FaceTracker()
    tracker.update([face(0, 0)], 0.0)

    assert people(tracker.update([face(500, 300)], 0.1)) == [2]


def test_a_face_of_a_very_different_size_is_someone_else():
    tracker = FaceTracker()
    tracker.update([face(100, 100, size=60)], 0.0)

    assert people(tracker.update([face(90, 90, size=200)], 0.1)) == [2]


def test_the_smoothed_reading_moves_by_the_time_constant_and_the_raw_one_stays():
    tracker = FaceTracker(smoothing=1.0)
    tracker.update([face(100, 100, emotion="neutral")], 0.0)
    (tracked,) = tracker.update([face(100, 100, emotion="angry")], 0.5)

    weight = 1 - math.exp(-0.5)
    assert tracked.face.dominant == "angry"
    assert tracked.face.stress == pytest.approx(stress_score(tracked.face.probabilities))
    assert tracked.smoothed_probabilities["angry"] == pytest.approx(0.01 + weight * 0.93)
    assert tracked.smoothed_dominant == "neutral"
    assert 0 < tracked.smoothed_stress < tracked.face.stress


def test_the_same_time_span_smooths_the_same_at_any_frame_rate():
    def smoothed_after_one_second(fps: int) -> float:
        tracker = FaceTracker(smoothing=0.8)
        tracker.update([face(100, 100, emotion="neutral")], 0.0)
        for frame in range(1, fps + 1):
            (tracked,) = tracker.update([face(100, 100, emotion="fear")], frame / fps)
        return tracked.smoothed_stress

    assert smoothed_after_one_second(5) == pytest.approx(smoothed_after_one_second(30))


def test_no_smoothing_gives_the_raw_reading():
    tracker = FaceTracker(smoothing=0)
    tracker.update([face(100, 100, emotion="neutral")], 0.0)
    (tracked,) = tracker.update([face(100, 100, emotion="sad")], 0.1)

    assert tracked.smoothed_probabilities == tracked.face.probabilities


def test_a_clock_that_steps_back_is_treated_as_standing_still():
    tracker = FaceTracker()
    tracker.update([face(100, 100)], 5.0)

    assert people(tracker.update([face(102, 100)], 4.0)) == [1]


def test_to_dict_adds_the_person_and_the_smoothed_reading():
    tracker = FaceTracker()
    (tracked,) = tracker.update([face(10, 20, emotion="happy")], 0.0)

    full = tracked.to_dict()
    brief = tracked.to_dict(probabilities=False)

    assert full["person"] == 1
    assert full["box"] == {"x": 10, "y": 20, "w": 100, "h": 100}
    assert full["smoothed"]["dominant"] == "happy"
    assert set(full["smoothed"]["probabilities"]) == set(EMOTIONS)
    assert "probabilities" not in brief and "probabilities" not in brief["smoothed"]
    assert brief["dominant"] == "happy"


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        FaceTracker(smoothing=-1)
    with pytest.raises(ValueError):
        FaceTracker(forget_after=0)
