"""WebSub: advertise the hub, and tell it which feeds changed.

The hub comes from ``FeedConfig.hub`` (env ``VNFEEDS_WEBSUB_HUB``). Feeds carry
``rel="hub"`` links and responses a ``Link`` header; after a change the publisher POSTs
``hub.mode=publish&hub.url=<feed>`` for every changed feed URL (one request per URL,
the form every hub accepts).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import anyio

from domain.registry import Registry
from feeds import queries
from feeds.build import FEED_FORMATS
from feeds.config import FeedConfig
from storage.db import Store

log = logging.getLogger(__name__)


def link_header(hub: str | None, self_url: str) -> str | None:
    """The ``Link`` header value advertising the hub and the canonical URL, if a hub is set."""
    if not hub:
        return None
    return f'<{hub}>; rel="hub", <{self_url}>; rel="self"'


@dataclass
class PingReport:
    """Which URLs the hub accepted (2xx) and which failed (with the reason)."""

    ok: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def ping_hub(urls: Iterable[str], hub: str | None = None, timeout: float = 10.0) -> PingReport:
    """POST ``hub.mode=publish`` for each URL to the hub (default: ``VNFEEDS_WEBSUB_HUB``)."""
    hub = hub or FeedConfig.from_env().hub
    report = PingReport()
    if not hub:
        return report
    for url in dict.fromkeys(urls):
        data = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        req = urllib.request.Request(
            hub,
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "vnfeeds"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                if 200 <= resp.status < 300:
                    report.ok.append(url)
                else:
                    report.failed.append((url, f"HTTP {resp.status}"))
        except urllib.error.HTTPError as e:
            report.failed.append((url, f"HTTP {e.code}"))
        except (OSError, ValueError) as e:
            report.failed.append((url, f"{type(e).__name__}: {e}"))
    if report.failed:
        log.warning(
            "websub: %d of %d pings failed", len(report.failed), len(report.failed) + len(report.ok)
        )
    return report


def affected_paths(changed: queries.ChangedScope, registry: Registry) -> list[str]:
    """Feed paths (every format) whose content the changed units/topics can alter."""
    bases: set[str] = set()
    if changed.units or changed.topics:
        bases.add("/all")
    for uid in changed.units:
        bases.add(f"/units/{uid}")
        unit = registry.units.get(uid)
        if unit:
            for pid in {unit.province, registry.root_province(unit.province)}:
                if pid in registry.provinces:
                    bases.add(f"/provinces/{pid}")
    for uid, slug in changed.topics:
        bases.add(f"/topics/{slug}")
        bases.add(f"/units/{uid}/{slug}")
    return [f"{b}.{fmt}" for b in sorted(bases) for fmt in FEED_FORMATS]


class HubNotifier:
    """Pings the hub for the feeds that changed since the last check (serve's background job)."""

    def __init__(self, store: Store, registry: Registry, config: FeedConfig) -> None:
        self.store = store
        self.registry = registry
        self.config = config
        self.since = datetime.now(UTC)
        self.version: str | None = None

    def check(self) -> PingReport:
        """One round: if the data version moved, ping every affected feed URL."""
        with self.store.session() as s:
            version = queries.data_version(s)
            if self.version is None:
                self.version = version
                return PingReport()
            if version == self.version:
                return PingReport()
            now = datetime.now(UTC)
            changed = queries.changed_since(s, self.since - timedelta(seconds=2))
        self.version, self.since = version, now
        urls = [self.config.url(p) for p in affected_paths(changed, self.registry)]
        return ping_hub(urls, self.config.hub)

    async def run(self, interval: float = 15.0) -> None:
        """Check forever every ``interval`` seconds (cancel to stop)."""
        while True:
            try:
                await anyio.to_thread.run_sync(self.check)
            except Exception:  # a broken round must not stop the next ones
                log.exception("websub notifier round failed")
            await anyio.sleep(interval)
