"""Incremental export: after random crawls and editors' decisions, the same tree as a full rebuild."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dedup.clusters import recluster
from dedup.review import decide, undo
from domain.article import Article as CleanArticle
from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.export import export_tree
from feeds.exportstate import STATE_DIR, plan_pages
from storage.articles import set_topics, upsert_article
from storage.db import Store
from storage.models import Article, Decision, DuplicateCandidate
from storage.repository import sync_registry
from tests.feeds.conftest import T0

UNITS = ("hoabinh-soct", "phutho-soct", "vinhphuc-syt", "hanoi-syt")
TOPICS = ("cong-thuong", "y-te", "thong-bao", "giao-duc")
STEPS = 30


def tree(root: Path) -> dict[str, bytes]:
    """Every published file under ``root`` (the export's state folder left out)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and STATE_DIR not in p.relative_to(root).parts
    }


def _clean(unit: str, n: int, version: int, published: datetime) -> CleanArticle:
    url = f"https://{unit}.example.vn/tin/{n}.html"
    text = f"Nội dung tin {n} của {unit}, bản {version}."
    return CleanArticle(
        url=url,
        title=f"Tin {n} của {unit} (bản {version})",
        published=published,
        time_unknown=False,
        category="Tin tức",
        lead=f"Tóm tắt {n}.",
        body_html=f"<p>{text}</p>",
        body_text=text,
        canonical_url=url,
    )


class World:
    """Random crawls, article changes and editors' decisions on one store."""

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.rnd = random.Random(seed)
        self.n = 0
        self.versions: dict[tuple[str, int], int] = {}

    def _topics(self) -> dict[str, str]:
        return {t: "category" for t in self.rnd.sample(TOPICS, self.rnd.randint(0, 2))}

    def crawl(self) -> str:
        """One unit's crawl: a few new articles (any date, so archives shift) or updates."""
        unit = self.rnd.choice(UNITS)
        now = datetime.now(UTC)
        with self.store.session() as s:
            for _ in range(self.rnd.randint(1, 3)):
                known = [k for k in self.versions if k[0] == unit]
                if known and self.rnd.random() < 0.4:
                    key = self.rnd.choice(known)
                    self.versions[key] += 1
                else:
                    self.n += 1
                    key = (unit, self.n)
                    self.versions[key] = 0
                when = T0 + timedelta(hours=key[1] * 7 % 50 + self.rnd.random())
                art = _clean(unit, key[1], self.versions[key], when)
                _, row = upsert_article(s, unit, art, now)
                set_topics(s, row, self._topics(), now)
        return f"crawl {unit}"

    def retopic(self) -> str:
        """An article listed under another category: only its topics change."""
        with self.store.session() as s:
            ids = list(s.scalars(select(Article.id)))
            if not ids:
                return "retopic (none)"
            row = s.get(Article, self.rnd.choice(ids))
            assert row is not None
            while not set_topics(s, row, self._topics(), datetime.now(UTC)):
                pass
            return f"retopic {row.id}"

    def _pair(self, s: Session) -> tuple[int, int] | None:
        rows = list(s.execute(select(Article.id, Article.unit_id)).tuples())
        pairs = [(a, b) for a, ua in rows for b, ub in rows if a < b and ua != ub]
        return self.rnd.choice(pairs) if pairs else None

    def link(self) -> str:
        """The dedup engine links a new pair automatically (strong links win over weak ones)."""
        with self.store.session() as s:
            pair = self._pair(s)
            if pair is None:
                return "link (none)"
            a, b = pair
            if s.scalar(
                select(DuplicateCandidate.id).where(
                    DuplicateCandidate.a_id == a, DuplicateCandidate.b_id == b
                )
            ):
                return "link (known)"
            score = round(self.rnd.uniform(0.8, 1.0), 3)
            s.add(
                DuplicateCandidate(a_id=a, b_id=b, score=score, verdict="duplicate", status="auto")
            )
            recluster(s, {a, b}, datetime.now(UTC))
            return f"link {a}-{b} {score}"

    def decide(self) -> str:
        """An editor links two articles, keeps them apart or picks a canonical one."""
        with self.store.session() as s:
            pair = self._pair(s)
            if pair is None:
                return "decide (none)"
            a, b = pair
            cand = s.scalar(
                select(DuplicateCandidate).where(
                    DuplicateCandidate.a_id == a, DuplicateCandidate.b_id == b
                )
            )
            if cand is None:
                cand = DuplicateCandidate(a_id=a, b_id=b, score=0.6, verdict="review")
                s.add(cand)
                s.flush()
            action = self.rnd.choice(("duplicate", "duplicate", "distinct", "canonical"))
            decide(s, cand.id, action, "editor", canonical_id=self.rnd.choice((a, b)))
            return f"decide {a}-{b} {action}"

    def undo(self) -> str:
        """An editor undoes the latest decision on some pair."""
        with self.store.session() as s:
            decs = list(
                s.scalars(
                    select(Decision).where(Decision.undone.is_(False), Decision.action != "undo")
                )
            )
            for dec in self.rnd.sample(decs, len(decs)):
                try:
                    undo(s, dec.id, "editor")
                except ValueError:
                    continue
                return f"undo {dec.id}"
        return "undo (none)"

    def step(self) -> str:
        """One random action."""
        op = self.rnd.choices(
            (self.crawl, self.retopic, self.link, self.decide, self.undo, lambda: "nothing"),
            weights=(5, 1, 3, 2, 1, 1),
        )[0]
        return op()


@pytest.mark.parametrize("seed", [7])
def test_incremental_matches_full_after_random_changes(
    fstore: Store, registry: Registry, tmp_path: Path, seed: int
) -> None:
    config = FeedConfig(base_url="http://feeds.test", limit=3)
    world = World(fstore, seed)
    inc = tmp_path / "inc"
    first = export_tree(fstore, registry, inc, config=config)
    assert first.full
    partial = 0
    for i in range(STEPS):
        what = world.step()
        rep = export_tree(fstore, registry, inc, config=config)
        assert not rep.full, what
        full_dir = tmp_path / f"full{i}"
        whole = export_tree(fstore, registry, full_dir, config=config, full=True)
        assert whole.full
        a, b = tree(inc), tree(full_dir)
        assert sorted(a) == sorted(b), (i, what, set(a) ^ set(b))
        assert [k for k in a if a[k] != b[k]] == [], (i, what)
        partial += rep.rendered < whole.rendered
    assert partial >= STEPS * 2 // 3  # most steps rendered only part of the tree


def test_full_rebuild_removes_files_of_vanished_feeds(
    fstore: Store, registry: Registry, tmp_path: Path
) -> None:
    config = FeedConfig(base_url="http://feeds.test", limit=2)
    world = World(fstore, 1)
    for _ in range(4):
        world.crawl()
    out = tmp_path / "out"
    export_tree(fstore, registry, out, config=config, full=True)
    with fstore.session() as s:
        for row in s.scalars(select(Article)):
            set_topics(s, row, {}, datetime.now(UTC))
    again = export_tree(fstore, registry, out, config=config, full=True)
    fresh = tmp_path / "fresh"
    export_tree(fstore, registry, fresh, config=config, full=True)
    assert tree(out) == tree(fresh)
    assert again.removed  # unit×topic feeds no article is in any more


def test_plan_pages() -> None:
    new, changed = list(range(10, 0, -1)), frozenset[int]()
    assert plan_pages(None, new, changed, 3) == ([None, 1, 2, 3], [])
    assert plan_pages(new, new, changed, 3) == ([], [])
    assert plan_pages(new, new, frozenset({5}), 3) == ([2], [])
    grown = [11, *new]  # 11 items: page 3 still the newest full page; current shifts
    assert plan_pages(new, grown, changed, 3) == ([None], [])
    more = [13, 12, *grown]  # 13 items: page 4 appears, page 3 gains its next link
    assert plan_pages(new, more, changed, 3) == ([None, 3, 4], [])
    assert plan_pages(more, new, changed, 3) == ([None, 3], [4])
    older = [*new, 0]  # an older item inserted: every archive page shifts, current stays
    assert plan_pages(new, older, changed, 3) == ([1, 2, 3], [])


def test_member_leaving_a_cluster_updates_the_others_notes(
    fstore: Store, registry: Registry, tmp_path: Path
) -> None:
    """C moves to D's cluster: A's "also on" loses C's unit though A's cluster stays the same."""
    config = FeedConfig(base_url="http://feeds.test", limit=3)
    now = datetime.now(UTC)
    ids = {}
    with fstore.session() as s:
        for k, unit in enumerate(("hanoi-syt", "phutho-soct", "vinhphuc-syt", "hoabinh-soct")):
            _, row = upsert_article(s, unit, _clean(unit, k, 0, T0 + timedelta(hours=k)), now)
            set_topics(s, row, {"y-te": "category"}, now)
            ids["ABCD"[k]] = row.id

    def link(s: Session, a: str, b: str, score: float, status: str = "auto") -> None:
        s.add(
            DuplicateCandidate(
                a_id=ids[a], b_id=ids[b], score=score, verdict="duplicate", status=status
            )
        )
        recluster(s, {ids[a], ids[b]}, datetime.now(UTC))

    with fstore.session() as s:
        link(s, "A", "B", 0.9)
        link(s, "B", "C", 0.85)
        link(s, "A", "D", 0.5, status="distinct")
    out = tmp_path / "inc"
    export_tree(fstore, registry, out, config=config)
    assert "vinhphuc-syt" in (out / "provinces/ha-noi.json").read_text(encoding="utf-8")
    with fstore.session() as s:
        link(s, "C", "D", 0.95)  # the engine's stronger link pulls C away from A and B
    rep = export_tree(fstore, registry, out, config=config)
    assert not rep.full
    export_tree(fstore, registry, tmp_path / "full", config=config, full=True)
    assert tree(out) == tree(tmp_path / "full")
    assert "vinhphuc-syt" not in (out / "provinces/ha-noi.json").read_text(encoding="utf-8")


def test_a_recreated_store_means_a_full_export(registry: Registry, tmp_path: Path) -> None:
    """The state belongs to one database: a new one at the same path is not patched onto it."""
    config = FeedConfig(base_url="http://feeds.test", limit=3)
    out = tmp_path / "out"
    for round_ in range(2):
        db = tmp_path / "feeds.sqlite3"
        db.unlink(missing_ok=True)
        store = Store(f"sqlite:///{db}")
        try:
            with store.session() as s:
                sync_registry(s, registry)
            World(store, round_).crawl()
            assert export_tree(store, registry, out, config=config).full
            assert not export_tree(store, registry, out, config=config).full
        finally:
            store.dispose()
