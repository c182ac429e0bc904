"""`vnfeeds demo`: replicas, crawl, dedup and feeds, the whole thing offline."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("demo", "Replicas, crawl, dedup and feeds, the whole thing offline", 3)
