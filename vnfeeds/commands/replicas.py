"""`vnfeeds replicas`: Serve the local replica sites."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("replicas", "Serve the local replica sites", 3)
