"""Fetching image URLs: only public addresses, every hop vetted, pinned, bounded in time and size."""

import ipaddress
import socket
import time

import pytest

from detection.analyses import fetch
from detection.analyses.fetch import FetchError, TransientFetchError, check_url_syntax, fetch_image, is_public_address

MAX = 10 * 1024 * 1024


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "64:ff9b::a00:1",
    ],
)  # fmt: skip
def test_it_refuses_internal_addresses(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_it_accepts_public_addresses(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.jpg", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("http://user:secret@example.com/a.jpg", "user name or password"),
        ("http://127.0.0.1/a.jpg", "private or local network"),
        ("http://[::1]/a.jpg", "private or local network"),
        ("http://169.254.169.254/latest/meta-data/", "private or local network"),
    ],
)
def test_it_refuses_bad_urls_before_fetching(url, message):
    with pytest.raises(FetchError, match=message):
        check_url_syntax(url)


def test_it_refuses_a_name_that_resolves_to_a_private_address(settings):
    settings.ANALYSIS_URL_ALLOWED_HOSTS = []

    with pytest.raises(FetchError, match="private or local network"):
        fetch_image("http://localhost/a.jpg", max_bytes=MAX)


def test_it_refuses_a_name_when_any_of_its_addresses_is_private(monkeypatch):
    def getaddrinfo(host, port):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(fetch, "_getaddrinfo", getaddrinfo)

    with pytest.raises(FetchError, match="private or local network"):
        fetch_image("http://images.example.com/a.jpg", max_bytes=MAX)


def test_it_fetches_from_an_allow_listed_host(image_server, astronaut_jpeg):
    fetched = fetch_image(image_server.url("/astronaut.jpg"), max_bytes=MAX)

    assert fetched.content == astronaut_jpeg
    assert fetched.content_type == "image/jpeg"


def test_it_connects_to_the_vetted_address_and_sends_the_original_host_name(image_server, monkeypatch, settings):
    """The name is resolved once; the connection goes to that address (no second lookup that a
    rebinding DNS server could answer differently; images.test has no real DNS record) and the
    Host header keeps the name."""
    settings.ANALYSIS_URL_ALLOWED_HOSTS = ["images.test"]
    lookups = []

    def getaddrinfo(host, port):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch, "_getaddrinfo", getaddrinfo)

    fetched = fetch_image(image_server.url("/astronaut.jpg", host="images.test"), max_bytes=MAX)

    assert fetched.content
    assert lookups == ["images.test"]
    assert image_server.requests[-1]["host"] == f"images.test:{image_server.port}"


def test_it_follows_a_redirect(image_server, astronaut_jpeg):
    fetched = fetch_image(image_server.url("/redirect"), max_bytes=MAX)

    assert fetched.content == astronaut_jpeg
    assert fetched.final_url == image_server.url("/astronaut.jpg")


@pytest.mark.parametrize("path", ["/to-localhost", "/to-metadata"])
def test_it_vets_every_redirect_hop(image_server, path):
    with pytest.raises(FetchError, match="private or local network"):
        fetch_image(image_server.url(path), max_bytes=MAX)

    assert [request["path"] for request in image_server.requests] == [path]


def test_it_stops_a_redirect_loop(image_server):
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch_image(image_server.url("/loop-a"), max_bytes=MAX)


def test_it_reports_a_404(image_server):
    with pytest.raises(FetchError, match="404") as error:
        fetch_image(image_server.url("/missing.jpg"), max_bytes=MAX)

    assert not isinstance(error.value, TransientFetchError)


def test_a_server_error_is_transient(image_server):
    with pytest.raises(TransientFetchError, match="503"):
        fetch_image(image_server.url("/broken"), max_bytes=MAX)


def test_it_times_out(image_server, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.2)

    with pytest.raises(TransientFetchError, match="too long"):
        fetch_image(image_server.url("/slow"), max_bytes=MAX)


def test_it_stops_reading_past_the_size_cap(image_server):
    with pytest.raises(FetchError, match="larger than 1.0.MB"):
        fetch_image(image_server.url("/endless"), max_bytes=1024 * 1024)


def test_it_refuses_a_declared_length_over_the_cap_without_reading(image_server):
    with pytest.raises(FetchError, match="larger than"):
        fetch_image(image_server.url("/astronaut.jpg"), max_bytes=1000)


def test_a_refused_connection_is_transient(settings):
    settings.ANALYSIS_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(TransientFetchError, match="could not be reached"):
        fetch_image(f"http://127.0.0.1:{port}/a.jpg", max_bytes=MAX)


def trickle(sent: list[int], *, total: int, headers_first: bool = True):
    """A route that sends ``total`` body bytes (or, without ``headers_first``, header bytes)
    one every 50 ms, counting what it managed to send before the client hung up."""

    def answer(handler) -> None:
        try:
            if headers_first:
                handler.send_response(200)
                handler.send_header("Content-Type", "image/jpeg")
                handler.send_header("Content-Length", str(total))
                handler.end_headers()
                handler.wfile.flush()
            else:
                handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(total):
                handler.wfile.write(b"a")
                handler.wfile.flush()
                sent[0] += 1
                time.sleep(0.05)
        except OSError:
            pass

    return answer


@pytest.mark.parametrize("headers_first", [True, False], ids=["slow body", "slow headers"])
def test_the_whole_transfer_has_one_deadline_however_slowly_bytes_arrive(image_server, monkeypatch, headers_first):
    """Each byte comes well within the read timeout, so only the overall deadline can stop it:
    the client must hang up long before the server has sent everything."""
    monkeypatch.setattr(fetch, "TOTAL_DEADLINE_S", 1.0)
    sent, total = [0], 400
    image_server.routes["/trickle"] = trickle(sent, total=total, headers_first=headers_first)

    with pytest.raises(TransientFetchError, match="took too long"):
        fetch_image(image_server.url("/trickle"), max_bytes=MAX)

    deadline = time.monotonic() + 10
    while sent[0] < total and time.monotonic() < deadline and not image_server_stopped(sent):
        time.sleep(0.1)
    assert sent[0] < total / 2


def image_server_stopped(sent: list[int]) -> bool:
    before = sent[0]
    time.sleep(0.3)
    return sent[0] == before
