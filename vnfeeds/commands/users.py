"""`vnfeeds users`: editor accounts for the review pages."""

from __future__ import annotations

import json

import click

from vnfeeds.context import AppContext, pass_app


@click.group()
def cli() -> None:
    """Editor accounts (argon2-hashed passwords)."""


@cli.command("add")
@click.argument("username")
@click.option(
    "--password",
    envvar="VNFEEDS_PASSWORD",
    help="The password (else VNFEEDS_PASSWORD, else asked twice on the terminal).",
)
@pass_app
def add_cmd(app: AppContext, username: str, password: str | None) -> None:
    """Create an account."""
    from storage.users import UserError, add_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with app.store().session() as s:
            add_user(s, username, password)
    except UserError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"added {username}")


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """List the accounts."""
    from storage.users import list_users

    with app.store().session() as s:
        rows = [
            {"username": u.username, "created_at": u.created_at.isoformat()} for u in list_users(s)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['username']}\t{r['created_at']}")
    if not rows:
        click.echo("no accounts; add one with 'vnfeeds users add NAME'", err=True)


@cli.command("remove")
@click.argument("username")
@pass_app
def remove_cmd(app: AppContext, username: str) -> None:
    """Delete an account (its open sessions stop working)."""
    from storage.users import remove_user

    with app.store().session() as s:
        if not remove_user(s, username):
            raise click.ClickException(f"no user {username!r}")
    click.echo(f"removed {username}")


@cli.command("passwd")
@click.argument("username")
@click.option("--password", envvar="VNFEEDS_PASSWORD", help="The new password (else asked).")
@pass_app
def passwd_cmd(app: AppContext, username: str, password: str | None) -> None:
    """Set a new password."""
    from storage.users import UserError, set_password

    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with app.store().session() as s:
            set_password(s, username, password)
    except UserError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"password changed for {username}")
