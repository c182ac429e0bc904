"""The ``vnfeeds`` command: a thin shell that parses flags and calls the modules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from vnfeeds.context import AppContext, setup_logging

# command name -> module in vnfeeds.commands exposing a click command called ``cli``
COMMANDS: dict[str, str] = {
    "sites": "sites",
    "db": "db",
    "crawl": "crawl",
    "extract": "extract",
    "reparse": "reparse",
    "dedup": "dedup",
    "export": "export",
    "serve": "serve",
    "schedule": "schedule",
    "status": "status",
    "runs": "status",
    "pause": "status",
    "resume": "status",
    "review": "review",
    "users": "users",
    "replicas": "replicas",
    "demo": "demo",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (fast ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        mod_name = COMMANDS.get(cmd_name)
        if mod_name is None:
            return None
        mod = importlib.import_module(f"vnfeeds.commands.{mod_name}")
        attr = "cli" if cmd_name == mod_name else f"{cmd_name}_cli"
        cmd = getattr(mod, attr)
        assert isinstance(cmd, click.Command)
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="VNFEEDS_DB", help="SQLite path or database URL (default var/vnfeeds.sqlite3).")
@click.option(
    "--sites",
    type=click.Path(path_type=Path),
    envvar="VNFEEDS_SITES",
    help="Unit file or folder of unit files (default: the shipped units).",
)
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.version_option(package_name="vnfeeds")
@click.pass_context
def cli(ctx: click.Context, db: str | None, sites: Path | None, verbose: int) -> None:
    """vnfeeds: clean, deduplicated feeds from Vietnamese department news sites."""
    setup_logging(verbose)
    ctx.obj = AppContext(db=db, sites=sites, verbose=verbose)


def main() -> None:
    """Entry point: one-line reason and non-zero exit on any error."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # the CLI's last line of defence: one line, non-zero
        click.echo(f"error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
