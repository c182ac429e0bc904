"""bench.timeline turns readings of a crawl's processes into steps, and names its workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench import timeline
from bench.pipeline import process_tree
from bench.timeline import Sample

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


def test_rows_are_steps_from_the_first_answer_with_cpu_pages_and_stored_articles() -> None:
    samples = [
        Sample(10.0, {"crawl": 1.0}, articles=0),
        Sample(10.5, {"crawl": 1.4}, articles=0),  # ends before the first answer: skipped
        Sample(11.0, {"crawl": 1.8, "worker 1": 0.0}, articles=3),
        Sample(11.5, {"crawl": 2.3, "worker 1": 0.25}, articles=-1),  # count unreadable
        Sample(12.0, {"crawl": 2.4}, articles=9),  # the worker has ended
    ]
    answers = [10.6, 10.7, 11.2, 11.9, 12.5]
    table = timeline.rows(samples, answers, first=10.6)
    assert [round(r.start, 2) for r in table] == [0.0, 0.4, 0.9]
    assert [round(r.seconds, 2) for r in table] == [0.4, 0.5, 0.5]
    assert [r.pages for r in table] == [2, 1, 1]  # 12.5 is after the last reading
    assert [r.articles for r in table] == [3, 0, 6]
    assert table[0].busy["crawl"] == pytest.approx(80.0)  # 0.4 s of CPU over 0.5 s
    assert "worker 1" in table[0].busy and table[0].busy["worker 1"] == 0.0  # not there before
    assert table[1].busy["worker 1"] == pytest.approx(50.0)
    assert table[2].busy["worker 1"] == 0.0  # gone by the end of the step
    assert timeline.columns(table) == ["crawl", "worker 1"]


def test_the_summary_splits_the_window_at_the_last_page(capsys: pytest.CaptureFixture[str]) -> None:
    samples = [
        Sample(float(t), {"crawl": t * 0.9, "idle": t * 0.1}, articles=a)
        for t, a in ((0, 0), (1, 2), (2, 5), (3, 9))
    ]
    table = timeline.rows(samples, [0.0, 0.5, 1.5], first=0.0)
    timeline.print_table(table, last_page=1.5)
    out = capsys.readouterr().out
    assert "<- last page" in out.splitlines()[2]  # the step from 1.0 s holds the last page
    assert "5 of 9 stored by the last page (1.50 s), the rest in 1.00 s after it" in out
    assert "CPU seconds while pages came: crawl 1.80, idle 0.20" in out
    assert "CPU seconds after: crawl 0.90, idle 0.10" in out


def test_the_process_tree_and_names_tell_the_spare_by_its_priority() -> None:
    """A child at nice 19 is the spare, one at normal priority a worker; both are found
    under this process with their CPU."""
    sleep = "import os, sys, time\nos.nice(int(sys.argv[1]))\nprint(flush=True)\ntime.sleep(30)"
    kids = [
        subprocess.Popen([sys.executable, "-c", sleep, n], stdout=subprocess.PIPE)
        for n in ("0", "19")
    ]
    try:
        for k in kids:
            assert k.stdout is not None
            k.stdout.readline()  # its priority is set
        procs = process_tree(os.getpid())
        assert {k.pid for k in kids} <= set(procs)
        assert procs[os.getpid()].cpu > 0  # this process' CPU seconds so far
        names = timeline.names_of(os.getpid(), {pid: p.nice for pid, p in procs.items()})
        assert names[os.getpid()] == "crawl"
        assert names[kids[0].pid].startswith("worker ")
        assert names[kids[1].pid] == "spare 1"
    finally:
        for k in kids:
            k.kill()
            k.wait()
    time.sleep(0.1)
    assert not {k.pid for k in kids} & set(process_tree(os.getpid()))
