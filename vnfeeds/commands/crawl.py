"""`vnfeeds crawl`: Crawl units once into the store."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("crawl", "Crawl units once into the store", 3)
