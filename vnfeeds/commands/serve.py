"""`vnfeeds serve`: Serve feeds, index, review and status pages."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("serve", "Serve feeds, index, review and status pages", 6)
