"""`vnfeeds extract`: Extract one article page as JSON."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("extract", "Extract one article page as JSON", 4)
