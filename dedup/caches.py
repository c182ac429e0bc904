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
from collections.abc import Iterable, Iterator
from datetime import datetime

from dedup.decide import DocView

#: fingerprints kept (about 0.5 KB each at 128 permutations)
FP_CACHE = 16384
#: decision views (match form, shingles, sentences) kept for articles met again
VIEW_CACHE = 4096

ViewKey = tuple[int, str, datetime]


class ViewCache:
    """An LRU map of ``(id, content_hash, changed_at)`` to the article's decision view."""

    def __init__(self, size: int = VIEW_CACHE) -> None:
        self.size = size
        self._views: OrderedDict[ViewKey, DocView] = OrderedDict()

    def __iter__(self) -> Iterator[ViewKey]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)

    def get(self, key: ViewKey) -> DocView | None:
        """The view kept under ``key`` (now the most recently used), or None."""
        v = self._views.get(key)
        if v is not None:
            self._views.move_to_end(key)
        return v

    def put(self, key: ViewKey, view: DocView) -> None:
        """Keep ``view``; the least recently used goes when the cache is full."""
        self._views[key] = view
        self._views.move_to_end(key)
        if len(self._views) > self.size:
            self._views.popitem(last=False)

    def rekey(self, touched: set[int], changed_at: datetime) -> None:
        """Articles whose ``changed_at`` only moved (re-clustered) keep their views: their
        text is the same, so their views are too."""
        if not touched:
            return
        for key in [k for k in self._views if k[0] in touched]:
            self._views[(key[0], key[1], changed_at)] = self._views.pop(key)


class FingerprintCache:
    """An LRU map of article id to its stored fingerprint bytes."""

    def __init__(self, size: int = FP_CACHE) -> None:
        self.size = size
        self._fps: OrderedDict[int, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._fps)

    def put(self, article_id: int, raw: bytes | None) -> None:
        """The article's stored fingerprint is now ``raw`` (None: it has none; forgotten)."""
        if raw is None:
            self._fps.pop(article_id, None)
            return
        self._fps[article_id] = raw
        self._fps.move_to_end(article_id)
        if len(self._fps) > self.size:
            self._fps.popitem(last=False)

    def refresh(self, rows: Iterable[tuple[int, bytes | None]]) -> None:
        """Rows read from the store: entries already kept take the stored value."""
        for article_id, raw in rows:
            if article_id in self._fps:
                self.put(article_id, raw)

    def split(self, ids: Iterable[int]) -> tuple[list[tuple[int, bytes | None]], list[int]]:
        """``(id, fingerprint)`` of the kept ids, and the ids to read from the store."""
        kept: list[tuple[int, bytes | None]] = []
        missing: list[int] = []
        for article_id in ids:
            raw = self._fps.get(article_id)
            if raw is None:
                missing.append(article_id)
            else:
                self._fps.move_to_end(article_id)
                kept.append((article_id, raw))
        return kept, missing

    def clear(self) -> None:
        """Forget everything (the index was rebuilt)."""
        self._fps.clear()
