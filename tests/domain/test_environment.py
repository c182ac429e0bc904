"""Numbers from the environment: a bad value is an error naming the variable, everywhere.

The helper itself, then each setting read from the environment through the CLI: one
``error:`` line naming the variable and its value, no traceback, a non-zero exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.environment import EnvError, env_float, env_int
from tests.reliability.faults import unit_toml


def test_unset_or_empty_gives_the_default() -> None:
    assert env_int("X", 16, env={}) == 16
    assert env_int("X", 16, env={"X": "  "}) == 16
    assert env_float("X", 0.25, env={"X": ""}) == 0.25
    assert env_int("X", 16, least=1, env={"X": " 4 "}) == 4
    assert env_float("X", 0.25, least=0.0, env={"X": "0"}) == 0.0


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (int, "abc", "X='abc': not a whole number"),
        (int, "2.5", "X='2.5': not a whole number"),
        (int, "0", "X='0': must be at least 1"),
        (float, "soon", "X='soon': not a number"),
        (float, "nan", "X='nan': not a number"),
        (float, "-1", "X='-1': must be at least 0.0"),
    ],
)
def test_a_bad_value_names_the_variable(kind: type, raw: str, message: str) -> None:
    with pytest.raises(EnvError) as caught:
        if kind is int:
            env_int("X", 16, least=1, env={"X": raw})
        else:
            env_float("X", 0.25, least=0.0, env={"X": raw})
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)  # what callers of the old int() caught


#: each setting read from the environment, and the command that reads it
READERS = [
    ("VNFEEDS_STORE_BATCH", "crawl"),
    ("VNFEEDS_STORE_BATCH_WAIT", "crawl"),
    ("VNFEEDS_DOWNLOAD_TIMEOUT", "crawl"),
    ("VNFEEDS_RETRY_TIMES", "crawl"),
    ("VNFEEDS_DEDUP_NUM_PERM", "dedup"),
    ("VNFEEDS_DEDUP_HIGH", "dedup"),
    ("VNFEEDS_FEED_LIMIT", "export"),
]


@pytest.mark.parametrize(("name", "command"), READERS)
def test_the_cli_names_a_bad_environment_value(name: str, command: str, tmp_path: Path) -> None:
    db = tmp_path / "vnfeeds.sqlite3"
    units = tmp_path / "units.toml"  # a unit nobody serves: nothing may be fetched anyway
    units.write_text(unit_toml("local", "http://127.0.0.1:9/list"), encoding="utf-8")
    args = {
        "crawl": ["crawl", "--no-lock", "-q", "local"],
        "dedup": ["dedup", "run"],
        "export": ["export", "--out", str(tmp_path / "out")],
    }[command]
    env = {**os.environ, name: "lots"}
    res = subprocess.run(
        [sys.executable, "-m", "vnfeeds", "--db", str(db), "--sites", str(units), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode != 0
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert lines == [f"error: EnvError: {name}='lots': not a " + _kind(name)], res.stderr[-2000:]


def _kind(name: str) -> str:
    return "number" if name.endswith(("_WAIT", "_TIMEOUT", "_HIGH")) else "whole number"
