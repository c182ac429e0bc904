"""One guarded HTTP GET for the interactive commands (`sites probe`, `extract URL`).

Crawls go through Scrapy; this is for a person asking about one page: http(s) only,
a timeout, a size cap, the crawler's User-Agent, and no loopback/private hosts
unless allowed.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawlers.middlewares import is_private_host
from crawlers.settings import DOWNLOAD_MAXSIZE, USER_AGENT


class FetchError(RuntimeError):
    """A page could not be fetched; the message names the URL and the cause."""


@dataclass
class Fetched:
    """The bytes of a page, the URL after redirects, and the declared charset."""

    url: str
    body: bytes
    encoding: str | None
    status: int


def fetch(
    url: str, *, allow_private: bool = False, timeout: float = 20, max_bytes: int = DOWNLOAD_MAXSIZE
) -> Fetched:
    """GET one page; FetchError with URL and cause on any failure."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http(s) URLs can be fetched")
    if not allow_private and is_private_host(parts.hostname):
        raise FetchError(
            f"{url}: {parts.hostname} is in a loopback or private network (use --allow-private)"
        )
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            final = resp.geturl()
            host = urlsplit(final).hostname or ""
            if not allow_private and is_private_host(host):
                raise FetchError(f"{url}: redirected into a private network ({final})")
            body = resp.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"{url}: page larger than {max_bytes} bytes")
            return Fetched(final, body, resp.headers.get_content_charset(), resp.status)
    except urllib.error.HTTPError as e:
        raise FetchError(f"{url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise FetchError(f"{url}: {e.reason}") from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except OSError as e:
        raise FetchError(f"{url}: {type(e).__name__}: {e}") from None
