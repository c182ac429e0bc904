"""`vnfeeds reparse`: Re-extract stored raw pages without refetching."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("reparse", "Re-extract stored raw pages without refetching", 4)
