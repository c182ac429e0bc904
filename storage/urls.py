"""Canonical article URLs: one string per article, whatever link variant a site printed.

``canonical_url`` is used for ``Article.canonical_url`` (exact-duplicate detection and
the unique key the crawl pipeline inserts with).  The form is an *identity*, not
necessarily a fetchable address: the scheme is always ``https`` and ``www.`` is dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from domain.links import repair_amp

__all__ = ["TRACKING_PARAMS", "canonical_url", "is_tracking_param"]

#: Exact (lower-cased) query parameter names that never identify content.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "zarsrc",  # Zalo share links
        "gidzl",  # Zalo
        "ref_src",
        "spm",
        "jsessionid",
        "phpsessid",
        "aspsessionid",
        "inheritredirect",  # Liferay back-link plumbing
        "redirect",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_TRACKING_SUFFIXES = ("_redirect",)  # Liferay: _101_redirect, _<portlet>_redirect

_SESSION_IN_PATH = re.compile(r";(?:jsessionid|phpsessid)=[^/?#;]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True when a query parameter name is tracking/session noise."""
    low = name.lower()
    return (
        low in TRACKING_PARAMS
        or low.startswith(_TRACKING_PREFIXES)
        or low.endswith(_TRACKING_SUFFIXES)
    )


def _clean_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k and not is_tracking_param(k)]
    return urlencode(kept, doseq=True)


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """Return the canonical identity form of an article URL.

    Drops fragments, ``;jsessionid=…`` anywhere in the path, tracking parameters
    (utm_*, fbclid, gclid, zarsrc, …), repairs ``&amp;`` damage, drops default ports,
    maps http→https and ``www.host``→``host``, lower-cases the host, sorts query
    parameters and keeps the case of the path.  Non-http(s) strings come back stripped.
    """
    raw = url.strip()
    if not raw:
        return raw
    raw = repair_amp(raw)
    if raw.startswith("//"):
        raw = "https:" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return raw
    host = (parts.hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port is not None and port not in (_DEFAULT_PORTS["http"], _DEFAULT_PORTS["https"]):
        netloc = f"{host}:{port}"
    path = _SESSION_IN_PATH.sub("", parts.path) or "/"
    query = _clean_query(parts.query)
    rebuilt = urlunsplit(("https", netloc, path, query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)
