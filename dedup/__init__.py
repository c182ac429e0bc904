"""Deduplication across units: fingerprints, the LSH index, decisions, clusters, editors.

Public entry points: :class:`DedupEngine` (the crawl pipeline calls ``process`` for
every new or changed article), :func:`compare` (two ``vnfeeds extract`` objects ->
score/verdict/reasons) and :class:`DedupConfig`.
"""

from __future__ import annotations

from dedup.config import DedupConfig
from dedup.decide import compare
from dedup.engine import DedupEngine

__all__ = ["DedupConfig", "DedupEngine", "compare"]
