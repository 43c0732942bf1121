"""The read-only API for live sessions and alerts: only the caller's own."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from detection.models import Alert, LiveSession


@pytest.fixture
def session(alice) -> LiveSession:
    return LiveSession.objects.create(
        owner=alice, frames_analyzed=3, frames_with_faces=2, faces_seen=2, stress_sum=0.5, peak_stress=0.4,
        probability_sums={"happy": 1.5, "sad": 0.5}, timeline=[{"t": 0, "frames": 3, "stress": 0.25}],
    )  # fmt: skip


def results(response) -> list:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_it_lists_the_callers_live_sessions_with_their_figures(alice_api, session):
    [item] = results(alice_api.get(reverse("api:live-session-list")))

    assert item["id"] == session.pk
    assert item["frames_analyzed"] == 3
    assert item["mean_stress"] == 0.25
    assert item["mean_probabilities"]["happy"] == 0.75
    assert item["page_url"].endswith(session.get_absolute_url())
    assert "timeline" not in item


def test_one_session_comes_with_its_timeline(alice_api, session):
    body = alice_api.get(reverse("api:live-session-detail", args=[session.pk])).json()

    assert body["timeline"] == [{"t": 0, "frames": 3, "stress": 0.25}]


def test_it_lists_the_callers_alerts_with_their_delivery(alice_api, alice, session):
    Alert.objects.create(owner=alice, live_session=session, status=Alert.Status.NOT_CONFIGURED, message="Sustained stress")

    [item] = results(alice_api.get(reverse("api:alert-list")))

    assert (item["live_session"], item["status"]) == (session.pk, "not_configured")
    assert item["status_display"] == "Not sent: SMS not configured"


def test_another_user_gets_404(bob_api, alice, session):
    alert = Alert.objects.create(owner=alice, message="Sustained stress")

    assert bob_api.get(reverse("api:live-session-detail", args=[session.pk])).status_code == 404
    assert bob_api.get(reverse("api:alert-detail", args=[alert.pk])).status_code == 404
    assert results(bob_api.get(reverse("api:live-session-list"))) == []
    assert results(bob_api.get(reverse("api:alert-list"))) == []


def test_they_are_read_only(alice_api, session):
    assert alice_api.post(reverse("api:live-session-list"), {}).status_code == 405
    assert alice_api.delete(reverse("api:live-session-detail", args=[session.pk])).status_code == 405


def test_anonymous_callers_are_refused():
    assert APIClient().get(reverse("api:alert-list")).status_code in (401, 403)
