"""Tags every request with an id (for the logs) and counts it (for /metrics)."""

from __future__ import annotations

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from stressdetector.ops.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS
from stressdetector.ops.request_id import REQUEST_ID_HEADER, new_request_id, request_id_var

# Any other method is counted as "other", so a client cannot invent labels.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestContextMiddleware:
    """Sets the request id (an acceptable incoming X-Request-ID, else a new one) for the logs
    written while the request is handled, returns it in the response's X-Request-ID, and
    records the request's view, status and duration. Works in sync and async stacks."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        started = self._start(request)
        return self._finish(request, self.get_response(request), started)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        started = self._start(request)
        return self._finish(request, await self.get_response(request), started)

    def _start(self, request: HttpRequest) -> float:
        request.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        # Not reset on the way out: Django logs an error response ("Not Found: ...") after the
        # middleware has returned, and that line belongs to this request too. request_finished
        # (below) clears it once the response has gone.
        request_id_var.set(request.request_id)
        return time.perf_counter()

    def _finish(self, request: HttpRequest, response: HttpResponse, started: float) -> HttpResponse:
        match = getattr(request, "resolver_match", None)
        # URL names keep the label set small; an unmatched path (a 404) is not a label of its own.
        view = (match.view_name if match else "") or "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        HTTP_REQUESTS.labels(method, view, str(response.status_code)).inc()
        HTTP_REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


@receiver(request_finished)
def forget_request_id(**kwargs) -> None:
    request_id_var.set(None)
