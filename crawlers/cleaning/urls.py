"""Making the URLs found in article HTML absolute, safe and percent-encoded."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from domain.links import repair_amp

__all__ = ["absolutize"]

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_URL_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
_INVISIBLE_IN_URL = re.compile("[\t\n\r\x00]")


def absolutize(url: str, base_url: str) -> str:
    """Resolve ``url`` against ``base_url`` into an absolute, percent-encoded URL.

    Repairs ``&amp;`` damage, encodes spaces and Vietnamese characters, keeps
    ``;jsessionid=``. Returns '' for javascript:/data:/vbscript:/file: and other
    schemes than http(s), mailto, ftp, tel, and for what cannot be made absolute.
    """
    u = _INVISIBLE_IN_URL.sub("", url).strip()
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
    return out
