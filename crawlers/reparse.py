"""Re-extract stored raw pages with the current parsers, without refetching."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from crawlers.extract import extract_page
from crawlers.topics import assign_topics
from domain.registry import Registry
from storage import models as m
from storage.articles import apply_article, diff_fields, raw_body, set_topics
from storage.db import Store


@dataclass
class ReparseReport:
    """What re-parsing one unit changed."""

    unit_id: str
    pages: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    fields: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def reparse_unit(
    store: Store,
    registry: Registry,
    unit_id: str,
    *,
    dry_run: bool = False,
    on_page: Callable[[], None] | None = None,
) -> ReparseReport:
    """Re-extract the newest stored page of every article of a unit; update what changed."""
    unit = registry.unit(unit_id)
    report = ReparseReport(unit_id)
    newest = (
        select(func.max(m.RawPage.id))
        .where(m.RawPage.unit_id == unit_id, m.RawPage.article_id.is_not(None))
        .group_by(m.RawPage.article_id)
    )
    now = datetime.now(UTC)
    with store.session() as s:
        for page in s.scalars(
            select(m.RawPage).where(m.RawPage.id.in_(newest)).order_by(m.RawPage.id)
        ):
            report.pages += 1
            if on_page:
                on_page()
            row = s.get(m.Article, page.article_id)
            if row is None:
                continue
            try:
                art = extract_page(
                    raw_body(page),
                    page.url,
                    platform=None if unit.platform == "feed" else unit.platform,
                    overrides=unit.selectors.as_dict(),
                    encoding=page.encoding,
                )
            except Exception as e:  # a parser bug on one page must not stop the others
                report.failed += 1
                report.errors.append(f"unit {unit_id}: {page.url}: {type(e).__name__}: {e}")
                continue
            if not art.category:
                art.category = row.category
            changed = diff_fields(row, art)
            if not changed:
                report.unchanged += 1
                continue
            report.changed += 1
            for name in changed:
                report.fields[name] = report.fields.get(name, 0) + 1
            if not dry_run:
                apply_article(row, art, now)
                set_topics(s, row, assign_topics(art, unit, registry, row.category), now)
        if dry_run:
            s.rollback()
    return report
