"""Benchmark of the near-duplicate index at 100 k and 1 M synthetic Vietnamese articles.

For each size: generate articles (Zipf-distributed Vietnamese syllables in sentences;
``--dup-rate`` of them are edited copies of an earlier article: sentences dropped or
added, words replaced, a prefix), fingerprint them (``Fingerprinter.of_text`` on text
already in matching form, in ``--workers`` processes), then insert them one by one into
``LSHIndex`` — query first, then insert, as the engine does — and report:

* median and p99 of query+insert per article (the index alone; fingerprinting is
  reported separately per article),
* memory of the index arrays and the process peak RSS,
* recall against exact Jaccard on a sample: for ``--queries`` articles, every article
  whose exact shingle Jaccard with it is >= ``--threshold`` (found by a full scan) must be
  among the index's candidates.

Usage: ``python bench/dedup_index.py [--sizes 100000,1000000] [--quick] [--compare-datasketch]``
Targets at 1 M: median <= 1 ms per article, recall >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from dedup.config import DedupConfig
from dedup.fingerprint import Fingerprinter
from dedup.index import LSHIndex
from domain.syllables import canonical_tone, is_vn_syllable

_INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th", "tr", "v", "x"]  # fmt: skip
_RHYMES = ["a", "ai", "an", "ang", "anh", "ao", "at", "ay", "ăn", "ăng", "âm", "ân", "ât", "âu", "e", "em", "en", "eo", "ê", "êm", "ên", "ênh", "êt", "i", "ia", "iên", "iêt", "im", "in", "inh", "it", "o", "oa", "oai", "oan", "oang", "oanh", "oc", "oi", "om", "on", "ong", "ô", "ôi", "ôn", "ông", "ôt", "ơ", "ơi", "ơn", "u", "ua", "uân", "uê", "ui", "um", "un", "ung", "uôc", "uôi", "uôn", "uông", "uy", "uyên", "ư", "ưa", "ưc", "ưng", "ươc", "ươi", "ươn", "ương", "ươt"]  # fmt: skip
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def vocabulary() -> list[str]:
    """Well-formed Vietnamese syllables in the matching form's tone convention."""
    out = []
    for i in _INITIALS:
        for r in _RHYMES:
            for t in _TONES:
                base = i + r
                pos = max((k for k, ch in enumerate(r) if ch in "aăâeêioôơuưy"), default=0)
                w = unicodedata.normalize("NFC", i + r[: pos + 1] + t + r[pos + 1 :])
                if is_vn_syllable(w) and w != base + "x":
                    out.append(canonical_tone(w))
    return sorted(set(out))


VOCAB = vocabulary()
np.random.default_rng(0).shuffle(VOCAB)  # Zipf ranks in no alphabetical order
_P = 1.0 / np.arange(1, len(VOCAB) + 1) ** 1.07
_CDF = np.cumsum(_P / _P.sum())


def _words(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` Zipf-distributed token ids."""
    return np.minimum(np.searchsorted(_CDF, rng.random(n)), len(VOCAB) - 1)


def _base_doc(rng: np.random.Generator) -> list[np.ndarray]:
    """Sentences of token ids."""
    return [_words(rng, int(rng.integers(12, 30))) for _ in range(int(rng.integers(8, 22)))]


def _copy(rng: np.random.Generator, sents: list[np.ndarray]) -> list[np.ndarray]:
    """An edited copy: drop or add sentences, replace a few words, add a prefix."""
    out = [s.copy() for s in sents]
    for _ in range(int(rng.integers(0, 3))):
        if len(out) > 3:
            out.pop(int(rng.integers(0, len(out))))
    for _ in range(int(rng.integers(0, 3))):
        out.insert(int(rng.integers(0, len(out) + 1)), _words(rng, int(rng.integers(12, 30))))
    for s in out:
        hits = rng.random(s.size) < float(rng.uniform(0.0, 0.04))
        s[hits] = _words(rng, int(hits.sum()))
    if rng.random() < 0.5:
        out[0] = np.concatenate([_words(rng, 3), out[0]])
    return out


def is_copy(seed: int, i: int, dup_rate: float) -> bool:
    """True when article ``i`` is an edited copy of an earlier one."""
    return i > 10 and np.random.default_rng([seed, i]).random() < dup_rate


def doc(seed: int, i: int, dup_rate: float) -> np.ndarray:
    """Token ids of article ``i`` (deterministic from ``seed`` and ``i``)."""
    rng = np.random.default_rng([seed, i])
    if i > 10 and rng.random() < dup_rate:
        parent = int(rng.integers(0, i))
        prng = np.random.default_rng([seed, parent, 1])
        return np.concatenate(_copy(rng, _base_doc(prng)))
    return np.concatenate(_base_doc(np.random.default_rng([seed, i, 1])))


def shingle_hashes(ids: np.ndarray) -> np.ndarray:
    """Exact 3-word shingle set of a token-id array as sorted unique uint64."""
    if ids.size < 3:
        return np.unique(ids.astype(np.uint64))
    v = ids.astype(np.uint64)
    return np.unique(v[:-2] * np.uint64(1 << 42) + v[1:-1] * np.uint64(1 << 21) + v[2:])


def _work(args: tuple[int, int, int, float, int]) -> tuple[np.ndarray, list[np.ndarray], float]:
    lo, hi, seed, dup_rate, num_perm = args
    fp = Fingerprinter(num_perm=num_perm)
    sigs = np.empty((hi - lo, num_perm), dtype=np.uint32)
    sh: list[np.ndarray] = []
    t = 0.0
    for k, i in enumerate(range(lo, hi)):
        ids = doc(seed, i, dup_rate)
        text = " ".join(VOCAB[j] for j in ids)
        t0 = time.perf_counter()
        sigs[k] = fp.of_text(text).values
        t += time.perf_counter() - t0
        sh.append(shingle_hashes(ids).astype(np.uint64))
    return sigs, sh, t


def build(
    n: int, seed: int, dup_rate: float, num_perm: int, workers: int
) -> tuple[np.ndarray, list[np.ndarray], float]:
    """Signatures, exact shingle sets and fingerprint seconds of ``n`` articles."""
    step = 5000
    jobs = [(lo, min(n, lo + step), seed, dup_rate, num_perm) for lo in range(0, n, step)]
    sigs, shs, secs = [], [], 0.0
    with ProcessPoolExecutor(max_workers=workers) as ex:
        for s, sh, t in ex.map(_work, jobs):
            sigs.append(s)
            shs.extend(sh)
            secs += t
    return np.concatenate(sigs), shs, secs


def exact_neighbours(
    shs: list[np.ndarray], queries: list[int], threshold: float
) -> dict[int, dict[int, float]]:
    """Every article whose exact Jaccard with each query is >= threshold (full scan).

    Vectorised: every shingle occurrence of every article is matched against the
    queries' shingles, and (article, query) intersection sizes are counted at once.
    """
    lengths = np.fromiter((len(s) for s in shs), dtype=np.int64, count=len(shs))
    qvals = np.concatenate([shs[q] for q in queries])
    qidx = np.concatenate([np.full(len(shs[q]), k, dtype=np.int64) for k, q in enumerate(queries)])
    order = np.argsort(qvals, kind="stable")
    qvals, qidx = qvals[order], qidx[order]
    out: dict[int, dict[int, float]] = {q: {} for q in queries}
    start = 0
    for chunk in range(0, len(shs), 100_000):  # bounded memory
        part = shs[chunk : chunk + 100_000]
        flat = np.concatenate(part)
        owner = np.repeat(
            np.arange(chunk, chunk + len(part), dtype=np.int64), lengths[chunk : chunk + len(part)]
        )
        lo = np.searchsorted(qvals, flat, side="left")
        hi = np.searchsorted(qvals, flat, side="right")
        n = hi - lo
        keep = n > 0
        lo, n, owner = lo[keep], n[keep], owner[keep]
        rep_owner = np.repeat(owner, n)
        offsets = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        rep_q = qidx[offsets]
        keys, inter = np.unique(rep_owner * len(queries) + rep_q, return_counts=True)
        docs, qs = keys // len(queries), keys % len(queries)
        qlen = lengths[np.asarray(queries)][qs]
        jac = inter / (lengths[docs] + qlen - inter)
        sel = jac >= threshold
        for d, k, j in zip(docs[sel].tolist(), qs[sel].tolist(), jac[sel].tolist(), strict=True):
            if d != queries[k]:
                out[queries[k]][d] = j
        start += len(part)
    return out


def run_size(n: int, args: argparse.Namespace, cfg: DedupConfig) -> dict[str, Any]:
    """Build, time and check one size."""
    t0 = time.perf_counter()
    sigs, shs, fp_secs = build(n, args.seed, args.dup_rate, cfg.num_perm, args.workers)
    t_build = time.perf_counter() - t0
    idx = LSHIndex(cfg.num_perm, cfg.bands)
    times = np.empty(n, dtype=np.float64)
    cands = np.empty(n, dtype=np.int64)
    t1 = time.perf_counter()
    for i in range(n):
        a = time.perf_counter()
        found = idx.query(sigs[i], limit=cfg.max_candidates)
        idx.insert(i, sigs[i])
        times[i] = time.perf_counter() - a
        cands[i] = len(found)
    t_index = time.perf_counter() - t1
    idx.merge()
    rng = np.random.default_rng(args.seed + 99)
    # half the sample at random, half among edited copies (where the neighbours are)
    picks = rng.choice(n, size=min(n, 20 * args.queries), replace=False).tolist()
    copies = [i for i in picks if is_copy(args.seed, i, args.dup_rate)][: args.queries // 2]
    queries = sorted(set(picks[: args.queries - len(copies)]) | set(copies))
    t2 = time.perf_counter()
    low = min(0.3, args.threshold)
    truth = exact_neighbours(shs, queries, low)
    t_truth = time.perf_counter() - t2
    hits = {q: set(idx.query(sigs[q])) for q in truth}
    pairs = [(j, d in hits[q]) for q, v in truth.items() for d, j in v.items()]
    want = sum(j >= args.threshold for j, _ in pairs)
    got = sum(j >= args.threshold and hit for j, hit in pairs)
    buckets = {}
    for lo, hi in ((low, 0.4), (0.4, 0.5), (0.5, 0.7), (0.7, 1.01)):
        inb = [hit for j, hit in pairs if lo <= j < hi]
        buckets[f"{lo:.1f}-{min(hi, 1.0):.1f}"] = f"{sum(inb)}/{len(inb)}"
    return {
        "articles": n,
        "query_insert_ms": {
            "median": round(float(np.median(times)) * 1000, 4),
            "p99": round(float(np.percentile(times, 99)) * 1000, 4),
            "max": round(float(times.max()) * 1000, 2),
            "mean": round(float(times.mean()) * 1000, 4),
        },
        "candidates_per_query": {
            "mean": round(float(cands.mean()), 2),
            "p99": int(np.percentile(cands, 99)),
        },
        "fingerprint_ms_per_article": round(fp_secs / n * 1000, 3),
        "index_mb": round(idx.nbytes() / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "recall": {
            "threshold": args.threshold,
            "queries": len(queries),
            "pairs": want,
            "found": got,
            "value": round(got / want, 4) if want else None,
            "by_jaccard": buckets,
        },
        "seconds": {
            "generate_and_fingerprint": round(t_build, 1),
            "index": round(t_index, 1),
            "exact_scan": round(t_truth, 1),
        },
    }


def datasketch_compare(n: int, args: argparse.Namespace, cfg: DedupConfig) -> dict[str, Any]:
    """The same insert+query loop with datasketch.MinHashLSH (in-memory dict storage)."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    sigs, _, _ = build(n, args.seed, args.dup_rate, cfg.num_perm, args.workers)
    lsh = MinHashLSH(num_perm=cfg.num_perm, params=(cfg.bands, cfg.num_perm // cfg.bands))
    perms = MinHash(num_perm=cfg.num_perm, seed=1).permutations
    times = np.empty(n)
    for i in range(n):
        mh = LeanMinHash(
            MinHash(
                num_perm=cfg.num_perm, hashvalues=sigs[i], permutations=perms, scheme="affine32"
            )
        )
        a = time.perf_counter()
        lsh.query(mh)
        lsh.insert(i, mh)
        times[i] = time.perf_counter() - a
    return {
        "articles": n,
        "median_ms": round(float(np.median(times)) * 1000, 4),
        "p99_ms": round(float(np.percentile(times, 99)) * 1000, 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry; prints a table (or JSON) and exits 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated article counts")
    ap.add_argument("--quick", action="store_true", help="one small size (20000) for a smoke run")
    ap.add_argument(
        "--queries",
        type=int,
        default=400,
        help="articles whose neighbours are checked exactly (half of them edited copies)",
    )
    ap.add_argument(
        "--threshold", type=float, default=0.5, help="exact Jaccard that counts as a near duplicate"
    )
    ap.add_argument(
        "--dup-rate", type=float, default=0.1, help="share of articles that are edited copies"
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that generate and fingerprint",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--compare-datasketch",
        action="store_true",
        help="also time datasketch.MinHashLSH at the first size",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    cfg = DedupConfig.from_env()
    sizes = [20000] if args.quick else [int(x) for x in args.sizes.split(",") if x]
    results = []
    for n in sizes:
        r = run_size(n, args, cfg)
        results.append(r)
        if not args.json:
            q = r["query_insert_ms"]
            print(f"{n:>9} articles: query+insert median {q['median']} ms, p99 {q['p99']} ms (max {q['max']} ms); "
                  f"candidates/query {r['candidates_per_query']['mean']}; fingerprint {r['fingerprint_ms_per_article']} ms/article; "
                  f"index {r['index_mb']} MB, peak RSS {r['peak_rss_mb']} MB; recall {r['recall']['value']} "
                  f"({r['recall']['found']}/{r['recall']['pairs']} pairs with J >= {args.threshold}, {r['recall']['queries']} queries; "
                  f"found/pairs by exact J {r['recall']['by_jaccard']}); "
                  f"time {r['seconds']}", flush=True)  # fmt: skip
    out: dict[str, Any] = {
        "config": {"num_perm": cfg.num_perm, "bands": cfg.bands, "shingle": cfg.shingle},
        "results": results,
    }
    if args.compare_datasketch:
        out["datasketch"] = datasketch_compare(sizes[0], args, cfg)
        if not args.json:
            print(f"datasketch.MinHashLSH at {sizes[0]}: {out['datasketch']}")
    last = results[-1]
    ok = last["query_insert_ms"]["median"] <= 1.0 and (last["recall"]["value"] or 0) >= 0.95
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"targets (median <= 1 ms, recall >= 0.95) at {last['articles']}:",
            "met" if ok else "MISSED",
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
