"""Politeness across processes and machines: a per-host gate in Redis.

Scrapy keeps per-host concurrency and delay inside one process; crawls on several
Scrapyd nodes would each keep their own. With ``VNFEEDS_HOST_GATE =
"redis://127.0.0.1:6379/0"`` every request first takes one of its host's slots in
Redis (at most the host's concurrency at once, across every process) and waits
until the host's delay since the previous request has passed; the slot is given
back when the response (or error) arrives, and expires after
``VNFEEDS_HOST_GATE_LEASE`` seconds if its process died. The host's concurrency and
delay are the unit's (``DOWNLOAD_SLOTS``), else ``CONCURRENT_REQUESTS_PER_DOMAIN``
and ``DOWNLOAD_DELAY``. Times are Redis's own clock, so machines need not agree.
Empty (the default): politeness stays per process.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

# KEYS: slots (zset token -> lease end), next (earliest next start); ARGV: token, limit,
# delay, lease. Returns 0 when the slot is taken, else seconds to wait before retrying.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(math.min(0.05, tonumber(first[2]) - now))
end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return tostring(nxt - now) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4])) + 1)
redis.call('SET', KEYS[2], tostring(now + tonumber(ARGV[3])), 'PX',
           math.ceil((tonumber(ARGV[3]) + 1) * 1000))
return '0'
"""


class RedisHostGate:
    """Per-host slots and delays shared by every process using the same Redis."""

    def __init__(self, url: str, lease: float = 120.0, prefix: str = "vnfeeds:host:") -> None:
        import redis  # the `dist` extra; only needed when the gate is configured

        self.client = redis.Redis.from_url(url)
        self.lease = lease
        self.prefix = prefix
        self._acquire = self.client.register_script(_ACQUIRE)

    def try_acquire(self, host: str, token: str, limit: int, delay: float) -> float:
        """Take a slot of ``host`` now (0.0) or say how long to wait before trying again."""
        keys = [f"{self.prefix}{host}:slots", f"{self.prefix}{host}:next"]
        wait = self._acquire(keys=keys, args=[token, max(1, limit), max(0.0, delay), self.lease])
        return max(0.0, float(wait))

    def release(self, host: str, token: str) -> None:
        """Give the slot back."""
        self.client.zrem(f"{self.prefix}{host}:slots", token)

    def in_flight(self, host: str) -> int:
        """Slots of ``host`` held right now (expired ones included until the next acquire)."""
        return int(self.client.zcard(f"{self.prefix}{host}:slots"))


class HostGateMiddleware:
    """Downloader middleware: no request leaves before the host's gate lets it."""

    META = "vnfeeds_gate"

    def __init__(
        self,
        gate: RedisHostGate,
        slots: dict[str, dict[str, Any]],
        concurrency: int,
        delay: float,
    ) -> None:
        self.gate = gate
        self.slots = slots
        self.concurrency = concurrency
        self.delay = delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGateMiddleware:
        """Off unless VNFEEDS_HOST_GATE names a Redis URL."""
        s = crawler.settings
        url = s.get("VNFEEDS_HOST_GATE")
        if not url:
            # Not set is the default (one process per host), not a warning for the console.
            raise NotConfigured
        gate = RedisHostGate(
            url,
            lease=s.getfloat("VNFEEDS_HOST_GATE_LEASE", 120.0),
            prefix=s.get("VNFEEDS_HOST_GATE_PREFIX", "vnfeeds:host:"),
        )
        return cls(
            gate,
            s.getdict("DOWNLOAD_SLOTS"),
            s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            s.getfloat("DOWNLOAD_DELAY"),
        )

    def _limits(self, host: str) -> tuple[int, float]:
        slot = self.slots.get(host, {})
        return int(slot.get("concurrency", self.concurrency)), float(slot.get("delay", self.delay))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Wait for a slot of the request's host (polls Redis; other requests go on)."""
        host = urlsplit(request.url).hostname or ""
        limit, delay = self._limits(host)
        token = uuid.uuid4().hex
        while (wait := self.gate.try_acquire(host, token, limit, delay)) > 0:
            await asyncio.sleep(min(wait, 0.5))
        request.meta[self.META] = (host, token)

    def _release(self, request: Request) -> None:
        held = request.meta.pop(self.META, None)
        if held:
            self.gate.release(*held)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        self._release(request)
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        self._release(request)
