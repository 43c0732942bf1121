"""GET /api/v1/videos/ filters (status, emotion, stress level, upload days) as the analyses list
does: only the caller's videos, a 400 naming the field for a bad value, all in the schema. The
history page filters its videos with the same selector."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from detection.models import Video

URL = "/api/v1/videos/"


@pytest.fixture
def videos(alice, bob, make_video) -> dict:
    now = timezone.now()
    return {
        # Stress of a sure "sad" sample at 80%: high; "happy" at 90%: low; "neutral" at 60%: low.
        "sad": make_video(alice, [(0.0, 1, "sad", 0.8, 0.95)], created_at=now - dt.timedelta(days=3)),
        "happy": make_video(alice, [(0.0, 1, "happy", 0.9, 0.95)], created_at=now - dt.timedelta(days=1)),
        "unsure": make_video(alice, [(0.0, 1, "fear", 0.9, 0.5)], created_at=now),
        "failed": make_video(alice, status=Video.Status.FAILED, created_at=now),
        "pending": make_video(alice, status=Video.Status.PENDING, created_at=now),
        "bobs": make_video(bob, [(0.0, 1, "sad", 0.8, 0.95)], created_at=now),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {video["id"] for video in response.json()["results"]}


def test_the_fixture_videos_have_the_levels_the_filters_are_tested_with(videos):
    assert videos["sad"].stress >= 0.6 > 0.3 > videos["happy"].stress
    assert videos["unsure"].stress is None and videos["unsure"].person_count == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"sad", "happy", "unsure", "failed", "pending"}),
        ({"status": "done"}, {"sad", "happy", "unsure"}),
        ({"status": "failed"}, {"failed"}),
        ({"emotion": "sad"}, {"sad"}),
        ({"emotion": "fear"}, set()),  # The unsure video's "fear" decided nothing.
        ({"stress_level": "high"}, {"sad"}),
        ({"stress_level": "low"}, {"happy"}),
        ({"stress_level": "moderate"}, set()),
        ({"status": "done", "stress_level": ""}, {"sad", "happy", "unsure"}),  # Empty means not set.
    ],
)
def test_the_list_is_filtered_to_my_matching_videos(alice_api, videos, query, expected):
    assert ids(alice_api.get(URL, query)) == {videos[name].pk for name in expected}


def test_the_days_are_inclusive_in_the_current_time_zone(alice_api, videos):
    today = timezone.localdate()

    assert ids(alice_api.get(URL, {"created_from": (today - dt.timedelta(days=1)).isoformat()})) == {
        videos[name].pk for name in ("happy", "unsure", "failed", "pending")
    }
    assert ids(alice_api.get(URL, {"created_to": (today - dt.timedelta(days=3)).isoformat()})) == {videos["sad"].pk}
    window = {"created_from": (today - dt.timedelta(days=2)).isoformat(), "created_to": (today - dt.timedelta(days=1)).isoformat()}
    assert ids(alice_api.get(URL, window)) == {videos["happy"].pk}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
        ({"emotion": "bored"}, "emotion", "Select a valid choice. bored is not one of the available choices."),
        ({"stress_level": "extreme"}, "stress_level", "Select a valid choice. extreme is not one of the available choices."),
        ({"created_from": "2026-02-30"}, "created_from", "Enter a valid date."),
        ({"created_from": "2026-03-02", "created_to": "2026-03-01"}, "non_field_errors", "The start date is after the end date."),
    ],
)
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(alice_api, videos, query, field, message):
    response = alice_api.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_filters_do_not_touch_the_detail(alice_api, videos):
    assert alice_api.get(f"{URL}{videos['sad'].pk}/", {"status": "nonsense"}).status_code == 200


def test_the_schema_documents_the_filters(db):
    operation = APIClient().get("/api/schema/", {"format": "json"}).json()["paths"][URL]["get"]

    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {"status", "emotion", "stress_level", "created_from", "created_to", "page"}
    assert set(parameters["status"]["schema"]["enum"]) == set(Video.Status.values)
    assert set(parameters["stress_level"]["schema"]["enum"]) == {"low", "moderate", "high"}
    assert "moderate from 30%, high from 60%" in parameters["stress_level"]["description"]
    assert parameters["created_to"]["schema"]["format"] == "date"
    assert "400" in operation["responses"]


def test_the_history_filters_videos_by_emotion_and_day_with_the_same_selector(alice_client, videos):
    today = timezone.localdate()

    by_emotion = alice_client.get(reverse("detection:history"), {"emotion": "sad"}).context["videos"]
    by_day = alice_client.get(reverse("detection:history"), {"created_to": (today - dt.timedelta(days=1)).isoformat()}).context["videos"]

    assert [video.pk for video in by_emotion] == [videos["sad"].pk]
    assert [video.pk for video in by_day] == [videos["happy"].pk, videos["sad"].pk]


@pytest.mark.parametrize("url", [URL, "/api/v1/analyses/"])
def test_the_calendars_last_day_as_the_end_is_no_error(alice_api, videos, url):
    # It used to overflow (the day after 9999-12-31) into a 500.
    response = alice_api.get(url, {"created_to": "9999-12-31"})

    assert response.status_code == 200
    if url == URL:
        assert len(response.json()["results"]) == 5
