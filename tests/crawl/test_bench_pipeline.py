"""bench.pipeline reads memory and CPU of a process tree from /proc."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench import pipeline

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


def test_tree_counts_a_busy_child_and_its_memory() -> None:
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\ntime.sleep(5)"
    child = subprocess.Popen([sys.executable, "-c", spin])
    try:
        deadline = time.monotonic() + 10
        while True:
            rss, cpu = pipeline._tree(os.getpid())
            if cpu.get(child.pid, 0.0) >= 0.25 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert child.pid in cpu and os.getpid() in cpu
        assert cpu[child.pid] >= 0.25, "the child's 0.3 s of CPU is not counted"
        own = pipeline._tree(child.pid)[0]
        assert 0 < own < rss  # the whole tree holds more than the child alone
    finally:
        child.kill()
        child.wait()


def test_a_watched_process_keeps_its_cpu_once_reaped() -> None:
    """The watcher may read once more after the process was reaped (the bench reaps it while
    the watcher runs): that reading of 0 s must not replace the earlier ones."""
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    child = subprocess.Popen([sys.executable, "-c", spin])
    peak, cpu, done = [0], dict[int, float](), threading.Event()
    watcher = threading.Thread(target=pipeline._watch_tree, args=(child.pid, peak, cpu, done))
    watcher.start()
    try:
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped
        time.sleep(0.3)  # read as a zombie: its CPU is still there
    finally:
        child.wait()  # reaped: gone from /proc
        time.sleep(0.3)  # read again, gone
        done.set()
        watcher.join()
    assert cpu.get(child.pid, 0.0) >= 0.25, "the reaped process' CPU was lost"


def test_the_watcher_follows_the_whole_tree_to_the_end() -> None:
    """Readings go on for the process and its child while they run (the root's reading
    grows after the child has ended)."""
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < {}: pass"
    # the child lingers 0.3 s after its CPU work, so a reading every 0.1 s sees all of it
    # (without the pause the last reading could come up to 0.1 s of CPU short)
    child = spin.format(0.3) + "\ntime.sleep(0.3)"
    parent = (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child!r}])\n"
        "child.wait()\n" + spin.format(0.6)
    )
    proc = subprocess.Popen([sys.executable, "-c", parent])
    peak, cpu, done = [0], dict[int, float](), threading.Event()
    watcher = threading.Thread(target=pipeline._watch_tree, args=(proc.pid, peak, cpu, done))
    watcher.start()
    try:
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        time.sleep(0.3)
    finally:
        done.set()
        watcher.join()
        proc.wait()
    others = [v for p, v in cpu.items() if p != proc.pid]
    assert cpu.get(proc.pid, 0.0) >= 0.55, "the root's CPU after its child ended was not read"
    assert others and max(others) >= 0.25, "the child's CPU was not read"


def test_the_raw_side_makes_no_log_record_ours_would_not(tmp_path: Path) -> None:
    """Both sides of the bench quiet Scrapy's loggers the same way: raw Scrapy making a
    DEBUG record per page that nothing shows would be slowed by what ours is spared."""
    from bench import raw_scrapy

    scrapy_logger = logging.getLogger("scrapy")
    before = scrapy_logger.level, logging.root.level
    try:
        logging.root.setLevel(logging.WARNING)
        scrapy_logger.setLevel(logging.DEBUG)
        units = tmp_path / "units.toml"
        units.write_text("", encoding="utf-8")
        raw_scrapy.make_process(raw_scrapy.raw_settings(units, {"LOG_LEVEL": "ERROR"}))
        assert not logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("scrapy.core.engine").isEnabledFor(logging.INFO)
    finally:
        scrapy_logger.setLevel(before[0])
        logging.root.setLevel(before[1])


def test_our_crawl_takes_the_what_if_settings_after_politeness_off(tmp_path: Path) -> None:
    cmd = pipeline.ours_cmd(tmp_path / "a.sqlite3", tmp_path / "u.toml", ("VNFEEDS_DEDUP=False",))
    sets = [a for a in cmd if a.startswith("--set=")]
    assert sets == [
        *(f"--set={k}={v}" for k, v in pipeline.POLITENESS_OFF.items()),
        "--set=VNFEEDS_DEDUP=False",
    ]
    assert cmd[cmd.index("--db") + 1] == str(tmp_path / "a.sqlite3")
    assert "--set=VNFEEDS_DEDUP=False" not in pipeline.ours_cmd(tmp_path / "b", tmp_path / "u")


def test_a_what_if_setting_without_a_value_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        pipeline.main(["--pairs", "1", "--set", "VNFEEDS_DEDUP"])
    assert exc.value.code == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err
