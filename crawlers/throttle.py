"""AutoThrottle whose floor is a unit's own delay where the unit sets one."""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class UnitAwareAutoThrottle(AutoThrottle):
    """Stock AutoThrottle, but a host listed in DOWNLOAD_SLOTS with a ``delay`` uses it as
    the minimum instead of DOWNLOAD_DELAY (a unit may ask to be crawled faster or slower)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        slots: dict[str, dict[str, Any]] = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.slot_floor = {k: float(v["delay"]) for k, v in slots.items() if "delay" in v}

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        try:
            key = response.meta.get("download_slot")
        except AttributeError:  # a response not tied to a request (e.g. robots.txt)
            key = None
        floor = self.slot_floor.get(key) if key else None
        if floor is None:
            super()._adjust_delay(slot, latency, response)
            return
        saved, self.mindelay = self.mindelay, floor
        try:
            super()._adjust_delay(slot, latency, response)
        finally:
            self.mindelay = saved
