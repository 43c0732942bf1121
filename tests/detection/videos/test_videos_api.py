"""/api/v1/videos/: a program needs nothing but the API."""

import csv
import io
from unittest import mock

import pytest

from detection.models import Video
from detection.videos.services import video_run
from ml.video_analysis import CSV_COLUMNS
from tests.detection.videos.conftest import stored_names, video_upload

pytestmark = pytest.mark.slow


@pytest.fixture
def done_video(pending_video) -> Video:
    return video_run(video_id=pending_video.pk)


def test_uploading_answers_202_with_the_pending_video(alice_api, two_faces_mp4):
    with mock.patch("detection.videos.services._queue_video"):
        response = alice_api.post("/api/v1/videos/", {"file": video_upload(two_faces_mp4), "samples_per_second": 2},
                                  format="multipart")

    assert response.status_code == 202, response.json()
    data = response.json()
    assert data["status"] == "pending" and data["samples_per_second"] == 2.0
    assert response["Location"] == data["url"]


def test_a_corrupt_upload_is_a_400_naming_the_file(alice_api, two_faces_mp4, media_root):
    response = alice_api.post("/api/v1/videos/", {"file": video_upload(two_faces_mp4[:5000])}, format="multipart")

    assert response.status_code == 400
    assert "damaged or incomplete" in response.json()["file"][0]
    assert stored_names(media_root) == []


def test_the_detail_lists_the_people_and_links_the_exports(alice_api, done_video):
    data = alice_api.get(f"/api/v1/videos/{done_video.pk}/").json()

    assert data["status"] == "done" and data["person_count"] == 2
    assert [person["person"] for person in data["persons"]] == [1, 2]
    assert {"seconds_on_screen", "mean_stress", "peak_stress", "dominant_emotions"} <= set(data["persons"][0])
    assert data["links"]["csv"].endswith(f"/api/v1/videos/{done_video.pk}/csv/")
    assert alice_api.get("/api/v1/videos/").json()["results"][0]["id"] == done_video.pk


def test_frames_csv_and_json_give_every_sample_and_person(alice_api, done_video):
    frames = alice_api.get(f"/api/v1/videos/{done_video.pk}/frames/").json()
    table = list(csv.DictReader(io.StringIO(b"".join(alice_api.get(f"/api/v1/videos/{done_video.pk}/csv/").streaming_content).decode())))
    exported = alice_api.get(f"/api/v1/videos/{done_video.pk}/json/").json()

    assert frames["count"] == 24 and frames["results"][0]["person"] in (1, 2)
    assert tuple(table[0]) == CSV_COLUMNS and len(table) == 24
    assert len(exported["frames"]) == 24 and len(exported["persons"]) == 2


@pytest.mark.parametrize("suffix", ["", "frames/", "csv/", "json/"])
def test_another_user_gets_404(bob_api, done_video, suffix):
    assert bob_api.get(f"/api/v1/videos/{done_video.pk}/{suffix}").status_code == 404


def test_another_user_cannot_delete(bob_api, done_video):
    assert bob_api.delete(f"/api/v1/videos/{done_video.pk}/").status_code == 404
    assert Video.objects.filter(pk=done_video.pk).exists()


def test_deleting_removes_the_files(alice_api, done_video, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # The files go once the deletion is committed.
        assert alice_api.delete(f"/api/v1/videos/{done_video.pk}/").status_code == 204

    assert stored_names(media_root) == []
