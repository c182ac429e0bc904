"""bench.crawl_profile's arithmetic: statement kinds and the py-spy split."""

from __future__ import annotations

from bench.crawl_profile import split_busy, statement_kind

P = 'process 1:"python -m vnfeeds"'


def test_statement_kinds_fold_whitespace_and_cut() -> None:
    assert statement_kind("  SELECT a\n   FROM t\tWHERE x = ?  ") == "SELECT a FROM t WHERE x = ?"
    assert len(statement_kind("INSERT " + "x" * 200)) == 90


def test_the_split_counts_busy_samples_of_the_crawl_process_by_package() -> None:
    lines = [
        f"{P};run (vnfeeds/cli.py:155);execute (sqlalchemy/engine/base.py:1414) 30",
        f"{P};run (vnfeeds/cli.py:155);process (dedup/engine.py:276) 10",
        f"{P};run (vnfeeds/cli.py:155);Condition.wait (threading.py:327) 500",  # idle
        f"{P};<module> (x.py:1);_find_and_load (<frozen importlib._bootstrap>:1) 70",  # start-up
        f"{P};_process_worker (concurrent/futures/process.py:1);xpath (parsel/selector.py:1) 90",
        f'{P};process 2:"worker";run (parsel/selector.py:1) 40',  # another process
    ]
    total, by = split_busy(lines)
    assert total == 40 and by == {"sqlalchemy": 30, "dedup": 10}
