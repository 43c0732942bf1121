"""GET /api/v1/stats/trends/: per day or week, the caller's analyses and live sessions; the same
numbers as the reports page, from the one selector (detection.reports.trends)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from detection.models import Analysis, LiveSession

URL = reverse("api:trends")


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def live_session(owner, *, started_at, frames, faces, stress_sum, peak) -> LiveSession:
    session = LiveSession.objects.create(owner=owner, frames_analyzed=frames, faces_seen=faces, stress_sum=stress_sum, peak_stress=peak)
    LiveSession.objects.filter(pk=session.pk).update(started_at=started_at)
    return session


@pytest.fixture
def history(alice, bob, make_analysis) -> None:
    make_analysis(alice, dominant="sad", stress=0.8, with_images=False, created_at=at(2, 9))
    make_analysis(alice, dominant="happy", stress=0.2, with_images=False, created_at=at(2, 15))
    make_analysis(alice, dominant="happy", stress=0.1, with_images=False, created_at=at(1))
    make_analysis(alice, faces=0, with_images=False, created_at=at(1))
    make_analysis(alice, status=Analysis.Status.FAILED, with_images=False, created_at=at(1))
    make_analysis(bob, dominant="fear", stress=1.0, with_images=False, created_at=at(1))
    live_session(alice, started_at=at(2), frames=40, faces=30, stress_sum=12.0, peak=0.9)
    live_session(alice, started_at=at(1), frames=10, faces=10, stress_sum=1.0, peak=0.3)
    live_session(bob, started_at=at(1), frames=99, faces=99, stress_sum=99.0, peak=1.0)


def test_each_day_has_its_emotions_stress_and_live_frames(alice_api, history):
    data = alice_api.get(URL, {"from": at(2).date(), "to": at(0).date()}).json()

    assert data["bucket"] == "day"
    assert [day["start"] for day in data["buckets"]] == [at(n).date().isoformat() for n in (2, 1, 0)]
    two_days_ago, yesterday, today = data["buckets"]
    assert two_days_ago["analyses"] == 2
    assert two_days_ago["emotion_counts"] == {"angry": 0, "disgust": 0, "fear": 0, "happy": 1, "neutral": 0, "sad": 1, "surprise": 0}
    assert (two_days_ago["mean_stress"], two_days_ago["peak_stress"]) == (0.5, 0.8)
    assert (two_days_ago["live_sessions"], two_days_ago["live_frames"], two_days_ago["live_mean_stress"]) == (1, 40, 0.4)
    assert (yesterday["analyses"], yesterday["emotion_counts"]["fear"], yesterday["live_frames"]) == (1, 0, 10)
    assert (today["analyses"], today["mean_stress"], today["live_sessions"]) == (0, None, 0)
    assert (data["total"]["analyses"], data["total"]["live_frames"], data["total"]["live_peak_stress"]) == (3, 50, 0.9)


def test_the_numbers_equal_the_reports_pages(alice_api, alice_client, history):
    report = alice_client.get(reverse("detection:reports"), {"days": 7}).context
    since = report["since"]

    data = alice_api.get(URL, {"from": since, "to": timezone.localdate()}).json()

    stress = [{"date": day["start"], "mean_stress": day["mean_stress"], "analyses": day["analyses"]} for day in data["buckets"]]
    assert stress == report["chart_data"]["stress"]
    days_with_images = [day for day in data["buckets"] if day["analyses"]]
    assert data["total"]["emotion_counts"] == report["chart_data"]["totals"]
    shares = report["chart_data"]["shares"]
    assert [share["shares"]["happy"] for share in shares] == [day["emotion_counts"]["happy"] / day["analyses"] for day in days_with_images]
    headline = report["headline"]["current"]
    assert (headline["images"], headline["live_sessions"]) == (data["total"]["analyses"], data["total"]["live_sessions"])
    assert headline["mean_stress"] == pytest.approx(data["total"]["mean_stress"], abs=1e-4)
    live = report["live_summary"]
    assert (data["total"]["live_sessions"], data["total"]["live_frames"]) == (live["sessions"], live["frames"]) == (2, 50)
    assert (data["total"]["live_mean_stress"], data["total"]["live_peak_stress"]) == (live["mean_stress"], live["peak_stress"])


def test_weeks_run_monday_to_sunday_cut_to_the_period(alice_api, alice, make_analysis):
    wednesday = dt.date(2025, 1, 8)
    for day, stress in ((dt.date(2025, 1, 6), 0.2), (wednesday, 0.6), (dt.date(2025, 1, 14), 0.9)):
        make_analysis(alice, stress=stress, with_images=False, created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))))

    data = alice_api.get(URL, {"from": wednesday, "to": "2025-01-20", "bucket": "week"}).json()

    assert [(week["start"], week["end"], week["analyses"]) for week in data["buckets"]] == [
        ("2025-01-08", "2025-01-12", 1),
        ("2025-01-13", "2025-01-19", 1),
        ("2025-01-20", "2025-01-20", 0),
    ]
    assert data["buckets"][1]["peak_stress"] == 0.9


def test_the_default_is_the_last_30_days_by_day(alice_api):
    data = alice_api.get(URL).json()

    assert len(data["buckets"]) == 30
    assert data["to"] == timezone.localdate().isoformat()


def test_i_never_see_another_users_numbers(bob_api, history):
    total = bob_api.get(URL, {"from": at(6).date()}).json()["total"]

    assert (total["analyses"], total["emotion_counts"]["fear"], total["live_frames"]) == (1, 1, 99)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-02-01", "to": "2025-01-01"}, "from"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "0001-01-01"}, "to"),
        ({"bucket": "month"}, "bucket"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_parameter(alice_api, query, field):
    response = alice_api.get(URL, query)

    assert response.status_code == 400
    assert field in response.json()
