from django.urls import reverse

from accounts.models import User
from detection.models import AlertRule

URL = reverse("profile")


def profile_data(**overrides) -> dict:
    data = {
        "display_name": "Alice L.",
        "email": "alice@example.com",
        "phone_number": "+14155552671",
        "sms_alerts_enabled": "on",
        # The stress-alert rule, as the page shows it by default.
        "rule-emotions": ["angry", "disgust", "fear", "sad"],
        "rule-window": "50",
        "rule-threshold": "10",
        "rule-cooldown_minutes": "15",
        "rule-image_stress_threshold": "",
    }
    return {key: value for key, value in {**data, **overrides}.items() if value is not None}


def test_it_shows_the_profile_and_the_stress_alert_settings(alice_client):
    response = alice_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Liddell" in html
    assert "+447911123456" in html
    assert "Stress alerts" in html
    assert 'name="sms_alerts_enabled"' in html


def test_it_saves_the_profile(alice_client, alice):
    response = alice_client.post(URL, profile_data())

    assert response.url == URL
    alice.refresh_from_db()
    assert alice.display_name == "Alice L."
    assert alice.phone_number == "+14155552671"
    assert alice.sms_alerts_enabled is True
    assert alice.can_receive_sms_alerts


def test_it_turns_sms_alerts_off(alice_client, alice):
    alice_client.post(URL, profile_data(sms_alerts_enabled=None))

    alice.refresh_from_db()
    assert alice.sms_alerts_enabled is False


def test_it_rejects_a_bad_phone_number_and_keeps_the_old_one(alice_client, alice):
    response = alice_client.post(URL, profile_data(phone_number="+1 555"))

    assert response.status_code == 200
    assert "valid phone number" in " ".join(response.context["form"].errors["phone_number"])
    alice.refresh_from_db()
    assert alice.phone_number == "+447911123456"
    assert alice.display_name == "Alice Liddell"


def test_it_needs_a_phone_number_for_sms_alerts(alice_client, alice):
    response = alice_client.post(URL, profile_data(phone_number=""))

    assert response.status_code == 200
    assert response.context["form"].errors["phone_number"] == ["Add a phone number to receive SMS alerts."]
    alice.refresh_from_db()
    assert alice.sms_alerts_enabled is False


def test_it_rejects_an_email_another_account_uses(alice_client, alice, bob):
    response = alice_client.post(URL, profile_data(email="Bob@Example.com"))

    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["email"])
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_rejected_form_does_not_change_the_page_header(alice_client):
    response = alice_client.post(URL, profile_data(display_name="Mallory", phone_number="bad"))

    # The form shows what was typed, but the logged-in user object was not altered.
    assert response.wsgi_request.user.display_name == "Alice Liddell"


def test_each_user_sees_only_their_own_profile(bob_client):
    html = bob_client.get(URL).content.decode()

    assert "bob@example.com" in html
    assert "alice" not in html.lower()


def test_it_keeps_an_email_address_for_password_resets(alice_client, alice):
    response = alice_client.post(URL, profile_data(email=""))

    assert response.status_code == 200
    assert "required" in " ".join(response.context["form"].errors["email"])
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_it_saves_the_stress_alert_rule(alice_client, alice):
    data = profile_data(**{"rule-emotions": ["fear", "sad"], "rule-window": "30", "rule-threshold": "5", "rule-cooldown_minutes": "60"})
    data["rule-image_stress_threshold"] = "80"

    response = alice_client.post(URL, data)

    assert response.url == URL
    rule = AlertRule.objects.get(owner=alice)
    assert (rule.emotions, rule.window, rule.threshold, rule.cooldown_minutes) == (["fear", "sad"], 30, 5, 60)
    assert rule.image_stress_threshold == 0.8


def test_the_rule_starts_from_the_defaults(alice_client):
    html = alice_client.get(URL).content.decode()

    assert 'name="rule-window" value="50"' in html
    assert 'name="rule-threshold" value="10"' in html
    assert 'name="rule-cooldown_minutes" value="15"' in html
    assert 'value="sad" id="id_rule-emotions_5" checked' in html
    assert 'value="happy" id="id_rule-emotions_3">' in html


def test_the_threshold_must_be_below_the_window_and_one_emotion_chosen(alice_client, alice):
    response = alice_client.post(URL, profile_data(**{"rule-window": "10", "rule-threshold": "10", "rule-emotions": None}))

    errors = response.context["rule_form"].errors
    assert errors["threshold"] == ["The threshold must be smaller than the window."]
    assert errors["emotions"] == ["Choose at least one emotion."]
    assert not AlertRule.objects.filter(owner=alice).exists()


def test_the_image_stress_threshold_is_shown_as_a_percentage(alice_client, alice):
    AlertRule.objects.create(owner=alice, image_stress_threshold=0.75)

    html = alice_client.get(URL).content.decode()

    assert 'name="rule-image_stress_threshold" value="75"' in html
