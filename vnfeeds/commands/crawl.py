"""`vnfeeds crawl [UNIT…]`: crawl units once, with progress and a per-unit summary."""

from __future__ import annotations

import time
from contextlib import ExitStack

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.runner import RunSummary, run_crawl
from crawlers.spiders.units import LEFT_OUT
from ops.locks import Lock, LockBusy, default_holder, renew_all, unit_lock
from vnfeeds.context import AppContext, pass_app

#: States after which `vnfeeds crawl` exits non-zero (any unit asked for).
FAILED_STATES = ("broken", "down")


def print_summary(
    console: Console,
    results: list[RunSummary],
    states: dict[str, tuple[str, str]],
    names: dict[str, str],
) -> None:
    """The per-unit table: full id, name, health state (as the state line says), counts, why.

    Ids are never cut: the name and the reason wrap instead, so it reads at 80 columns.
    """
    table = Table(title="crawl summary", expand=False, pad_edge=False)
    table.add_column(
        "unit", no_wrap=True, min_width=max((len(r.unit_id) for r in results), default=4)
    )
    table.add_column("name", ratio=2, overflow="fold")
    table.add_column("state", no_wrap=True)
    for col in ("new", "upd", "same", "err", "req"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("why", ratio=3, overflow="fold")
    for r in results:
        state, reason = states.get(r.unit_id, (r.status, r.error or ""))
        table.add_row(
            r.unit_id,
            names.get(r.unit_id, ""),
            state,
            str(r.new),
            str(r.updated),
            str(r.unchanged),
            str(r.errors),
            str(r.requests),
            (reason or r.error or "")[:200],
        )
    console.print(table)


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs as a dict; a pair without ``=`` or a name is a usage error."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="--set")
        out[name.strip()] = value
    return out


@click.command()
@click.argument("units", nargs=-1)
@click.option("--full", is_flag=True, help="Walk every list page and refetch every article.")
@click.option(
    "--no-lock", is_flag=True, help="Do not take the per-unit lock (the scheduler holds it)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option(
    "--set",
    "-s",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this crawl (repeatable), as scrapy's -s does.",
)
@pass_app
def cli(
    app: AppContext,
    units: tuple[str, ...],
    full: bool,
    no_lock: bool,
    quiet: bool,
    overrides: tuple[str, ...],
) -> None:
    """Crawl UNITS (default: every enabled unit) once into the store."""
    extra = _settings(overrides)
    reg = app.registry()
    for p in reg.problems:
        click.echo(f"warning: {p}", err=True)
    ids = list(units) or [u.id for u in reg.enabled_units()]
    unknown = [u for u in ids if u not in reg.units]
    invalid = [p for p in reg.problems if p.unit in unknown]
    if unknown and no_lock and len(ids) > len(unknown):
        # a scheduler's batch: a unit whose file broke since it fired must not stop the rest
        why = {p.unit: f"is invalid: {p}" for p in invalid}
        for uid in unknown:
            reason = why.get(uid, "is unknown (see 'vnfeeds sites list')")
            click.echo(f"warning: unit {uid} {LEFT_OUT}: it {reason}", err=True)
        ids = [u for u in ids if u not in unknown]
    elif invalid:
        raise click.ClickException(f"unit {invalid[0].unit} is invalid: {invalid[0]}")
    elif unknown:
        raise click.ClickException(
            f"unknown unit(s): {', '.join(unknown)} (see 'vnfeeds sites list')"
        )
    if not ids:
        raise click.ClickException("no enabled units to crawl")
    store = app.store()
    console = Console(stderr=True)
    with ExitStack() as stack:
        runnable = []
        locks: list[Lock] = []
        if no_lock:
            runnable = ids
        else:
            holder = default_holder("crawl")
            for uid in ids:
                try:
                    # renewed once the crawl has forked its workers (run_crawl's on_made)
                    locks.append(
                        stack.enter_context(unit_lock(store, uid, holder=holder, renew_now=False))
                    )
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
            # refreshed on each event, not by a thread: the crawl forks its parse workers
            # while it runs one thread (crawlers.parsing)
            auto_refresh=False,
        ) as progress:
            tasks = {uid: progress.add_task(uid, total=None) for uid in runnable}
            counts = {uid: [0, 0] for uid in runnable}
            shown = [0.0]  # when the display was last drawn

            def on_event(uid: str, kind: str) -> None:
                if uid not in counts:
                    return
                counts[uid][0 if kind == "page" else 1] += 1
                pages, items = counts[uid]
                progress.update(tasks[uid], description=f"{uid}: {pages} pages, {items} articles")
                if time.monotonic() - shown[0] >= 0.1:  # at most ten draws a second
                    shown[0] = time.monotonic()
                    progress.refresh()

            results = run_crawl(
                reg,
                runnable,
                store=store,
                sites=app.sites,
                full=full,
                on_event=on_event,
                extra=extra,
                on_made=lambda: renew_all(locks),
            )
        from ops.judging import judge_latest_runs, verdicts_of_latest_runs

        states: dict[str, tuple[str, str]] = {}
        if no_lock:  # the scheduler stores its own judgement; show the same one
            for uid, v in verdicts_of_latest_runs(store, reg, runnable).items():
                states[uid] = (v.state, v.reason)
        else:
            for t in judge_latest_runs(store, reg, runnable):
                states[t.unit_id] = (t.new, t.reason)
                if t.old != t.new:
                    console.print(f"state of {t.unit_id}: {t.old} -> {t.new} {t.reason}".rstrip())
    names = {uid: reg.units[uid].name for uid in runnable}
    print_summary(Console(), results, states, names)
    failed = [uid for uid in runnable if states.get(uid, ("",))[0] in FAILED_STATES]
    if failed:
        raise click.ClickException(
            f"{len(failed)} of {len(runnable)} unit(s) ended broken or down: {', '.join(failed)}"
        )
    if all(r.status == "failed" for r in results):
        raise click.ClickException("every unit failed; see the why column")
