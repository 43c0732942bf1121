"""Texting through the official twilio client, against a fake Twilio API on loopback."""

import pytest

from detection.alerts.sms import SmsError, SmsNotConfiguredError, SmsTemporaryError, sms_send
from tests.detection.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, fake_twilio  # noqa: F401 (fixture)


def test_it_sends_the_message_with_the_credentials_and_returns_its_sid(fake_twilio):  # noqa: F811
    sid = sms_send(to="+447911123456", body="Stress Detector: sustained stress")

    assert sid == "SM" + "1".zfill(32)
    [request] = fake_twilio.requests
    assert request["credentials"] == f"{ACCOUNT_SID}:{AUTH_TOKEN}"
    assert request["form"] == {"To": "+447911123456", "From": FROM_NUMBER, "Body": "Stress Detector: sustained stress"}


def test_a_twilio_error_is_not_worth_retrying(fake_twilio):  # noqa: F811
    fake_twilio.mode = "invalid_number"

    with pytest.raises(SmsError) as raised:
        sms_send(to="+447911123456", body="hello")

    assert not isinstance(raised.value, SmsTemporaryError)
    assert str(raised.value) == "Twilio error 21211: Unable to create record: The 'To' number +447911123456 is not a valid phone number."


def test_twilio_being_unavailable_is_worth_retrying(fake_twilio):  # noqa: F811
    fake_twilio.mode = "unavailable"

    with pytest.raises(SmsTemporaryError, match="Twilio error 20503"):
        sms_send(to="+447911123456", body="hello")


def test_a_timeout_is_worth_retrying(fake_twilio):  # noqa: F811
    fake_twilio.mode = "slow"

    with pytest.raises(SmsTemporaryError, match=r"did not answer within 0.5 s"):
        sms_send(to="+447911123456", body="hello")


def test_without_credentials_nothing_is_sent(settings):
    settings.TWILIO_ACCOUNT_SID = ""

    with pytest.raises(SmsNotConfiguredError):
        sms_send(to="+447911123456", body="hello")
