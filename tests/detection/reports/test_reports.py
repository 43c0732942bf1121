"""Reports: per-user daily stress and emotion shares (selectors), the page, and the CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from detection.models import Analysis, LiveSession
from detection.reports import selectors

URL = reverse("detection:reports")


@pytest.fixture
def history(alice, bob, make_analysis) -> dict:
    day1 = timezone.now() - dt.timedelta(days=2)
    day2 = timezone.now() - dt.timedelta(days=1)
    return {
        "a": make_analysis(alice, dominant="sad", stress=0.8, with_images=False, created_at=day1),
        "b": make_analysis(alice, dominant="happy", stress=0.2, with_images=False, created_at=day1),
        "c": make_analysis(alice, dominant="happy", stress=0.1, with_images=False, created_at=day2),
        "no_face": make_analysis(alice, faces=0, with_images=False, created_at=day2),
        "failed": make_analysis(alice, status=Analysis.Status.FAILED, with_images=False, created_at=day2),
        "bobs": make_analysis(bob, dominant="fear", stress=1.0, with_images=False, created_at=day2),
    }


def test_daily_stress_is_the_mean_of_the_days_analysed_images(alice, history):
    since = timezone.localdate() - dt.timedelta(days=6)

    points = selectors.stress_daily(owner=alice, since=since)

    assert [(point["mean_stress"], point["analyses"]) for point in points] == [(0.5, 2), (0.1, 1)]


def test_emotion_shares_cover_every_emotion_per_day(alice, history):
    since = timezone.localdate() - dt.timedelta(days=6)

    days = selectors.emotion_shares_daily(owner=alice, since=since)

    assert days[0]["shares"]["sad"] == 0.5
    assert days[0]["shares"]["happy"] == 0.5
    assert days[1]["shares"]["happy"] == 1.0
    assert len(days[0]["shares"]) == 7


def test_the_page_draws_the_charts_from_my_data_only(alice_client, history):
    response = alice_client.get(URL)

    html = response.content.decode()
    assert 'id="stress-chart"' in html
    assert 'id="shares-chart"' in html
    assert "js/reports.js" in html
    assert response.context["chart_data"]["totals"]["fear"] == 0
    assert response.context["chart_data"]["totals"]["happy"] == 2


def test_the_period_can_be_chosen(alice_client, alice, make_analysis):
    make_analysis(alice, with_images=False, created_at=timezone.now() - dt.timedelta(days=60))

    assert alice_client.get(URL).context["has_data"] is False
    assert alice_client.get(URL, {"days": 90}).context["has_data"] is True


def test_without_data_it_says_how_to_start(alice_client):
    assert "No stress reading in the last 30 days." in alice_client.get(URL).content.decode()


@pytest.mark.parametrize(("days", "bucket", "points"), [(7, "day", 7), (30, "day", 30), (90, "week", {13, 14}), (365, "month", {12, 13})])
def test_long_periods_are_charted_by_week_or_month(alice_client, history, days, bucket, points):
    chart = alice_client.get(URL, {"days": days}).context["chart_data"]

    assert chart["bucket"] == bucket
    assert len(chart["days"]) == points if isinstance(points, int) else len(chart["days"]) in points
    assert sum(point["analyses"] for point in chart["stress"]) == 3


def test_live_sessions_stress_is_charted(alice_client, alice):
    session = LiveSession.objects.create(owner=alice, frames_analyzed=20, faces_seen=10, stress_sum=7.0, peak_stress=0.9)

    response = alice_client.get(URL, {"days": 7})

    assert response.context["has_data"] is True
    today = [p for p in response.context["chart_data"]["stress"] if p["date"] == session.started_at.date().isoformat()]
    assert today[0]["live_mean_stress"] == 0.7 and today[0]["mean_stress"] is None


@pytest.mark.parametrize("days", ["abc", "45", ""])
def test_a_bad_period_is_said_not_silently_replaced(alice_client, days):
    response = alice_client.get(URL, {"days": days})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no report for" in html and "choose 7, 30, 90, 365 days" in html


@pytest.mark.parametrize("days", ["14", "abc"])
def test_the_csv_export_says_a_bad_period_too(alice_client, days):
    response = alice_client.get(reverse("detection:reports_export_csv"), {"days": days})

    assert response.status_code == 400
    assert "choose 7, 30, 90, 365 days" in response.content.decode()


def test_the_csv_has_one_row_per_face_of_my_analyses(alice_client, alice, bob, make_analysis):
    two_faces = make_analysis(alice, faces=2, dominant="sad", with_images=False)
    no_face = make_analysis(alice, faces=0, with_images=False)
    make_analysis(bob, with_images=False)

    response = alice_client.get(reverse("detection:reports_export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    # Faces numbered from 1 as on the page; stress and probabilities in percent, as the columns say.
    assert [(row["analysis_id"], row["face_number"]) for row in rows] == [
        (str(two_faces.pk), "1"), (str(two_faces.pk), "2"), (str(no_face.pk), ""),
    ]  # fmt: skip
    assert rows[0]["face_dominant_emotion"] == "sad"
    assert (rows[0]["p_sad_percent"], rows[0]["image_stress_percent"]) == ("70.00", "20.00")


def test_the_stress_series_covers_every_day_and_leaves_days_without_data_as_gaps(alice_client, history):
    stress = alice_client.get(URL, {"days": 7}).context["chart_data"]["stress"]

    assert len(stress) == 7
    by_date = {point["date"]: point["mean_stress"] for point in stress}
    assert by_date[(timezone.localdate() - dt.timedelta(days=2)).isoformat()] == 0.5
    assert by_date[(timezone.localdate() - dt.timedelta(days=1)).isoformat()] == 0.1
    assert by_date[(timezone.localdate() - dt.timedelta(days=3)).isoformat()] is None
    assert by_date[timezone.localdate().isoformat()] is None


def test_the_headline_compares_the_period_with_the_one_before(alice_client, alice, make_analysis):
    now = timezone.now()
    make_analysis(alice, stress=0.6, with_images=False, created_at=now - dt.timedelta(days=1))
    make_analysis(alice, stress=0.4, with_images=False, created_at=now - dt.timedelta(days=2))
    make_analysis(alice, stress=0.2, with_images=False, created_at=now - dt.timedelta(days=9))

    headline = alice_client.get(URL, {"days": 7}).context["headline"]

    assert headline["current"]["images"] == 2
    assert headline["previous"]["images"] == 1
    assert headline["changes"]["images"] == 1
    assert headline["changes"]["mean_stress_points"] == 30
    html = alice_client.get(URL, {"days": 7}).content.decode()
    assert "up 30 points on the previous 7 days (20%)" in html


def test_the_headline_has_nothing_to_compare_without_a_previous_period(alice_client, history):
    headline = alice_client.get(URL, {"days": 7}).context["headline"]

    assert headline["changes"]["mean_stress_points"] is None
    assert headline["previous"]["images"] == 0


def test_the_csv_follows_the_chosen_period(alice_client, alice, make_analysis):
    recent = make_analysis(alice, with_images=False, created_at=timezone.now() - dt.timedelta(days=2))
    old = make_analysis(alice, with_images=False, created_at=timezone.now() - dt.timedelta(days=20))

    def exported(days):
        response = alice_client.get(reverse("detection:reports_export_csv"), {"days": days})
        return {row["analysis_id"] for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}

    assert exported(7) == {str(recent.pk)}
    assert exported(30) == {str(recent.pk), str(old.pk)}


def test_the_page_links_the_downloads_for_its_period(alice_client, history):
    html = alice_client.get(URL, {"days": 7}).content.decode()
    since = (timezone.localdate() - dt.timedelta(days=6)).isoformat()

    assert f'{reverse("detection:reports_export_csv")}?days=7"' in html
    assert f"created_from={since}" in html
    assert 'id="print-report"' in html
    assert "css/print.css" in html
