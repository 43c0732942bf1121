"""The profile's "Send a test SMS" button, against the fake Twilio API on loopback."""

from django.urls import reverse

from detection.alerts.services import TEST_SMS_BODY
from tests.detection.fake_twilio import fake_twilio  # noqa: F401 (fixture)

URL = reverse("profile_test_sms")


def test_it_texts_the_saved_number_and_says_so(alice_client, alice, fake_twilio):  # noqa: F811
    alice.phone_number = "+447911123456"
    alice.save()

    response = alice_client.post(URL, follow=True)

    [request] = fake_twilio.requests
    assert request["form"]["To"] == "+447911123456"
    assert request["form"]["Body"] == TEST_SMS_BODY
    assert "A test message was sent to +447911123456." in response.content.decode()


def test_twilios_refusal_is_shown_to_the_user(alice_client, alice, fake_twilio):  # noqa: F811
    alice.phone_number = "+447911123456"
    alice.save()
    fake_twilio.mode = "invalid_number"

    html = alice_client.post(URL, follow=True).content.decode()

    assert "The test message was not sent. Twilio error 21211" in html


def test_without_a_phone_number_nothing_is_sent(alice_client, alice, fake_twilio):  # noqa: F811
    alice.phone_number = ""
    alice.save()

    html = alice_client.post(URL, follow=True).content.decode()

    assert fake_twilio.requests == []
    assert "Add a phone number" in html


def test_without_twilio_credentials_it_says_sms_is_not_configured(alice_client, alice, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    alice.phone_number = "+447911123456"
    alice.save()

    html = alice_client.post(URL, follow=True).content.decode()

    assert "SMS is not configured on this server" in html


def test_it_only_accepts_post(alice_client):
    assert alice_client.get(URL).status_code == 405
