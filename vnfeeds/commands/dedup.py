"""`vnfeeds dedup`: Deduplicate and compare articles."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("dedup", "Deduplicate and compare articles", 5)
