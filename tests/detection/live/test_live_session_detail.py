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


PEOPLE = [
    {"person": 1, "first_seen": 0.0, "last_seen": 1.9, "seconds_in_view": 1.9, "frames": 3, "mean_stress": 0.1, "peak_stress": 0.2,
     "dominant_emotions": {"happy": 3},
     "timeline": [
         {"t": 0, "frames": 2, "dominant": "happy", "probabilities": dict.fromkeys(EMOTIONS, 0.0) | {"happy": 1.0}, "stress": 0.0},
         {"t": 1, "frames": 1, "dominant": "happy", "probabilities": dict.fromkeys(EMOTIONS, 0.0) | {"happy": 1.0}, "stress": 0.0},
     ]},
    {"person": 2, "first_seen": 1.2, "last_seen": 1.2, "seconds_in_view": 0.0, "frames": 1, "mean_stress": 0.6, "peak_stress": 0.6,
     "dominant_emotions": {"angry": 1},
     "timeline": [
         {"t": 1, "frames": 1, "dominant": "angry", "probabilities": dict.fromkeys(EMOTIONS, 0.0) | {"angry": 0.6, "neutral": 0.4},
          "stress": 0.6},
     ]},
]  # fmt: skip


@pytest.fixture
def session_with_people(session) -> LiveSession:
    session.people = PEOPLE
    session.save()
    return session


def test_it_shows_each_persons_summary_and_timeline(alice_client, session_with_people):
    html = alice_client.get(session_with_people.get_absolute_url()).content.decode()

    assert '<tr data-person="1">' in html and '<tr data-person="2">' in html
    assert "happy (3)" in html and "angry (1)" in html
    assert "1.9 s" in html  # Person 1's time in view.
    data = json.loads(html.split('<script id="live-session-data" type="application/json">')[1].split("</script>")[0])
    assert data["people"] == [{"person": 1, "timeline": [{"t": 0, "stress": 0.0}, {"t": 1, "stress": 0.0}]},
                              {"person": 2, "timeline": [{"t": 1, "stress": 0.6}]}]


def test_the_csv_export_has_a_row_per_person_and_second(alice_client, session_with_people):
    response = alice_client.get(reverse("detection:live_session_export_csv", args=[session_with_people.pk]))

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "t,person,frames,dominant,stress," + ",".join(f"p_{label}" for label in EMOTIONS)
    assert [line.split(",")[:2] for line in lines[1:]] == [["0", "1"], ["1", "1"], ["1", "2"]]
    assert lines[3].split(",")[3:5] == ["angry", "0.6"]


def test_the_json_export_has_the_same_rows_and_each_persons_summary(alice_client, session_with_people):
    data = alice_client.get(reverse("detection:live_session_export_json", args=[session_with_people.pk])).json()

    assert [(row["t"], row["person"]) for row in data["rows"]] == [(0, 1), (1, 1), (1, 2)]
    assert [person["person"] for person in data["people"]] == [1, 2]
    assert "timeline" not in data["people"][0]
    assert data["people"][1]["peak_stress"] == 0.6


@pytest.mark.parametrize("name", ["detection:live_session_export_csv", "detection:live_session_export_json"])
def test_another_user_gets_404_for_the_exports(bob_client, session_with_people, name):
    assert bob_client.get(reverse(name, args=[session_with_people.pk])).status_code == 404
