"""The signed-in home page: the latest result, the week's stress, recent alerts, counts and
the quick actions; a short start for new users."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from detection.models import Alert

URL = reverse("home")


def test_a_new_user_gets_a_friendly_start(alice_client):
    html = alice_client.get(URL).content.decode()

    assert 'id="dashboard-welcome"' in html
    assert reverse("detection:live") in html
    assert reverse("detection:analyze") in html
    assert "No analysed image yet" in html


def test_it_shows_my_latest_result_trend_counts_and_alerts(alice_client, alice, bob, make_analysis):
    make_analysis(alice, stress=0.2, with_images=False, created_at=timezone.now() - dt.timedelta(days=2))
    latest = make_analysis(alice, dominant="sad", stress=0.7)
    make_analysis(bob, dominant="fear", stress=0.95)
    Alert.objects.create(owner=alice, message="Stress Detector: sustained stress (12 of 50 frames).")
    Alert.objects.create(owner=bob, message="Bob's alert")

    response = alice_client.get(URL)
    html = response.content.decode()

    assert 'id="dashboard-welcome"' not in html
    assert response.context["latest"] == latest
    assert reverse("detection:analysis_image", args=[latest.pk, "thumbnail"]) in html
    assert "High stress · 70%" in html
    assert response.context["counts"]["analyses"] == 2
    assert "sustained stress (12 of 50 frames)" in html
    assert "Bob's alert" not in html
    trend = response.context["trend"]
    assert len(trend["days"]) == 7
    assert [point["mean_stress"] for point in trend["stress"]].count(None) == 5
    assert 'id="dashboard-trend"' in html


def test_visitors_still_get_the_landing_page(client, db):
    assert "Notice stress before it builds up" in client.get(URL).content.decode()
