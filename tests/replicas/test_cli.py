"""`vnfeeds replicas`: serves, writes the units file, stops on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from domain.registry import load_registry
from tests.replicas.conftest import fetch


def test_replicas_command_serves_and_writes_units(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    labels = tmp_path / "labels.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vnfeeds.cli",
            "replicas",
            "--port",
            "0",
            "--units-out",
            str(units),
            "--labels-out",
            str(labels),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C reaches the command as in a terminal, even when this suite runs as a
        # background job of a script (which starts with SIGINT ignored, and passes that on)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Serving"):
                break
        out = "".join(lines)
        assert "hoabinh-soct" in out and "index http://127.0.0.1:" in out
        index = out.split("index ", 1)[1].split()[0]
        assert fetch(index)[0] == 200
        assert load_registry(units).problems == []
        assert labels.stat().st_size > 1000
    finally:
        proc.send_signal(signal.SIGINT)
        try:  # reading both pipes meanwhile: a child blocked writing to a full one never ends
            rest, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, err = proc.communicate()
            raise AssertionError(f"not stopped 30 s after Ctrl-C; stderr: {err[-3000:]}") from None
    assert "stopped" in rest, (rest, err[-3000:])
    assert proc.returncode in (0, 130)
