"""Videos count in the reports as live sessions do: a line of the stress chart, a headline figure
against the previous period, a summary and the emotions table, and rows of the CSV; always
ml.headline's meaning (a video's stress is the mean of its people's samples that count; one
without a stress reading counts nowhere)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from detection.models import Video
from detection.reports import selectors
from ml.emotions import stress_score
from tests.detection.conftest import probabilities_for

URL = reverse("detection:reports")
CSV_URL = reverse("detection:reports_export_csv")
SAD_80 = stress_score(probabilities_for("sad", 0.8))
HAPPY_90 = stress_score(probabilities_for("happy", 0.9))


@pytest.fixture
def videos(alice, bob, make_video) -> dict:
    now = timezone.now()
    return {
        # Two days ago: a sure sad person and a false face (the detector at 50%) that decides nothing.
        "sad": make_video(alice, [(0.0, 1, "sad", 0.8, 0.95), (0.0, 2, "fear", 0.9, 0.5)], created_at=now - dt.timedelta(days=2)),
        "happy": make_video(alice, [(0.0, 1, "happy", 0.9, 0.95)], created_at=now - dt.timedelta(days=2)),
        "unsure": make_video(alice, [(0.0, 1, "fear", 0.3, 0.95)], created_at=now - dt.timedelta(days=1)),
        "failed": make_video(alice, status=Video.Status.FAILED, created_at=now - dt.timedelta(days=1)),
        "before": make_video(alice, [(0.0, 1, "sad", 0.8, 0.95)], created_at=now - dt.timedelta(days=10)),
        "bobs": make_video(bob, [(0.0, 1, "angry", 0.9, 0.95)], created_at=now),
    }


def day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def test_the_stress_chart_has_the_videos_mean_stress_per_day(alice_client, videos):
    response = alice_client.get(URL, {"days": 7})

    assert response.context["has_data"] is True
    by_date = {point["date"]: point for point in response.context["chart_data"]["stress"]}
    assert by_date[day(2)]["videos"] == 2
    assert by_date[day(2)]["video_mean_stress"] == pytest.approx((SAD_80 + HAPPY_90) / 2, abs=1e-4)
    assert by_date[day(2)]["mean_stress"] is None  # No image that day.
    # The unsure video has no stress reading: the day is a gap, as a day without data.
    assert (by_date[day(1)]["videos"], by_date[day(1)]["video_mean_stress"]) == (0, None)


def test_videos_alone_make_a_report(alice_client, alice, make_video):
    make_video(alice, [(0.0, 1, "sad", 0.8, 0.95)])

    assert alice_client.get(URL, {"days": 7}).context["has_data"] is True


def test_an_unsure_video_alone_makes_no_report(alice_client, alice, make_video):
    make_video(alice, [(0.0, 1, "sad", 0.3, 0.95)])

    assert alice_client.get(URL, {"days": 7}).context["has_data"] is False


def test_the_headline_counts_videos_against_the_previous_period(alice_client, videos):
    response = alice_client.get(URL, {"days": 7})

    headline = response.context["headline"]
    assert (headline["current"]["videos"], headline["previous"]["videos"], headline["changes"]["videos"]) == (2, 1, 1)
    assert 'id="report-videos"' in response.content.decode()


def test_the_summary_and_the_emotions_table_count_videos_by_their_headline(alice_client, alice, videos):
    response = alice_client.get(URL, {"days": 7})

    assert selectors.video_summary(owner=alice, since=timezone.localdate() - dt.timedelta(days=6)) == {
        "videos": 2, "mean_stress": pytest.approx((SAD_80 + HAPPY_90) / 2, abs=1e-4), "peak_stress": round(SAD_80, 4),
    }  # fmt: skip
    totals = {emotion: (images, videos) for emotion, images, videos in response.context["emotion_totals"]}
    assert totals["sad"] == (0, 1) and totals["happy"] == (0, 1)
    assert totals["fear"] == (0, 0)  # The false face and the unsure video decided nothing.
    html = response.content.decode()
    assert "2 analysed videos with a stress reading, mean stress" in html
    assert f"peak {round(SAD_80 * 100)}%" in html


def test_the_api_trends_give_the_same_video_numbers(alice_api, alice_client, videos):
    total = alice_api.get("/api/v1/stats/trends/", {"from": day(6), "to": day(0)}).json()["total"]
    page = alice_client.get(URL, {"days": 7}).context

    assert total["videos"] == page["video_summary"]["videos"] == 2
    assert total["video_mean_stress"] == page["video_summary"]["mean_stress"]
    assert total["video_emotion_counts"] == page["chart_data"]["video_totals"]


def test_the_csv_has_a_row_per_person_of_my_videos_in_the_period(alice_client, alice, videos):
    rows = list(csv.DictReader(io.StringIO(b"".join(alice_client.get(CSV_URL, {"days": 7}).streaming_content).decode())))

    video_rows = [row for row in rows if row["source"] == "video"]
    assert [(row["video_id"], row["face_person"]) for row in video_rows] == [
        (str(videos["sad"].pk), "1"), (str(videos["sad"].pk), "2"), (str(videos["happy"].pk), "1"),
        (str(videos["unsure"].pk), "1"), (str(videos["failed"].pk), ""),
    ]  # fmt: skip
    sure, false_face, _, unsure, failed = video_rows
    # The video's headline in the image_ columns, the person's in the face_ columns, in percent.
    assert (sure["image_stress_percent"], sure["image_dominant_emotion"]) == (f"{SAD_80 * 100:.2f}", "sad")
    assert (sure["face_dominant_emotion"], sure["face_stress_percent"], sure["face_counts_for_headline"]) == (
        "sad", f"{SAD_80 * 100:.2f}", "yes",
    )  # fmt: skip
    assert sure["p_sad_percent"] == "80.00" and sure["person_peak_stress_percent"] == f"{SAD_80 * 100:.2f}"
    false_face_columns = ("face_stress_percent", "face_counts_for_headline", "person_counted_samples")
    assert [false_face[name] for name in false_face_columns] == ["", "no", "0"]
    assert (unsure["image_stress_percent"], unsure["image_dominant_emotion"]) == ("", "")
    assert (failed["status"], failed["analysis_id"]) == ("failed", "")


def test_the_csv_keeps_analyses_rows_as_they_were(alice_client, alice, make_analysis, videos):
    analysis = make_analysis(alice, dominant="sad", with_images=False)

    rows = list(csv.DictReader(io.StringIO(b"".join(alice_client.get(CSV_URL, {"days": 7}).streaming_content).decode())))

    assert rows[0]["analysis_id"] == str(analysis.pk) and rows[0]["face_number"] == "1"
    assert (rows[0]["video_id"], rows[0]["person_seconds_on_screen"]) == ("", "")
    assert all(row["video_id"] != str(videos["bobs"].pk) for row in rows)
