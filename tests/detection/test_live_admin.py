"""The admin shows live sessions, alert rules and alerts to staff, read-only where the
platform writes them."""

import pytest
from django.urls import reverse

from detection.models import Alert, AlertRule, LiveSession


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (LiveSession, {"frames_analyzed": 12}),
        (Alert, {"message": "Sustained stress", "status": Alert.Status.SENT, "twilio_sid": "SM1"}),
        (AlertRule, {"window": 30, "threshold": 5}),
    ],
)
def test_staff_can_list_and_open_them(admin_client, alice, model, fields):
    row = model.objects.create(owner=alice, **fields)
    name = model._meta.model_name

    assert admin_client.get(reverse(f"admin:detection_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:detection_{name}_change", args=[row.pk])).status_code == 200


def test_live_sessions_and_alerts_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:detection_livesession_add")).status_code == 403
    assert admin_client.get(reverse("admin:detection_alert_add")).status_code == 403


def test_records_the_platform_writes_have_no_save_button_and_read_as_text(admin_client, alice, make_analysis):
    session = LiveSession.objects.create(
        owner=alice, frames_analyzed=3, faces_seen=2, stress_sum=0.9, peak_stress=0.61234,
        emotion_counts={"happy": 2}, probability_sums={"happy": 1.6, "sad": 0.4},
        timeline=[{"t": 0, "stress": 0.4, "dominant": "happy", "shares": {}}, {"t": 65, "stress": 0.5, "dominant": "sad", "shares": {}}],
    )  # fmt: skip
    analysis = make_analysis(alice, stress=0.61234)

    session_page = admin_client.get(reverse("admin:detection_livesession_change", args=[session.pk])).content.decode()
    analysis_page = admin_client.get(reverse("admin:detection_analysis_change", args=[analysis.pk])).content.decode()

    for html in (session_page, analysis_page):
        assert 'name="_save"' not in html
        assert "Stress Detector administration" in html
    assert "<td>1:05</td><td>50%</td><td>sad</td>" in session_page
    assert "happy 80% · sad 20%" in session_page
    assert "61%" in session_page and "0.61234" not in session_page
    assert "happy 70%" in analysis_page  # The face's probabilities, formatted.
    assert '"happy": 0.7' not in analysis_page
