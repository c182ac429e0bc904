"""The engine's shortcuts give exactly what the plain computations give."""

from __future__ import annotations

import gzip
from hashlib import blake2b
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import DedupConfig
from dedup.decide import DocView, decide, shared_keys, surely_distinct
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


def _corpus_views() -> list[DocView]:
    from replicas.corpus import Corpus

    c = Corpus(1)
    base = {u.id: f"http://{u.id}.test" for u in c.units}
    return [
        DocView(
            title=s.title,
            lead=s.lead,
            body="\n".join(s.paragraphs),
            published=s.published,
            canonical_url=c.url(s, base),
        )
        for ss in c.stories.values()
        for s in ss
    ]


def test_surely_distinct_pairs_are_the_ones_decide_calls_distinct_at_score_zero() -> None:
    """Over pairs of the replica corpus (cross-posted copies, edited copies, templated
    notices, unrelated stories), every pair the shortcut skips is one decide calls
    distinct with score 0; it fires on most unrelated pairs and on no duplicate."""
    views = _corpus_views()[:160]
    fired = kept = 0
    for i, a in enumerate(views):
        for b in views[i + 1 :]:
            v = decide(a, b)
            if surely_distinct(a, b):
                fired += 1
                assert (v.verdict, v.score) == ("distinct", 0.0), (a.title, b.title, v)
            elif v.verdict != "distinct":
                kept += 1
    assert fired > 5000 and kept > 0, (fired, kept)


def test_surely_distinct_leaves_one_url_short_texts_and_a_zero_threshold_to_decide() -> None:
    a, b = _corpus_views()[:2]
    assert surely_distinct(a, b) and surely_distinct(b, a)
    same_url = DocView(title=b.title, lead=b.lead, body=b.body, canonical_url=a.canonical_url)
    assert not surely_distinct(a, same_url)
    assert decide(a, same_url).verdict == "duplicate"
    short = DocView(title=b.title, lead="", body="Một câu ngắn.")
    assert not surely_distinct(a, short)
    assert not surely_distinct(a, b, DedupConfig(low=0.0))
    assert len(decide(a, b, DedupConfig(low=0.0)).reasons) > 2  # decide looks past the score


_sentence = st.lists(
    st.sampled_from(["tin", "họp", "sở", "tỉnh", "năm", "2024", "dự", "án"]), min_size=4, max_size=7
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    a=st.lists(_sentence, min_size=1, max_size=6),
    b=st.lists(_sentence, min_size=1, max_size=6),
    same_url=st.booleans(),
)
def test_surely_distinct_agrees_with_decide_on_any_texts(
    a: list[str], b: list[str], same_url: bool
) -> None:
    """Not only the replicas' phrasing: on texts made of a few words in any order (many
    shared shingles, sentences shared or not, fewer or more than three), whenever the
    shortcut fires decide says distinct at score 0."""
    va = DocView(title="A", lead="", body=". ".join(a) + ".", canonical_url="http://x/a")
    vb = DocView(
        title="B", lead="", body=". ".join(b) + ".",
        canonical_url="http://x/a" if same_url else "http://x/b",
    )  # fmt: skip
    if surely_distinct(va, vb):
        v = decide(va, vb)
        assert (v.verdict, v.score) == ("distinct", 0.0), v


def _real_views() -> list[DocView]:
    """The stored real pages of four department sites (tests/fixtures/realsites, each site's
    README says where they came from), read as generic pages."""
    from crawlers.extract import extract_page
    from storage.urls import canonical_url

    root = Path(__file__).resolve().parents[1] / "fixtures" / "realsites"
    views = []
    for f in sorted(root.glob("*/*/index.html.gz")):
        url = f"http://{f.parent.parent.name}/{f.parent.name}/"
        a = extract_page(gzip.decompress(f.read_bytes()), url, platform="generic")
        a.canonical_url = canonical_url(a.canonical_url or url)  # as the stored row has it
        views.append(DocView.from_row(a))  # as the engine reads a stored article
    return views


def test_surely_distinct_agrees_with_decide_on_real_pages() -> None:
    """Not only the replicas: over every pair of the real pages at hand (articles and list
    pages of four sites, their phrasing and boilerplate), whenever the shortcut fires decide
    says distinct at score 0, and it does fire."""
    views = _real_views()
    assert len(views) >= 40
    fired = 0
    for i, a in enumerate(views):
        for b in views[i + 1 :]:
            if surely_distinct(a, b):
                fired += 1
                v = decide(a, b)
                assert (v.verdict, v.score) == ("distinct", 0.0), (a.title, b.title, v)
    assert fired > 100, fired
