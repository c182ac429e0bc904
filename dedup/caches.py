"""What the dedup engine keeps of articles it met, so that it need not read them again.

:class:`ViewCache`: decision views, keyed by ``(id, content_hash, changed_at)``, so a
changed article is never judged on its old text.

:class:`FingerprintCache`: stored fingerprints, for the candidate prefilter. Every new
article's near candidates are mostly articles stored shortly before it (the
same story republished by other units), so the engine keeps the fingerprint bytes it
wrote or read last, as they are stored, and reads from the database only the rest. It
stays equal to the stored column: the engine puts what it writes, and what it reads when
it catches up with other processes' articles (those rows are the changed ones).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from datetime import datetime
from typing import Generic, TypeVar

from dedup.decide import DocView

#: fingerprints kept (about 0.5 KB each at 128 permutations)
FP_CACHE = 16384
#: decision views (match form, shingles, sentences) kept for articles met again
VIEW_CACHE = 4096

ViewKey = tuple[int, str, datetime]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A bounded map: a read or a write makes an entry the most recently used, and the
    least recently used goes when it is full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: K) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        v = self._items.get(key)
        if v is not None:
            self._items.move_to_end(key)
        return v

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key``."""
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, key: K) -> None:
        """Drop ``key`` if kept."""
        self._items.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        self._items.clear()


class ViewCache(_Lru[ViewKey, DocView]):
    """Decision views by ``(id, content_hash, changed_at)``."""

    def __init__(self, size: int = VIEW_CACHE) -> None:
        super().__init__(size)

    def rekey(self, touched: set[int], changed_at: datetime) -> None:
        """Articles whose ``changed_at`` only moved (re-clustered) keep their views: their
        text is the same, so their views are too."""
        if not touched:
            return
        for key in [k for k in self._items if k[0] in touched]:
            self._items[(key[0], key[1], changed_at)] = self._items.pop(key)


class FingerprintCache(_Lru[int, bytes]):
    """Stored fingerprint bytes by article id."""

    def __init__(self, size: int = FP_CACHE) -> None:
        super().__init__(size)

    def put(self, key: int, value: bytes | None) -> None:
        """The article's stored fingerprint is now ``value`` (None: it has none)."""
        if value is None:
            self.forget(key)
        else:
            super().put(key, value)

    def refresh(self, rows: Iterable[tuple[int, bytes | None]]) -> None:
        """Rows read from the store: entries already kept take the stored value."""
        for article_id, raw in rows:
            if article_id in self._items:
                self.put(article_id, raw)

    def split(self, ids: Iterable[int]) -> tuple[list[tuple[int, bytes | None]], list[int]]:
        """``(id, fingerprint)`` of the kept ids, and the ids to read from the store."""
        kept: list[tuple[int, bytes | None]] = []
        missing: list[int] = []
        for article_id in ids:
            raw = self.get(article_id)
            if raw is None:
                missing.append(article_id)
            else:
                kept.append((article_id, raw))
        return kept, missing
