"""One error format for every 4xx of the API: DRF's. Request-level errors are ``{"detail": "..."}``;
validation errors (400) name each invalid field with its messages (``non_field_errors`` for the
input as a whole). This handler only brings the errors Django raises itself into that format, and
gives the two upload refusals their own status codes (413 and 415).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import Form
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from detection.analyses.services import UNSUPPORTED_IMAGE, UPLOAD_TOO_LARGE


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = UPLOAD_TOO_LARGE


def exception_handler(exc: Exception, context: dict):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    return drf_exception_handler(exc, context)


def upload_error(error: DjangoValidationError, *, field: str) -> exceptions.APIException:
    """The API error for a refused upload or address: 413 when the file is too large, 415 when it
    is not an image type we read, otherwise 400 naming ``field``."""
    codes = {getattr(item, "code", None) for item in error.error_list}
    message = " ".join(error.messages)
    if UPLOAD_TOO_LARGE in codes:
        return PayloadTooLarge(message)
    if UNSUPPORTED_IMAGE in codes:
        return exceptions.UnsupportedMediaType("", detail=message)
    return exceptions.ValidationError({field: error.messages})


def query_error(form: Form) -> exceptions.ValidationError:
    """The 400 for a list's invalid filters (read by a Django form): each field with its
    messages, and ``non_field_errors`` (not Django's ``__all__``) for the query as a whole."""
    errors = {api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
              for name, messages in form.errors.items()}
    return exceptions.ValidationError(errors)
