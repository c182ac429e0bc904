"""MinHash of a set of byte strings: datasketch 2.0's ``affine32`` scheme, crc32 per value.

Why not call datasketch: ``import datasketch`` imports its LSH module, which imports
SciPy: about 0.9 s of CPU in every crawl process that fingerprints an article, for code
we never call (our LSH is :mod:`dedup.index`). The arithmetic here is datasketch's own,
step for step (``MinHash._init_permutations`` and the CPU path of ``update_batch``):
permutations drawn from ``numpy.random.RandomState(seed)``, MurmurHash3's finaliser as
a pre-mix, an affine map per permutation modulo 2^32, the minimum per permutation.
``tests/dedup/test_minhash.py`` holds the values equal to datasketch's ``MinHash`` (with
``scheme="affine32"`` and ``hashfunc=zlib.crc32``), so stored fingerprints are unchanged.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

_U32 = np.uint32
#: MurmurHash3's 32-bit finaliser: shifts and multipliers (datasketch ``_FMIX_CONSTANTS``).
_FMIX = (_U32(16), _U32(0x85EBCA6B), _U32(13), _U32(0xC2B2AE35), _U32(16))
#: The hash value of an empty set: every permutation at its maximum.
MAX_HASH = _U32(0xFFFFFFFF)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine maps ``h -> a*h + b mod 2^32`` (``a`` odd) for ``(num_perm, seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    a.setflags(write=False)  # cached and shared by every caller
    b.setflags(write=False)
    return a, b


def _fmix(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def minhash(values: Iterable[bytes], num_perm: int, seed: int) -> np.ndarray:
    """The ``num_perm`` minimum hash values (``uint32``) of ``values``."""
    hashes = [zlib.crc32(v) for v in values]
    if not hashes:
        return np.full(num_perm, MAX_HASH, dtype=_U32)
    a, b = permutations(num_perm, seed)
    hv = _fmix(np.array(hashes, dtype=_U32).reshape(-1, 1))
    return np.asarray((hv * a + b).min(axis=0), dtype=_U32)  # uint32 wraps: mod 2^32
