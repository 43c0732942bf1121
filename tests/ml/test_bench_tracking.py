"""The tracking benchmark's clips and scoring, on generated faces and true boxes (fast)."""

import json
import random

from ml.bench_tracking import FPS, Score, load_faces, main, make_clip, score_clip, truth_detections
from ml.emotions import EMOTIONS
from ml.tracking import FaceTracker
from tests.ml.conftest import make_faces, write_image_folder


def faces_folder(tmp_path):
    write_image_folder(tmp_path / "faces", *make_faces(2))
    return tmp_path / "faces"


def test_a_crossing_clip_hides_one_face_while_they_overlap(tmp_path):
    clip = make_clip("cross", 2, load_faces(faces_folder(tmp_path)), random.Random(0), seconds=6)

    counts = [len(faces) for faces in clip.truth]
    assert len(clip.frames) == 6 * FPS
    assert counts[0] == 2 and counts[-1] == 2
    assert 1 in counts  # Somewhere in the middle one face is behind the other.


def test_a_long_absence_is_a_new_true_person_and_a_short_one_is_not(tmp_path):
    clip = make_clip("leave_and_return", 2, load_faces(faces_folder(tmp_path)), random.Random(3), seconds=10)

    kept = [should_keep for _, _, _, should_keep in clip.returns]
    assert True in kept and False in kept
    true_ids = {true_id for faces in clip.truth for true_id, _, _ in faces}
    assert {true_id // 100 for true_id in true_ids} == {1, 2}
    assert 101 in true_ids  # Walker 1 came back after a long absence as someone new.


def test_jittered_true_boxes_are_tracked_without_id_switches():
    images, labels = make_faces(1)
    faces = [(image, EMOTIONS[label]) for image, label in zip(images, labels)]
    clip = make_clip("wander", 3, faces, random.Random(1), seconds=4)
    score = Score()

    score_clip(FaceTracker(), clip, truth_detections(clip, random.Random(0)), score)

    figures = score.figures()
    assert figures["id_switches"] == 0
    assert figures["false_faces"] == 0
    assert figures["mota"] > 0.9


def test_it_prints_one_json_line_with_both_variants(tmp_path, capsys):
    assert main(["--faces", str(faces_folder(tmp_path)), "--detections", "truth", "--clips", "3", "--seconds", "3",
                 "--cost-frames", "50"]) == 0

    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(figures["variants"]) == {"hungarian", "greedy"}
    assert {"mota", "id_switches", "fragmentations", "update_p50_ms"} <= set(figures["variants"]["hungarian"])
    assert figures["cost_4_faces"]["hungarian"]["faces"] == 4
    assert figures["frames"] == 3 * 3 * FPS
