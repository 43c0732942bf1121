"""Users own their data (issue 21, item 10): they download all of it as one archive, choose how
long it is kept, and delete their account with everything in it, on the profile page and
through the API."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create
from detection.analyses.maintenance import maintenance_run, retention_sweep
from detection.models import Alert, Analysis, DetectedFace, LiveSession, Video
from detection.reports.archive import CHUNK_BYTES
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_data(alice, make_analysis) -> dict:
    analysis = make_analysis(alice, faces=2, dominant="fear", stress=0.8)
    session = LiveSession.objects.create(owner=alice, frames_analyzed=3)
    alert = Alert.objects.create(owner=alice, live_session=session, stress=0.7)
    return {"analysis": analysis, "session": session, "alert": alert}


# Bytes that stand for a recorded video: the archive copies a video's file as it is, whatever it holds.
VIDEO_BYTES = bytes(range(256)) * (3 * CHUNK_BYTES // 256) + b"the end"


@pytest.fixture
def store_video(make_video, media_root, astronaut_jpeg):
    """A finished video of ``owner`` (two people, one sure, one not) with its file and thumbnail on disk."""

    def store(owner: User) -> Video:
        video = make_video(owner, [(0.0, 1, "fear", 0.9, 0.95), (0.0, 2, "happy", 0.8, 0.9), (0.25, 1, "fear", 0.3, 0.95)])
        video.thumbnail = f"videos/{owner.pk}/test-thumbnail.jpg"
        video.save(update_fields=["thumbnail"])
        for name, content in ((video.file.name, VIDEO_BYTES), (video.thumbnail.name, astronaut_jpeg)):
            (media_root / name).parent.mkdir(parents=True, exist_ok=True)
            (media_root / name).write_bytes(content)
        return video

    return store


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)[1]}")
    return client


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- Download all my data -------------------------------------------------------------------


def test_the_archive_holds_my_images_results_sessions_and_alerts(alice_client, alices_data, bob, make_analysis):
    make_analysis(bob)
    analysis = alices_data["analysis"]

    response = alice_client.get(reverse("detection:data_export"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="stress-detector-data-alice-')
    archive = archive_of(response)
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "analyses.json", "analyses.csv", "live_sessions.json", "alerts.json"} <= names
    assert {f"images/{analysis.pk}-original.jpg", f"images/{analysis.pk}-annotated.jpg"} <= names
    with analysis.original.open("rb") as original:
        assert archive.read(f"images/{analysis.pk}-original.jpg") == original.read()
    analyses = json.loads(archive.read("analyses.json"))
    assert [item["id"] for item in analyses] == [analysis.pk]
    assert len(analyses[0]["faces"]) == 2
    assert analyses[0]["stress"] == 0.8
    assert archive.read("analyses.csv").decode().splitlines()[1].startswith(f"{analysis.pk},")
    assert [item["id"] for item in json.loads(archive.read("live_sessions.json"))] == [alices_data["session"].pk]
    assert [item["id"] for item in json.loads(archive.read("alerts.json"))] == [alices_data["alert"].pk]
    assert json.loads(archive.read("account.json"))["username"] == "alice"


def test_the_api_gives_the_same_archive_to_a_token_client(alice, alices_data):
    response = token_client(alice).get(reverse("api:me_export"))

    assert response.status_code == 200
    assert f"images/{alices_data['analysis'].pk}-original.jpg" in archive_of(response).namelist()


def test_another_users_archive_holds_none_of_mine(bob_client, alices_data):
    archive = archive_of(bob_client.get(reverse("detection:data_export")))

    assert json.loads(archive.read("analyses.json")) == []
    assert json.loads(archive.read("live_sessions.json")) == []
    assert not [name for name in archive.namelist() if name.startswith("images/")]


def test_the_archive_holds_my_videos_with_their_file_people_and_per_frame_results(alice_client, alice_api, alice, bob, store_video):
    video = store_video(alice)
    bobs = store_video(bob)

    archive = archive_of(alice_client.get(reverse("detection:data_export")))

    names = set(archive.namelist())
    files = {f"videos/{video.pk}-{name}" for name in ("video.mp4", "thumbnail.jpg", "results.csv", "results.json")}
    assert {"videos.json", *files} <= names
    assert not [name for name in names if name.startswith(f"videos/{bobs.pk}-")]
    assert archive.read(f"videos/{video.pk}-video.mp4") == VIDEO_BYTES
    assert archive.getinfo(f"videos/{video.pk}-video.mp4").compress_type == zipfile.ZIP_STORED
    assert archive.read(f"videos/{video.pk}-thumbnail.jpg")[:2] == b"\xff\xd8"
    videos = json.loads(archive.read("videos.json"))
    assert [item["id"] for item in videos] == [video.pk]
    assert [person["person"] for person in videos[0]["persons"]] == [1, 2]
    assert videos[0]["persons"] == video.persons
    assert videos[0]["stress"] == video.stress and videos[0]["video_file"] == f"videos/{video.pk}-video.mp4"
    # The per-frame results are the API's downloads, byte for byte (CSV) and frame for frame (JSON).
    api_csv = b"".join(alice_api.get(reverse("api:video-results-csv", args=[video.pk])).streaming_content)
    assert archive.read(f"videos/{video.pk}-results.csv") == api_csv
    assert len(api_csv.decode().splitlines()) == 1 + 3
    results = json.loads(archive.read(f"videos/{video.pk}-results.json"))
    api_json = alice_api.get(reverse("api:video-results-json", args=[video.pk])).json()
    assert results["frames"] == api_json["frames"] and len(results["frames"]) == 3
    assert results["persons"] == api_json["persons"] and results["id"] == video.pk


def test_another_users_archive_holds_none_of_my_videos(bob_client, alice, store_video):
    store_video(alice)

    archive = archive_of(bob_client.get(reverse("detection:data_export")))

    assert json.loads(archive.read("videos.json")) == []
    assert not [name for name in archive.namelist() if name.startswith("videos/")]


def test_a_video_is_streamed_into_the_archive_a_chunk_at_a_time(alice_client, alice, store_video):
    video = store_video(alice)
    assert len(VIDEO_BYTES) > 3 * CHUNK_BYTES

    pieces = list(alice_client.get(reverse("detection:data_export")).streaming_content)

    assert max(len(piece) for piece in pieces) < CHUNK_BYTES + 64 * 1024
    assert zipfile.ZipFile(io.BytesIO(b"".join(pieces))).read(f"videos/{video.pk}-video.mp4") == VIDEO_BYTES


def test_a_video_whose_file_is_gone_keeps_its_results_in_the_archive(alice_client, alice, store_video, media_root):
    video = store_video(alice)
    (media_root / video.file.name).unlink()

    names = archive_of(alice_client.get(reverse("detection:data_export"))).namelist()

    assert f"videos/{video.pk}-results.csv" in names and f"videos/{video.pk}-results.json" in names
    assert f"videos/{video.pk}-video.mp4" not in names


def test_the_profile_page_links_to_the_archive_retention_and_deletion(alice_client):
    html = alice_client.get(reverse("profile")).content.decode()

    assert reverse("detection:data_export") in html
    assert reverse("profile_retention") in html
    assert reverse("account_delete") in html


# --- Retention ----------------------------------------------------------------------------------


def test_retention_is_set_on_the_profile_and_through_the_api(alice_client, alice):
    alice_client.post(reverse("profile_retention"), {"retention_days": "30"})
    alice.refresh_from_db()
    assert alice.retention_days == 30
    assert alice_client.post(reverse("profile_retention"), {"retention_days": "0"}).status_code == 302
    alice.refresh_from_db()
    assert alice.retention_days == 30  # Refused: at least one day.

    api = token_client(alice)
    assert api.get(reverse("api:me")).json()["retention_days"] == 30
    assert api.patch(reverse("api:me"), {"retention_days": 7}, format="json").json()["retention_days"] == 7
    assert api.patch(reverse("api:me"), {"retention_days": 0}, format="json").status_code == 400
    assert api.patch(reverse("api:me"), {"retention_days": None}, format="json").json()["retention_days"] is None


def test_the_periodic_job_deletes_data_past_its_owners_retention(alice, bob, make_analysis, media_root, django_capture_on_commit_callbacks):
    alice.retention_days = 30
    alice.save()
    long_ago = timezone.now() - dt.timedelta(days=31)
    old = make_analysis(alice, created_at=long_ago)
    recent = make_analysis(alice, created_at=timezone.now() - dt.timedelta(days=29))
    bobs_old = make_analysis(bob, created_at=long_ago)  # Bob keeps his data.
    old_session = LiveSession.objects.create(owner=alice)
    LiveSession.objects.filter(pk=old_session.pk).update(started_at=long_ago)
    old_alert = Alert.objects.create(owner=alice)
    Alert.objects.filter(pk=old_alert.pk).update(created_at=long_ago)
    old_file = media_root / old.original.name

    with django_capture_on_commit_callbacks(execute=True):
        done = maintenance_run()

    assert done["expired"] == 3
    assert set(Analysis.objects.values_list("pk", flat=True)) == {recent.pk, bobs_old.pk}
    assert not LiveSession.objects.filter(pk=old_session.pk).exists()
    assert not Alert.objects.filter(pk=old_alert.pk).exists()
    assert not old_file.exists()
    assert retention_sweep() == 0


# --- Deleting the account -----------------------------------------------------------------------


def test_deleting_my_account_needs_my_password_and_removes_everything(
    alice_client, alice, alices_data, bob, make_analysis, media_root, django_capture_on_commit_callbacks
):
    bobs = make_analysis(bob)
    api_token_create(user=alice)
    files = [media_root / alices_data["analysis"].original.name, media_root / alices_data["analysis"].annotated.name]

    wrong = alice_client.post(reverse("account_delete"), {"password": "not my password"})
    assert wrong.status_code == 200
    assert "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Analysis.objects.filter(owner_id=alice.pk).exists()
    assert not DetectedFace.objects.filter(analysis_id=alices_data["analysis"].pk).exists()
    assert not LiveSession.objects.filter(owner_id=alice.pk).exists()
    assert not Alert.objects.filter(owner_id=alice.pk).exists()
    assert not ApiToken.objects.filter(user_id=alice.pk).exists()
    assert not any(path.exists() for path in files)
    assert not (media_root / "analyses" / str(alice.pk)).exists()
    assert Analysis.objects.filter(pk=bobs.pk).exists()
    assert alice_client.get(reverse("profile")).status_code == 302  # Signed out.


def test_the_api_deletes_my_account_with_my_password(alice, alices_data, django_capture_on_commit_callbacks):
    api = token_client(alice)

    assert api.delete(reverse("api:me"), {}, format="json").status_code == 400
    assert api.delete(reverse("api:me"), {"password": "wrong"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(reverse("api:me"), {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Analysis.objects.filter(owner_id=alice.pk).exists()
    assert api.get(reverse("api:me")).status_code in (401, 403)  # The token went with the account.
