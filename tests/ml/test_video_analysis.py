"""ml.video_analysis: a generated clip with two moving faces, through the shipped model."""

import csv
import io

import pytest

import ml
from ml.bench_video import write_clip
from ml.emotions import EMOTIONS
from ml.video import VIDEO_MIN_FACE, sample_frames
from ml.video_analysis import CSV_COLUMNS, PersonRow, analyze_samples, face_from_row, person_summaries, replay_tracker, rows_to_csv

pytestmark = pytest.mark.slow


def analyse(rgb):
    return ml.analyze(rgb, live=True, min_face=VIDEO_MIN_FACE)


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    path = write_clip(tmp_path_factory.mktemp("clip") / "two.mp4", seconds=3, fps=15)
    return list(analyze_samples(sample_frames(path, per_second=4), analyse))


def rows_of(frames):
    return [PersonRow(frame.seconds, face.person, face.face.box.as_tuple(), face.face.probabilities)
            for frame in frames for face in frame.faces]


def test_two_moving_faces_are_two_persons_with_a_timeline_each(frames):
    assert len(frames) == 12
    assert all(len(frame.faces) == 2 for frame in frames)
    assert {face.person for frame in frames for face in frame.faces} == {1, 2}
    # Each person stays in their own half of the picture.
    for frame in frames:
        for face in frame.faces:
            centre = face.face.box.x + face.face.box.w / 2
            assert (centre < 320) == (face.person == 1)


def test_the_summary_gives_time_on_screen_stress_and_dominant_emotions(frames):
    summaries = person_summaries(rows_of(frames), interval_s=0.25)

    assert [summary["person"] for summary in summaries] == [1, 2]
    first = summaries[0]
    assert first["seconds_on_screen"] == pytest.approx(3.0)
    assert 0 <= first["mean_stress"] <= first["peak_stress"] <= 1
    assert first["dominant_emotions"][0]["emotion"] in EMOTIONS


def test_a_replayed_tracker_continues_the_same_person_ids(frames):
    stored = [(frame.seconds, [face_from_row(dict(zip("xywh", face.face.box.as_tuple())), face.face.probabilities)
                               for face in frame.faces]) for frame in frames]
    tracker = replay_tracker(stored[:6])

    later = [tracker.update(faces, seconds) for seconds, faces in stored[6:]]

    assert [[face.person for face in tracked] for tracked in later] == [
        [face.person for face in frame.faces] for frame in frames[6:]]


def test_the_csv_has_one_row_per_frame_and_person_with_fers_emotion_columns(frames):
    text = "".join(rows_to_csv(rows_of(frames)))
    table = list(csv.DictReader(io.StringIO(text)))

    assert tuple(table[0]) == CSV_COLUMNS
    assert {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"} <= set(CSV_COLUMNS)
    assert len(table) == 24
    assert float(table[0]["time_s"]) == 0.0 and table[0]["dominant"] in EMOTIONS
