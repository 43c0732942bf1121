"""What a service holding face photos and stress scores owes its users on every request: nothing
personal left in a browser's or a proxy's cache, and a session that ends when it is left idle."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# The session is saved again (and so its expiry pushed back) at most this often: often enough
# for an idle timeout counted in minutes, rarely enough that browsing is not a stream of writes.
SESSION_REFRESH_SECONDS = 60
_REFRESHED_KEY = "_refreshed_at"


class PrivateResponsesMiddleware:
    """Responses to a signed-in user (browser session or API token) are never stored by the
    browser or a proxy, images included: after log out or delete, Back or a cached copy shows
    nothing. A view that marked its response public (the palette stylesheet) keeps its caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


class SessionIdleTimeoutMiddleware:
    """A signed-in browser session lasts SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES) after its last
    request, not after its log in: each request pushes the expiry back, at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_IDLE_MINUTES and request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(_REFRESHED_KEY, 0) >= SESSION_REFRESH_SECONDS:
                request.session[_REFRESHED_KEY] = now
        return self.get_response(request)
