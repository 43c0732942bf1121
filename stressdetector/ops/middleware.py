"""Tags every request with an id (for the logs) and counts it (for /metrics)."""

from __future__ import annotations

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
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
        token, started = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        return self._finish(request, response, started)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        token, started = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            request_id_var.reset(token)
        return self._finish(request, response, started)

    def _start(self, request: HttpRequest):
        request.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        return request_id_var.set(request.request_id), time.perf_counter()

    def _finish(self, request: HttpRequest, response: HttpResponse, started: float) -> HttpResponse:
        match = getattr(request, "resolver_match", None)
        # URL names keep the label set small; an unmatched path (a 404) is not a label of its own.
        view = (match.view_name if match else "") or "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        HTTP_REQUESTS.labels(method, view, str(response.status_code)).inc()
        HTTP_REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        response[REQUEST_ID_HEADER] = request.request_id
        return response
