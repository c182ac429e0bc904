"""`vnfeeds users`: Manage editor accounts."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("users", "Manage editor accounts", 5)
