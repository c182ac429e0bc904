"""`vnfeeds sites`: list, show and check the unit data."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from storage.repository import moved_units
from vnfeeds.context import AppContext, pass_app


@click.group()
def cli() -> None:
    """Units (publishing bodies) and their sites."""


@cli.command("list")
@click.option("--province", help="Only units of this province (successors include predecessors).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def list_cmd(app: AppContext, province: str | None, as_json: bool) -> None:
    """List the units."""
    reg = app.registry()
    units = reg.province_units(province) if province else [reg.units[k] for k in sorted(reg.units)]
    if as_json:
        click.echo(
            json.dumps([u.model_dump(mode="json") for u in units], ensure_ascii=False, indent=2)
        )
        return
    table = Table(title=f"{len(units)} units")
    for col in ("id", "name", "province", "platform", "enabled", "schedule"):
        table.add_column(col)
    for u in units:
        sched = u.schedule.cron or f"every {u.schedule.interval_minutes} min"
        table.add_row(u.id, u.name, u.province, u.platform, "yes" if u.enabled else "no", sched)
    Console().print(table)
    if reg.problems:
        click.echo(
            f"{len(reg.problems)} problem(s) in the unit data: run 'vnfeeds sites check'", err=True
        )


@cli.command("show")
@click.argument("unit_id")
@pass_app
def show_cmd(app: AppContext, unit_id: str) -> None:
    """Show one unit as JSON, with the file it comes from."""
    reg = app.registry()
    try:
        unit = reg.unit(unit_id)
    except KeyError as e:
        raise click.ClickException(str(e.args[0])) from None
    data = unit.model_dump(mode="json")
    data["_file"] = reg.sources.get(f"unit:{unit_id}")
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@cli.command("check")
@pass_app
def check_cmd(app: AppContext) -> None:
    """Validate every unit file; print each problem (file, unit, key) and moved sites."""
    reg = app.registry()
    for p in reg.problems:
        click.echo(f"ERROR {p}")
    with app.store().session() as s:
        for row in moved_units(s):
            when = row.moved_at.date().isoformat() if row.moved_at else "?"
            click.echo(f"MOVED unit {row.id!r}: {row.homepage} -> {row.moved_to} (seen {when})")
    n = len(reg.units)
    if reg.problems:
        raise click.ClickException(
            f"{len(reg.problems)} problem(s) in the unit data ({n} units loaded)"
        )
    click.echo(f"ok: {n} units, {len(reg.provinces)} provinces, {len(reg.topics)} topics")


@cli.command("probe")
@click.argument("url")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow the URL's own host to be loopback/private (local replicas); never a redirect target.",
)
@click.option(
    "--samples", default=3, show_default=True, help="Articles to fetch and parse as samples."
)
def probe_cmd(url: str, allow_private: bool, samples: int) -> None:
    """Detect the platform of list page URL and print a ready unit TOML entry."""
    from crawlers.fetch import FetchError
    from crawlers.probe import probe, unit_toml

    try:
        result = probe(url, allow_private=allow_private, samples=samples)
    except FetchError as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        f"# platform: {result.platform} (fingerprints: {', '.join(result.candidates) or 'none'})"
    )
    click.echo(
        f"# list page: {len(result.listing.entries)} article links, next page: {result.listing.next_url or 'none'}"
    )
    for entry in result.listing.entries[:5]:
        click.echo(f"#   {entry.date_text or '?':>18}  {entry.title[:90]}")
    for art in result.samples:
        when = art.published.isoformat() if art.published else "no date"
        flag = " (generic fallback)" if art.fallback else ""
        click.echo(f"# sample: {when}  {art.title[:80]}{flag}")
    click.echo(unit_toml(result, allow_private=allow_private))


@cli.command("learn")
@click.argument("url")
@click.option(
    "--samples", default=5, show_default=True, help="Articles of the list page to learn from."
)
@click.option("--allow-private", is_flag=True, help="Allow loopback/private hosts (local copies).")
@click.option("--id", "unit_id", help="The unit id (default: from the host name).")
@click.option("--province", help="Province id (default: from the host name, else a TODO).")
def learn_cmd(
    url: str, samples: int, allow_private: bool, unit_id: str | None, province: str | None
) -> None:
    """Learn a unit's selectors from list page URL and a few of its articles.

    Prints a per-field table of what the learned unit extracts from each sample (as
    TOML comments) and the unit entry, ready for a units file. Exits non-zero when no
    title or body selector could be learned, or a sample disagrees with its list entry.
    """
    from crawlers.fetch import FetchError
    from crawlers.learn import learn_site
    from crawlers.learn.report import sample_table, unit_toml
    from crawlers.sniff import NotHtml

    try:
        learned = learn_site(url, samples=samples, allow_private=allow_private)
    except (FetchError, NotHtml) as e:
        raise click.ClickException(f"{url}: {e}") from None
    for line in sample_table(learned):
        click.echo(line)
    click.echo(unit_toml(learned, uid=unit_id, province=province, allow_private=allow_private))
    missing = [k for k in ("list_links", "title", "body") if k not in learned.selectors]
    if missing:
        raise click.ClickException(
            f"{url}: could not learn {', '.join(missing)} (see the WARNING lines above)"
        )
    bad = [x for x in learned.samples if x.verdict.mismatch]
    if bad:
        raise click.ClickException(
            f"{url}: {len(bad)} of {len(learned.samples)} samples disagree with the list page"
        )
