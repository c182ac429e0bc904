"""WebSub: advertise the hub, and tell it which feeds changed.

The hub comes from ``FeedConfig.hub`` (env ``VNFEEDS_WEBSUB_HUB``). Feeds carry
``rel="hub"`` links and responses a ``Link`` header; after a change the publisher POSTs
``hub.mode=publish&hub.url=<feed>`` for every changed feed URL (one request per URL,
the form every hub accepts). Which feeds a change touches is ``feeds.touched``.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.touched import Mark, changes_since, mark_now, touched_paths
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


class HubNotifier:
    """Pings the hub for the feeds that changed since the last check (serve's background job)."""

    def __init__(self, store: Store, registry: Registry, config: FeedConfig) -> None:
        self.store = store
        self.registry = registry
        self.config = config
        self.mark: Mark | None = None

    def check(self) -> PingReport:
        """One round: ping every feed URL the store's changes since the last round touch."""
        with self.store.session() as s:
            if self.mark is None:  # the first round only learns where the store is
                self.mark = mark_now(s)
                return PingReport()
            change, self.mark, _ = changes_since(s, self.registry, self.mark, None)
        if change.empty:
            return PingReport()
        paths = touched_paths(self.registry, change, index=False)
        return ping_hub([self.config.url(p) for p in paths], self.config.hub)

    async def run(self, interval: float = 15.0) -> None:
        """Check forever every ``interval`` seconds (cancel to stop)."""
        while True:
            try:
                await anyio.to_thread.run_sync(self.check)
            except Exception:  # a broken round must not stop the next ones
                log.exception("websub notifier round failed")
            await anyio.sleep(interval)
