"""A stored live session: its figures and its timeline, for its owner only."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from detection.models import Alert, LiveSession
from ml.emotions import EMOTIONS


@pytest.fixture
def session(alice) -> LiveSession:
    shares = dict.fromkeys(EMOTIONS, 0.0) | {"happy": 1.0}
    return LiveSession.objects.create(
        owner=alice,
        frames_analyzed=4,
        frames_with_faces=3,
        faces_seen=3,
        emotion_counts=dict.fromkeys(EMOTIONS, 0) | {"happy": 3},
        probability_sums=dict.fromkeys(EMOTIONS, 0.0) | {"happy": 2.4, "neutral": 0.6},
        stress_sum=0.3,
        peak_stress=0.2,
        timeline=[
            {"t": 0, "frames": 2, "stress": 0.1, "dominant": "happy", "shares": shares},
            {"t": 1, "frames": 2, "stress": 0.05, "dominant": "happy", "shares": shares},
        ],
    )


def test_it_shows_the_figures_and_the_timeline(alice_client, session):
    response = alice_client.get(session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "4 (3 with a face)" in html
    assert "mean 10%, peak 20%" in html
    assert "80%" in html  # Mean probability of happy.
    data = json.loads(html.split('<script id="live-session-data" type="application/json">')[1].split("</script>")[0])
    assert data["emotions"] == list(EMOTIONS)
    assert [point["t"] for point in data["timeline"]] == [0, 1]


def test_it_says_how_long_the_session_ran(alice_client, session):
    LiveSession.objects.filter(pk=session.pk).update(ended_at=session.started_at + timedelta(seconds=65))

    assert "1 min 05 s, ended" in alice_client.get(session.get_absolute_url()).content.decode()


def test_it_lists_the_alerts_of_the_session(alice_client, alice, session):
    Alert.objects.create(
        owner=alice,
        live_session=session,
        message="Sustained stress",
        status=Alert.Status.FAILED,
        error="Twilio error 21211: invalid number",
    )

    html = alice_client.get(session.get_absolute_url()).content.decode()

    assert "Sustained stress" in html
    assert "Twilio error 21211: invalid number" in html


def test_another_user_gets_404(bob_client, session):
    assert bob_client.get(session.get_absolute_url()).status_code == 404


def test_a_missing_session_is_404(alice_client):
    assert alice_client.get(reverse("detection:live_session_detail", args=[999])).status_code == 404
