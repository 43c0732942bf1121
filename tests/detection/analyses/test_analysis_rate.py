"""Each user may start ANALYSIS_CREATE_PER_HOUR analyses an hour, by page or API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from detection.models import Analysis
from tests.detection.conftest import upload


@pytest.fixture(autouse=True)
def limit(settings):
    settings.ANALYSIS_CREATE_PER_HOUR = 2


def test_the_api_answers_429_with_retry_after_past_the_hourly_limit(alice_client, alice, bob_client, make_analysis, astronaut_jpeg):
    make_analysis(alice, created_at=timezone.now() - dt.timedelta(minutes=50))
    make_analysis(alice)

    response = alice_client.post(reverse("api:analysis-list"), {"image": upload(astronaut_jpeg)})

    assert response.status_code == 429
    assert 9 * 60 <= int(response["Retry-After"]) <= 10 * 60 + 1
    assert "most analyses allowed in an hour" in response.json()["detail"]
    assert Analysis.objects.filter(owner=alice).count() == 2
    assert bob_client.post(reverse("api:analysis-list"), {"url": "https://example.com/a.jpg"}, format="json").status_code == 202


def test_analyses_older_than_an_hour_do_not_count(alice_client, alice, make_analysis):
    for _ in range(2):
        make_analysis(alice, created_at=timezone.now() - dt.timedelta(minutes=61))

    response = alice_client.post(reverse("api:analysis-list"), {"url": "https://example.com/a.jpg"}, content_type="application/json")

    assert response.status_code == 202


def test_the_analyze_page_explains_the_limit(alice_client, alice, make_analysis):
    make_analysis(alice)
    make_analysis(alice)

    response = alice_client.post(reverse("detection:analyze"), {"url": "https://example.com/a.jpg"})

    assert response.status_code == 200
    assert "most analyses allowed in an hour" in response.content.decode()
    assert Analysis.objects.count() == 2
