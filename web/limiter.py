"""The login rate limiter: failed logins counted in the database, per IP and username.

Every web process (uvicorn workers, a restarted server) shares the counts, so the limit
cannot be reset by reaching another worker or waiting for a restart. The client address
is the connection's peer, or the ``X-Forwarded-For`` address only when the server was
told to trust the proxy in front (``vnfeeds serve --trusted-proxies``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from storage.db import Store
from storage.sessions import count_failures, forget_failures, record_failure

__all__ = ["LoginLimiter"]


class LoginLimiter:
    """Failed logins within ``window`` seconds per (IP, username) and per IP, in the store."""

    def __init__(
        self,
        per_user: int = 5,
        per_ip: int = 20,
        window: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_user, self.per_ip, self.window, self.clock = per_user, per_ip, window, clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def blocked(self, store: Store, ip: str, username: str) -> bool:
        """True when this IP, or this IP for this username, has failed too often."""
        since = self._now() - timedelta(seconds=self.window)
        with store.session() as s:
            return (
                count_failures(s, ip, username, since) >= self.per_user
                or count_failures(s, ip, None, since) >= self.per_ip
            )

    def failed(self, store: Store, ip: str, username: str) -> None:
        """Count one failure (and drop records older than the window)."""
        with store.session() as s:
            record_failure(s, ip, username, self._now(), timedelta(seconds=self.window))

    def succeeded(self, store: Store, ip: str, username: str) -> None:
        """Forget this IP's failures for the username."""
        with store.session() as s:
            forget_failures(s, ip, username)
