"""The installed command ends with :func:`vnfeeds.exiting.exit_now`: exit handlers run,
stdio is flushed, the code is kept, and a running non-daemon thread is still waited for."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from storage.db import Store

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _vnfeeds(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m vnfeeds ARGS`` (the installed command's entry point) to its end."""
    return subprocess.run(
        [sys.executable, "-m", "vnfeeds", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_now_runs_handlers_flushes_and_keeps_the_code(tmp_path: Path) -> None:
    mark = tmp_path / "handler-ran"
    proc = _python(
        f"""
        import atexit, sys
        from vnfeeds.exiting import exit_now
        atexit.register(lambda: open({str(mark)!r}, "w").write("yes"))
        sys.stdout.write("x" * 200_000)  # more than a pipe's buffer: flushed, not lost
        sys.stderr.write("last words")
        exit_now(3)
        """
    )
    assert proc.returncode == 3
    assert len(proc.stdout) == 200_000
    assert proc.stderr == "last words"
    assert mark.read_text() == "yes"


def test_exit_now_waits_for_a_running_thread(tmp_path: Path) -> None:
    done = tmp_path / "thread-done"
    proc = _python(
        f"""
        import threading, time
        from vnfeeds.exiting import exit_now
        def work():
            time.sleep(0.3)
            open({str(done)!r}, "w").write("finished")
        threading.Thread(target=work).start()
        exit_now(4)
        """
    )
    assert proc.returncode == 4
    assert done.read_text() == "finished"  # os._exit would have cut it off


def test_command_output_and_code_survive_the_quick_exit(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite3"
    listing = _vnfeeds("--db", str(db), "sites", "list")
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) > 10
    bad = _vnfeeds("--db", str(db), "crawl", "no-such-unit")
    assert bad.returncode == 1
    assert "unknown unit(s): no-such-unit" in bad.stderr


def test_a_command_closes_the_store_it_opened(tmp_path: Path) -> None:
    """The WAL is checkpointed and removed when the command's connections close; a process
    ended without closing them would leave it behind."""
    db = tmp_path / "v.sqlite3"
    for command in (["db", "upgrade"], ["status"]):  # a schema store, the workspace's store
        proc = _vnfeeds("--db", str(db), *command)
        assert proc.returncode == 0, proc.stderr
        assert not Path(f"{db}-wal").exists(), command
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from alembic_version").fetchone() == (1,)
    store = Store.open(str(db))
    with store.session() as s:
        assert s.execute(text("select 1")).scalar() == 1
    store.dispose()
