"""One guarded HTTP GET for the interactive commands (`sites probe`, `extract URL`).

Crawls go through Scrapy; this is for a person asking about one page: http(s) only,
the crawler's User-Agent, a size cap, and:

- every hop (the first URL and each redirect) is checked before it is requested:
  the host is resolved once, a private address is refused unless allowed, and the
  connection goes to that very address (no second lookup to rebind). The allowance
  (``allow_private``, the commands' ``--allow-private``) covers the asked URL's own
  host only, never a host it redirects to;
- ``timeout`` bounds the whole download, redirects included, not each read.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from crawlers.netguard import is_private_ip, resolve
from crawlers.settings import DOWNLOAD_MAXSIZE, REDIRECT_MAX_TIMES, USER_AGENT

REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(RuntimeError):
    """A page could not be fetched; the message names the URL and the cause."""


@dataclass
class Fetched:
    """The bytes of a page, the URL after redirects, and the declared charset."""

    url: str
    body: bytes
    encoding: str | None
    status: int


class _Deadline:
    def __init__(self, url: str, seconds: float) -> None:
        self.url, self.seconds = url, seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(f"{self.url}: timed out after {self.seconds:g} s")
        return left


def _connect(url: str, deadline: _Deadline, allow_private: bool) -> http.client.HTTPConnection:
    """A connection to the address the host resolves to, refused if private."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: invalid port") from None
    try:
        addrs = resolve(host, port)
    except OSError as e:
        raise FetchError(f"{url}: cannot resolve {host}: {e}") from None
    if not addrs:
        raise FetchError(f"{url}: cannot resolve {host}")
    private = [a for a in addrs if is_private_ip(a)]
    if private and not allow_private:
        raise FetchError(
            f"{url}: {host} ({private[0]}) is in a loopback or private network"
            + ("" if allow_private else " (use --allow-private)")
        )
    addr = addrs[0]
    try:
        sock = socket.create_connection((addr, port), timeout=deadline.left())
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {deadline.seconds:g} s") from None
    except OSError as e:
        raise FetchError(f"{url}: cannot connect to {host} ({addr}): {e.strerror or e}") from None
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        ctx = ssl.create_default_context()
        try:
            sock = ctx.wrap_socket(sock, server_hostname=host)
        except (OSError, ssl.SSLError) as e:
            sock.close()
            raise FetchError(f"{url}: TLS failed: {e}") from None
        conn = http.client.HTTPSConnection(host, port, context=ctx)
    else:
        conn = http.client.HTTPConnection(host, port)
    conn.sock = sock  # already connected to the checked address
    return conn


def _get(
    url: str, deadline: _Deadline, allow_private: bool, max_bytes: int
) -> tuple[int, Message, bytes]:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn = _connect(url, deadline, allow_private)
    try:
        sock = conn.sock  # http.client drops conn.sock once a response will close it
        assert sock is not None
        sock.settimeout(deadline.left())
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
        resp = conn.getresponse()
        if resp.status in REDIRECTS:
            return resp.status, resp.headers, b""
        chunks, size = [], 0
        while True:
            sock.settimeout(deadline.left())
            chunk = resp.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: page larger than {max_bytes} bytes")
            chunks.append(chunk)
        return resp.status, resp.headers, b"".join(chunks)
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {deadline.seconds:g} s") from None
    except (OSError, http.client.HTTPException) as e:
        raise FetchError(f"{url}: {type(e).__name__}: {e}") from None
    finally:
        conn.close()


def fetch(
    url: str, *, allow_private: bool = False, timeout: float = 20, max_bytes: int = DOWNLOAD_MAXSIZE
) -> Fetched:
    """GET one page, following redirects; FetchError with URL and cause on any failure."""
    deadline = _Deadline(url, timeout)
    seen: list[str] = []
    current = url
    while True:
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            where = "" if current == url else f" (redirected to {current})"
            raise FetchError(f"{url}: only http(s) URLs can be fetched{where}")
        seen.append(current)
        own_host = parts.hostname == urlsplit(url).hostname
        try:
            status, headers, body = _get(current, deadline, allow_private and own_host, max_bytes)
        except FetchError as e:
            if current == url:
                raise
            hint = " (--allow-private covers the URL's own host only)" if allow_private else ""
            reason = str(e).replace(" (use --allow-private)", "")
            raise FetchError(f"{url}: redirected to {reason}{hint}") from None
        if status in REDIRECTS:
            location = headers.get("Location")
            if not location:
                raise FetchError(f"{url}: HTTP {status} without a Location")
            target = urljoin(current, location)
            if target in seen:
                raise FetchError(f"{url}: redirect loop at {target}")
            if len(seen) > REDIRECT_MAX_TIMES:
                raise FetchError(f"{url}: more than {REDIRECT_MAX_TIMES} redirects")
            current = target
            continue
        if status >= 400:
            raise FetchError(f"{url}: HTTP {status}")
        return Fetched(current, body, headers.get_content_charset(), status)
