"""The analyses API: list, create (upload or URL, 202), retrieve with faces, delete, export;
only ever the caller's own analyses."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from detection.analyses import services
from detection.models import Analysis
from tests.detection.conftest import upload

LIST_URL = reverse("api:analysis-list")


def detail_url(analysis: Analysis) -> str:
    return reverse("api:analysis-detail", args=[analysis.pk])


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(services, "_queue_analysis", ids.append)
    return ids


def test_it_lists_my_analyses_paginated(alice_api, alice, bob, make_analysis):
    mine = make_analysis(alice, with_images=False)
    make_analysis(bob, with_images=False)

    data = alice_api.get(LIST_URL).json()

    assert data["count"] == 1
    assert [item["id"] for item in data["results"]] == [mine.pk]
    assert "faces" not in data["results"][0]


def test_it_filters_the_list(alice_api, alice, make_analysis):
    make_analysis(alice, dominant="happy", with_images=False)
    sad = make_analysis(alice, dominant="sad", with_images=False)

    data = alice_api.get(LIST_URL, {"emotion": "sad"}).json()

    assert [item["id"] for item in data["results"]] == [sad.pk]
    assert alice_api.get(LIST_URL, {"emotion": "bored"}).status_code == 400


def test_filter_dates_the_wrong_way_round_are_a_non_field_error_as_documented(alice_api):
    response = alice_api.get(LIST_URL, {"created_from": "2026-03-02", "created_to": "2026-03-01"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The start date is after the end date."]}


def test_it_shows_an_analysis_with_its_faces_and_image_links(alice_api, alice, make_analysis):
    analysis = make_analysis(alice, faces=2, dominant="fear", stress=0.9)

    data = alice_api.get(detail_url(analysis)).json()

    assert data["status"] == "done"
    assert data["stress_level"] == "high"
    assert len(data["faces"]) == 2
    assert data["faces"][0]["box"] == {"x": 10, "y": 10, "w": 50, "h": 50}
    assert data["faces"][0]["probabilities"]["fear"] == 0.7
    assert data["images"]["original"].endswith(reverse("detection:analysis_image", args=[analysis.pk, "original"]))


def test_an_upload_answers_202_with_the_pending_analysis(alice_api, astronaut_jpeg, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(LIST_URL, {"image": upload(astronaut_jpeg)}, format="multipart")

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response["Location"] == response.json()["url"]
    assert queued == [response.json()["id"]]


def test_a_url_can_be_sent_as_json(alice_api, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(LIST_URL, {"url": "https://images.example.com/a.jpg"}, format="json")

    assert response.status_code == 202
    assert response.json()["source"] == "url"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "http://10.0.0.8/a.jpg"}, "url"),
        ({"url": "not a url"}, "url"),
        ({}, "non_field_errors"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(alice_api, queued, data, field):
    response = alice_api.post(LIST_URL, data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Analysis.objects.exists()


def test_a_file_that_is_no_image_we_read_is_a_415_with_the_reason(alice_api, queued):
    response = alice_api.post(LIST_URL, {"image": upload(b"GIF89a but not really")}, format="multipart")

    assert response.status_code == 415
    assert "not an image we can read" in response.json()["detail"]
    assert not Analysis.objects.exists()


def test_a_damaged_image_is_a_400_with_the_reason(alice_api, queued, astronaut_jpeg):
    response = alice_api.post(LIST_URL, {"image": upload(astronaut_jpeg[:2000])}, format="multipart")

    assert response.status_code == 400
    assert "damaged or truncated" in response.json()["image"][0]
    assert not Analysis.objects.exists()


def test_a_file_over_the_limit_is_a_413(alice_api, queued, settings, astronaut_jpeg):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = len(astronaut_jpeg) - 1

    response = alice_api.post(LIST_URL, {"image": upload(astronaut_jpeg)}, format="multipart")

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert not Analysis.objects.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(alice_api, queued, settings):
    settings.ANALYSIS_MAX_UPLOAD_BYTES = 1000

    response = alice_api.post(LIST_URL, {"image": upload(b"\xff" * 200_000)}, format="multipart")

    assert response.status_code == 413
    assert response.json()["detail"] == "The request is larger than the 1000 bytes an image may have."


def test_a_body_in_a_type_the_api_does_not_read_is_a_415(alice_api, queued):
    response = alice_api.post(LIST_URL, b"<url>x</url>", content_type="application/xml")

    assert response.status_code == 415
    assert "detail" in response.json()


def test_it_deletes_an_analysis_and_its_files(alice_api, alice, make_analysis, media_root, django_capture_on_commit_callbacks):
    analysis = make_analysis(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete(detail_url(analysis))

    assert response.status_code == 204
    assert not Analysis.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_another_user_gets_404(bob_api, alice, make_analysis):
    analysis = make_analysis(alice)

    assert bob_api.get(detail_url(analysis)).status_code == 404
    assert bob_api.delete(detail_url(analysis)).status_code == 404
    assert Analysis.objects.filter(pk=analysis.pk).exists()


def test_the_export_has_every_analysis_with_faces(alice_api, alice, bob, make_analysis):
    first, second = make_analysis(alice, faces=1), make_analysis(alice, faces=0)
    make_analysis(bob)

    response = alice_api.get(reverse("api:analysis-export"))

    assert "attachment" in response["Content-Disposition"]
    assert [(item["id"], len(item["faces"])) for item in response.json()] == [(first.pk, 1), (second.pk, 0)]


def test_anonymous_requests_are_refused_not_redirected(client):
    response = APIClient().get(LIST_URL)

    assert response.status_code in (401, 403)


def test_the_browsable_api_root_describes_the_api(alice_client):
    html = alice_client.get("/api/", HTTP_ACCEPT="text/html").content.decode()

    assert "The Stress Detector API" in html
    assert "default basic root view" not in html
