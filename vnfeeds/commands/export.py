"""`vnfeeds export`: Write the feed tree as static files."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("export", "Write the feed tree as static files", 6)
