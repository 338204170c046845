"""Fetch an article from a URL without letting the URL reach into the machine's own network.

claimscope fetches URLs that users (and feeds, and web API callers) hand it, so a URL is untrusted
input: ``http://169.254.169.254/`` would read cloud credentials, ``http://localhost:8080/admin``
a local service. Every address is therefore checked before connecting, unless the user opts in with
``--allow-private``:

* early, on the URL itself: only ``http``/``https``, no ``localhost``, no literal non-public IP;
* at connect time, in a custom httpcore network backend: the host name is resolved once, *every*
  address it resolves to is checked, and the socket is opened to the checked IP literal. Checking a
  pre-resolved address and then letting the HTTP library resolve again would be open to DNS
  rebinding (a name that answers "public" to the check and "127.0.0.1" to the connect);
* on every redirect hop, which is followed here by hand for exactly that reason.

Environment proxies are ignored (``trust_env=False``): a proxy would make the connection, so the
address check would check the proxy instead of the target. Sizes and time are bounded too: the body
is streamed and cut off at ``max_bytes`` (after decompression), and one deadline covers the whole
fetch, redirects included, so a server that drips one byte a second cannot hold a worker forever.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import httpcore
import httpx

from claimscope._version import __version__
from claimscope.errors import FetchError, InputError
from claimscope.ingest.normalize import DEFAULT_MAX_BYTES, decode
from claimscope.model import Article

HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
TEXT_TYPES: tuple[str, ...] = ("text/plain",)
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",  # RSS 1.0
    "application/xml",
    "text/xml",
    "application/feed+json",  # JSON Feed
)
ALL_TYPES: tuple[str, ...] = HTML_TYPES + TEXT_TYPES + FEED_TYPES

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck: TypeAlias = Callable[[IPAddress], bool]
"""Says whether connecting to an address is allowed."""
Resolver: TypeAlias = Callable[[str, int], list[str]]
"""Resolves ``(host, port)`` to IP address strings, in the order to try them."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ALLOW_PRIVATE_HINT = "use --allow-private to fetch from private, loopback and link-local addresses"
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)


@dataclass(frozen=True)
class FetchOptions:
    """How a URL may be fetched. The defaults are safe for untrusted URLs."""

    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 20.0  # total seconds for the whole fetch, redirects included
    connect_timeout: float = 5.0
    max_redirects: int = 5
    user_agent: str = f"claimscope/{__version__} (+offline news analysis)"


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what the server said about it."""

    url: str  # final URL after redirects
    status: int
    content_type: str  # media type, lower-case, no parameters
    charset: str | None
    data: bytes


_DEFAULT_OPTIONS = FetchOptions()


class AddressRefused(FetchError):
    """The URL's host is, or resolves to, an address the policy does not allow."""


# --------------------------------------------------------------------------------------------------
# The address policy


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any.

    These forms reach an IPv4 host, so they must be judged by that host: ``::ffff:127.0.0.1`` and
    ``2002:7f00:1::`` are loopback in disguise, and Python's ``is_global`` does not see through
    all of them.
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True when ``ip`` is a public unicast address: the only kind fetched by default.

    ``is_global`` is the main test (it excludes private, loopback, link-local, CGNAT, documentation
    and other special-purpose ranges); the explicit flags cover what it lets through (multicast,
    for one), and addresses with an embedded IPv4 address are judged by that address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            # A mapped or NAT64 address *is* its IPv4 address; the IPv6 prefix is no evidence.
            if ip.ipv4_mapped is not None or ip in _NAT64:
                return is_public_address(embedded)
            if not is_public_address(embedded):
                return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def describe_address(ip: IPAddress) -> str:
    """What kind of non-public address ``ip`` is, in words for an error message."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(embedded):
            return describe_address(embedded)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "shared (carrier-grade NAT)"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    return "non-public"


def _refusal(host: str, ip: IPAddress) -> str:
    named = "" if host.strip("[]") == str(ip) else f" ({host})"
    kind = describe_address(ip)
    return f"refusing to connect to {ip}{named}, a {kind} address; {_ALLOW_PRIVATE_HINT}"


def _allow_any(ip: IPAddress) -> bool:
    return True


def resolve_host(host: str, port: int) -> list[str]:
    """Resolve a host name with the system resolver: every IPv4/IPv6 address, in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        reason = e.strerror if isinstance(e, socket.gaierror) and e.strerror else str(e)
        raise httpcore.ConnectError(f"could not resolve {host}: {reason}") from e
    out: list[str] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and str(sockaddr[0]) not in out:
            out.append(str(sockaddr[0]))
    return out


# --------------------------------------------------------------------------------------------------
# The network backend: resolve, check, connect to the checked address, under one deadline


def _time_left(deadline: float | None, timeout: float | None, exc: type[Exception]) -> float | None:
    """``timeout`` shortened so that it ends by ``deadline``; ``exc`` if the deadline has passed."""
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise exc("the deadline for the whole fetch has passed")
    return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read, write and TLS handshake ends by a fixed deadline.

    httpx's read timeout applies to each read separately, so a server that sends a byte just
    before each timeout would never time out; bounding each operation by the time left does.
    """

    def __init__(self, stream: httpcore.NetworkStream, deadline: float | None) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = _time_left(self._deadline, timeout, httpcore.ReadTimeout)
        return self._stream.read(max_bytes, left)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host name (httpcore passes it), not the IP connected to,
        # so SNI and certificate verification work as usual.
        left = _time_left(self._deadline, timeout, httpcore.ConnectTimeout)
        tls = self._stream.start_tls(ssl_context, server_hostname, left)
        return DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """An httpcore backend that connects only to addresses ``is_allowed`` accepts.

    The host is resolved here, once, with ``resolver``; if any of its addresses is refused the
    connection is refused (a name that mixes public and private addresses is not trusted), and
    otherwise the socket is opened to the checked IP literal, so no second resolution can
    substitute another address. Both callables are injectable so that the policy can be tested
    without touching real public addresses, and so that a caller can use an allow list.
    """

    def __init__(
        self,
        *,
        is_allowed: AddressCheck = is_public_address,
        resolver: Resolver = resolve_host,
        deadline: float | None = None,
    ) -> None:
        self.is_allowed = is_allowed
        self.resolver = resolver
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        _time_left(self.deadline, timeout, httpcore.ConnectTimeout)
        candidates = self.resolver(host, port)
        if not candidates:
            raise httpcore.ConnectError(f"could not resolve {host}: no addresses")
        for addr in candidates:
            ip = ipaddress.ip_address(addr)
            if not self.is_allowed(ip):
                raise AddressRefused(_refusal(host, ip))
        last: Exception | None = None
        for addr in candidates:
            try:
                # An IP literal: socket.create_connection does not consult DNS for it.
                stream = super().connect_tcp(
                    addr,
                    port,
                    _time_left(self.deadline, timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
                continue
            return DeadlineStream(stream, self.deadline)
        if isinstance(last, httpcore.ConnectTimeout):
            raise last
        tried = ", ".join(candidates)
        raise httpcore.ConnectError(f"could not connect to {host} ({tried}): {last}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are not fetched")


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose connection pool uses a :class:`GuardedBackend`.

    It builds the pool the way ``HTTPTransport`` does for the no-proxy case, with the backend
    plugged in. ``HTTPTransport.__init__`` is deliberately not called: it would build a second pool
    (and SSL context) with the default, unchecked backend, and it is also where a proxy would be
    configured, which must not happen here.
    """

    def __init__(
        self,
        backend: httpcore.NetworkBackend,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=10, max_keepalive_connections=5)
        # trust_env only lets SSL_CERT_FILE / SSL_CERT_DIR choose the CA bundle; it has no
        # bearing on which addresses are reached.
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=True)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )


# --------------------------------------------------------------------------------------------------
# fetch


def _parse(url: str | httpx.URL, where: str) -> httpx.URL:
    """Parse a URL and refuse any scheme but http and https, before anything else happens."""
    try:
        u = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as e:
        raise FetchError(f"{where}: not a valid URL: {e}") from None
    if not u.scheme:
        raise FetchError(f"{where}: not a URL (no scheme); give a full http:// or https:// URL")
    if u.scheme not in ("http", "https"):
        raise FetchError(f"{where}: only http and https URLs can be fetched, not {u.scheme}:")
    if not u.host:
        raise FetchError(f"{where}: the URL has no host")
    return u


def _check_host(u: httpx.URL, where: str, allow_private: bool, is_allowed: AddressCheck) -> None:
    """Refuse ``localhost`` and literal non-public IPs before connecting, with a clear message.

    The connect-time check in :class:`GuardedBackend` would refuse them too; this one says so
    without any network traffic, and catches names that may resolve differently per machine.
    """
    host = u.host.rstrip(".").lower()
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise FetchError(
            f"{where}: refusing to fetch {u.host}, a loopback address; {_ALLOW_PRIVATE_HINT}"
        )
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return
    if not is_allowed(ip):
        raise FetchError(f"{where}: {_refusal(host, ip)}")


def _content_type(header: str | None) -> tuple[str, str | None]:
    """The media type (lower-case, no parameters) and the charset parameter of a Content-Type."""
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def fetch(
    url: str,
    options: FetchOptions = _DEFAULT_OPTIONS,
    *,
    accept: tuple[str, ...] = ALL_TYPES,
    is_allowed: AddressCheck = is_public_address,
    resolver: Resolver = resolve_host,
) -> Fetched:
    """Fetch ``url`` under ``options``: checked addresses, bounded size and time, typed content.

    ``accept`` lists the media types the caller can read; anything else is refused before the body
    is read. ``is_allowed`` and ``resolver`` replace the address policy and the resolver (tests use
    them to make a loopback server count as public); ``options.allow_private`` overrides
    ``is_allowed``. Every failure is a :class:`FetchError` with a one-line message.
    """
    deadline = time.monotonic() + options.timeout
    allowed = _allow_any if options.allow_private else is_allowed
    backend = GuardedBackend(is_allowed=allowed, resolver=resolver, deadline=deadline)
    headers = {
        "User-Agent": options.user_agent,
        "Accept": ", ".join([*accept, "*/*;q=0.1"]),
        # Only encodings httpx always decodes; the size limit applies to the decoded body.
        "Accept-Encoding": "gzip, deflate",
    }
    current = _parse(url, url)
    where = url
    redirects = 0
    with httpx.Client(
        transport=GuardedTransport(backend),
        trust_env=False,
        follow_redirects=False,
        headers=headers,
    ) as client:
        while True:
            _check_host(current, where, options.allow_private, allowed)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{where}: timed out after {options.timeout:g}s")
            timeout = httpx.Timeout(remaining, connect=min(options.connect_timeout, remaining))
            try:
                with client.stream("GET", current, timeout=timeout) as resp:
                    location = resp.headers.get("location")
                    if resp.status_code in _REDIRECTS and location:
                        redirects += 1
                        if redirects > options.max_redirects:
                            raise FetchError(
                                f"{url}: too many redirects (more than {options.max_redirects})"
                            )
                        try:
                            target = resp.url.join(location)
                        except httpx.InvalidURL as e:
                            raise FetchError(
                                f"{where}: redirected to an invalid URL: {e}"
                            ) from None
                        where = f"{url} (redirected to {target})"
                        current = _parse(target, where)
                        continue
                    return _read_body(resp, where, options, accept, deadline)
            except AddressRefused as e:
                raise FetchError(f"{where}: {e}") from None
            except httpx.TimeoutException:
                raise FetchError(f"{where}: timed out after {options.timeout:g}s") from None
            except httpx.ConnectError as e:
                raise FetchError(f"{where}: could not connect: {e}") from None
            except httpx.HTTPError as e:
                raise FetchError(f"{where}: {type(e).__name__}: {e}") from None


def _read_body(
    resp: httpx.Response,
    where: str,
    options: FetchOptions,
    accept: tuple[str, ...],
    deadline: float,
) -> Fetched:
    """Check status, type and declared size, then stream the body, stopping at the limits."""
    status = resp.status_code
    if not 200 <= status < 300:
        answer = f"HTTP {status} {resp.reason_phrase}".rstrip()
        raise FetchError(f"{where}: the server answered {answer}")
    media, charset = _content_type(resp.headers.get("content-type"))
    if media not in accept:
        got = f"content type {media}" if media else "no content type"
        raise FetchError(f"{where}: the server sent {got}; expected one of {', '.join(accept)}")
    limit = options.max_bytes
    hint = "(raise it with --max-bytes)"
    length = resp.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit:
        raise FetchError(
            f"{where}: {int(length):,} bytes is over the size limit of {limit:,} bytes {hint}"
        )
    body = bytearray()
    for chunk in resp.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise FetchError(
                f"{where}: the response is over the size limit of {limit:,} bytes {hint}"
            )
        if time.monotonic() > deadline:
            raise FetchError(f"{where}: timed out after {options.timeout:g}s")
    return Fetched(
        url=str(resp.url),
        status=status,
        content_type=media,
        charset=charset,
        data=bytes(body),
    )


def read_url(url: str, options: FetchOptions = _DEFAULT_OPTIONS, **meta: Any) -> Article:
    """Fetch an article page and read it with the reader its content type calls for.

    ``meta`` (``outlet``, ``published``, ``id``...) goes to the reader. A feed is refused with an
    :class:`InputError`: it holds many articles, and the feed reader handles it.
    """
    fetched = fetch(url, options)
    if fetched.content_type in HTML_TYPES:
        from claimscope.ingest.html import read_html

        html: str | bytes = fetched.data
        notes: list[str] = []
        if fetched.charset:
            # The HTTP header's charset overrides a <meta> declaration (as in browsers).
            html, notes = decode(fetched.data, declared=fetched.charset, what=url)
        meta.setdefault("max_bytes", options.max_bytes)
        article = read_html(html, url=fetched.url, source=url, **meta)
        article.ingest_notes.extend(notes)
        return article
    if fetched.content_type in TEXT_TYPES:
        from claimscope.ingest.text import read_text

        text, notes = decode(fetched.data, declared=fetched.charset, what=url)
        return read_text(text, url=fetched.url, source=url, reader="url", notes=notes, **meta)
    if fetched.content_type in FEED_TYPES:
        raise InputError(
            f"{url} is a feed ({fetched.content_type}), not an article page: "
            "read it as a feed (--input-format feed)"
        )
    raise InputError(f"{url}: cannot read content type {fetched.content_type}")
