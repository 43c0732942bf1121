"""What a live session records per person (detection.live.tracker), from tracked faces."""

import pytest

from detection.live.tracker import MAX_PEOPLE, LiveTracker
from ml.emotions import EMOTIONS
from ml.faces import Box
from ml.pipeline import AnalysisResult, FaceResult
from ml.tracking import FaceTracker


def face(x: int, emotion: str, share: float = 0.94) -> FaceResult:
    rest = (1 - share) / (len(EMOTIONS) - 1)
    return FaceResult(box=Box(x, 100, 100, 100), probabilities={label: share if label == emotion else rest for label in EMOTIONS})


def frame(*faces: FaceResult) -> AnalysisResult:
    import numpy as np

    return AnalysisResult(image=np.zeros((480, 640, 3), np.uint8), faces=list(faces), model_version="test", timings_ms={}, detector="test")


def record(frames: list[tuple[float, list[FaceResult]]]) -> dict:
    people, recorder = FaceTracker(smoothing=0), LiveTracker(clock=lambda: 0.0)
    for t, faces in frames:
        result = frame(*faces)
        recorder.add(result, people.update(result.faces, t), t=t)
    return recorder.progress()


def test_each_person_gets_a_summary_and_a_timeline_per_second():
    # Person 1 (left) is happy throughout; person 2 (right) comes in at 1.0 s, angry.
    frames = [(t / 10, [face(50, "happy")] + ([face(400, "angry")] if t >= 10 else [])) for t in range(20)]

    people = {person["person"]: person for person in record(frames)["people"]}

    assert set(people) == {1, 2}
    one, two = people[1], people[2]
    assert (one["frames"], two["frames"]) == (20, 10)
    assert one["seconds_in_view"] == pytest.approx(1.9)
    assert (two["first_seen"], two["last_seen"]) == (1.0, 1.9)
    assert one["dominant_emotions"] == {"happy": 20}
    assert two["mean_stress"] == two["peak_stress"] > 0.9
    assert one["mean_stress"] < 0.05
    assert [point["t"] for point in one["timeline"]] == [0, 1]
    assert [point["t"] for point in two["timeline"]] == [1]
    assert two["timeline"][0]["dominant"] == "angry"
    assert two["timeline"][0]["probabilities"]["angry"] == pytest.approx(0.94)
    assert two["timeline"][0]["frames"] == 10


def test_time_out_of_view_does_not_count_as_time_in_view():
    frames = [(0.0, [face(50, "sad")]), (0.5, [face(50, "sad")]), (5.0, [face(50, "sad")]), (5.5, [face(50, "sad")])]

    people = record(frames)["people"]

    # Back after 4.5 s: a new person, by the tracker's rule; each was in view for 0.5 s.
    assert [(person["person"], person["seconds_in_view"]) for person in people] == [(1, 0.5), (2, 0.5)]


def test_the_number_of_people_recorded_is_capped():
    frames = [(t * 3.0, [face(50, "neutral")]) for t in range(MAX_PEOPLE + 5)]  # A new person every 3 s.

    progress = record(frames)

    assert len(progress["people"]) == MAX_PEOPLE
    assert progress["frames_analyzed"] == MAX_PEOPLE + 5


def test_a_long_sessions_person_timeline_is_coarsened_with_the_sessions(monkeypatch):
    monkeypatch.setattr("detection.live.tracker.TIMELINE_MAX_POINTS", 4)
    frames = [(float(t), [face(50, "happy")]) for t in range(6)]

    progress = record(frames)

    assert [point["t"] for point in progress["timeline"]] == [0, 2, 4]
    assert [(point["t"], point["frames"]) for point in progress["people"][0]["timeline"]] == [(0, 2), (2, 2), (4, 2)]
