"""The ``vnfeeds`` command: a thin shell that parses flags and calls the modules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import NoReturn

import click

from vnfeeds.context import AppContext, setup_logging
from vnfeeds.exiting import exit_now

# command name -> (module in vnfeeds.commands with a click command, one-line help).
# The help text is listed here so that `vnfeeds --help` imports no command module.
COMMANDS: dict[str, tuple[str, str]] = {
    "sites": ("sites", "List, show, check and probe units (the sites we crawl)."),
    "db": ("db", "Database schema: upgrade, downgrade, current revision."),
    "crawl": ("crawl", "Crawl units once into the store, incrementally."),
    "extract": ("extract", "Extract one article page (file or URL) as JSON."),
    "reparse": ("reparse", "Re-extract stored raw pages with the current parsers."),
    "dedup": ("dedup", "Near-duplicate detection: run over the store, compare two articles."),
    "export": ("export", "Write the feed tree as static files."),
    "serve": ("serve", "Serve feeds, the index, review, status and metrics over HTTP."),
    "schedule": ("schedule", "Run the crawl scheduler (APScheduler)."),
    "status": ("status", "Table of units: state, last run, new items, last error, next run."),
    "runs": ("status", "Crawl run history of one unit."),
    "pause": ("status", "Pause scheduled crawls of a unit."),
    "resume": ("status", "Resume scheduled crawls of a unit."),
    "review": ("review", "The editors' duplicate review queue."),
    "users": ("users", "Editor accounts: add, list, remove."),
    "replicas": ("replicas", "Serve the local replica sites and write their units file."),
    "demo": ("demo", "Replicas, crawl, dedup and feeds: the whole thing, offline."),
}


def _set_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(AppContext).db = value


def _set_sites(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(AppContext).sites = value


def _set_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        app = ctx.ensure_object(AppContext)
        app.verbose += value
        setup_logging(app.verbose)


def _global_options() -> list[click.Parameter]:
    """``--db``, ``--sites`` and ``-v`` as a subcommand accepts them (after its name)."""
    return [
        click.Option(["--db"], callback=_set_db, expose_value=False, help="As before the command."),
        click.Option(
            ["--sites"],
            type=click.Path(path_type=Path),
            callback=_set_sites,
            expose_value=False,
            help="As before the command.",
        ),
        click.Option(
            ["-v", "--verbose"],
            count=True,
            callback=_set_verbose,
            expose_value=False,
            help="As before the command.",
        ),
    ]


def accept_global_options(cmd: click.Command) -> None:
    """Let ``cmd`` and its subcommands take the global options too (``db upgrade --db X``)."""
    names = {o for p in cmd.params for o in p.opts}
    if not getattr(cmd, "_vnfeeds_globals", False):  # once per command object
        cmd.params.extend(o for o in _global_options() if not names & set(o.opts))
        cmd._vnfeeds_globals = True  # type: ignore[attr-defined]
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            accept_global_options(sub)


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (fast ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        mod_name = COMMANDS[cmd_name][0]
        mod = importlib.import_module(f"vnfeeds.commands.{mod_name}")
        attr = "cli" if cmd_name == mod_name else f"{cmd_name}_cli"
        cmd = getattr(mod, attr)
        assert isinstance(cmd, click.Command)
        accept_global_options(cmd)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", envvar="VNFEEDS_DB", help="SQLite path or database URL (default var/vnfeeds.sqlite3)."
)
@click.option(
    "--sites",
    type=click.Path(path_type=Path),
    envvar="VNFEEDS_SITES",
    help="Unit file or folder of unit files (default: the shipped units).",
)
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.version_option(package_name="vnfeeds", prog_name="vnfeeds")
@click.pass_context
def cli(ctx: click.Context, db: str | None, sites: Path | None, verbose: int) -> None:
    """vnfeeds: clean, deduplicated feeds from Vietnamese department news sites."""
    setup_logging(verbose)
    ctx.obj = AppContext(db=db, sites=sites, verbose=verbose)
    ctx.call_on_close(ctx.obj.close)  # connections closed cleanly, not left to the exit


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
        from storage.db import error_line

        click.echo(f"error: {error_line(e)}", err=True)
        sys.exit(1)


def run() -> NoReturn:
    """The installed ``vnfeeds`` command: :func:`main`, then a quick exit
    (:func:`vnfeeds.exiting.exit_now`) with its code."""
    try:
        main()
    except SystemExit as e:
        code = e.code
    else:
        code = 0
    if code is None or isinstance(code, int):
        exit_now(code or 0)
    sys.exit(code)  # a message: the interpreter prints it and exits 1


if __name__ == "__main__":
    run()
