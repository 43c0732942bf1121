"""GET and PATCH /api/v1/me/: only ever the caller; the SMS switch and the alert rule change
with the profile page's validation."""

import pytest
from django.urls import reverse

from detection.alerts.selectors import alert_rule_get
from detection.models import AlertRule

URL = reverse("api:me")


def test_it_shows_me_and_my_default_alert_rule(alice_api):
    data = alice_api.get(URL).json()

    assert data["username"] == "alice"
    assert data["display_name"] == "Alice Liddell"
    assert data["email"] == "alice@example.com"
    assert data["phone_number"] == "+447911123456"
    assert data["sms_alerts_enabled"] is False
    assert data["alert_rule"] == {
        "emotions": ["angry", "disgust", "fear", "sad"], "window": 50, "threshold": 10, "cooldown_minutes": 15,
        "image_stress_threshold": None,
    }  # fmt: skip


def test_each_user_sees_only_themselves(alice_api, bob_api):
    assert bob_api.get(URL).json()["username"] == "bob"
    assert "+447911123456" not in bob_api.get(URL).content.decode()


def test_patch_changes_the_sms_switch_and_part_of_the_rule(alice_api, alice):
    response = alice_api.patch(URL, {"sms_alerts_enabled": True, "alert_rule": {"window": 20, "emotions": ["fear"]}}, format="json")

    assert response.status_code == 200
    assert response.json()["alert_rule"]["window"] == 20
    alice.refresh_from_db()
    rule = alert_rule_get(user=alice)
    assert alice.sms_alerts_enabled is True
    assert (rule.window, rule.threshold, rule.emotions) == (20, 10, ["fear"])


def test_patch_changes_only_my_settings(alice_api, bob):
    alice_api.patch(URL, {"sms_alerts_enabled": True, "alert_rule": {"window": 20}}, format="json")

    bob.refresh_from_db()
    assert bob.sms_alerts_enabled is False
    assert not AlertRule.objects.filter(owner=bob).exists()


def test_sms_alerts_need_a_phone_number_as_on_the_profile_page(bob_api, bob):
    response = bob_api.patch(URL, {"sms_alerts_enabled": True}, format="json")

    assert response.status_code == 400
    assert response.json() == {"sms_alerts_enabled": ["Add a phone number to receive SMS alerts."]}
    bob.refresh_from_db()
    assert bob.sms_alerts_enabled is False


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ({"threshold": 60}, "threshold", "The threshold must be smaller than the window."),
        ({"window": 0}, "window", "Ensure this value is greater than or equal to 1."),
        ({"emotions": []}, "emotions", None),
        ({"emotions": ["bored"]}, "emotions", None),
        ({"image_stress_threshold": 1.5}, "image_stress_threshold", None),
        ({"cooldown_minutes": "soon"}, "cooldown_minutes", None),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field_and_changes_nothing(alice_api, alice, rule, field, message):
    response = alice_api.patch(URL, {"sms_alerts_enabled": True, "alert_rule": rule}, format="json")

    assert response.status_code == 400
    errors = response.json()["alert_rule"][field]
    assert message is None or errors == [message]
    alice.refresh_from_db()
    assert alice.sms_alerts_enabled is False
    assert not AlertRule.objects.filter(owner=alice).exists()


def test_only_json_is_accepted(alice_api):
    assert alice_api.patch(URL, {"sms_alerts_enabled": "true"}, format="multipart").status_code == 415


def test_anonymous_requests_are_refused(client):
    assert client.get(URL).status_code in (401, 403)
