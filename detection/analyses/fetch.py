"""Fetching an image from a URL a user typed, without letting them reach inside our network.

The rules (issue 4): http and https only; every address the host name resolves to, at every
redirect hop, must be public (no loopback, private, link-local such as the cloud metadata
service, multicast, reserved, or their IPv6 equivalents) unless the host is in
``settings.ANALYSIS_URL_ALLOWED_HOSTS``; connect and read timeouts plus an overall deadline; a
size cap enforced while streaming. Whether the body is an image is decided by decoding it, later,
never by its Content-Type.

DNS rebinding: we resolve the name once, vet the addresses, and then connect to the vetted
address itself (``PinnedAddressAdapter``), sending the original name in the Host header and, for
https, as the TLS server name and the name the certificate must match. So a second, different DNS
answer between the check and the connection is never used. Redirects are followed by hand, one
hop at a time, each vetted and pinned the same way. Proxies from the environment are ignored,
because a proxy would make its own DNS lookup.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
# A server may drip bytes slowly enough never to trip the read timeout; this bounds the whole fetch.
TOTAL_DEADLINE_S = 30.0
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
USER_AGENT = "StressDetector/1.0 (+image analysis)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The URL cannot give us an image; the message says why, in words a user understands."""


class TransientFetchError(FetchError):
    """A failure that may go away if we try again later (timeouts, refused connections, 5xx)."""


@dataclass(frozen=True)
class FetchedImage:
    content: bytes
    final_url: str
    content_type: str


def is_public_address(address: IPAddress) -> bool:
    """True for addresses anyone on the internet could reach; False for everything internal."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 and friends reach the IPv4 address they embed.
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public_address(embedded):
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_url_syntax(url: str) -> None:
    """Refuse what we can tell from the URL alone (used by the form, before anything is queued)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http:// and https:// addresses can be analysed.")
    if not parts.hostname:
        raise FetchError("The address has no host name.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not accepted.")
    try:
        parts.port  # noqa: B018 -- parsing the port raises ValueError when it is out of range.
    except ValueError:
        raise FetchError("The address has an invalid port.") from None
    if _host_is_allowed(parts.hostname):
        return
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return  # A name: resolved and checked when the image is fetched.
    if not is_public_address(literal):
        raise FetchError("That address is on a private or local network; only public addresses can be fetched.")


def _host_is_allowed(hostname: str) -> bool:
    allowed = {host.strip().lower().strip("[]") for host in settings.ANALYSIS_URL_ALLOWED_HOSTS}
    return hostname.lower().strip("[]") in allowed


def _getaddrinfo(hostname: str, port: int) -> list[tuple]:
    return socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)


def resolve_public_address(hostname: str, port: int) -> str:
    """The address to connect to for ``hostname``, once every address it resolves to is vetted."""
    try:
        infos = _getaddrinfo(hostname, port)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The host name {hostname!r} could not be found.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FetchError(f"The host name {hostname!r} could not be found.")
    if not _host_is_allowed(hostname) and not all(is_public_address(address) for address in addresses):
        # All, not any: otherwise a name with one public and one private address would let the
        # connection land on the private one.
        raise FetchError("That address is on a private or local network; only public addresses can be fetched.")
    return str(addresses[0])


class Deadline:
    """One wall-clock limit for a whole fetch. Timeouts bound each socket operation, but a
    server that sends one byte at a time never trips them; so when the time is up, a timer
    shuts down every socket the fetch opened, which ends whatever read is blocked on it."""

    _current = threading.local()

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    @contextlib.contextmanager
    def enforced(self) -> Iterator[Deadline]:
        timer = threading.Timer(max(0.0, self.remaining()), self._expire)
        timer.daemon = True
        Deadline._current.value = self
        timer.start()
        try:
            yield self
        finally:
            timer.cancel()
            Deadline._current.value = None

    @classmethod
    def watch(cls, sock: socket.socket | None) -> None:
        """Put a socket the current thread's fetch opened under its deadline."""
        deadline = getattr(cls._current, "value", None)
        if deadline is None or sock is None:
            return
        with deadline._lock:
            deadline._sockets.append(sock)
            expired = deadline.expired
        if expired:
            _shut_down(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _DeadlineHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        Deadline.watch(sock)
        return sock


class _DeadlineHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        Deadline.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        Deadline.watch(self.sock)  # The TLS socket replaces the plain one it wraps.


class _DeadlineHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to one vetted IP address while the request keeps its host name (Host header,
    TLS server name and certificate check), with every socket under the fetch's deadline."""

    def __init__(self, address: str, hostname: str):
        self.address = address
        self.hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _DeadlineHTTPConnectionPool, "https": _DeadlineHTTPSConnectionPool}

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.hostname
            pool_kwargs["assert_hostname"] = self.hostname
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def fetch_image(url: str, *, max_bytes: int) -> FetchedImage:
    """Download ``url`` (following up to MAX_REDIRECTS vetted redirects) and return its body,
    all within TOTAL_DEADLINE_S however slowly the server answers.

    Raises :class:`FetchError` with a user-readable message, or :class:`TransientFetchError` for
    failures worth retrying.
    """
    deadline = Deadline(TOTAL_DEADLINE_S)
    with deadline.enforced():
        try:
            fetched = _fetch(url, max_bytes=max_bytes, deadline=deadline.at)
        except FetchError:
            if deadline.expired:
                raise _too_slow() from None
            raise
        if deadline.expired:  # The body may just have ended early when its socket was shut down.
            raise _too_slow()
        return fetched


def _too_slow() -> TransientFetchError:
    return TransientFetchError("The address took too long to send the image.")


def _fetch(url: str, *, max_bytes: int, deadline: float) -> FetchedImage:
    seen: set[str] = set()
    for _ in range(MAX_REDIRECTS + 1):
        if url in seen:
            raise FetchError("The address redirects in a loop.")
        seen.add(url)
        session, response = _get_one_hop(url, deadline=deadline)
        with session, response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                url = urljoin(url, location)
                continue
            _check_status(response)
            content = _read_capped(response, max_bytes=max_bytes, deadline=deadline)
            return FetchedImage(content=content, final_url=url, content_type=response.headers.get("Content-Type", ""))
    raise FetchError(f"The address redirects more than {MAX_REDIRECTS} times.")


def _get_one_hop(url: str, *, deadline: float) -> tuple[requests.Session, requests.Response]:
    check_url_syntax(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve_public_address(parts.hostname, port)
    session = requests.Session()
    session.trust_env = False  # No proxies or .netrc from the environment.
    session.mount(f"{parts.scheme}://", PinnedAddressAdapter(address, parts.hostname))
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if ":" in parts.hostname:
        host_header = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    timeout = (CONNECT_TIMEOUT_S, min(READ_TIMEOUT_S, max(0.1, deadline - time.monotonic())))
    try:
        response = session.get(
            url,
            headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "image/*"},
            allow_redirects=False,
            stream=True,
            timeout=timeout,
        )
    except requests.exceptions.RequestException as error:
        session.close()
        raise _fetch_error(error) from None
    return session, response


def _fetch_error(error: requests.exceptions.RequestException) -> FetchError:
    if isinstance(error, requests.exceptions.SSLError):
        return FetchError("The address's secure connection (TLS certificate) could not be verified.")
    if isinstance(error, requests.exceptions.Timeout):
        return TransientFetchError("The address took too long to answer.")
    if isinstance(error, requests.exceptions.ConnectionError):
        return TransientFetchError("The address could not be reached.")
    return FetchError(f"The address could not be fetched ({error.__class__.__name__}).")


def _check_status(response: requests.Response) -> None:
    if response.status_code == 200:
        return
    reason = f"{response.status_code} {response.reason or ''}".strip()
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientFetchError(f"The address answered {reason}; try again later.")
    raise FetchError(f"The address answered {reason} instead of an image.")


def _read_capped(response: requests.Response, *, max_bytes: int, deadline: float) -> bytes:
    too_large = FetchError(f"The image is larger than {filesizeformat(max_bytes)}.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise _too_slow()
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        # Timeouts while reading the body surface as ConnectionError from urllib3.
        raise TransientFetchError("The address stopped sending the image before it was complete.") from None
    return b"".join(chunks)
