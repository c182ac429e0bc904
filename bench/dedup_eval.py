"""Precision and recall of the dedup engine per band, over the replicas' labelled pairs.

Builds every replica article (by serving the replica sites on loopback and extracting
each page with ``crawlers.extract.extract_page``, or straight from the corpus data with
``--source corpus``), stores them in a throwaway SQLite store, runs ``DedupEngine.process``
on each in publication order (as the crawl pipeline would), then scores the outcome:

* every labelled pair (``replicas.corpus.labels``) lands in a band: duplicate
  (auto-linked, or the same canonical URL), review (pending candidate) or distinct;
* every flagged pair the labels do not name counts as a false positive (the corpus
  labels every pair of copies, so an unlabelled pair is two different articles).

Usage: ``python bench/dedup_eval.py [--seed 1] [--source pages|corpus] [--high H] [--low L] [--json]``
Target: precision >= 0.98 and recall >= 0.95 for "duplicate or review".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dedup import DedupConfig, DedupEngine
from storage import models as m
from storage.db import Store
from storage.urls import canonical_url


@dataclass
class Doc:
    """One article to store: unit, URL and the fields the engine reads."""

    unit: str
    url: str
    title: str
    lead: str
    body: str
    published: datetime | None
    source: str


def _from_corpus(corpus: Any, base: dict[str, str]) -> list[Doc]:
    out = []
    for uid, stories in corpus.stories.items():
        for s in stories:
            if s.internal:
                continue
            out.append(
                Doc(
                    uid,
                    corpus.url(s, base),
                    s.title,
                    s.lead,
                    "\n".join(s.paragraphs),
                    s.published,
                    s.source,
                )
            )
    return out


def _from_pages(server: Any) -> list[Doc]:
    from crawlers.extract import extract_page

    corpus, base = server.corpus, server.base_urls()
    out = []
    for uid, stories in corpus.stories.items():
        platform = corpus.unit(uid).platform
        for s in stories:
            if s.internal:
                continue
            url = corpus.url(s, base)
            with urllib.request.urlopen(url, timeout=10) as resp:  # loopback only
                page = resp.read()
            art = extract_page(page, url, platform=platform)
            out.append(Doc(uid, url, art.title, art.lead, art.body_text, art.published, art.source))
    return out


def _store_docs(store: Store, corpus: Any, base: dict[str, str], docs: list[Doc]) -> dict[str, int]:
    ids: dict[tuple[str, str], int] = {}
    with store.session() as s:
        for u in corpus.units:
            if u.id in corpus.stories:
                s.add(
                    m.Unit(
                        id=u.id,
                        name=u.name,
                        province_id=u.province,
                        platform=u.platform,
                        homepage=base[u.id],
                    )
                )
        s.flush()
        for d in sorted(
            docs, key=lambda d: (d.published or datetime.min.replace(tzinfo=UTC), d.url)
        ):
            cu = canonical_url(d.url)
            key = (d.unit, cu)
            if key in ids:
                continue
            when = d.published or datetime.now(UTC)
            a = m.Article(
                guid=f"{d.unit}:{cu}", unit_id=d.unit, url=d.url, canonical_url=cu, title=d.title,
                lead=d.lead, body_text=d.body, published=d.published, source=d.source,
                first_seen=when, last_seen=when, changed_at=when,
            )  # fmt: skip
            s.add(a)
            s.flush()
            ids[key] = a.id
    return {f"{u}|{cu}": i for (u, cu), i in ids.items()}


def evaluate(seed: int, source: str, config: DedupConfig) -> dict[str, Any]:
    """Run the whole evaluation; return the figures."""
    from replicas.corpus import Corpus

    t0 = time.perf_counter()
    if source == "pages":
        from replicas.server import ReplicaServer

        with ReplicaServer(seed=seed) as server:
            corpus, base = server.corpus, server.base_urls()
            docs = _from_pages(server)
            labels = server.labels()
    else:
        corpus = Corpus(seed)
        base = {u.id: f"http://replica-{u.id}.test" for u in corpus.units}
        docs = _from_corpus(corpus, base)
        labels = corpus.labels(base)
    t_build = time.perf_counter() - t0
    url_unit = {corpus.url(s, base): uid for uid, ss in corpus.stories.items() for s in ss}
    url_unit.update(
        {corpus.url(s, base, session=False): uid for uid, ss in corpus.stories.items() for s in ss}
    )

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'eval.sqlite3'}")
        ids = _store_docs(store, corpus, base, docs)
        engine = DedupEngine(store, config, load=False)
        t1 = time.perf_counter()
        with store.session() as s:
            arts = list(s.scalars(select(m.Article).order_by(m.Article.published, m.Article.id)))
            for a in arts:
                engine.process(s, a)
        t_engine = time.perf_counter() - t1
        with store.session() as s:
            cands = {(c.a_id, c.b_id): c for c in s.scalars(select(m.DuplicateCandidate))}
            cluster = dict(s.execute(select(m.Article.id, m.Article.cluster_id)).tuples().all())
        store.dispose()

    band_of_status = {"auto": "duplicate", "duplicate": "duplicate", "pending": "review"}
    rows: list[dict[str, Any]] = []
    labelled: set[tuple[int, int]] = set()
    for lab in labels:
        ia = ids.get(f"{url_unit[lab['a']]}|{canonical_url(lab['a'])}")
        ib = ids.get(f"{url_unit[lab['b']]}|{canonical_url(lab['b'])}")
        if ia is None or ib is None:
            continue  # an article left out (robots-disallowed)
        if ia == ib:
            band, in_cluster = "duplicate", True
        else:
            pair = (min(ia, ib), max(ia, ib))
            labelled.add(pair)
            c = cands.get(pair)
            band = band_of_status.get(c.status, "distinct") if c else "distinct"
            in_cluster = cluster.get(ia) is not None and cluster.get(ia) == cluster.get(ib)
        rows.append(
            {"label": lab["label"], "kind": lab["kind"], "band": band, "cluster": in_cluster}
        )
    extra = Counter(
        band_of_status[c.status]
        for pair, c in cands.items()
        if pair not in labelled and c.status in band_of_status
    )
    return _figures(rows, extra, len(docs), t_build, t_engine)


def _pr(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4)}


def _figures(
    rows: list[dict[str, Any]], extra: Counter[str], n_docs: int, t_build: float, t_engine: float
) -> dict[str, Any]:
    dup = [r for r in rows if r["label"] == "duplicate"]
    neg = [r for r in rows if r["label"] == "distinct"]
    bands: dict[str, Any] = {}
    for name, members in (
        ("duplicate", {"duplicate"}),
        ("review", {"review"}),
        ("duplicate or review", {"duplicate", "review"}),
    ):
        tp = sum(r["band"] in members for r in dup)
        fp = sum(r["band"] in members for r in neg) + sum(extra[b] for b in members)
        bands[name] = _pr(tp, fp, len(dup) - tp)
    kinds: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in rows}):
        rs = [r for r in rows if r["kind"] == kind]
        kinds[kind] = dict(Counter(r["band"] for r in rs), pairs=len(rs), label=rs[0]["label"])
    return {
        "articles": n_docs,
        "labelled_pairs": len(rows),
        "bands": bands,
        "kinds": kinds,
        "unlabelled_flagged": dict(extra),
        "same_cluster_recall": round(sum(r["cluster"] for r in dup) / max(1, len(dup)), 4),
        "seconds": {
            "build": round(t_build, 2),
            "engine": round(t_engine, 2),
            "per_article_ms": round(1000 * t_engine / max(1, n_docs), 2),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry; exit status 1 when the target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="replica corpus seed (default 1)")
    ap.add_argument(
        "--source",
        choices=("pages", "corpus"),
        default="pages",
        help="extract served pages (default) or use the corpus text",
    )
    ap.add_argument("--high", type=float, help="auto-link threshold")
    ap.add_argument("--low", type=float, help="review threshold")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)
    config = DedupConfig.from_env(high=args.high, low=args.low)
    out = evaluate(args.seed, args.source, config)
    out["config"] = {
        "high": config.high,
        "low": config.low,
        "shingle": config.shingle,
        "num_perm": config.num_perm,
        "bands": config.bands,
    }
    target = out["bands"]["duplicate or review"]
    out["target_met"] = target["precision"] >= 0.98 and target["recall"] >= 0.95
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(
            f"seed {args.seed}, source {args.source}: {out['articles']} articles, {out['labelled_pairs']} labelled pairs; config {out['config']}"
        )
        print(f"{'band':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}")
        for name, b in out["bands"].items():
            print(
                f"{name:<22}{b['tp']:>5}{b['fp']:>5}{b['fn']:>5}{b['precision']:>11.4f}{b['recall']:>8.4f}"
            )
        for kind, k in out["kinds"].items():
            print(
                f"  {kind} ({k['label']}, {k['pairs']} pairs): "
                + ", ".join(f"{b} {k.get(b, 0)}" for b in ("duplicate", "review", "distinct"))
            )
        print(
            f"unlabelled pairs flagged: {out['unlabelled_flagged'] or 0}; duplicates in one cluster: {out['same_cluster_recall']:.4f}"
        )
        s = out["seconds"]
        print(
            f"time: build {s['build']} s, engine {s['engine']} s ({s['per_article_ms']} ms/article)"
        )
        print(
            "target (P >= 0.98, R >= 0.95 for duplicate or review):",
            "met" if out["target_met"] else "MISSED",
        )
    return 0 if out["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
