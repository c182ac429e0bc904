"""A unit's ``download_delay`` is the floor of the gaps between requests to its host.

Scrapy's AutoThrottle keeps every slot's delay at or above ``DOWNLOAD_DELAY``. A unit
that sets ``politeness.download_delay`` gets its own floor instead (slower or faster
than the default): the runner lists its host in ``DOWNLOAD_SLOTS`` with that
``delay``, and :class:`UnitDelayFloor` takes those slots over from AutoThrottle.

Only public Scrapy interfaces are used: the ``request_reached_downloader`` and
``response_downloaded`` signals, the ``autothrottle_dont_adjust_delay`` and
``download_latency`` request meta keys, ``Downloader.get_slot_key`` and the slots'
``delay``/``jitter``. AutoThrottle's own latency policy is applied to those slots with
the unit's floor; the floor accounts for the slot's jitter, so even the shortest
randomised gap is not below it.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.http import Response

DONT_ADJUST = "autothrottle_dont_adjust_delay"


def effective_delay(floor: float, jitter: float) -> float:
    """The slot delay whose shortest randomised gap (``delay * (1 - jitter)``) is ``floor``."""
    if floor <= 0:
        return 0.0
    return floor / (1 - jitter) if 0 <= jitter < 1 else floor


def next_delay(
    current: float, latency: float, *, floor: float, ceiling: float, target_concurrency: float
) -> float:
    """AutoThrottle's policy (halfway towards ``latency / concurrency``), kept in [floor, ceiling]."""
    target = latency / target_concurrency
    proposed = max(target, (current + target) / 2.0)
    return min(max(floor, proposed), max(floor, ceiling))


class UnitDelayFloor:
    """Keeps each unit's host at or above the unit's own ``download_delay``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        slots: dict[str, dict[str, Any]] = settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {k: float(v["delay"]) for k, v in slots.items() if "delay" in v}
        self.autothrottle = settings.getbool("AUTOTHROTTLE_ENABLED")
        self.ceiling = settings.getfloat("AUTOTHROTTLE_MAX_DELAY")
        self.target_concurrency = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") or 1.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnitDelayFloor:
        """Floors from DOWNLOAD_SLOTS; policy settings from AUTOTHROTTLE_*."""
        ext = cls(crawler)
        crawler.signals.connect(ext.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def _slot(self, request: Request) -> tuple[float, Slot] | None:
        engine = self.crawler.engine
        if engine is None:
            return None
        downloader = engine.downloader
        key = downloader.get_slot_key(request)
        floor = self.floors.get(key)
        slot = downloader.slots.get(key)
        if floor is None or slot is None:
            return None
        return floor, slot

    def request_reached(self, request: Request, spider: Spider) -> None:
        """Before the request is queued: this slot's delay is ours, and at its floor."""
        found = self._slot(request)
        if found is None:
            return
        floor, slot = found
        request.meta[DONT_ADJUST] = True
        slot.delay = max(slot.delay, effective_delay(floor, slot.jitter))

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        """Adapt the delay to the host's latency, never below the unit's floor."""
        found = self._slot(request)
        if found is None:
            return
        floor, slot = found
        low = effective_delay(floor, slot.jitter)
        latency = request.meta.get("download_latency")
        if not self.autothrottle or latency is None:
            slot.delay = max(slot.delay, low)
            return
        new = next_delay(
            slot.delay,
            float(latency),
            floor=low,
            ceiling=self.ceiling,
            target_concurrency=self.target_concurrency,
        )
        if response.status != 200 and new <= slot.delay:
            return  # error pages are small and fast: never let them speed the crawl up
        slot.delay = new
