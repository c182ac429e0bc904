"""`vnfeeds reparse [UNIT…]`: re-extract stored pages with the current parsers."""

from __future__ import annotations

from functools import partial

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from crawlers.reparse import reparse_unit
from vnfeeds.context import AppContext, pass_app


@click.command()
@click.argument("units", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Report what would change; store nothing.")
@pass_app
def cli(app: AppContext, units: tuple[str, ...], dry_run: bool) -> None:
    """Re-extract stored raw pages of UNITS (default: all) without refetching; report changes."""
    reg = app.registry()
    ids = list(units) or sorted(reg.units)
    unknown = [u for u in ids if u not in reg.units]
    if unknown:
        raise click.ClickException(f"unknown unit(s): {', '.join(unknown)}")
    store = app.store()
    reports = []
    with Progress(console=Console(stderr=True), transient=True) as progress:
        for uid in ids:
            task = progress.add_task(uid, total=None)
            reports.append(
                reparse_unit(
                    store, reg, uid, dry_run=dry_run, on_page=partial(progress.advance, task)
                )
            )
    table = Table(title="reparse" + (" (dry run)" if dry_run else ""))
    for col in ("unit", "pages", "changed", "unchanged", "failed", "fields changed"):
        table.add_column(col)
    for r in reports:
        fields = ", ".join(f"{k}×{v}" for k, v in sorted(r.fields.items()))
        table.add_row(
            r.unit_id, str(r.pages), str(r.changed), str(r.unchanged), str(r.failed), fields
        )
    Console().print(table)
    for r in reports:
        for err in r.errors:
            click.echo(f"error: {err}", err=True)
