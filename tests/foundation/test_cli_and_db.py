"""The CLI shell, `sites check`, and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from storage.db import (
    Store,
    alembic_config,
    current_revision,
    downgrade,
    needs_upgrade,
    resolve_db_url,
    upgrade,
)
from tests.conftest import NewDbUrl
from vnfeeds.cli import COMMANDS, cli

EXPECTED = {
    "sites",
    "db",
    "crawl",
    "extract",
    "export",
    "serve",
    "schedule",
    "status",
    "review",
    "users",
    "replicas",
    "demo",
}


def test_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "vnfeeds", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in EXPECTED:
        assert f"  {name} " in out, name
    assert set(COMMANDS) >= EXPECTED


def test_sites_check_passes_on_shipped_units(new_db_url: NewDbUrl) -> None:
    res = CliRunner().invoke(cli, ["--db", new_db_url("x"), "sites", "check"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("ok:")


def test_sites_check_names_each_problem_and_fails(tmp_path: Path) -> None:
    d = tmp_path / "units"
    d.mkdir()
    (d / "one.toml").write_text('[[unit]]\nid = "x-1"\nname = "X"\n', encoding="utf-8")
    (d / "two.toml").write_text("not = [toml", encoding="utf-8")
    res = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "x.sqlite3"), "--sites", str(d), "sites", "check"]
    )
    assert res.exit_code != 0
    assert f"{d / 'one.toml'} unit 'x-1' key 'province'" in res.output
    assert f"{d / 'one.toml'} unit 'x-1' key 'start'" in res.output
    assert f"{d / 'two.toml'}: not valid TOML" in res.output


def test_main_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "vnfeeds",
            "--db",
            str(tmp_path / "x.sqlite3"),
            "sites",
            "show",
            "nope",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "unknown unit 'nope'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_db_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VNFEEDS_DB", raising=False)
    assert resolve_db_url(str(tmp_path / "a.sqlite3")) == f"sqlite:///{tmp_path / 'a.sqlite3'}"
    monkeypatch.setenv("VNFEEDS_DB", str(tmp_path / "b.sqlite3"))
    assert resolve_db_url(None).endswith("b.sqlite3")
    assert resolve_db_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


def test_sqlite_runs_in_wal_mode(sqlite_only_store: Store) -> None:
    with sqlite_only_store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_migrations_upgrade_and_downgrade(store: Store) -> None:
    assert current_revision(store.engine) is not None
    assert "articles" in inspect(store.engine).get_table_names()
    downgrade(store.engine, "base")
    assert current_revision(store.engine) is None
    assert "articles" not in inspect(store.engine).get_table_names()
    upgrade(store.engine)
    assert "crawl_runs" in inspect(store.engine).get_table_names()


def test_schema_check_without_alembic_agrees_with_alembic(store: Store) -> None:
    """needs_upgrade reads the head from the migration files; Alembic's head is the same."""
    from alembic.script import ScriptDirectory

    from storage.db import _shipped_head

    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert _shipped_head() == head
    assert current_revision(store.engine) == head and not needs_upgrade(store.engine)
    downgrade(store.engine, "-1")
    assert needs_upgrade(store.engine)
    downgrade(store.engine, "base")
    assert needs_upgrade(store.engine)
    upgrade(store.engine)
    assert not needs_upgrade(store.engine)


def test_opening_a_current_store_does_not_import_alembic(store: Store) -> None:
    """A process start (every crawl) finds the schema current without loading Alembic."""
    code = (
        "import sys; from storage.db import Store; s = Store(sys.argv[1]); "
        "s.dispose(); print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, store.url], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def test_db_upgrade_command(new_db_url: NewDbUrl) -> None:
    db = new_db_url("cmd")
    res = CliRunner().invoke(cli, ["--db", db, "db", "upgrade"])
    assert res.exit_code == 0, res.output
    assert "at " in res.output
    store = Store(db, auto_upgrade=False)
    assert store.table_names()
    store.dispose()
