"""The request id: one per HTTP request, carried into every log line written on its behalf,
including those of the Celery tasks it queued (see ``stressdetector.ops.celery_hooks``)."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

# The header a proxy may set (and that every response carries back).
REQUEST_ID_HEADER = "X-Request-ID"
# An id from a client or proxy is kept only if it is short and plain, so it is safe in logs.
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id(proposed: str | None = None) -> str:
    """``proposed`` (an incoming X-Request-ID) when it is acceptable, else a fresh random id."""
    if proposed and _ACCEPTABLE_ID.fullmatch(proposed):
        return proposed
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True
