"""The near-duplicate index across restarts: where its snapshot lives, reading and writing it.

A snapshot holds the index and the change mark its catch-up goes on from; it is reused
only for the same store, shingle size and signature shape.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from dedup.config import DedupConfig
from dedup.index import LSHIndex
from storage.db import Store

log = logging.getLogger(__name__)


def snapshot_path(store: Store, config: DedupConfig) -> Path | None:
    """``config.index``; by default next to a SQLite file.

    ``none`` (or a store without a file, e.g. PostgreSQL, unless configured) means no
    snapshot: the index is rebuilt from the stored fingerprints on start.
    """
    if config.index.lower() in ("none", "off", "false", "0"):
        return None
    if config.index:
        return Path(config.index)
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_name(Path(url.database).name + ".dedup-index.npz")
    return None


def load_snapshot(
    path: Path, store: Store, config: DedupConfig
) -> tuple[LSHIndex, datetime] | None:
    """The snapshot's index and change mark; None when it is unreadable, of another store or
    shape, or has no mark (saved before rebuilds always set one: since when is unknown)."""
    try:
        idx = LSHIndex.load(path)
    except (OSError, ValueError, KeyError, SyntaxError) as e:
        log.warning("dedup index %s unreadable (%s); rebuilding", path, e)
        return None
    want = {"store": store.identity(), "k": config.shingle}
    if (idx.num_perm, idx.bands) != (config.num_perm, config.bands) or any(
        idx.meta.get(k) != v for k, v in want.items()
    ):
        return None
    wm = idx.meta.get("watermark")
    return (idx, datetime.fromisoformat(wm)) if wm else None


def save_snapshot(
    path: Path, index: LSHIndex, store: Store, config: DedupConfig, mark: datetime | None
) -> None:
    """Write the index with what :func:`load_snapshot` checks, atomically."""
    index.meta = {
        "store": store.identity(),
        "k": config.shingle,
        "watermark": mark.isoformat() if mark else None,
    }
    index.save(path)
