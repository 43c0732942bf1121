"""Live sessions next to the analyses: in the history and in the reports."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from detection.models import LiveSession

HISTORY = reverse("detection:history")
REPORTS = reverse("detection:reports")


def make_session(owner, *, days_ago: int = 0, **fields) -> LiveSession:
    session = LiveSession.objects.create(owner=owner, frames_analyzed=40, faces_seen=10, stress_sum=3.0, peak_stress=0.9, **fields)
    started_at = timezone.now() - timedelta(days=days_ago)
    LiveSession.objects.filter(pk=session.pk).update(started_at=started_at, ended_at=started_at + timedelta(seconds=90))
    return session


def test_the_history_lists_the_users_live_sessions(alice_client, alice, bob):
    mine, theirs = make_session(alice), make_session(bob)

    html = alice_client.get(HISTORY).content.decode()

    assert "Live sessions" in html
    assert mine.get_absolute_url() in html
    assert "1 min 30 s" in html
    assert "40 frames" in html
    assert "stress 30%" in html
    assert theirs.get_absolute_url() not in html


def test_the_date_filter_applies_to_live_sessions_and_image_filters_hide_them(alice_client, alice):
    recent, old = make_session(alice), make_session(alice, days_ago=10)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    by_date = alice_client.get(HISTORY, {"created_from": since}).content.decode()
    by_emotion = alice_client.get(HISTORY, {"emotion": "happy"}).content.decode()

    assert recent.get_absolute_url() in by_date
    assert old.get_absolute_url() not in by_date
    assert "Live sessions" not in by_emotion


def test_the_reports_summarise_the_periods_live_sessions(alice_client, alice):
    make_session(alice)
    make_session(alice, days_ago=3)
    make_session(alice, days_ago=60)

    html = alice_client.get(REPORTS, {"days": 30}).content.decode()

    assert "2 sessions, 80 frames analysed" in html
    assert "mean stress 30%, peak 90%" in html
