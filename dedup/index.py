"""The near-duplicate index: MinHash LSH (banding) over sorted numpy arrays.

Each signature of ``num_perm`` values is cut into ``bands`` bands of ``rows`` values;
each band hashes to one 64-bit key (band number in the top byte).  Two articles are
candidates when they share at least one key, which happens with probability
``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``.

Why not ``datasketch.MinHashLSH``: it keeps one Python dict entry per band and article
(several GB at a million articles) and is slower to rebuild; ``bench/dedup_index.py``
measures both.  Here the keys live in one sorted ``uint64`` array with a parallel
``uint32`` id array (12 bytes per band and article) plus a small dict of recent
inserts, merged into the arrays from time to time.  Entries are never removed: an
article whose text changed keeps its old keys until the next rebuild, which can only
add candidates that the decision step then scores as distinct.  A checksum per id
of the indexed signature makes re-inserting an unchanged article a no-op.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["LSHIndex", "candidate_probability"]

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S8 = np.uint64(8)
_S56 = np.uint64(56)


def candidate_probability(j: float, bands: int, rows: int) -> float:
    """Probability that two sets with Jaccard ``j`` share a band (the LSH S-curve)."""
    return 1.0 - (1.0 - j**rows) ** bands


class LSHIndex:
    """Banded MinHash LSH with compact, persistable storage."""

    def __init__(self, num_perm: int = 128, bands: int = 32, *, seed: int = 7) -> None:
        if bands < 1 or num_perm < bands or bands > 255:
            raise ValueError("need 1 <= bands <= min(num_perm, 255)")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._mult = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) | np.uint64(1)
        self._band_tag = np.arange(bands, dtype=np.uint64) << _S56
        self._keys = np.empty(0, dtype=np.uint64)
        self._ids = np.empty(0, dtype=np.uint32)
        self._delta: dict[int, list[int]] = {}
        self._delta_entries = 0
        # per article id: a checksum of its indexed signature (0 = not indexed)
        self._sig = np.zeros(1024, dtype=np.uint32)
        self.count = 0
        self.max_id = 0
        self.meta: dict[str, Any] = {}

    @staticmethod
    def _checksum(values: np.ndarray) -> int:
        return zlib.crc32(np.ascontiguousarray(values, dtype=np.uint32).tobytes()) | 1

    def _mark(self, key: int, values: np.ndarray) -> bool:
        """Record ``key``'s signature; False when exactly this signature is already indexed."""
        if key >= self._sig.size:
            grown = np.zeros(max(key + 1, 2 * self._sig.size), dtype=np.uint32)
            grown[: self._sig.size] = self._sig
            self._sig = grown
        h = self._checksum(values)
        old = int(self._sig[key])
        if old == h:
            return False
        if old == 0:
            self.count += 1
        self._sig[key] = h
        return True

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and 0 <= key < self._sig.size and bool(self._sig[key])

    # ----------------------------------------------------------------- keys
    def band_keys(self, values: np.ndarray) -> np.ndarray:
        """Band keys of one signature (shape ``(num_perm,)``) or many (``(n, num_perm)``)."""
        v = np.asarray(values, dtype=np.uint64)
        single = v.ndim == 1
        v = v.reshape(-1, v.shape[-1])[:, : self.bands * self.rows]
        v = v.reshape(v.shape[0], self.bands, self.rows)
        with np.errstate(over="ignore"):
            h = (v * self._mult).sum(axis=2, dtype=np.uint64)
            h ^= h >> _S33
            h *= _M1
            h ^= h >> _S33
            h *= _M2
            h ^= h >> _S33
        keys = (h >> _S8) | self._band_tag
        return keys[0] if single else keys

    # --------------------------------------------------------------- update
    def insert(self, key: int, values: np.ndarray) -> None:
        """Add one article id with its signature."""
        if not 0 <= key < 2**32:
            raise ValueError("article ids must fit in 32 bits")
        self.max_id = max(self.max_id, key)
        if not self._mark(key, values):
            return
        for k in self.band_keys(values).tolist():
            self._delta.setdefault(k, []).append(key)
        self._delta_entries += self.bands
        if self._delta_entries >= self._merge_threshold():
            self.merge()

    def insert_many(self, keys: Iterable[int], values: np.ndarray) -> None:
        """Add many ids at once (``values`` shape ``(n, num_perm)``): the fast path for rebuilds."""
        ids = np.fromiter(keys, dtype=np.int64)
        if ids.size == 0:
            return
        if ids.min() < 0 or ids.max() >= 2**32:
            raise ValueError("article ids must fit in 32 bits")
        self.max_id = max(self.max_id, int(ids.max()))
        fresh = np.fromiter(
            (self._mark(int(k), v) for k, v in zip(ids, values, strict=True)), dtype=bool
        )
        ids, values = ids[fresh], np.asarray(values)[fresh]
        if ids.size == 0:
            return
        bk = self.band_keys(values).reshape(-1)
        rid = np.repeat(ids.astype(np.uint32), self.bands)
        self._merge_arrays(bk, rid)

    def _merge_threshold(self) -> int:
        return max(4096 * self.bands, min(int(self._keys.size * 0.05), 8192 * self.bands))

    def merge(self) -> None:
        """Fold the recent inserts into the sorted arrays."""
        if not self._delta:
            return
        n = self._delta_entries
        keys = np.empty(n, dtype=np.uint64)
        ids = np.empty(n, dtype=np.uint32)
        i = 0
        for k, lst in self._delta.items():
            keys[i : i + len(lst)] = k
            ids[i : i + len(lst)] = lst
            i += len(lst)
        self._delta.clear()
        self._delta_entries = 0
        self._merge_arrays(keys[:i], ids[:i])

    def _merge_arrays(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys, ids = keys[order], ids[order]
        if self._keys.size == 0:
            self._keys, self._ids = keys, ids
            return
        pos = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, pos, keys)
        self._ids = np.insert(self._ids, pos, ids)

    # ---------------------------------------------------------------- query
    def query(self, values: np.ndarray, *, limit: int = 0) -> dict[int, int]:
        """Candidate ids -> number of bands shared; the ``limit`` best when limit > 0."""
        keys = self.band_keys(values)
        found: list[np.ndarray] = []
        if self._keys.size:
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    found.append(self._ids[a:b])
        if self._delta:
            for k in keys.tolist():
                hit = self._delta.get(k)
                if hit:
                    found.append(np.asarray(hit, dtype=np.uint32))
        if not found:
            return {}
        uniq, counts = np.unique(np.concatenate(found), return_counts=True)
        if limit and uniq.size > limit:
            best = np.argsort(-counts, kind="stable")[:limit]
            uniq, counts = uniq[best], counts[best]
        return dict(zip(uniq.tolist(), counts.tolist(), strict=True))

    # ---------------------------------------------------------- housekeeping
    def __len__(self) -> int:
        return self.count

    def nbytes(self) -> int:
        """Approximate memory held by the arrays (the delta dict not counted)."""
        return int(self._keys.nbytes + self._ids.nbytes + self._sig.nbytes)

    def clear(self) -> None:
        """Forget everything."""
        self._keys = np.empty(0, dtype=np.uint64)
        self._ids = np.empty(0, dtype=np.uint32)
        self._delta.clear()
        self._delta_entries = 0
        self._sig = np.zeros(1024, dtype=np.uint32)
        self.count = 0
        self.max_id = 0

    def save(self, path: Path) -> None:
        """Write the index (merged) to ``path`` atomically, with :attr:`meta`."""
        self.merge()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez(
                fh,
                keys=self._keys,
                ids=self._ids,
                sig=self._sig,
                shape=np.array(
                    [self.num_perm, self.bands, self.seed, self.count, self.max_id], dtype=np.int64
                ),
                meta=np.array([repr(self.meta)]),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LSHIndex:
        """Read an index written by :meth:`save`."""
        import ast

        with np.load(path, allow_pickle=False) as data:
            num_perm, bands, seed, count, max_id = (int(x) for x in data["shape"])
            idx = cls(num_perm, bands, seed=seed)
            idx._keys = data["keys"].astype(np.uint64, copy=False)
            idx._ids = data["ids"].astype(np.uint32, copy=False)
            idx._sig = data["sig"].astype(np.uint32, copy=False)
            idx.count, idx.max_id = count, max_id
            idx.meta = ast.literal_eval(str(data["meta"][0]))
        return idx
