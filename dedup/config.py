"""Dedup settings: the two thresholds, the shingle and index shapes, the guards.

Sources, later ones winning: defaults, a ``[dedup]`` table (any mapping with the
field names as keys), the environment (``VNFEEDS_DEDUP_HIGH``, ``VNFEEDS_DEDUP_LOW``,
``VNFEEDS_DEDUP_INDEX`` …: the field name upper-cased after ``VNFEEDS_DEDUP_``),
then explicit keyword overrides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from domain.environment import env_float, env_int

__all__ = ["DedupConfig"]


@dataclass(frozen=True)
class DedupConfig:
    """Every knob of the dedup engine, with measured defaults (see docs/dedup.md)."""

    #: score at or above which a pair is linked automatically
    high: float = 0.8
    #: score at or above which a pair goes to the editors' queue (below: distinct)
    low: float = 0.55
    #: words per shingle
    shingle: int = 3
    #: MinHash signature length
    num_perm: int = 128
    #: LSH bands (rows per band = num_perm // bands)
    bands: int = 42
    #: candidates fetched per article from the index, best first
    max_candidates: int = 200
    #: candidates whose estimated text score is below ``low - margin`` are not fetched
    prefilter_margin: float = 0.15
    #: published dates further apart than this never auto-link
    max_days_apart: int = 21
    #: a non-empty path: the index is saved there and loaded on start
    index: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.low <= self.high <= 1.0:
            raise ValueError(f"need 0 <= low ({self.low}) <= high ({self.high}) <= 1")
        if self.shingle < 1 or self.num_perm < self.bands or self.bands < 1:
            raise ValueError("bad shingle/num_perm/bands")

    def with_(self, **changes: Any) -> DedupConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], base: DedupConfig | None = None) -> DedupConfig:
        """Apply a ``[dedup]`` table (unknown keys are an error, to catch typos)."""
        known = {f.name: f.type for f in fields(cls)}
        unknown = set(table) - set(known)
        if unknown:
            raise ValueError(f"unknown [dedup] settings: {', '.join(sorted(unknown))}")
        return replace(base or cls(), **{k: _coerce(cls, k, v) for k, v in table.items()})

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        table: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> DedupConfig:
        """Defaults, then ``table``, then ``VNFEEDS_DEDUP_*`` variables, then ``overrides``."""
        env = os.environ if env is None else env
        cfg = cls.from_mapping(table) if table else cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f"VNFEEDS_DEDUP_{f.name.upper()}"
            default = getattr(cfg, f.name)
            if env.get(name, "").strip() == "":
                continue
            if isinstance(default, bool) or not isinstance(default, int | float):
                values[f.name] = _coerce(cls, f.name, env[name])
            elif isinstance(default, int):
                values[f.name] = env_int(name, default, env=env)
            else:
                values[f.name] = env_float(name, default, env=env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cfg, **values)


def _coerce(cls: type[DedupConfig], name: str, value: Any) -> Any:
    default = getattr(cls(), name)
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return str(value)
