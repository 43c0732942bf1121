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
