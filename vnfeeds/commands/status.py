"""`vnfeeds status|runs|pause|resume`: what every unit is doing, and pausing it."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from ops.health import STATES
from ops.overview import fmt_time, run_duration, run_history, set_paused, unit_statuses
from storage.db import Store
from storage.repository import sync_registry_in
from vnfeeds.context import AppContext, pass_app

STATE_STYLE = {"ok": "green", "down": "red", "broken": "red", "stale": "yellow", "moved": "magenta"}


def _synced_store(app: AppContext) -> Store:
    """The store, with the registry's units upserted so new units show up."""
    store = app.store()
    sync_registry_in(store, app.registry())
    return store


def _short(text: str | None, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


@click.command()
@click.option(
    "--state", "states", multiple=True, type=click.Choice(STATES), help="Only units in this state."
)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@pass_app
def cli(app: AppContext, states: tuple[str, ...], as_json: bool) -> None:
    """Table of units: state, last run, new items, last error, next run."""
    rows = unit_statuses(_synced_store(app))
    if states:
        rows = [r for r in rows if r.state in states]
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} units")
    for col in ("unit", "state", "last run", "new", "last error", "next run"):
        table.add_column(col, overflow="fold")
    for r in rows:
        style = STATE_STYLE.get(r.state, "")
        state = f"[{style}]{r.state}[/]" if style else r.state
        if r.failures:
            state += f" ×{r.failures}"
        table.add_row(
            r.unit,
            state,
            f"{fmt_time(r.last_run)} {r.last_run_status or ''}".strip(),
            "-" if r.new_items is None else str(r.new_items),
            _short(r.last_error),
            r.next_run_label,
        )
    Console(width=max(Console().width, 140)).print(table)


@click.command(name="runs")
@click.argument("unit")
@click.option("--limit", default=20, show_default=True, help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@pass_app
def runs_cli(app: AppContext, unit: str, limit: int, as_json: bool) -> None:
    """Crawl run history of one unit."""
    store = _synced_store(app)
    if not unit_statuses(store, [unit]):
        raise click.ClickException(f"unknown unit {unit!r} (see 'vnfeeds status')")
    runs = run_history(store, unit, limit)
    if as_json:
        out = [
            {
                "id": r.id,
                "status": r.status,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "seconds": run_duration(r),
                **{
                    k: getattr(r, k)
                    for k in (
                        "requests",
                        "pages",
                        "new",
                        "updated",
                        "unchanged",
                        "errors",
                        "fallbacks",
                        "error_text",
                    )
                },
                "stats": r.stats,
            }
            for r in runs
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{unit}: last {len(runs)} runs")
    for col in (
        "started",
        "secs",
        "status",
        "req",
        "pages",
        "new",
        "upd",
        "same",
        "err",
        "fb",
        "error",
    ):
        table.add_column(col, overflow="fold")
    for r in runs:
        d = run_duration(r)
        table.add_row(
            fmt_time(r.started_at),
            "-" if d is None else f"{d:.1f}",
            r.status,
            *(
                str(getattr(r, k) or 0)
                for k in ("requests", "pages", "new", "updated", "unchanged", "errors", "fallbacks")
            ),
            _short(r.error_text, 100),
        )
    Console(width=max(Console().width, 140)).print(table)


def _set(app: AppContext, unit: str, paused: bool) -> None:
    try:
        set_paused(_synced_store(app), unit, paused)
    except KeyError as e:
        raise click.ClickException(str(e.args[0])) from None
    click.echo(f"{unit}: {'paused' if paused else 'resumed'}")


@click.command(name="pause")
@click.argument("unit")
@pass_app
def pause_cli(app: AppContext, unit: str) -> None:
    """Pause scheduled crawls of a unit (running schedulers notice within seconds)."""
    _set(app, unit, True)


@click.command(name="resume")
@click.argument("unit")
@pass_app
def resume_cli(app: AppContext, unit: str) -> None:
    """Resume scheduled crawls of a unit (and end its backoff)."""
    _set(app, unit, False)
