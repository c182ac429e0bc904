"""The engine's shortcuts give exactly what the plain computations give."""

from __future__ import annotations

from hashlib import blake2b

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.decide import shared_keys
from dedup.fingerprint import Fingerprint, estimates, shingle_keys

NUM_PERM = 16  # small signatures: equal values are common, as between near copies


def _fp(values: list[int], n: int, k: int = 3) -> Fingerprint:
    return Fingerprint(k=k, n_shingles=n, values=np.array(values, dtype=np.uint32))


signatures = st.lists(st.integers(0, 5), min_size=NUM_PERM, max_size=NUM_PERM)
counts = st.integers(0, 3000)


@settings(max_examples=300, deadline=None)
@given(
    mine=st.tuples(signatures, counts.filter(bool)),
    others=st.lists(st.tuples(signatures, counts, st.sampled_from(["ok", "k", "perm", "junk"]))),
)
def test_estimates_equal_the_pairwise_methods(
    mine: tuple[list[int], int], others: list[tuple[list[int], int, str]]
) -> None:
    fp = _fp(*mine)
    rows: list[tuple[int, bytes | None]] = []
    want = []
    for i, (values, n, shape) in enumerate(others):
        if shape == "junk":
            rows.append((i, b"" if i % 2 else None))
            continue
        other = _fp(values, n, k=3 if shape != "k" else 4)
        raw = other.to_bytes() if shape != "perm" else _fp([*values, 0], n).to_bytes()
        rows.append((i, raw))
        parsed = Fingerprint.from_bytes(raw)
        assert parsed is not None
        if parsed.k == fp.k and parsed.num_perm == fp.num_perm:
            want.append((i, fp.jaccard(parsed), fp.containment(parsed), parsed.n_shingles))
    assert estimates(fp, rows) == want


keysets = st.sets(st.integers(0, 2**64 - 1) | st.integers(0, 40), max_size=60)


@settings(max_examples=300, deadline=None)
@given(a=keysets, b=keysets, sort_a=st.booleans())
def test_shared_keys_equals_intersect1d(a: set[int], b: set[int], sort_a: bool) -> None:
    ka = np.array(sorted(a) if sort_a else list(a), dtype=np.uint64)
    kb = np.array(sorted(b), dtype=np.uint64)
    assert shared_keys(ka, kb) == len(np.intersect1d(ka, kb, assume_unique=True)) == len(a & b)


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(max_size=12), max_size=40))
def test_shingle_keys_are_the_digests_as_integers(sh: set[str]) -> None:
    """One buffer of digests read as little-endian uint64 = each digest's integer."""
    plain = np.unique(
        np.fromiter(
            (int.from_bytes(blake2b(x.encode(), digest_size=8).digest(), "little") for x in sh),
            dtype=np.uint64,
            count=len(sh),
        )
    )
    keys = shingle_keys(sh)
    assert keys.dtype == plain.dtype
    assert keys.tolist() == plain.tolist()
