"""Fingerprints, the LSH index and the three bands (compare on extract-style JSON)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dedup import DedupConfig, compare
from dedup.fingerprint import Fingerprint, Fingerprinter, shingles, tokens
from dedup.index import LSHIndex, candidate_probability
from tests.dedup.conftest import SEED, edited_copy_body, notice, seed_body


def art(
    title: str, body: str, *, url: str, lead: str = "", published: str | None = None
) -> dict[str, object]:
    return {"url": url, "title": title, "lead": lead, "body_text": body, "published": published}


def test_fingerprint_round_trip_and_estimates() -> None:
    fp = Fingerprinter(num_perm=128, k=3)
    a = fp.of_article(SEED.title, SEED.lead, seed_body())
    b = fp.of_article(SEED.title, "", edited_copy_body())
    back = Fingerprint.from_bytes(a.to_bytes())
    assert (
        back is not None
        and np.array_equal(back.values, a.values)
        and back.n_shingles == a.n_shingles
    )
    assert Fingerprint.from_bytes(b"garbage") is None
    assert a.jaccard(b) > 0.5 and a.containment(b) > 0.8
    other = fp.of_text("hoàn toàn khác " * 3 + " ".join(f"từ{i}" for i in range(200)))
    assert a.jaccard(other) < 0.1
    # tone placement and case do not change the fingerprint
    x = fp.of_article("", "", "Hòa Bình THỦY lợi khỏe mạnh")
    assert x.values.tolist() == fp.of_article("", "", "hoà bình thuỷ lợi khoẻ mạnh").values.tolist()


def test_shingles() -> None:
    assert shingles(tokens("a b c d"), 3) == {"a b c", "b c d"}
    assert shingles(["a"], 3) == {"a"} and shingles([], 3) == set()


def test_index_finds_near_duplicates_and_persists(tmp_path: Path) -> None:
    fp = Fingerprinter()
    idx = LSHIndex(128, 42)
    base = fp.of_article(SEED.title, SEED.lead, seed_body())
    idx.insert(1, base.values)
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 2**32, size=(500, 128), dtype=np.uint64).astype(np.uint32)
    idx.insert_many(range(100, 600), noise)
    copy = fp.of_article(SEED.title, "", edited_copy_body())
    assert 1 in idx.query(copy.values)
    assert set(idx.query(noise[7])) == {107}
    idx.save(tmp_path / "i.npz")
    loaded = LSHIndex.load(tmp_path / "i.npz")
    assert len(loaded) == 501 and loaded.max_id == 599
    assert 1 in loaded.query(copy.values)
    assert candidate_probability(0.5, 42, 3) > 0.99 > candidate_probability(0.1, 42, 3)


def test_exact_and_edited_copies_are_duplicates() -> None:
    a = art(SEED.title, seed_body(), url="https://a.vn/1", lead=SEED.lead)
    same = dict(a, url="https://b.vn/9")
    out = compare(a, same)
    assert set(out) == {"score", "verdict", "reasons"}
    assert out["verdict"] == "duplicate" and out["score"] == pytest.approx(1.0)
    copy = art("Hoà Bình: " + SEED.title, edited_copy_body(), url="https://b.vn/2")
    out = compare(a, copy)
    assert out["verdict"] == "duplicate", out
    assert any("sentences" in r for r in out["reasons"])


def test_templated_notices_are_kept_apart() -> None:
    sep, octo = notice(9, 12, "Nguyễn Văn An"), notice(10, 10, "Trần Thị Bình")
    sep["url"], octo["url"] = "https://a.vn/tb-9", "https://a.vn/tb-10"
    out = compare(sep, octo)
    assert out["verdict"] == "distinct"
    assert any("templated notice" in r for r in out["reasons"]), out
    # the same notice on another unit's site, re-typed: still one notice
    again = dict(sep, url="https://b.vn/tb9", body_text=sep["body_text"].replace("tùy", "tuỳ"))
    assert compare(sep, again)["verdict"] == "duplicate"


def test_body_numbers_cap_at_review_and_thresholds_configurable() -> None:
    a = art(SEED.title, seed_body(), url="https://a.vn/1")
    b = art(SEED.title, seed_body().replace("27,6%", "28,1%"), url="https://b.vn/1")
    out = compare(a, b)
    assert out["verdict"] == "review" and any("numbers" in r for r in out["reasons"])
    cut = art(SEED.title, "\n".join(SEED.body[: len(SEED.body) // 2]), url="https://c.vn/1")
    score = compare(a, cut)["score"]
    assert compare(a, cut, DedupConfig(high=min(1.0, score + 0.01), low=0.1))["verdict"] == "review"
    assert (
        compare(a, cut, DedupConfig(high=1.0, low=min(1.0, score + 0.01)))["verdict"] == "distinct"
    )
    unrelated = art(
        "Tin khác", " ".join(f"từ{i} khác{i}." for i in range(300)), url="https://d.vn/1"
    )
    assert compare(a, unrelated)["verdict"] == "distinct"


def test_config_from_env_and_table() -> None:
    cfg = DedupConfig.from_env(
        {"VNFEEDS_DEDUP_HIGH": "0.9", "VNFEEDS_DEDUP_LOW": "0.5"}, {"bands": 32}
    )
    assert (cfg.high, cfg.low, cfg.bands) == (0.9, 0.5, 32)
    assert DedupConfig.from_env({"VNFEEDS_DEDUP_HIGH": "0.9"}, high=0.95).high == 0.95
    with pytest.raises(ValueError, match="unknown"):
        DedupConfig.from_mapping({"hihg": 0.9})
    with pytest.raises(ValueError):
        DedupConfig(high=0.3, low=0.6)


def test_replica_labelled_pairs_pairwise() -> None:
    """Every labelled pair of the replica corpus lands in the right band (decide alone)."""
    from dedup.decide import DocView, decide
    from replicas.corpus import Corpus

    c = Corpus(1)
    base = {u.id: f"http://{u.id}.test" for u in c.units}
    stories = {c.url(s, base): s for ss in c.stories.values() for s in ss}
    got: Counter[tuple[str, str]] = Counter()
    for lab in c.labels(base):
        if lab["kind"] == "mirror":
            continue
        a, b = stories[lab["a"]], stories[lab["b"]]
        va, vb = (
            DocView(title=s.title, lead=s.lead, body="\n".join(s.paragraphs), published=s.published)
            for s in (a, b)
        )
        got[(lab["label"], decide(va, vb).verdict)] += 1
    assert got[("distinct", "duplicate")] == got[("distinct", "review")] == 0
    assert got[("duplicate", "distinct")] == 0
    assert got[("duplicate", "duplicate")] > 0.8 * (
        got[("duplicate", "duplicate")] + got[("duplicate", "review")]
    )
