"""`vnfeeds export`: write the feed tree as static files (incremental; ``--full`` renders all)."""

from __future__ import annotations

from pathlib import Path

import click

from feeds.config import FeedConfig
from vnfeeds.context import AppContext, pass_app


@click.command(name="export")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the tree into (created if missing).",
)
@click.option(
    "--base-url", envvar="VNFEEDS_BASE_URL", help="Public URL the files will be served at."
)
@click.option(
    "--ping/--no-ping",
    default=True,
    show_default=True,
    help="Ping the WebSub hub (VNFEEDS_WEBSUB_HUB) for the feeds that changed.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Render every document, not only the feeds changed since the last export.",
)
@pass_app
def cli(app: AppContext, out_dir: Path, base_url: str | None, ping: bool, full: bool) -> None:
    """Write the feed tree as static files (only the feeds changed since the last export)."""
    from feeds.export import export_tree
    from feeds.websub import ping_hub

    config = FeedConfig.from_env(base_url=base_url)
    report = export_tree(app.store(), app.registry(), out_dir, config=config, full=full)
    kind = "full" if report.full else "incremental"
    click.echo(
        f"{len(report.written)} written, {len(report.unchanged)} unchanged in {out_dir} "
        f"({kind}: {report.rendered} rendered, {len(report.removed)} removed)"
    )
    if ping and config.hub and report.written:
        urls = [
            config.url(p)
            for p in report.written
            if p.endswith((".rss", ".atom", ".json")) and "/archive/" not in p
        ]
        pinged = ping_hub(urls, config.hub)
        click.echo(f"websub: {len(pinged.ok)} pinged, {len(pinged.failed)} failed")
