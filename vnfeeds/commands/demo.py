"""`vnfeeds demo`: replicas -> crawl -> dedup -> feeds, offline, on the embedded store."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from pathlib import Path

import click

from replicas.server import ReplicaServer
from vnfeeds.context import AppContext, pass_app

DEMO_DB = Path("var/demo.sqlite3")
DEMO_EDITOR = "demo"


def demo_editor(app: AppContext) -> tuple[str, str]:
    """An editor with a random password in the fresh demo database (printed once, kept nowhere)."""
    from storage.users import add_user

    password = secrets.token_urlsafe(12)
    with app.store().session() as s:
        add_user(s, DEMO_EDITOR, password)
    return DEMO_EDITOR, password


def _crawl(db: str, units: Path) -> None:
    """Crawl every replica unit in a subprocess (Scrapy's reactor runs once per process)."""
    cmd = [sys.executable, "-m", "vnfeeds", "--db", db, "--sites", str(units), "crawl"]
    proc = subprocess.run(cmd, check=False)
    if proc.returncode != 0:
        raise click.ClickException(f"the demo crawl failed (exit {proc.returncode})")


@click.command()
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path),
    help="Write the feed tree here and exit.",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to serve the feeds on."
)
@click.option(
    "--port", default=8080, show_default=True, help="Port to serve the feeds on (0: any free)."
)
@click.option("--replica-port", default=0, help="Port of the replica sites (default: any free).")
@pass_app
def cli(app: AppContext, export_dir: Path | None, host: str, port: int, replica_port: int) -> None:
    """Serve replica sites on loopback, crawl them all, deduplicate, build and serve the feeds.

    Uses --db if given, else a fresh var/demo.sqlite3 with a demo editor whose random
    password is printed once. With --export DIR the feed tree is written to DIR (as
    `vnfeeds export` does) and the command exits 0.
    """
    t0 = time.monotonic()
    own_db = app.db is None
    if own_db:
        DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
        app.db = str(DEMO_DB)
    db = app.db or str(DEMO_DB)
    units = Path("var/demo-units.toml")
    units.parent.mkdir(parents=True, exist_ok=True)
    with ReplicaServer(port=replica_port) as server:
        server.write_units(units)
        app.sites = units
        click.echo(f"replica sites: http://127.0.0.1:{server.port}/ (units file {units})")
        _crawl(db, units)
        store = app.store()
        registry = app.registry()
        if export_dir is not None:
            from feeds.export import export_tree

            report = export_tree(store, registry, export_dir, f"http://{host}:{port}")
            click.echo(
                f"exported the feed tree to {export_dir}: {report.total} files "
                f"({len(report.written)} written, {len(report.unchanged)} unchanged)"
            )
            click.echo(f"open {export_dir / 'index.html'} or subscribe to {export_dir / 'all.rss'}")
            click.echo(f"demo done in {time.monotonic() - t0:.1f} s")
            return
        _serve(app, host, port, demo_editor(app) if own_db else None)


def _serve(app: AppContext, host: str, port: int, editor: tuple[str, str] | None) -> None:
    import os

    import uvicorn

    from feeds.config import FeedConfig
    from web.site import build_app

    base = os.environ.get("VNFEEDS_BASE_URL") or f"http://{host}:{port}"
    click.echo(f"feeds index:  {base}/")
    click.echo(f"all news:     {base}/all.rss  {base}/all.atom  {base}/all.json")
    click.echo(f"OPML:         {base}/feeds.opml")
    click.echo(f"seed unit:    {base}/units/hoabinh-soct.rss")
    click.echo(f"review queue: {base}/review   status: {base}/status   metrics: {base}/metrics")
    if editor is not None:
        click.echo(
            f"demo editor:  user {editor[0]}  password {editor[1]}  (log in at {base}/review)"
        )
    else:
        click.echo("editors:      add one with 'vnfeeds users add NAME' (no demo editor on --db)")
    click.echo("Ctrl-C to stop.")
    config = FeedConfig.from_env(base_url=base)
    uvicorn.run(build_app(app, config), host=host, port=port, log_level="warning")
