"""Feed settings: public base URL, item limit, WebSub hub, site title, caching.

Every field can come from the environment (``VNFEEDS_BASE_URL``, ``VNFEEDS_FEED_LIMIT``,
``VNFEEDS_WEBSUB_HUB``, ``VNFEEDS_SITE_TITLE``, ``VNFEEDS_CACHE_MAX_AGE``); explicit
arguments win over the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from domain.environment import env_int

#: Vietnam's offset (Asia/Ho_Chi_Minh has had no DST since 1975): every printed date uses it.

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class FeedConfig:
    """What every feed, page and export shares."""

    base_url: str = DEFAULT_BASE_URL
    limit: int = 50
    max_limit: int = 200
    hub: str | None = None
    site_title: str = "vnfeeds — tin các sở, ngành"
    site_description: str = "Tin tức từ trang thông tin điện tử của các sở, ban, ngành cấp tỉnh."
    language: str = "vi"
    cache_max_age: int = 300
    version_ttl: float = 1.0
    cache_entries: int = 4096
    cache_bytes: int = 256 * 1024 * 1024
    filter_scan: int = 5000
    max_terms: int = 20
    max_term_length: int = 100
    max_query_length: int = 2048

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if self.limit < 1:
            raise ValueError("limit must be at least 1")

    def url(self, path: str) -> str:
        """The absolute URL of a site path such as ``/units/x.rss``."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def with_(self, **changes: Any) -> FeedConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, **overrides: Any) -> FeedConfig:
        """Defaults, then the environment, then the given non-None overrides."""
        env = os.environ
        values: dict[str, Any] = {}
        if env.get("VNFEEDS_BASE_URL"):
            values["base_url"] = env["VNFEEDS_BASE_URL"]
        if env.get("VNFEEDS_FEED_LIMIT"):
            values["limit"] = env_int("VNFEEDS_FEED_LIMIT", 0, least=1, env=env)
        if env.get("VNFEEDS_WEBSUB_HUB"):
            values["hub"] = env["VNFEEDS_WEBSUB_HUB"]
        if env.get("VNFEEDS_SITE_TITLE"):
            values["site_title"] = env["VNFEEDS_SITE_TITLE"]
        if env.get("VNFEEDS_CACHE_MAX_AGE"):
            values["cache_max_age"] = env_int("VNFEEDS_CACHE_MAX_AGE", 0, least=0, env=env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
