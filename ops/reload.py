"""Reloading the unit files: whether they changed, and keeping the units a broken file
or entry would drop (the scheduler's reload, ``ops.scheduler``)."""

from __future__ import annotations

import logging
from pathlib import Path

from domain.registry import Registry, shipped_data_dir, shipped_units_dir
from ops.logging import NO_UNIT, event

log = logging.getLogger("vnfeeds.ops.scheduler")  # the scheduler's events, one logger


def watched_files(sites: Path | None) -> dict[str, float]:
    """Modification times of the shipped data files and the unit files (-1: unreadable)."""
    out: dict[str, float] = {}
    for root in (shipped_data_dir(), sites or shipped_units_dir()):
        paths = sorted(root.rglob("*.toml")) if root.is_dir() else [root]
        for p in paths:
            try:
                out[str(p)] = p.stat().st_mtime_ns
            except OSError:
                out[str(p)] = -1
    return out


def merge_registry(old: Registry | None, new: Registry) -> Registry:
    """``new``, plus the old definition of units a broken file or entry would drop."""
    for p in new.problems:
        event(log, "unit_file_problem", p.unit or NO_UNIT, logging.WARNING, problem=str(p))
    if old is None:
        return new
    broken_files = {p.file for p in new.problems if not p.unit}
    broken_units = {p.unit for p in new.problems if p.unit}
    for uid, unit in old.units.items():
        src = old.sources.get(f"unit:{uid}")
        if uid not in new.units and (uid in broken_units or src in broken_files):
            new.units[uid] = unit
            new.sources[f"unit:{uid}"] = src or "?"
            event(log, "unit_kept", uid, logging.WARNING, reason="its unit file has problems")
    return new
