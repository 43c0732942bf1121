"""Which pages may open our WebSockets: only the site's own.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host name with ALLOWED_HOSTS and
ignores its scheme and port, so ``https://127.0.0.1:9999`` passed for a site on
``http://127.0.0.1:8000``. This applies the rule Django's CSRF check applies to a form post: the
Origin must be the site itself (same scheme, host and port as the request, whose host must be
in ALLOWED_HOSTS) or one of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(scheme: str, host: str) -> tuple[str, str, int] | None:
    """(scheme, host name, port) with the default port filled in; None if it does not parse."""
    domain, port = split_domain_port(host.lower())
    if not domain or scheme not in DEFAULT_PORTS:
        return None
    try:
        return scheme, domain, int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None


def _site_scheme(scope: dict, headers: dict[bytes, bytes]) -> str:
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        if headers.get(header, b"").decode("latin-1").split(",")[0].strip() == secure_value:
            return "https"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def origin_is_allowed(scope: dict) -> bool:
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    origin_key = _origin_key(parts.scheme, parts.netloc)
    if origin_key is None:
        return False
    trusted = {_origin_key(urlsplit(url).scheme, urlsplit(url).netloc) for url in settings.CSRF_TRUSTED_ORIGINS}
    if origin_key in trusted:
        return True
    site_key = _origin_key(_site_scheme(scope, headers), host)
    return site_key is not None and validate_host(site_key[1], settings.ALLOWED_HOSTS) and origin_key == site_key


class SameOriginValidator:
    """ASGI middleware: refuse (close before accepting) a WebSocket from any other origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_is_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
