"""Shingles and MinHash fingerprints over the canonical matching form of an article.

The matching form (``domain.syllables.match_form``: NFC, one tone-placement
convention, case-folded) makes "Hoà Bình" and "HÒA BÌNH" the same words, so copies
that differ only in encoding habits fingerprint alike.  Shingles are runs of ``k``
words; the MinHash (datasketch's affine32 scheme, :mod:`dedup.minhash`) is stored in ``Article.fingerprint``
as a few hundred bytes with a small header (see :meth:`Fingerprint.to_bytes`).
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np

from dedup.minhash import minhash
from domain.syllables import match_form

__all__ = [
    "Fingerprint",
    "Fingerprinter",
    "article_text",
    "body_hash",
    "estimates",
    "match_form",
    "shingle_keys",
    "shingles",
    "tokens",
]

_WORD = re.compile(r"\w+")
_MAGIC = b"VF"
_VERSION = 1
_HEADER = struct.Struct("<2sBBHI")  # magic, version, k, num_perm, n_shingles
#: Bodies shorter than this many words also fingerprint the title ("see the attachment").
SHORT_BODY_WORDS = 25


def tokens(text: str) -> list[str]:
    """Word tokens of an already match-formed text (letters and digits)."""
    return _WORD.findall(text)


def shingles(words: list[str], k: int = 3) -> set[str]:
    """The set of ``k``-word shingles; a text shorter than ``k`` words is one shingle."""
    if not words:
        return set()
    if len(words) <= k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def shingle_keys(sh: set[str]) -> np.ndarray:
    """Sorted, distinct stable 64-bit keys (BLAKE2b) of a shingle set."""
    # each key is the digest read as a little-endian integer: all digests read at once
    digests = b"".join([blake2b(x.encode("utf-8"), digest_size=8).digest() for x in sh])
    return np.unique(np.frombuffer(digests, dtype="<u8").astype(np.uint64, copy=False))


def article_text(title: str, lead: str, body: str) -> str:
    """The match form of what is fingerprinted: lead and body, plus the title when short.

    The lead is left out when the body already starts with it.  A body too short to
    say anything (attachments-only notices) is prefixed with the title.
    """
    t_lead = match_form(lead) if lead else ""
    t_body = match_form(body) if body else ""
    text = t_body
    if t_lead and not t_body.startswith(t_lead[: min(len(t_lead), 200)]):
        text = f"{t_lead}\n{t_body}" if t_body else t_lead
    if len(tokens(text)) < SHORT_BODY_WORDS:
        text = f"{match_form(title)}\n{text}" if text else match_form(title)
    return text


def body_hash(body_text: str) -> str:
    """sha256 (hex) of the match form of a body text."""
    return hashlib.sha256(match_form(body_text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """A MinHash signature (uint32 values) plus how many shingles it summarises."""

    k: int
    n_shingles: int
    values: np.ndarray  # uint32, shape (num_perm,)

    @property
    def num_perm(self) -> int:
        """Number of permutations (signature length)."""
        return int(self.values.shape[0])

    def to_bytes(self) -> bytes:
        """Header ``VF``, version, k, num_perm, n_shingles; then the values, little-endian."""
        head = _HEADER.pack(_MAGIC, _VERSION, self.k, self.num_perm, self.n_shingles)
        return head + self.values.astype("<u4", copy=False).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint | None:
        """Parse :meth:`to_bytes` output; None when the bytes are not a fingerprint we read."""
        head = _read_header(data)
        if head is None:
            return None
        k, _, n = head
        values = np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
        return cls(k=k, n_shingles=n, values=values)

    def jaccard(self, other: Fingerprint) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if self.num_perm != other.num_perm or self.k != other.k:
            raise ValueError("fingerprints of different shapes")
        same = int(np.count_nonzero(self.values == other.values))
        return _jaccard(same, self.num_perm, self.n_shingles, other.n_shingles)

    def containment(self, other: Fingerprint) -> float:
        """Estimated |A∩B| / min(|A|, |B|) from the Jaccard estimate and the set sizes."""
        return _containment(self.jaccard(other), self.n_shingles, other.n_shingles)


def _read_header(data: bytes) -> tuple[int, int, int] | None:
    """``(k, num_perm, n_shingles)`` of :meth:`Fingerprint.to_bytes` output of the right
    length; None for anything else (empty, truncated, another magic or version)."""
    if not data or len(data) < _HEADER.size:
        return None
    magic, version, k, num_perm, n = _HEADER.unpack_from(data)
    if magic != _MAGIC or version != _VERSION or len(data) != _HEADER.size + 4 * num_perm:
        return None
    return k, num_perm, n


def _jaccard(same: int, num_perm: int, n_a: int, n_b: int) -> float:
    """The Jaccard estimate from ``same`` equal signature values (0 for an empty set)."""
    if n_a == 0 or n_b == 0:
        return 0.0
    return float(same) / num_perm


def _containment(j: float, n_a: int, n_b: int) -> float:
    """The containment estimate from the Jaccard estimate ``j`` and the set sizes."""
    small = min(n_a, n_b)
    if small == 0:
        return 0.0
    inter = j * (n_a + n_b) / (1.0 + j)
    return min(1.0, inter / small)


def estimates(
    fp: Fingerprint, rows: Iterable[tuple[int, bytes | None]]
) -> list[tuple[int, float, float, int]]:
    """``(id, jaccard, containment, n_shingles)`` of each stored fingerprint of ``fp``'s
    shape, equal to :meth:`Fingerprint.jaccard` and :meth:`Fingerprint.containment`;
    other rows (empty, unreadable, another shape) are left out.

    The signatures are compared all at once (one array); the formulas are the methods'.
    """
    ids: list[int] = []
    counts: list[int] = []
    bodies: list[bytes] = []
    for oid, raw in rows:
        head = _read_header(raw) if raw else None
        if raw is None or head is None or head[:2] != (fp.k, fp.num_perm):
            continue
        ids.append(oid)
        counts.append(head[2])
        bodies.append(raw[_HEADER.size :])
    if not ids:
        return []
    sigs = np.frombuffer(b"".join(bodies), dtype="<u4").reshape(len(ids), fp.num_perm)
    equal = np.count_nonzero(sigs == fp.values, axis=1).tolist()
    out: list[tuple[int, float, float, int]] = []
    for oid, n, same in zip(ids, counts, equal, strict=True):
        j = _jaccard(same, fp.num_perm, fp.n_shingles, n)
        out.append((oid, j, _containment(j, fp.n_shingles, n), n))
    return out


class Fingerprinter:
    """Makes :class:`Fingerprint` objects with one fixed shape (k, num_perm, seed)."""

    def __init__(self, num_perm: int = 128, k: int = 3, seed: int = 20251) -> None:
        self.num_perm = num_perm
        self.k = k
        self.seed = seed

    def of_shingles(self, sh: set[str]) -> Fingerprint:
        """MinHash of a shingle set (crc32 per shingle, datasketch's affine32 scheme)."""
        values = minhash((s.encode("utf-8") for s in sh), self.num_perm, self.seed)
        return Fingerprint(k=self.k, n_shingles=len(sh), values=values)

    def of_text(self, match_text: str) -> Fingerprint:
        """Fingerprint of an already match-formed text."""
        return self.of_shingles(shingles(tokens(match_text), self.k))

    def of_article(self, title: str, lead: str, body: str) -> Fingerprint:
        """Fingerprint of an article's fields (see :func:`article_text`)."""
        return self.of_text(article_text(title, lead, body))

    def compatible(self, fp: Fingerprint) -> bool:
        """True when ``fp`` was made with this shape (else it must be recomputed)."""
        return fp.k == self.k and fp.num_perm == self.num_perm
