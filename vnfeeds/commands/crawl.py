"""`vnfeeds crawl [UNIT…]`: crawl units once, with progress and a per-unit summary."""

from __future__ import annotations

from contextlib import ExitStack

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.runner import RunSummary, run_crawl
from ops.locks import LockBusy, default_holder, unit_lock
from vnfeeds.context import AppContext, pass_app


def print_summary(console: Console, results: list[RunSummary]) -> None:
    """The per-unit table: new, updated, unchanged, errors."""
    table = Table(title="crawl summary")
    for col in (
        "unit",
        "status",
        "new",
        "updated",
        "unchanged",
        "errors",
        "requests",
        "last error",
    ):
        table.add_column(col)
    for r in results:
        table.add_row(
            r.unit_id,
            r.status,
            str(r.new),
            str(r.updated),
            str(r.unchanged),
            str(r.errors),
            str(r.requests),
            (r.error or "")[:120],
        )
    console.print(table)


@click.command()
@click.argument("units", nargs=-1)
@click.option("--full", is_flag=True, help="Walk every list page and refetch every article.")
@click.option(
    "--no-lock", is_flag=True, help="Do not take the per-unit lock (the scheduler holds it)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@pass_app
def cli(app: AppContext, units: tuple[str, ...], full: bool, no_lock: bool, quiet: bool) -> None:
    """Crawl UNITS (default: every enabled unit) once into the store."""
    reg = app.registry()
    for p in reg.problems:
        click.echo(f"warning: {p}", err=True)
    ids = list(units) or [u.id for u in reg.enabled_units()]
    unknown = [u for u in ids if u not in reg.units]
    if unknown:
        raise click.ClickException(
            f"unknown unit(s): {', '.join(unknown)} (see 'vnfeeds sites list')"
        )
    if not ids:
        raise click.ClickException("no enabled units to crawl")
    store = app.store()
    console = Console(stderr=True)
    with ExitStack() as stack:
        runnable = []
        if no_lock:
            runnable = ids
        else:
            holder = default_holder("crawl")
            for uid in ids:
                try:
                    stack.enter_context(unit_lock(store, uid, holder=holder))
                    runnable.append(uid)
                except LockBusy as e:
                    console.print(f"[yellow]skipped {uid}: {e}[/]")
        if not runnable:
            raise click.ClickException("every unit asked for is being crawled by another process")
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
            transient=True,
        ) as progress:
            tasks = {uid: progress.add_task(uid, total=None) for uid in runnable}
            counts = {uid: [0, 0] for uid in runnable}

            def on_event(uid: str, kind: str) -> None:
                if uid not in counts:
                    return
                counts[uid][0 if kind == "page" else 1] += 1
                pages, items = counts[uid]
                progress.update(tasks[uid], description=f"{uid}: {pages} pages, {items} articles")

            results = run_crawl(
                reg, runnable, store=store, sites=app.sites, full=full, on_event=on_event
            )
        if not no_lock:  # the scheduler judges its own runs
            from ops.jobs import judge_latest_runs

            for t in judge_latest_runs(store, reg, runnable):
                if t.old != t.new:
                    console.print(f"state of {t.unit_id}: {t.old} -> {t.new} {t.reason}".rstrip())
    print_summary(Console(), results)
    if all(r.status == "failed" for r in results):
        raise click.ClickException("every unit failed; see the last-error column")
