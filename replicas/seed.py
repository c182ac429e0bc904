"""The seed article (Sở Công Thương tỉnh Hòa Bình, 07/10/2022) as shipped package data.

Split: line 1 is the page ``<title>`` ("DetailController"), then the category, the
title, the date line; the first paragraph after the date is the lead, the next line
is the lead image's caption, and every following paragraph is the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

SEED_FILE = "seed_hoabinh_soct.txt"


@dataclass(frozen=True)
class SeedText:
    """The seed article's parts, verbatim (typos kept)."""

    page_title: str
    category: str
    title: str
    date_text: str
    lead: str
    caption: str
    body: tuple[str, ...]


def load_seed() -> SeedText:
    """Read and split the shipped seed text."""
    raw = (resources.files("replicas") / "data" / SEED_FILE).read_text(encoding="utf-8")
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    page_title, category, title, date_text, lead, caption, *body = lines
    return SeedText(page_title, category, title, date_text, lead, caption, tuple(body))
