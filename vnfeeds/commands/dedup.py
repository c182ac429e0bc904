"""`vnfeeds dedup`: compare two extracted articles; re-run dedup over the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from vnfeeds.context import AppContext, pass_app


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as e:
        raise click.ClickException(f"{path}: not a JSON article ({e})") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path}: expected one JSON object as 'vnfeeds extract' prints")
    return data


@click.group()
def cli() -> None:
    """Duplicate detection across units (thresholds: VNFEEDS_DEDUP_HIGH / VNFEEDS_DEDUP_LOW)."""


@cli.command("compare")
@click.argument("a", type=click.Path(path_type=Path, allow_dash=True))
@click.argument("b", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--high", type=float, help="Auto-link threshold (default 0.8 or VNFEEDS_DEDUP_HIGH).")
@click.option("--low", type=float, help="Review threshold (default 0.55 or VNFEEDS_DEDUP_LOW).")
def compare_cmd(a: Path, b: Path, high: float | None, low: float | None) -> None:
    """Compare two article JSON files (as 'vnfeeds extract' prints them).

    Prints {"score": …, "verdict": "duplicate"|"review"|"distinct", "reasons": […]}.
    """
    from dedup import DedupConfig, compare

    try:
        cfg = DedupConfig.from_env(high=high, low=low)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(compare(_read_json(a), _read_json(b), cfg), ensure_ascii=False, indent=2))


@cli.command("run")
@click.option("--unit", "unit_id", help="Only articles of this unit (compared with all others).")
@click.option("--batch", type=int, default=200, show_default=True, help="Articles per transaction.")
@pass_app
def run_cmd(app: AppContext, unit_id: str | None, batch: int) -> None:
    """Re-process stored articles, oldest first (editors' decisions are kept).

    Prints {"articles": N, "duplicate": N, "review": N}.
    """
    from dedup import DedupEngine
    from dedup.sweep import reprocess
    from storage import models as m

    store = app.store()
    # with --unit, the index of every other article; else each article meets the rest
    engine = DedupEngine(store, load=bool(unit_id))
    with store.session() as s:
        stmt = select(m.Article.id).order_by(m.Article.first_seen, m.Article.id)
        if unit_id:
            stmt = stmt.where(m.Article.unit_id == unit_id)
        ids = list(s.scalars(stmt))
    counts = reprocess(store, engine, ids, batch)
    engine.save()
    click.echo(json.dumps(counts))


@cli.command("sweep")
@click.option(
    "--minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Compare the articles changed in the last N minutes with each other.",
)
@click.option("--batch", type=int, default=200, show_default=True, help="Articles per transaction.")
@pass_app
def sweep_cmd(app: AppContext, minutes: float, batch: int) -> None:
    """Compare recently changed articles with each other again: the pairs two crawl
    processes writing at the same moment could not see (the scheduler's leader does this
    every few minutes on PostgreSQL). Editors' decisions are kept.

    Prints {"articles": N, "duplicate": N, "review": N}.
    """
    from datetime import timedelta

    from dedup.sweep import sweep
    from storage.models import utcnow

    since = utcnow() - timedelta(minutes=minutes)
    click.echo(json.dumps(sweep(app.store(), since, batch=batch)))
