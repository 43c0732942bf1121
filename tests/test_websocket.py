"""WebSockets open only from the site's own pages: same scheme, host and port, or a trusted origin."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from stressdetector.asgi import application
from stressdetector.websocket import origin_is_allowed


def scope(origin: str, host: str = "127.0.0.1:8000", scheme: str = "ws", **headers: str) -> dict:
    pairs = [(b"origin", origin.encode()), (b"host", host.encode())]
    pairs += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": pairs}


@pytest.fixture(autouse=True)
def hosts(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "stress.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org"]


def test_the_sites_own_origin_is_allowed():
    assert origin_is_allowed(scope("http://127.0.0.1:8000"))
    assert origin_is_allowed(scope("https://stress.example.com", host="stress.example.com", scheme="wss"))
    assert origin_is_allowed(scope("https://stress.example.com:443", host="stress.example.com", scheme="wss"))


@pytest.mark.parametrize(
    "origin",
    ["https://127.0.0.1:9999", "https://127.0.0.1:8000", "http://127.0.0.1:9999", "http://127.0.0.1", "http://evil.example:8000", "null"],
)
def test_an_origin_with_another_scheme_host_or_port_is_refused(origin):
    assert not origin_is_allowed(scope(origin))


def test_a_host_outside_allowed_hosts_is_refused_even_when_the_origin_matches_it():
    assert not origin_is_allowed(scope("http://evil.example:8000", host="evil.example:8000"))


def test_a_trusted_origin_is_allowed():
    assert origin_is_allowed(scope("https://app.example.org", host="stress.example.com", scheme="wss"))
    assert not origin_is_allowed(scope("http://app.example.org", host="stress.example.com", scheme="wss"))


def test_behind_a_tls_proxy_the_forwarded_scheme_counts_when_trusted(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_is_allowed(scope("https://stress.example.com", host="stress.example.com", x_forwarded_proto="https"))
    assert not origin_is_allowed(scope("http://stress.example.com", host="stress.example.com", x_forwarded_proto="https"))


@pytest.mark.django_db
@pytest.mark.parametrize(("origin", "accepted"), [(b"http://127.0.0.1:8000", True), (b"https://127.0.0.1:9999", False)])
def test_the_application_refuses_a_websocket_from_another_port_and_scheme(origin, accepted):
    async def connect():
        headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, code = await communicator.connect()
        if connected:
            code = (await communicator.receive_output())["code"]
        await communicator.disconnect()
        return connected, code

    connected, code = async_to_sync(connect)()
    # The site's own origin gets through the check to the consumer, which accepts an anonymous
    # socket and closes it with 4401; another origin is refused before being accepted.
    assert (code == 4401) is accepted
    assert connected is accepted
