"""`vnfeeds db`: schema migrations of the store."""

from __future__ import annotations

import click

from storage.db import current_revision, downgrade, upgrade
from vnfeeds.context import AppContext, pass_app


@click.group()
def cli() -> None:
    """Database schema: upgrade, downgrade, current revision."""


@cli.command("upgrade")
@click.argument("revision", default="head")
@pass_app
def upgrade_cmd(app: AppContext, revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    store = app.schema_store()
    upgrade(store.engine, revision)
    click.echo(
        f"{store.engine.url.render_as_string(hide_password=True)}: at {current_revision(store.engine)}"
    )


@cli.command("downgrade")
@click.argument("revision")
@pass_app
def downgrade_cmd(app: AppContext, revision: str) -> None:
    """Downgrade the schema to REVISION (``base`` removes every table)."""
    store = app.schema_store()
    downgrade(store.engine, revision)
    click.echo(f"at {current_revision(store.engine) or 'base'}")


@cli.command("current")
@pass_app
def current_cmd(app: AppContext) -> None:
    """Print the schema revision the database is at."""
    store = app.schema_store()
    click.echo(current_revision(store.engine) or "base")
