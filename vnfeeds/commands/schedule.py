"""`vnfeeds schedule`: Run the crawl scheduler."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("schedule", "Run the crawl scheduler", 7)
