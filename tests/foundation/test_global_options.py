"""Global options as users type them: before or after the (sub)command; ``--version``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.db import Store, current_revision
from vnfeeds.cli import COMMANDS, LazyGroup, cli


def test_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "vnfeeds", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("vnfeeds, version ") and out.split()[-1][0].isdigit()


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "db", "upgrade"],  # the existing form
        ["db", "upgrade", "--db", "{db}"],
        ["db", "--db", "{db}", "upgrade"],
        ["db", "upgrade", "--db={db}", "-v"],
    ],
)
def test_db_after_the_subcommand(tmp_path: Path, argv: list[str]) -> None:
    db = tmp_path / "x.sqlite3"
    res = CliRunner().invoke(cli, [a.format(db=db) for a in argv])
    assert res.exit_code == 0, res.output
    assert db.is_file()
    assert current_revision(Store(f"sqlite:///{db}", auto_upgrade=False).engine)


def test_sites_after_the_subcommand(tmp_path: Path) -> None:
    units = tmp_path / "u.toml"
    units.write_text(
        '[[unit]]\nid = "phutho-x"\nname = "Sở X"\nprovince = "phu-tho"\nplatform = "nukeviet"\n'
        'homepage = "https://x.phutho.gov.vn/"\n[[unit.start]]\n'
        'url = "https://x.phutho.gov.vn/news/"\ncategory = "Tin"\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        cli, ["sites", "list", "--json", "--sites", str(units), "--db", str(tmp_path / "x.db")]
    )
    assert res.exit_code == 0, res.output
    assert [u["id"] for u in json.loads(res.output)] == ["phutho-x"]


def test_every_command_takes_the_global_options() -> None:
    group = cli
    assert isinstance(group, LazyGroup)
    ctx = cli.make_context("vnfeeds", ["--help"], resilient_parsing=True)

    def walk(cmd: object, path: str) -> None:
        import click

        assert isinstance(cmd, click.Command)
        opts = {o for p in cmd.params for o in p.opts}
        assert {"--db", "--sites", "-v"} <= opts, path
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")

    for name in COMMANDS:
        walk(group.get_command(ctx, name), name)


def test_library_warnings_only_with_v() -> None:
    import logging

    from vnfeeds.context import setup_logging

    pyw = logging.getLogger("py.warnings")
    before = (logging.root.level, pyw.level)
    try:
        setup_logging(0)  # a user's console: Python warnings (deprecations) are not shown
        assert not pyw.isEnabledFor(logging.WARNING)
        assert logging.root.isEnabledFor(logging.WARNING)
        setup_logging(1)  # -v: they are
        assert pyw.isEnabledFor(logging.WARNING)
        assert logging.root.isEnabledFor(logging.INFO)
    finally:
        logging.root.setLevel(before[0])
        pyw.setLevel(before[1])
        logging.captureWarnings(False)
