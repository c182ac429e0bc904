"""`vnfeeds review`: The editors' duplicate review queue."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("review", "The editors' duplicate review queue", 5)
