"""Making the URLs found in article HTML absolute, safe and percent-encoded."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from domain.links import repair_amp

__all__ = ["absolutize", "unwrap_archive"]

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_URL_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
_INVISIBLE_IN_URL = re.compile("[\t\n\r\x00]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
# A Wayback Machine address: /web/<14-digit timestamp><flags like im_, js_>/<original>
_ARCHIVED = re.compile(r"^/web/\d{4,14}[a-z]{0,2}_?/+(?P<orig>(?:https?:/+)?.+)$", re.IGNORECASE)
_ARCHIVE_HOSTS = ("web.archive.org", "wayback.archive.org")


def unwrap_archive(url: str, page_url: str) -> str:
    """The original address of a link that a saved copy of the page rewrote into the archive.

    A page saved from the Wayback Machine keeps links as ``/web/<timestamp>/http://host/…``
    (on its own host) or ``web.archive.org/web/<timestamp>/http://host/…``; when ``host``
    is the page's own host, the link becomes ``http://host/…``. Other links stay.
    """
    parts = urlsplit(url)
    m = _ARCHIVED.match(parts.path)
    if not m or not parts.hostname:
        return url
    orig = re.sub(r"^(https?):/+", r"\1://", m.group("orig"), flags=re.IGNORECASE)
    if not re.match(r"https?://", orig, re.IGNORECASE):
        return url
    if parts.query:
        orig += "?" + parts.query
    target = (urlsplit(orig).hostname or "").lower()
    page_host = (urlsplit(page_url).hostname or "").lower()
    host = parts.hostname.lower()
    if target == page_host and host in (page_host, *_ARCHIVE_HOSTS):
        return orig
    return url


def absolutize(url: str, base_url: str) -> str:
    """Resolve ``url`` against ``base_url`` into an absolute, percent-encoded URL.

    Repairs ``&amp;`` damage, encodes spaces and Vietnamese characters, keeps
    ``;jsessionid=``; undoes a saved page's archive rewriting (:func:`unwrap_archive`). Returns '' for javascript:/data:/vbscript:/file: and other
    schemes than http(s), mailto, ftp, tel, and for what cannot be made absolute.
    """
    u = _INVISIBLE_IN_URL.sub("", url).strip(_C0_AND_SPACE)  # as browsers do (WHATWG URL)
    u = repair_amp(u)
    if not u:
        return ""
    probe = re.sub(r"[\x00-\x20]", "", u).lower()
    m = _SCHEME.match(probe)
    if m and m.group(1) not in _URL_SCHEMES:
        return ""
    try:
        if not m or m.group(1) in ("http", "https"):
            u = u.replace("\\", "/")
        base = safe_url_string(_INVISIBLE_IN_URL.sub("", base_url).strip(), encoding="utf-8")
        out = safe_url_string(urljoin(base, u), encoding="utf-8")
        parts = urlsplit(out)
    except (ValueError, UnicodeError):
        return ""
    if parts.scheme not in _URL_SCHEMES:
        return ""
    if parts.scheme in ("http", "https", "ftp") and not parts.hostname:
        return ""
    return unwrap_archive(out, base) if parts.scheme in ("http", "https") else out
