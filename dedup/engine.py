"""The dedup engine the crawl pipeline calls for every new or changed article.

For one article: set ``content_hash`` (when empty) and ``fingerprint``; find exact
duplicates (same canonical URL on another unit, same content hash) and near
duplicates (LSH candidates, pre-filtered on their stored fingerprints, then scored
on their text by :func:`dedup.decide.decide`); record each pair in the duplicate
or grey band as a ``DuplicateCandidate`` (``auto`` or ``pending``); re-cluster when a
link changed.  Pairs an editor decided keep the editor's status whatever the score.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Select, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from dedup import reads, writes
from dedup.caches import FingerprintCache, ViewCache
from dedup.clusters import LINKED, auto_decision, recluster
from dedup.config import DedupConfig
from dedup.decide import DocView, blend, decide, surely_distinct
from dedup.fingerprint import Fingerprint, Fingerprinter, estimates
from dedup.holes import IdHoles
from dedup.index import LSHIndex
from dedup.prepared import Prepared
from dedup.snapshot import load_snapshot, save_snapshot, snapshot_path
from storage import models as m
from storage.articles import content_hash
from storage.db import Store
from storage.models import utcnow

__all__ = ["DedupEngine"]

#: statuses an automatic pass may rewrite; any other status is an editor's
AUTO_STATUSES = ("pending", "auto", "cleared")
#: exact content-hash matches are only trusted for bodies at least this long (words)
MIN_EXACT_WORDS = 25
#: a rebuild that read no row marks changes from its start less this (other writers'
#: clocks a little behind ours)
FIRST_MARK_SLACK = timedelta(minutes=5)


def _status_for(verdict: str) -> str:
    return {"duplicate": "auto", "review": "pending"}.get(verdict, "cleared")


class DedupEngine:
    """Exact and near-duplicate detection over all units, with an in-memory LSH index."""

    def __init__(
        self, store: Store, config: DedupConfig | None = None, *, load: bool = True
    ) -> None:
        self.store = store
        self.config = config or DedupConfig.from_env()
        self.fp = Fingerprinter(num_perm=self.config.num_perm, k=self.config.shingle)
        self.index = LSHIndex(self.config.num_perm, self.config.bands)
        self._watermark: datetime | None = None
        self._window = False  # indexes a given window of articles only (see index_window)
        self._views = ViewCache()
        self._fps = FingerprintCache()  # kept equal to the stored column
        self._holes = IdHoles()
        path = self.index_path()
        if not load:
            pass  # an empty index: the caller re-processes articles in order
        elif path and path.exists() and (got := load_snapshot(path, store, self.config)):
            self.index, self._watermark = got
            with store.session() as s:
                self.catch_up(s)
        else:
            self.rebuild()

    # ------------------------------------------------------------ the index
    def index_path(self) -> Path | None:
        """Where the index snapshot lives (:func:`dedup.snapshot.snapshot_path`)."""
        return snapshot_path(self.store, self.config)

    def save(self) -> Path | None:
        """Write the index snapshot (see :meth:`index_path`); return its path."""
        path = self.index_path()
        if path is None or self._window:
            return None
        save_snapshot(path, self.index, self.store, self.config, self._watermark)
        return path

    def close(self) -> None:
        """Persist the index when configured."""
        self.save()

    def index_window(self, rows: Iterator[tuple[int, bytes | None, datetime]]) -> int:
        """Index only these (id, fingerprint, changed_at) rows and never catch up or save:
        an engine that compares a window of articles with each other (:mod:`dedup.sweep`)."""
        self._window = True
        return self._add_rows(rows)

    def _fingerprints(
        self, session: Session, stmt: Select[Any], **params: Any
    ) -> Iterator[tuple[int, bytes | None, datetime]]:
        """(id, fingerprint, changed_at) rows of one of :mod:`dedup.reads`' statements."""
        # on the connection: nothing the session holds unflushed bears on stored fingerprints
        yield from session.connection().execute(  # type: ignore[misc]
            stmt, params, execution_options={"yield_per": 5000}
        )

    def _add_rows(
        self, rows: Iterator[tuple[int, bytes | None, datetime]], seen: list[int] | None = None
    ) -> int:
        """Index these (id, fingerprint, changed_at) rows; their ids go to ``seen``."""
        ids: list[int] = []
        sigs: list[np.ndarray] = []
        n = 0
        kept = self._fps  # empty during a rebuild: nothing to refresh
        for aid, raw, changed in rows:
            if seen is not None:
                seen.append(aid)
            if self._watermark is None or changed > self._watermark:
                self._watermark = changed
            if kept:  # what another process changed: what is kept takes the stored value
                kept.refresh(((aid, raw),))
            fp = Fingerprint.from_bytes(raw) if raw else None
            if fp is None or not self.fp.compatible(fp) or fp.n_shingles == 0:
                continue
            ids.append(aid)
            sigs.append(fp.values)
            if len(ids) >= 20000:
                self.index.insert_many(ids, np.stack(sigs))
                n += len(ids)
                ids, sigs = [], []
        if ids:
            self.index.insert_many(ids, np.stack(sigs))
            n += len(ids)
        return n

    def catch_up(self, session: Session, skip: int = 0) -> int:
        """Index articles other processes stored since this index was built (or last caught
        up), except article ``skip`` (the one being processed)."""
        if self._window:
            return 0
        old, seen = self.index.max_id, list[int]()  # ids read, for the holes
        params: dict[str, Any] = {"max_id": old, "me": skip}
        if self._watermark is None:
            reads_ = [self._fingerprints(session, reads.NEW_SINCE, **params)]
        else:
            params["mark"] = self._watermark
            reads_ = [self._fingerprints(session, reads.CHANGED_SINCE, **params)]
        if holes := self._holes.pending(skip):
            reads_.append(self._fingerprints(session, reads.HOLES, ids=holes))
        n = sum(self._add_rows(rows, seen) for rows in reads_)
        self._holes.filled(seen)
        self._holes.note(old, self.index.max_id, seen)
        return n

    def rebuild(self) -> int:
        """Rebuild the index from the stored fingerprints (computing missing ones); return its size.

        The change mark is the newest ``changed_at`` read, or (an empty store) the rebuild's
        start less :data:`FIRST_MARK_SLACK`: other processes' later changes to articles this
        engine goes on to index are caught up with either way.
        """
        started = utcnow()
        self.index.clear()
        self._fps.clear()
        self._holes.clear()
        self._watermark = None
        stale: list[int] = []

        def usable(
            rows: Iterator[tuple[int, bytes | None, datetime]],
        ) -> Iterator[tuple[int, bytes | None, datetime]]:
            for row in rows:
                fp = Fingerprint.from_bytes(row[1]) if row[1] else None
                if fp is None or not self.fp.compatible(fp):
                    stale.append(row[0])
                else:
                    yield row

        with self.store.session() as s:
            n = self._add_rows(usable(self._fingerprints(s, reads.ALL_FPS)))
            for i in range(0, len(stale), 500):
                fixed = []
                for a in s.scalars(select(m.Article).where(m.Article.id.in_(stale[i : i + 500]))):
                    fixed.append((a.id, self._fingerprint(a).to_bytes(), a.changed_at))
                n += self._add_rows(iter(fixed))
        self.index.merge()
        if self._watermark is None:
            self._watermark = started - FIRST_MARK_SLACK
        self.save()
        return n

    def _fingerprint(
        self,
        a: m.Article,
        view: DocView | None = None,
        prepared: Prepared | None = None,
        session: Session | None = None,
    ) -> Fingerprint:
        """The article's fingerprint, set on the row with its content hash (when empty)
        unless the row already holds both (a new row stored with its prepared fingerprint).

        Given the ``session`` of a row that has no unflushed change, the two columns are
        written at once with one Core statement and shown to the session as stored, so no
        flush of the unit of work is needed for them.
        """
        fp = prepared.fingerprint_for(self.fp) if prepared is not None else None
        if fp is None:
            view = view or DocView.from_row(a, self.config.shingle)
            fp = self.fp.of_shingles(view.shingles)
        raw = fp.to_bytes()
        if a.id is not None:
            self._fps.put(a.id, raw)
        digest = a.content_hash or content_hash(a.title, a.body_text)
        if a.fingerprint == raw and a.content_hash == digest:  # stored with the row
            return fp
        state = inspect(a)
        if session is not None and state.persistent and not state.modified:
            session.connection().execute(
                writes.SET_FINGERPRINT, {"article_id": a.id, "fp_bytes": raw, "digest": digest}
            )
            set_committed_value(a, "fingerprint", raw)
            set_committed_value(a, "content_hash", digest)
            return fp
        a.fingerprint = raw
        if not a.content_hash:
            a.content_hash = digest
        return fp

    # ------------------------------------------------------------ processing
    def process(
        self,
        session: Session,
        article: m.Article,
        prepared: Prepared | None = None,
        *,
        new: bool = False,
        caught_up: bool = False,
    ) -> list[m.DuplicateCandidate]:
        """Find and record the duplicates of one stored (or just added) article.

        ``prepared``: the article's view and fingerprint computed at extraction
        (``dedup.prepared``), used when it fits the stored text. ``new``: the row was
        created in this session, so no pair of it is recorded yet. ``caught_up``: the
        caller ran :meth:`catch_up` in this transaction (once for a batch of articles, say).
        Returns the candidate rows of this article in the duplicate or grey band, including
        pairs an editor already decided.
        """
        if article.id is None:
            session.flush()
        now = utcnow()
        if not caught_up:
            self.catch_up(session, skip=article.id)
        if prepared is not None and not (
            prepared.fits(article.title, article.lead, article.body_text)
            and self.config.shingle == prepared.view.k
        ):
            prepared = None
        if prepared is not None:
            view = prepared.view_for(article.published, article.source, article.canonical_url)
        else:
            view = DocView.from_row(article, self.config.shingle)
        fp = self._fingerprint(article, view, prepared, session)
        # met again as another article's candidate
        self._views.put((article.id, article.content_hash, article.changed_at), view)
        others = self._candidate_ids(session, article, fp)
        existing = (
            {}
            if new
            else {
                (c.a_id if c.b_id == article.id else c.b_id): c
                for c in session.scalars(
                    select(m.DuplicateCandidate).where(
                        or_(
                            m.DuplicateCandidate.a_id == article.id,
                            m.DuplicateCandidate.b_id == article.id,
                        )
                    )
                )
            }
        )
        others |= set(existing)
        others.discard(article.id)
        relink: set[int] = set()
        flipped: list[m.DuplicateCandidate] = []
        out: list[m.DuplicateCandidate] = []
        for other_id, other_view in self._views_of(session, others):
            cand = existing.get(other_id)
            if cand is None and surely_distinct(view, other_view, self.config):
                continue  # decide's verdict: distinct, not kept
            v = decide(view, other_view, self.config)
            if cand is None and v.verdict == "distinct":
                continue
            if cand is None:
                a_id, b_id = sorted((article.id, other_id))
                if new:  # no other writer can know a row not yet committed
                    cand = m.DuplicateCandidate(
                        a_id=a_id, b_id=b_id, created_at=now, status="pending"
                    )
                    session.add(cand)
                    theirs = False
                else:
                    status = _status_for(v.verdict)
                    cand, theirs = writes.claim_pair(session, a_id, b_id, v, status, now)
                was_linked = theirs and cand.status in LINKED
            else:
                was_linked = cand.status in LINKED
            cand.score, cand.verdict, cand.reasons = float(v.score), v.verdict, list(v.reasons)
            if cand.status in AUTO_STATUSES:
                cand.status = _status_for(v.verdict)
            if (cand.status in LINKED) != was_linked:
                relink.add(other_id)
                flipped.append(cand)
            if cand.verdict != "distinct" or cand.status not in AUTO_STATUSES:
                out.append(cand)
        self._holes.note(self.index.max_id, article.id)
        self._holes.filled((article.id,))
        if fp.n_shingles:
            self.index.insert(article.id, fp.values)
        self.index.max_id = max(self.index.max_id, article.id)
        if flipped:
            session.flush()
            session.add_all(auto_decision(c, now) for c in flipped)
        if relink or article.cluster_id is not None:
            self._views.rekey(recluster(session, {article.id, *relink}, now), now)
        session.flush()
        return out

    def _views_of(self, session: Session, ids: set[int]) -> list[tuple[int, DocView]]:
        """Decision views of stored articles (ascending id); rows are read only for views
        not cached, and then only the columns a view needs."""
        if not ids:
            return []
        conn = session.connection()  # stored rows only: candidates are not changed in-session
        keys = conn.execute(reads.VIEW_KEYS, {"ids": list(ids)}).all()
        found: dict[int, DocView] = {}
        for aid, digest, changed in keys:
            v = self._views.get((aid, digest, changed))
            if v is not None:
                found[aid] = v
        missing = [k[0] for k in keys if k[0] not in found]
        if missing:
            for a in conn.execute(reads.VIEW_ROWS, {"ids": missing}):
                found[a.id] = DocView.from_row(a, self.config.shingle)
                self._views.put((a.id, a.content_hash, a.changed_at), found[a.id])
        return [(k[0], found[k[0]]) for k in keys if k[0] in found]

    def _candidate_ids(self, session: Session, article: m.Article, fp: Fingerprint) -> set[int]:
        """Exact matches plus index candidates whose stored fingerprint is close enough."""
        # Plain reads on the connection (no autoflush): the session's unflushed changes are
        # this article's own fingerprint, and the article is left out of both reads.
        conn = session.connection()
        params = {"url": article.canonical_url, "me": article.id}
        if article.content_hash and len(article.body_text.split()) >= MIN_EXACT_WORDS:
            ids = set(
                conn.scalars(reads.SAME_URL_OR_HASH, {**params, "digest": article.content_hash})
            )
        else:
            ids = set(conn.scalars(reads.SAME_URL, params))
        if not fp.n_shingles:
            return ids
        near = self.index.query(fp.values, limit=self.config.max_candidates)
        near.pop(article.id, None)
        if not near:
            return ids
        floor = self.config.low - self.config.prefilter_margin
        rows, missing = self._fps.split(near)
        if missing:  # the rest are read, and kept
            read = conn.execute(reads.FPS_OF, {"ids": missing}).tuples().all()
            for oid, raw in read:
                self._fps.put(oid, raw)
            rows += read
        for oid, j, c, n in estimates(fp, rows):  # fp has self.fp's shape
            small, large = sorted((fp.n_shingles, n))
            if blend(j, c, small / max(large, 1)) >= floor:
                ids.add(oid)
        return ids
