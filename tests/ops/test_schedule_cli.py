"""`vnfeeds schedule` as real processes: SIGHUP reload, clean stop, one leader of several."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.overview import next_run_times
from storage.db import Store
from tests.ops.conftest import Plan, fake_command, write_units
from tests.ops.scheduling import runs_of, wait_for


class Proc:
    """One `vnfeeds schedule` process with its log file."""

    def __init__(self, db: str, units: Path, cmd: tuple[str, ...], log: Path, *extra: str) -> None:
        self.log = log
        argv = [
            sys.executable,
            "-m",
            "vnfeeds",
            "--db",
            db,
            "--sites",
            str(units),
            "schedule",
            "--interval-seconds",
            "0.5",
            "--jitter",
            "0",
            "--backoff-base",
            "1",
            "--backoff-cap",
            "2",
            "--crawl-command",
            " ".join(cmd),
            *extra,
        ]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
        env.pop("VNFEEDS_ALERT_WEBHOOK", None)
        self.fh = log.open("wb")
        self.p = subprocess.Popen(argv, stdout=self.fh, stderr=subprocess.STDOUT, env=env)

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> int:
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait()
        finally:
            self.fh.close()


@pytest.fixture
def procs() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for p in started:
        p.stop()


def test_sighup_reloads_and_sigterm_stops(
    sqlite_store: Store, tmp_path: Path, plan: Plan, procs: list[Proc]
) -> None:
    units = write_units(tmp_path / "units.toml", ["unit-a"])
    p = Proc(
        sqlite_store.url, units, fake_command(plan), tmp_path / "s.log", "--watch-interval", "600"
    )
    procs.append(p)
    assert wait_for(lambda: runs_of(sqlite_store, "unit-a") >= 1, timeout=20), p.text()
    write_units(units, ["unit-a", "unit-new"])
    time.sleep(0.5)
    assert "unit-new" not in next_run_times(sqlite_store)  # no watching: only SIGHUP reloads
    p.p.send_signal(signal.SIGHUP)
    done = "event=crawl_finished unit=unit-new"
    assert wait_for(lambda: done in p.text(), timeout=15), p.text()
    assert p.stop() == 0
    log = p.text()
    assert "event=units_reloaded unit=- reason=sighup" in log
    for line in log.splitlines():  # structured: every line names its unit
        assert " unit=" in line, line


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_schedulers_never_crawl_one_unit_at_once(
    store: Store, tmp_path: Path, plan: Plan, procs: list[Proc]
) -> None:
    units = write_units(tmp_path / "units.toml", ["unit-a", "unit-b"])
    for u in ("unit-a", "unit-b"):
        plan.set(u, "ok", sleep=0.4)
    intervals = tmp_path / "intervals.txt"
    cmd = fake_command(plan, intervals)
    first = Proc(store.url, units, cmd, tmp_path / "one.log")
    procs.append(first)
    assert wait_for(lambda: "unit-a" in next_run_times(store), timeout=20), first.text()
    second = Proc(store.url, units, cmd, tmp_path / "two.log")
    procs.append(second)

    def enough() -> bool:
        lines = intervals.read_text().splitlines() if intervals.exists() else []
        return len(lines) >= 6

    assert wait_for(enough, timeout=30), first.text() + second.text()
    # only the leader fires: every crawl so far was started by the first
    assert "event=leader_standby" in second.text()
    assert "event=crawl_started" not in second.text(), second.text()
    assert second.stop() == 0 and first.stop() == 0  # the standby first: no handover

    spans: dict[str, list[tuple[float, float]]] = {}
    for line in intervals.read_text().splitlines():
        unit, start, end, _pid = line.split()
        spans.setdefault(unit, []).append((float(start), float(end)))
    for uid, ss in spans.items():
        ss.sort()
        for (_, prev_end), (next_start, _) in itertools.pairwise(ss):
            assert next_start >= prev_end, f"{uid}: two crawls overlapped"
    assert "event=crawl_finished unit=unit-a" in first.text()


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_leadership_moves_when_the_leader_is_killed(
    store: Store, tmp_path: Path, plan: Plan, procs: list[Proc]
) -> None:
    units = write_units(tmp_path / "units.toml", ["unit-a"])
    cmd = fake_command(plan)
    lease = ("--leader-ttl", "3", "--leader-check", "0.5")
    first = Proc(store.url, units, cmd, tmp_path / "one.log", *lease)
    procs.append(first)
    assert wait_for(lambda: "event=crawl_finished unit=unit-a" in first.text(), 20), first.text()
    second = Proc(store.url, units, cmd, tmp_path / "two.log", *lease)
    procs.append(second)
    assert wait_for(lambda: "event=leader_standby" in second.text(), 20), second.text()
    time.sleep(1.5)
    assert "event=crawl_started" not in second.text()  # a standby never fires
    first.p.send_signal(signal.SIGKILL)
    first.p.wait()
    killed = time.monotonic()
    assert wait_for(lambda: "event=leader_elected" in second.text(), 15), second.text()
    took = time.monotonic() - killed
    assert took < 3 + 0.5 + 2.5, f"takeover took {took:.1f}s"  # ttl + check + start slack
    if store.engine.dialect.name == "postgresql":  # the dead leader's unit lock died with it
        assert wait_for(lambda: "event=crawl_finished unit=unit-a" in second.text(), 20)
    else:  # the new leader fires; the dead leader's unit lease holds until it expires
        fired = ("event=crawl_started unit=unit-a", "event=job_skipped unit=unit-a reason=locked")
        assert wait_for(lambda: any(f in second.text() for f in fired), 20), second.text()


def test_batch_units_share_one_crawl_process(
    tmp_path: Path, plan: Plan, intervals: Path, default_db_url: str, procs: list[Proc]
) -> None:
    from tests.ops.test_batches import batch_command, pids

    units = write_units(tmp_path / "units.toml", ["unit-a", "unit-b", "unit-c"])
    p = Proc(
        default_db_url,
        units,
        batch_command(plan, intervals),
        tmp_path / "sched.log",
        "--batch-units",
        "5",
        "--batch-window",
        "1",
        "--interval-seconds",
        "4",  # all three fire together 4 s after the start
    )
    procs.append(p)
    assert wait_for(lambda: intervals.exists() and len(pids(intervals)) == 3, 30), p.text()
    assert p.stop() == 0, p.text()
    first = {uid: ps[0] for uid, ps in pids(intervals).items()}
    assert len(set(first.values())) == 1, (first, p.text())  # the three in one process
    assert "event=batch_dispatched" in p.text() and "units=3" in p.text()


def test_bad_batch_size_is_refused(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "vnfeeds", "--db", f"sqlite:///{tmp_path}/x.db", "schedule"]
    r = subprocess.run([*argv, "--batch-units", "0"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--batch-units" in r.stderr, r.stderr
