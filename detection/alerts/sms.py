"""Sending a text message through Twilio, with the official client.

Credentials come from ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_FROM_NUMBER``.
Failures are sorted into two kinds, so the caller knows whether trying again can help:
:class:`SmsTemporaryError` (timeouts, connection errors, Twilio's 5xx and 429) and
:class:`SmsError` (everything else, such as an invalid number).
"""

from __future__ import annotations

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client


class SmsError(Exception):
    """The message was refused; sending it again will not help."""


class SmsTemporaryError(SmsError):
    """The message may go through if sent again later."""


class SmsNotConfiguredError(SmsError):
    """Twilio credentials are not set."""


def sms_is_configured() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER)


def sms_client() -> Client:
    http_client = TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS)
    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)
    if settings.TWILIO_API_BASE_URL:
        # The REST domain's base URL is a plain attribute of the client's API domain.
        client.api.base_url = settings.TWILIO_API_BASE_URL
    return client


def sms_send(*, to: str, body: str) -> str:
    """Send ``body`` to ``to`` (E.164) and return Twilio's message SID."""
    if not sms_is_configured():
        raise SmsNotConfiguredError("SMS not configured")
    try:
        message = sms_client().messages.create(to=to, from_=settings.TWILIO_FROM_NUMBER, body=body)
    except TwilioRestException as error:
        description = f"Twilio error {error.code or error.status}: {error.msg}"
        if error.status >= 500 or error.status == 429:
            raise SmsTemporaryError(description) from error
        raise SmsError(description) from error
    except requests.Timeout as error:
        raise SmsTemporaryError(f"Twilio did not answer within {settings.TWILIO_TIMEOUT_SECONDS:g} s") from error
    except requests.RequestException as error:
        raise SmsTemporaryError(f"Could not reach Twilio ({type(error).__name__})") from error
    except TwilioException as error:
        raise SmsError(f"Twilio error: {error}") from error
    return message.sid
