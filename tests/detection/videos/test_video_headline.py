"""Issue 20's rule for videos: every sample keeps its detection score, and a sample the detector or
the classifier is unsure of is shown (player, frames, exports) but decides no person's and no
video's stress or dominant emotion, as a face does on an analysis."""

import csv
import dataclasses
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from detection.analyses.inference import analyze_video_frame
from detection.models import Video, VideoFace
from detection.videos.services import video_run
from ml.emotions import stress_score
from tests.detection.conftest import probabilities_for

migration = importlib.import_module("detection.migrations.0008_videoface_detection_score")

# Person 1 is sure and sad; person 2 is a false face (the detector at 55%) whose "fear" is the
# most stressed sample of all; at 1.0 s person 1 is uncertain (30%, close to uniform).
SAMPLES = [
    (0.0, 1, "sad", 0.8, 0.95), (0.0, 2, "fear", 0.9, 0.55),
    (0.5, 1, "sad", 0.6, 0.92), (0.5, 2, "fear", 0.9, 0.55),
    (1.0, 1, "angry", 0.3, 0.93),
]  # fmt: skip
SAD_STRESSES = [stress_score(probabilities_for("sad", 0.8)), stress_score(probabilities_for("sad", 0.6))]


def test_unsure_samples_decide_neither_the_people_nor_the_video(alice, make_video, settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.4

    video = make_video(alice, SAMPLES)

    assert video.person_count == 2
    assert video.dominant_emotion == "sad"
    assert video.stress == pytest.approx(sum(SAD_STRESSES) / 2, abs=1e-4)
    assert video.peak_stress == pytest.approx(max(SAD_STRESSES), abs=1e-4)
    first, second = video.persons
    assert (first["samples"], first["counted_samples"]) == (3, 2)
    assert [item["emotion"] for item in first["dominant_emotions"]] == ["sad"]
    assert (second["samples"], second["counted_samples"], second["mean_stress"]) == (2, 0, None)


def test_the_frames_api_json_and_csv_show_every_sample_and_say_which_count(alice_api, alice, make_video):
    video = make_video(alice, SAMPLES)

    frames = alice_api.get(f"/api/v1/videos/{video.pk}/frames/").json()["results"]
    exported = alice_api.get(f"/api/v1/videos/{video.pk}/json/").json()
    table = list(csv.DictReader(io.StringIO(b"".join(alice_api.get(f"/api/v1/videos/{video.pk}/csv/").streaming_content).decode())))

    expected = [(0.0, 1, True, 0.95), (0.0, 2, False, 0.55), (0.5, 1, True, 0.92), (0.5, 2, False, 0.55), (1.0, 1, False, 0.93)]
    assert [(f["seconds"], f["person"], f["counts_for_headline"], f["detection_score"]) for f in frames] == expected
    assert frames[4]["confidence"] == 0.3
    assert exported["frames"] == frames
    assert exported["persons"][1]["mean_stress"] is None and exported["stress"] == video.stress
    assert [line["counts_for_headline"] for line in table] == ["yes", "no", "yes", "no", "no"]


def test_the_player_draws_unsure_samples_but_flags_them(alice_client, alice, make_video):
    video = make_video(alice, SAMPLES)

    timeline = alice_client.get(reverse("detection:video_timeline", args=[video.pk])).json()

    assert [[face[0], face[7]] for frame in timeline["frames"] for face in frame["faces"]] == [[1, 1], [2, 0], [1, 1], [2, 0], [1, 0]]


def test_the_page_says_a_person_without_a_reading_and_the_rule(alice_client, alice, make_video):
    video = make_video(alice, SAMPLES)

    html = alice_client.get(video.get_absolute_url()).content.decode()

    assert "No stress reading: every sample of this person is uncertain." in html
    assert 'id="video-headline-rule"' in html and "below 40%" in html


def test_a_video_of_unsure_faces_only_has_no_stress_reading_anywhere(alice_client, alice_api, alice, make_video):
    video = make_video(alice, [(0.0, 1, "fear", 0.9, 0.5), (0.5, 1, "fear", 0.3, 0.9)])

    assert (video.person_count, video.stress, video.peak_stress, video.dominant_emotion) == (1, None, None, "")
    assert "1 person · no stress reading (every face uncertain)" in alice_client.get(reverse("detection:history")).content.decode()
    assert alice_api.get("/api/v1/stats/trends/").json()["total"]["videos"] == 0


def test_the_migration_gives_stored_faces_a_score_of_1_and_recomputes_stored_videos(alice, make_video, settings):
    settings.EMOTION_UNCERTAIN_BELOW = 0.4
    video = make_video(alice, [(0.0, 1, "sad", 0.8, 1.0), (0.5, 1, "fear", 0.3, 1.0)])
    # As stored before: every sample decided (the mean of both, the "fear" sample as the peak).
    stale = {"stress": 0.5, "peak_stress": 0.9, "dominant_emotion": "fear", "persons": [{"person": 1, "mean_stress": 0.5}]}
    Video.objects.filter(pk=video.pk).update(**stale)

    migration.recompute_video_headlines(apps, None)

    video.refresh_from_db()
    assert (video.stress, video.peak_stress, video.dominant_emotion) == (round(SAD_STRESSES[0], 4),) * 2 + ("sad",)
    assert video.persons[0]["counted_samples"] == 1
    assert VideoFace._meta.get_field("detection_score").default == 1.0


@pytest.mark.slow
def test_the_job_stores_the_detectors_score_and_an_unsure_face_decides_nothing(pending_video):
    scores = []

    def analyse_with_an_unsure_right_face(rgb):
        # The real pipeline's result, with the face in the right half made one the detector is unsure of.
        result = analyze_video_frame(rgb)
        faces = [dataclasses.replace(face, detection_score=0.5) if face.box.x > rgb.shape[1] // 2 else face for face in result.faces]
        scores.extend(round(face.detection_score, 4) for face in faces)
        return dataclasses.replace(result, faces=faces)

    video = video_run(video_id=pending_video.pk, analyse=analyse_with_an_unsure_right_face)

    assert video.status == Video.Status.DONE and video.person_count == 2
    assert sorted(video.faces.values_list("detection_score", flat=True)) == sorted(scores)
    assert 0.7 <= max(scores) < 1.0  # The detector's own score, not the default.
    left = video.faces.filter(person=1)
    assert set(video.faces.filter(person=2).values_list("detection_score", flat=True)) == {0.5}
    assert video.persons[1]["mean_stress"] is None and video.persons[1]["counted_samples"] == 0
    counted = [face.stress for face in left if face.confidence >= 0.4]
    assert video.stress == pytest.approx(sum(counted) / len(counted), abs=1e-4)
