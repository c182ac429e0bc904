"""bench.mojibake counts the lines where the shortcut and ftfy agree, and times both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import mojibake


def test_prints_agreement_over_the_fixture_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mojibake.main(["--realsites", str(tmp_path / "absent")]) == 0
    out = capsys.readouterr().out
    n = len(mojibake.lines([mojibake.FIXTURES]))
    assert n > 1000
    assert f"same answer as ftfy: {n} of {n}" in out
