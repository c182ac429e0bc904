"""Exponential backoff per unit, up to a cap; never a permanent stop.

A unit that fails is not crawled again before ``Unit.backoff_until``; each further
failure doubles the wait (``base * factor**(failures-1)``) up to ``cap``. A success
resets both. Because the wait is capped, a unit broken for a month is still tried at
least every ``cap`` seconds and recovers on its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class BackoffPolicy:
    """How long to wait after the n-th consecutive failure."""

    base_seconds: float = 300.0
    factor: float = 2.0
    cap_seconds: float = 6 * 3600.0
    jitter: float = 0.1  # +- this fraction, so many failing units do not retry in lockstep

    def __post_init__(self) -> None:
        if self.base_seconds <= 0 or self.cap_seconds < self.base_seconds or self.factor < 1:
            raise ValueError("need base_seconds > 0, cap_seconds >= base_seconds, factor >= 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def delay(self, failures: int, rng: random.Random | None = None) -> timedelta:
        """The wait after ``failures`` consecutive failures (0 means no wait)."""
        if failures <= 0:
            return timedelta(0)
        exp = min(failures - 1, 64)  # 2**64 * base is past any cap
        seconds = min(self.cap_seconds, self.base_seconds * self.factor**exp)
        if self.jitter:
            r = (rng or random).uniform(-self.jitter, self.jitter)
            seconds = min(self.cap_seconds, seconds * (1 + r))
        return timedelta(seconds=seconds)

    def until(
        self, failures: int, now: datetime, rng: random.Random | None = None
    ) -> datetime | None:
        """When the unit may run again, or None when it need not wait."""
        if failures <= 0:
            return None
        return now + self.delay(failures, rng)


def in_backoff(backoff_until: datetime | None, now: datetime) -> bool:
    """True while a unit must still wait."""
    return backoff_until is not None and backoff_until > now
