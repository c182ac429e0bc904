"""What an exported tree was built from, kept beside it so the next export can be incremental.

``<out>/.vnfeeds-export/`` holds ``state.json`` (a fingerprint of the registry, the feed
settings and the rendering code; the ``Mark`` of the store it saw; the stored (unit,
topic) pairs; each feed's item count) and ``ids/<feed base>.txt`` (each feed's items,
newest first, one ``id sort-key`` line each). It is not part of the published tree (serve it nowhere). A missing,
unreadable or stale state (other fingerprint) means the next export is a full one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.i18n import LOCALE_DIR, page_language
from feeds.templating import FEEDS_TEMPLATES
from feeds.touched import Mark, Pair

STATE_DIR = ".vnfeeds-export"
FORMAT = 2
_CODE = ("build.py", "render.py", "queries.py", "tree.py", "templating.py", "i18n.py")


def fingerprint(registry: Registry, config: FeedConfig) -> str:
    """A hash of everything a document depends on besides the store: registry, settings, code."""
    h = hashlib.sha256(f"format {FORMAT}\nlanguage {page_language()}\n".encode())
    h.update(json.dumps(asdict(config), sort_keys=True, default=str).encode())
    for group in (registry.units, registry.provinces, registry.topics):
        for key in sorted(group):
            h.update(key.encode() + b"\0" + group[key].model_dump_json().encode())
    here = Path(__file__).parent
    data = [p for d in (FEEDS_TEMPLATES, LOCALE_DIR) for p in sorted(d.rglob("*")) if p.is_file()]
    code = [here / n for n in _CODE] + data
    for p in code:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@dataclass
class ExportState:
    """The state of one exported tree (see the module docstring)."""

    root: Path
    fingerprint: str = ""
    mark: Mark = field(default_factory=Mark)
    pairs: frozenset[Pair] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)
    limit: int = 0
    store: str = ""  # Store.identity() of the database it was built from

    @property
    def dir(self) -> Path:
        """The state folder inside the tree."""
        return self.root / STATE_DIR

    @classmethod
    def load(cls, root: Path, fp: str | None, store: str | None = None) -> ExportState | None:
        """The saved state when readable and matching ``fp`` and ``store`` (None: any), else None.

        A state built from an empty store fits any store at all (it recorded no items).
        """
        try:
            raw = json.loads((root / STATE_DIR / "state.json").read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT or (fp is not None and raw.get("fingerprint") != fp):
                return None
            recent = frozenset((int(i), str(at)) for i, at in raw["recent"])
            mark = Mark(datetime.fromisoformat(raw["since"]), int(raw["max_id"]), recent)
            pairs = frozenset((str(u), str(t)) for u, t in raw["pairs"])
            counts = {str(k): int(v) for k, v in raw["counts"].items()}
            limit = int(raw["limit"])
            built_from = str(raw["store"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if store is not None and built_from != store and mark.max_id != 0:
            return None
        return cls(root, str(raw["fingerprint"]), mark, pairs, counts, limit, built_from)

    def save(self) -> None:
        """Write ``state.json`` (after every document and id list it describes)."""
        data = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "since": self.mark.since.isoformat(),
            "max_id": self.mark.max_id,
            "recent": sorted(self.mark.recent),
            "pairs": sorted(self.pairs),
            "counts": dict(sorted(self.counts.items())),
            "limit": self.limit,
            "store": self.store,
        }
        body = json.dumps(data, separators=(",", ":"))  # compact: the C encoder
        _atomic_write(self.dir / "state.json", body.encode())

    def _ids_path(self, base: str) -> Path:
        return self.dir / "ids" / (base.lstrip("/") + ".txt")

    def entries(self, base: str) -> list[tuple[int, int]] | None:
        """The feed's (id, sort key) items when last exported (newest first), None when unknown."""
        try:
            numbers = [int(x) for x in self._ids_path(base).read_text(encoding="ascii").split()]
        except (OSError, ValueError):
            return None
        if len(numbers) % 2:
            return None
        return list(zip(numbers[::2], numbers[1::2], strict=True))

    def set_entries(self, base: str, entries: list[tuple[int, int]]) -> None:
        """Remember the feed's items (and count)."""
        body = "\n".join(f"{i} {k}" for i, k in entries)
        _atomic_write(self._ids_path(base), body.encode("ascii"))
        self.counts[base] = len(entries)

    def forget(self, base: str) -> None:
        """Drop a feed that no longer exists."""
        self._ids_path(base).unlink(missing_ok=True)
        self.counts.pop(base, None)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the tree's export lock (one export at a time per folder)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / "lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _atomic_write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    tmp.write_bytes(body)
    os.replace(tmp, path)


def plan_pages(
    old: list[int] | None, new: list[int], changed: frozenset[int], size: int
) -> tuple[list[int | None], list[int]]:
    """Which documents of a feed to render (None = current, n = archive page) and to delete.

    A document is rendered when its items, one of its items, or its archive links
    changed; archive pages past the new last page are deleted.
    """
    pages_new = len(new) // size
    if old is None:
        return [None, *range(1, pages_new + 1)], []
    pages_old = len(old) // size
    render: list[int | None] = []
    head = new[:size]
    if head != old[:size] or pages_new != pages_old or any(i in changed for i in head):
        render.append(None)
    asc_new, asc_old = new[::-1], old[::-1]
    for p in range(1, pages_new + 1):
        part = asc_new[(p - 1) * size : p * size]
        if (
            p > pages_old
            or part != asc_old[(p - 1) * size : p * size]
            or (p < pages_new) != (p < pages_old)
            or any(i in changed for i in part)
        ):
            render.append(p)
    return render, list(range(pages_new + 1, pages_old + 1))
