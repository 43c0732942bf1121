"""The video pages: upload, result, status, timeline, cancel, delete and the file itself."""

from unittest import mock

import pytest
from django.urls import reverse

from detection.models import Video
from tests.detection.videos.conftest import stored_names, video_upload


def test_the_analyse_page_links_to_video_upload(alice_client):
    response = alice_client.get(reverse("detection:analyze"))

    assert reverse("detection:video_upload") in response.text


def test_uploading_a_clip_leads_to_its_page(alice_client, two_faces_mp4):
    with mock.patch("detection.videos.services._queue_video"):
        response = alice_client.post(reverse("detection:video_upload"),
                                     {"file": video_upload(two_faces_mp4), "samples_per_second": "2"})

    video = Video.objects.get()
    assert response.status_code == 302 and response.url == video.get_absolute_url()
    assert video.samples_per_second == 2.0
    page = alice_client.get(video.get_absolute_url())
    assert 'id="video-player"' in page.text and 'id="video-progress"' in page.text


def test_a_renamed_text_file_is_shown_a_clear_message(alice_client, media_root):
    response = alice_client.post(reverse("detection:video_upload"), {"file": video_upload(b"hello\n" * 100, "a.mp4")})

    assert response.status_code == 400
    assert "not a video file" in response.text
    assert stored_names(media_root) == []


def test_the_status_gives_percent_and_the_timeline_the_stored_results(alice_client, pending_video):
    Video.objects.filter(pk=pending_video.pk).update(status=Video.Status.PROCESSING, analyzed_until_s=1.5)

    status = alice_client.get(reverse("detection:video_status", args=[pending_video.pk])).json()
    timeline = alice_client.get(reverse("detection:video_timeline", args=[pending_video.pk])).json()

    assert status["status"] == "processing" and status["percent"] == pytest.approx(50, abs=2)
    assert timeline["frames"] == [] and timeline["interval"] == 0.25


def test_cancel_stops_a_pending_video(alice_client, pending_video):
    alice_client.post(reverse("detection:video_cancel", args=[pending_video.pk]))

    assert Video.objects.get().status == Video.Status.CANCELLED


def test_the_video_file_is_served_in_byte_ranges_for_seeking(alice_client, pending_video, two_faces_mp4):
    url = reverse("detection:video_file", args=[pending_video.pk, "video"])

    whole = alice_client.get(url)
    part = alice_client.get(url, HTTP_RANGE="bytes=100-199")

    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == two_faces_mp4
    assert part.status_code == 206 and part.content == two_faces_mp4[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(two_faces_mp4)}"


@pytest.mark.parametrize("name", ["video_detail", "video_status", "video_timeline", "video_delete"])
def test_another_user_gets_404(bob_client, pending_video, name):
    assert bob_client.get(reverse(f"detection:{name}", args=[pending_video.pk])).status_code == 404


@pytest.mark.parametrize("kind", ["video", "thumbnail"])
def test_another_user_gets_404_on_the_files(bob_client, pending_video, kind):
    assert bob_client.get(reverse("detection:video_file", args=[pending_video.pk, kind])).status_code == 404


def test_another_user_cannot_cancel(bob_client, pending_video):
    assert bob_client.post(reverse("detection:video_cancel", args=[pending_video.pk])).status_code == 404
    assert Video.objects.get().status == Video.Status.PENDING


def test_deleting_removes_the_video_and_its_files(alice_client, pending_video, media_root, django_capture_on_commit_callbacks):
    assert stored_names(media_root)

    with django_capture_on_commit_callbacks(execute=True):  # The files go once the deletion is committed.
        response = alice_client.post(reverse("detection:video_delete", args=[pending_video.pk]))

    assert response.status_code == 302
    assert not Video.objects.exists()
    assert stored_names(media_root) == []


def test_history_lists_videos_with_thumbnail_and_duration(alice_client, pending_video):
    response = alice_client.get(reverse("detection:history"))

    assert 'id="video-list"' in response.text
    assert reverse("detection:video_file", args=[pending_video.pk, "thumbnail"]) in response.text
    assert "Video, 3 s" in response.text


def test_history_filtered_to_an_image_source_hides_videos(alice_client, pending_video):
    response = alice_client.get(reverse("detection:history"), {"source": "upload"})

    assert 'id="video-list"' not in response.text


def test_the_dashboard_shows_the_latest_videos(alice_client, pending_video):
    response = alice_client.get("/")

    assert 'id="video-list"' in response.text and pending_video.get_absolute_url() in response.text


def test_the_reports_list_the_periods_videos(alice_client, pending_video):
    response = alice_client.get(reverse("detection:reports"))

    assert 'id="video-list"' in response.text and pending_video.get_absolute_url() in response.text


def test_trends_count_analysed_videos_with_their_stress(alice_api, pending_video):
    Video.objects.filter(pk=pending_video.pk).update(status=Video.Status.DONE, person_count=2, stress=0.2, peak_stress=0.7)

    total = alice_api.get("/api/v1/stats/trends/").json()["total"]

    assert (total["videos"], total["video_mean_stress"], total["video_peak_stress"]) == (1, 0.2, 0.7)
