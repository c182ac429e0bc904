"""Article ids the index skipped over: another process's insert not yet committed.

The catch-up reads new articles by id (``id >`` the largest indexed). On PostgreSQL a
sequence hands out ids when rows are inserted, not when they are committed: an engine
that has read (or stored) id 102 while another process's id 101 was still uncommitted
would never read 101. The ids skipped over that way are kept here and read again by
each catch-up until they turn up, or until they are old enough to be a rolled-back or
deleted row rather than a transaction still open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

#: only this many ids below a new largest id are taken for holes (in-flight inserts are
#: the last few; a rebuild's jump from 0 is not a million holes)
SPAN = 1000
#: a hole this old (seconds) is a rolled-back or deleted row: forgotten
MAX_AGE = 600.0
#: at most this many holes are kept (the oldest go first)
MAX_HOLES = 5000


class IdHoles:
    """The ids between successive largest ids that were not seen, with when they were."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._holes: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._holes)

    def __contains__(self, key: object) -> bool:
        return key in self._holes

    def note(self, old_max: int, new_max: int, seen: Iterable[int] = ()) -> None:
        """The largest id moved from ``old_max`` to ``new_max``; ``seen`` were read or stored."""
        if new_max <= old_max + 1:
            return
        got = set(seen)
        now = self._clock()
        for i in range(max(old_max + 1, new_max - SPAN), new_max):
            if i not in got:
                self._holes.setdefault(i, now)
        extra = len(self._holes) - MAX_HOLES
        if extra > 0:
            for i in sorted(self._holes, key=self._holes.__getitem__)[:extra]:
                del self._holes[i]

    def pending(self, skip: int = 0) -> list[int]:
        """The holes still worth reading (the old ones forgotten), except ``skip``."""
        cutoff = self._clock() - MAX_AGE
        for i in [i for i, t in self._holes.items() if t < cutoff]:
            del self._holes[i]
        return sorted(i for i in self._holes if i != skip)

    def filled(self, ids: Iterable[int]) -> None:
        """These ids turned up (read by a catch-up, or stored by this process)."""
        for i in ids:
            self._holes.pop(i, None)

    def clear(self) -> None:
        """Forget every hole (the index is rebuilt)."""
        self._holes.clear()
