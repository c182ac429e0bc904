"""Write the feed tree as static files (for nginx or a CDN), the same bytes ``serve`` gives.

Paths mirror the served ones (``/`` becomes ``index.html``); a file is rewritten only
when its bytes changed (atomically, via a temporary file and rename), so mtimes and
downstream caches stay put for unchanged feeds.

An export is incremental when the tree's state (``feeds.exportstate``) matches: only
the feeds the store's changes touch (``feeds.touched``) are queried, and of those only
the documents whose items or links changed are rendered. ``full=True`` (or no usable
state) renders everything; both give the same bytes. Files of feeds and archive pages
that no longer exist are removed (only ones a previous export recorded).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy.orm import Session

from domain.registry import Registry
from feeds import queries
from feeds.config import FeedConfig
from feeds.exportstate import ExportState, fingerprint, plan_pages
from feeds.items import FEED_FORMATS
from feeds.render import (
    STYLESHEET_PATH,
    Rendered,
    render_feed,
    render_index,
    render_opml_doc,
    render_stylesheet,
    select_from_order,
)
from feeds.touched import changes_since, feed_pairs, mark_now, touched_specs
from feeds.tree import FeedRequest, FeedSpec, exists, feed_specs
from storage.db import Store


@dataclass
class ExportReport:
    """Site paths written (new or changed), removed, and (listed on demand) left unchanged."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    full: bool = True
    tree: Callable[[], list[str]] = field(default=list, repr=False)  # every path of the tree

    @cached_property
    def unchanged(self) -> list[str]:
        """Paths of the tree that were not rewritten."""
        done = set(self.written)
        return [p for p in self.tree() if p not in done]

    @property
    def total(self) -> int:
        """Files in the tree."""
        return len(self.written) + len(self.unchanged)


def write_if_changed(path: Path, body: bytes) -> bool:
    """Write ``body`` to ``path`` unless it already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(body) and path.read_bytes() == body:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def site_file(out: Path, site_path: str) -> Path:
    """The file of a site path in the tree (``/`` is ``index.html``)."""
    return out / ("index.html" if site_path == "/" else site_path.lstrip("/"))


class _Writer:
    """Renders documents of one export into ``out`` and records what happened."""

    def __init__(self, s: Session, registry: Registry, config: FeedConfig, out: Path) -> None:
        self.s, self.registry, self.config, self.out = s, registry, config, out
        self.report = ExportReport()
        self.loader = queries.ItemLoader(registry, keep=True)  # an article shows in many feeds

    def emit(self, site_path: str, doc: Rendered) -> None:
        self.report.rendered += 1
        if write_if_changed(site_file(self.out, site_path), doc.body):
            self.report.written.append(site_path)

    def feed(self, spec: FeedSpec, order: list[int], pages: list[int | None]) -> None:
        """Render the given documents (None = current) of a feed in every format."""
        for page in pages:
            for fmt in FEED_FORMATS:
                req = FeedRequest(spec, fmt, page)
                sel = select_from_order(order, self.config, req)
                doc = render_feed(
                    self.s, self.registry, self.config, req, selection=sel, loader=self.loader
                )
                self.emit(spec.path(fmt, page), doc)

    def remove(self, base: str, pages: range | list[int], current: bool) -> None:
        """Delete a feed's files (archive ``pages``; the current documents when ``current``)."""
        paths = [f"{base}.{fmt}" for fmt in FEED_FORMATS] if current else []
        paths += [f"{base}/archive/{p}.{fmt}" for p in pages for fmt in FEED_FORMATS]
        for path in paths:
            f = site_file(self.out, path)
            if f.exists():
                f.unlink()
                self.report.removed.append(path)

    def index(self) -> None:
        """The OPML, the feeds' stylesheet and the HTML index."""
        self.emit("/feeds.opml", render_opml_doc(self.s, self.registry, self.config))
        self.emit(STYLESHEET_PATH, render_stylesheet(self.config))
        self.emit("/", render_index(self.s, self.registry, self.config))


def _tree_paths(counts: dict[str, int], limit: int) -> list[str]:
    """Every path of the tree, from each feed's item count (the state has every feed)."""
    paths = [f"{base}.{fmt}" for base in counts for fmt in FEED_FORMATS]
    paths += [
        f"{base}/archive/{page}.{fmt}"
        for base, n in counts.items()
        for page in range(1, n // limit + 1)
        for fmt in FEED_FORMATS
    ]
    return [*paths, "/feeds.opml", STYLESHEET_PATH, "/"]


Outcome = tuple[ExportReport, ExportState]


def _full(
    s: Session,
    registry: Registry,
    config: FeedConfig,
    out: Path,
    old: ExportState | None,
    fp: str,
    ident: str,
) -> Outcome:
    mark = mark_now(s)
    pairs = frozenset(queries.unit_topic_pairs(s))
    w = _Writer(s, registry, config, out)
    state = ExportState(out, fp, mark, pairs, limit=config.limit, store=ident)
    specs = feed_specs(registry, pairs)
    for spec in specs:
        entries = queries.ordered_entries(s, spec, registry)
        order = [i for i, _ in entries]
        w.feed(spec, order, [None, *range(1, len(order) // config.limit + 1)])
        state.set_entries(spec.base, entries)
    w.index()
    if old is not None and old.limit > 0:  # files an earlier export wrote that are gone now
        for base, count in old.counts.items():
            now = state.counts.get(base)
            first = 1 if now is None else now // config.limit + 1
            w.remove(base, range(first, count // old.limit + 1), current=now is None)
            if now is None:
                state.forget(base)
    state.save()
    return w.report, state


#: above this many changed articles a feed is re-read whole rather than patched
PATCH_LIMIT = 2000


def _entries_now(
    s: Session,
    registry: Registry,
    spec: FeedSpec,
    was: list[tuple[int, int]] | None,
    changed: frozenset[int],
) -> list[tuple[int, int]]:
    """The feed's items now: its recorded items with the changed articles read again.

    Only changed articles (and, with them, whole clusters: ``changes_since`` adds every
    cluster-mate) can enter, leave or move in a feed, so the rest of the list stands.
    """
    if was is None or len(changed) > PATCH_LIMIT:
        return queries.ordered_entries(s, spec, registry)
    fresh = queries.ordered_entries(s, spec, registry, among=changed)
    return queries.sort_entries([e for e in was if e[0] not in changed] + fresh)


def _incremental(
    s: Session, registry: Registry, config: FeedConfig, out: Path, state: ExportState
) -> Outcome:
    change, mark, now_pairs = changes_since(s, registry, state.mark, state.pairs)
    pairs = frozenset({p for p in state.pairs if p[0] not in change.units} | now_pairs)
    old_feeds = feed_pairs(registry, state.pairs)  # the (unit, topic) feeds before and now
    new_feeds = old_feeds if pairs == state.pairs else feed_pairs(registry, pairs)
    w = _Writer(s, registry, config, out)
    w.report.full = False
    for unit, topic in old_feeds - new_feeds:
        base = FeedSpec("unit_topic", unit=unit, topic=topic).base
        w.remove(base, range(1, state.counts.get(base, 0) // config.limit + 1), True)
        state.forget(base)

    def live(spec: FeedSpec) -> bool:
        if spec.kind == "unit_topic":
            return (spec.unit or "", spec.topic or "") in new_feeds
        return exists(spec, registry)

    precise = touched_specs(registry, change, left=False)
    for spec in sorted(touched_specs(registry, change), key=lambda x: x.base):
        if not live(spec):
            continue
        was = state.entries(spec.base)
        old = None if was is None else [i for i, _ in was]
        if spec not in precise and old is not None and not change.articles.intersection(old):
            continue  # only possibly left by a changed article, and none of them was in it
        entries = _entries_now(s, registry, spec, was, change.articles)
        order = [i for i, _ in entries]
        render, delete = plan_pages(old, order, change.articles, config.limit)
        w.feed(spec, order, render)
        w.remove(spec.base, delete, current=False)
        state.set_entries(spec.base, entries)
    if old_feeds != new_feeds:
        w.index()
    state.mark, state.pairs = mark, pairs
    state.save()
    return w.report, state


def export_tree(
    store: Store,
    registry: Registry,
    out_dir: Path | str,
    base_url: str | None = None,
    config: FeedConfig | None = None,
    *,
    full: bool = False,
) -> ExportReport:
    """Export the tree into ``out_dir``: incrementally when its state allows, else in full.

    Every feed (all formats and archive pages), the OPML and the index; ``full=True``
    renders every document whatever the state says.
    """
    config = config or FeedConfig.from_env()
    if base_url:
        config = config.with_(base_url=base_url)
    out = Path(out_dir)
    fp, ident = fingerprint(registry, config), store.identity()
    with ExportState(out).locked(), store.session() as s:
        state = ExportState.load(out, fp, ident)
        if state is None or full:
            old = state or ExportState.load(out, None)
            report, state = _full(s, registry, config, out, old, fp, ident)
        else:
            state.store = ident
            report, state = _incremental(s, registry, config, out, state)
    counts, limit = dict(state.counts), config.limit
    report.tree = lambda: _tree_paths(counts, limit)
    return report
