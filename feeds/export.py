"""Write the feed tree as static files (for nginx or a CDN), the same bytes ``serve`` gives.

Paths mirror the served ones (``/`` becomes ``index.html``); a file is rewritten only
when its bytes changed (atomically, via a temporary file and rename), so mtimes and
downstream caches stay put for unchanged feeds.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from domain.registry import Registry
from feeds import queries
from feeds.build import FEED_FORMATS
from feeds.config import FeedConfig
from feeds.render import (
    Rendered,
    all_specs,
    render_feed,
    render_index,
    render_opml_doc,
    select_from_order,
)
from feeds.tree import FeedRequest
from storage.db import Store


@dataclass
class ExportReport:
    """Site paths written (new or changed) and left unchanged."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

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


def export_tree(
    store: Store,
    registry: Registry,
    out_dir: Path | str,
    base_url: str | None = None,
    config: FeedConfig | None = None,
) -> ExportReport:
    """Render every feed (all formats and archive pages), OPML and the index into ``out_dir``."""
    config = config or FeedConfig.from_env()
    if base_url:
        config = config.with_(base_url=base_url)
    out = Path(out_dir)
    report = ExportReport()

    def emit(site_path: str, doc: Rendered) -> None:
        rel = "index.html" if site_path == "/" else site_path.lstrip("/")
        if write_if_changed(out / rel, doc.body):
            report.written.append(site_path)
        else:
            report.unchanged.append(site_path)

    loader = queries.ItemLoader(registry, keep=True)  # an article shows in many feeds
    with store.session() as s:
        for spec in all_specs(s, registry):
            order = queries.ordered_ids(s, spec, registry)
            for fmt in FEED_FORMATS:
                for page in [None, *range(1, len(order) // config.limit + 1)]:
                    req = FeedRequest(spec, fmt, page)
                    sel = select_from_order(order, config, req)
                    doc = render_feed(s, registry, config, req, selection=sel, loader=loader)
                    emit(spec.path(fmt, page), doc)
        emit("/feeds.opml", render_opml_doc(s, registry, config))
        emit("/", render_index(s, registry, config))
    return report
