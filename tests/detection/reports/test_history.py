"""The history: the user's analyses, newest first, paginated and filterable, with thumbnails."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from detection.models import Analysis
from detection.reports import views

UTC = dt.timezone.utc
URL = reverse("detection:history")


def listed_ids(response) -> list[int]:
    return [analysis.pk for analysis in response.context["page"].object_list]


def test_it_lists_only_my_analyses_newest_first_with_thumbnails(alice_client, alice, bob, make_analysis):
    older = make_analysis(alice, created_at=timezone.now() - dt.timedelta(days=1))
    newer = make_analysis(alice)
    make_analysis(bob)

    response = alice_client.get(URL)

    assert listed_ids(response) == [newer.pk, older.pk]
    html = response.content.decode()
    assert reverse("detection:analysis_image", args=[newer.pk, "thumbnail"]) in html
    assert newer.get_absolute_url() in html


def test_it_paginates(alice_client, alice, make_analysis, monkeypatch):
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 2)
    analyses = [make_analysis(alice, with_images=False) for _ in range(3)]

    first = alice_client.get(URL)
    second = alice_client.get(URL, {"page": 2})

    assert listed_ids(first) == [analyses[2].pk, analyses[1].pk]
    assert listed_ids(second) == [analyses[0].pk]
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"source": "url"}, ["url_sad"]),
        ({"emotion": "happy"}, ["upload_happy"]),
        ({"created_from": "2026-01-02", "created_to": "2026-01-02"}, ["url_sad"]),
        ({"created_to": "2026-01-01"}, ["upload_happy"]),
    ],
)
def test_it_filters_by_source_emotion_and_dates(alice_client, alice, make_analysis, query, expected):
    made = {
        "upload_happy": make_analysis(alice, dominant="happy", with_images=False, created_at=dt.datetime(2026, 1, 1, 12, tzinfo=UTC)),
        "url_sad": make_analysis(
            alice, source=Analysis.Source.URL, dominant="sad", with_images=False, created_at=dt.datetime(2026, 1, 2, 23, tzinfo=UTC)
        ),
    }

    response = alice_client.get(URL, query)

    assert listed_ids(response) == [made[name].pk for name in expected]


def test_pages_keep_the_filters(alice_client, alice, make_analysis, monkeypatch):
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 1)
    for _ in range(2):
        make_analysis(alice, dominant="sad", with_images=False)

    html = alice_client.get(URL, {"emotion": "sad"}).content.decode()

    assert "?emotion=sad&amp;page=2" in html


def test_it_says_when_nothing_matches(alice_client, alice, make_analysis):
    make_analysis(alice, dominant="happy", with_images=False)

    html = alice_client.get(URL, {"emotion": "fear"}).content.decode()

    assert "No analysis matches these filters." in html


def test_a_new_user_is_invited_to_analyze_an_image(alice_client):
    assert "You have not analysed any image yet." in alice_client.get(URL).content.decode()
