"""`vnfeeds replicas`: serve the local replica sites and write their units file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import click


@click.command(name="replicas")
@click.option(
    "--port", type=int, default=0, show_default=True, help="Port for every site (0: a free one)."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Corpus seed.")
@click.option(
    "--units-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("replica-units.toml"),
    show_default=True,
    help="Where to write the units file for these sites.",
)
@click.option(
    "--labels-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the dedup ground truth (JSON) here.",
)
def cli(port: int, seed: int, units_out: Path, labels_out: Path | None) -> None:
    """Serve the local replica sites until Ctrl-C."""
    from replicas.server import ReplicaServer

    srv = ReplicaServer(port, seed=seed)
    try:
        srv.start()
    except OSError as e:
        raise click.ClickException(f"cannot listen on port {port}: {e}") from e
    try:
        srv.write_units(units_out)
        click.echo(f"Replica sites (seed {seed}) on port {srv.port}; index {srv.index_url}")
        for u in srv.corpus.units:
            click.echo(f"  {u.id:<16} {u.platform:<16} {srv.base_url(u.id)}/")
        click.echo(f"Units file: {units_out}  (try: vnfeeds --sites {units_out} crawl)")
        if labels_out is not None:
            labels_out.write_text(
                json.dumps(srv.labels(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            click.echo(f"Labels: {labels_out}")
        click.echo("Serving; Ctrl-C to stop.")
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        srv.stop()
