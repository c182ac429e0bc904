"""``dedup.minhash`` against datasketch itself: the same values for every input and shape,
so fingerprints stored before it (made with datasketch) still compare with new ones."""

from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fingerprint import Fingerprinter
from dedup.minhash import minhash, permutations


def _datasketch(values: list[bytes], num_perm: int, seed: int) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=zlib.crc32)
    if values:
        m.update_batch(values)
    return np.asarray(m.hashvalues, dtype=np.uint32)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.binary(max_size=40), max_size=60),
    num_perm=st.sampled_from([1, 16, 128, 256]),
    seed=st.integers(0, 2**31),
)
def test_values_equal_datasketchs(values: list[bytes], num_perm: int, seed: int) -> None:
    ours = minhash(values, num_perm, seed)
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, _datasketch(values, num_perm, seed))


def test_permutations_equal_datasketchs() -> None:
    a, b = permutations(128, 20251)
    theirs = MinHash(num_perm=128, seed=20251, scheme="affine32").permutations
    assert np.array_equal(a, theirs[0]) and np.array_equal(b, theirs[1])
    assert (a % 2 == 1).all()  # odd multipliers: each map is a bijection


def test_the_product_shape_equals_datasketch_on_real_shingles() -> None:
    """The shape the crawl uses (k=3, 128 permutations, seed 20251) on Vietnamese shingles."""
    fp = Fingerprinter()
    text = "sở công thương tỉnh hòa bình tổ chức hội nghị triển khai nhiệm vụ năm 2024 " * 3
    sh = {" ".join(text.split()[i : i + 3]) for i in range(20)}
    got = fp.of_shingles(sh)
    want = _datasketch([s.encode("utf-8") for s in sh], 128, 20251)
    assert np.array_equal(got.values, want) and got.n_shingles == len(sh)


def test_fingerprinting_does_not_import_scipy() -> None:
    """The reason this module exists: making a fingerprint imports neither datasketch nor
    SciPy (about 0.9 s of every crawl process that fingerprints an article)."""
    code = (
        "import sys\n"
        "from dedup.fingerprint import Fingerprinter\n"
        "Fingerprinter().of_text('mot hai ba bon nam')\n"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
