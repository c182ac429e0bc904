"""After a crawl that changed something: re-export the feed tree and ping the WebSub hub.

Served feeds need nothing (the app notices the store changed); an exported tree is
brought up to date (``feeds.export.export_tree``: incremental, only the touched feeds)
and the hub is told which feed URLs the crawl touched (``feeds.touched``,
``feeds.websub.ping_hub``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from domain.registry import Registry
from feeds.touched import touched_paths, unit_change
from ops.logging import event
from storage.db import Store
from storage.models import Article, ArticleTopic, CrawlRun

log = logging.getLogger("vnfeeds.ops.publish")

ExportFn = Callable[[], Any]
PingFn = Callable[[list[str]], Any]


class Publisher:
    """Re-exports and pings after runs that found new or changed articles."""

    def __init__(
        self,
        store: Store,
        registry: Callable[[], Registry],
        *,
        export_dir: Path | None = None,
        base_url: str | None = None,
        websub: bool = True,
        export_fn: ExportFn | None = None,
        ping_fn: PingFn | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.export_dir = export_dir
        self.base_url = base_url
        self.websub = websub
        self._export_fn = export_fn
        self._ping_fn = ping_fn

    def _config(self) -> Any:
        from feeds.config import FeedConfig

        return FeedConfig.from_env(base_url=self.base_url)

    def export(self) -> None:
        """Write the feed tree to the export folder."""
        if self._export_fn is not None:
            self._export_fn()
            return
        from feeds.export import export_tree  # type: ignore[import-not-found,unused-ignore]

        assert self.export_dir is not None
        export_tree(self.store, self.registry(), self.export_dir, config=self._config())

    def ping(self, urls: list[str]) -> None:
        """Tell the WebSub hub these feed URLs changed."""
        if self._ping_fn is not None:
            self._ping_fn(urls)
            return
        from feeds.websub import ping_hub  # type: ignore[import-not-found,unused-ignore]

        ping_hub(urls)

    def changed_topics(self, unit_id: str, run: CrawlRun) -> tuple[set[str], set[str]]:
        """Topics of the unit's articles the run added or changed; all the unit's topics."""
        with self.store.session() as s:
            q = (
                select(ArticleTopic.topic_slug, Article.changed_at >= run.started_at)
                .join(Article, Article.id == ArticleTopic.article_id)
                .where(Article.unit_id == unit_id)
                .distinct()
            )
            rows = s.execute(q).tuples().all()
        return {t for t, new in rows if new}, {t for t, _ in rows}

    def feed_paths(self, unit_id: str, run: CrawlRun) -> list[str]:
        """Site paths of the feeds the run touched (``feeds.touched``)."""
        changed, every = self.changed_topics(unit_id, run)
        return touched_paths(self.registry(), unit_change(unit_id, changed, every), index=False)

    def after_runs(self, runs: Sequence[tuple[str, int]]) -> set[str]:
        """After a crawl of several units: one export and one ping for the runs that
        changed articles; the units whose changes were published."""
        changed: list[tuple[str, CrawlRun]] = []
        with self.store.session() as s:
            for unit_id, run_id in runs:
                run = s.get(CrawlRun, run_id)
                if run is not None and (run.new or 0) + (run.updated or 0) > 0:
                    changed.append((unit_id, run))
        if not changed:
            return set()
        units = ",".join(u for u, _ in changed)
        done = False
        if self.export_dir is not None or self._export_fn is not None:
            try:
                self.export()
                done = True
                event(log, "feeds_exported", units, out=self.export_dir)
            except Exception as e:
                event(log, "export_failed", units, logging.WARNING, error=repr(e))
        if self.websub:
            try:
                cfg = self._config()
                if self._ping_fn is not None or getattr(cfg, "hub", None):
                    paths = list(
                        dict.fromkeys(p for u, r in changed for p in self.feed_paths(u, r))
                    )
                    urls = [cfg.url(p) for p in paths]
                    self.ping(urls)
                    done = True
                    event(log, "websub_pinged", units, feeds=len(urls))
            except Exception as e:
                event(log, "websub_failed", units, logging.WARNING, error=repr(e))
        return {u for u, _ in changed} if done else set()
