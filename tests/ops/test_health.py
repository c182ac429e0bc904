"""Health verdicts from crawl results, and backoff arithmetic."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ops.backoff import BackoffPolicy, in_backoff
from ops.health import UNRECORDED, HealthRules, apply_verdict, judge
from storage.models import CrawlRun, Unit

NOW = datetime(2025, 7, 1, 3, 0, tzinfo=UTC)
STATS = {
    "list_pages": 2,
    "list_not_modified": 0,
    "entries_seen": 20,
    "articles_fetched": 4,
    "missing_fields": 0,
    "http_errors": 0,
    "network_errors": 0,
    "moved_to": None,
}


def run(
    status: str = "ok",
    errors: int = 0,
    error_text: str | None = None,
    fallbacks: int = 0,
    **stats: Any,
) -> CrawlRun:
    return CrawlRun(
        unit_id="u",
        status=status,
        pages=6,
        errors=errors,
        error_text=error_text,
        fallbacks=fallbacks,
        stats={**STATS, **stats},
    )


def verdict(r: CrawlRun | None, **kw: Any) -> tuple[str, str]:
    args: dict[str, Any] = {
        "now": NOW,
        "last_new_at": NOW - timedelta(days=1),
        "watched_since": NOW - timedelta(days=100),
        "cadence_days": 14,
    }
    args.update(kw)
    v = judge(r, **args)
    return v.state, v.reason


def test_ok_and_ok_with_some_errors() -> None:
    assert verdict(run()) == ("ok", "")
    state, reason = verdict(run("partial", errors=1, error_text="unit u: http://x/a: 404"))
    assert state == "ok" and "404" in reason


def test_down_when_nothing_could_be_fetched() -> None:
    r = run(
        "failed",
        errors=3,
        error_text="unit u: http://x/: timeout",
        list_pages=0,
        entries_seen=0,
        articles_fetched=0,
        network_errors=3,
    )
    state, reason = verdict(r)
    assert state == "down" and "timeout" in reason and "3 errors" in reason
    assert verdict(None)[0] == "down"


def test_a_run_the_crawl_never_closed_is_not_called_unreachable() -> None:
    """A crawl whose closing write failed leaves its run 'running' with no figures: the
    verdict says so instead of 'nothing could be fetched'."""
    state, reason = verdict(CrawlRun(unit_id="u", status="running", pages=0, errors=0))
    assert state == "down" and reason == UNRECORDED and "fetched" not in reason
    assert verdict(run("running"))[0] == "ok"  # figures recorded: judged by them


def test_broken_when_list_pages_yield_nothing() -> None:
    state, reason = verdict(run(entries_seen=0, articles_fetched=0))
    assert state == "broken" and "no article link" in reason


def test_broken_when_every_list_page_needed_generic_link_finding() -> None:
    """A platform's list selectors that find nothing fall back to the page's headline
    links: the articles are fetched, but the unit is flagged, as a template change is."""
    pages = int(STATS["list_pages"] or 0)
    state, reason = verdict(run(list_fallbacks=pages))
    assert state == "broken"
    assert reason == f"all {pages} list pages needed generic link finding (layout changed?)"
    assert verdict(run(list_fallbacks=pages - 1))[0] == "ok"  # one page read by its selectors
    assert verdict(run(list_fallbacks=pages), platform="feed")[0] == "ok"


def test_unchanged_list_pages_are_fine() -> None:
    assert (
        verdict(run(list_pages=0, list_not_modified=2, entries_seen=0, articles_fetched=0))[0]
        == "ok"
    )


def test_broken_when_fields_go_missing() -> None:
    assert verdict(run(missing_fields=3))[0] == "broken"
    assert verdict(run(missing_fields=1))[0] == "ok"  # 1 of 4 is below the threshold


def test_the_reason_says_how_many_pages_were_no_article() -> None:
    """Error pages (soft 404s) and category pages count as articles lacking fields (a
    template change can empty every page); the reason says how many there were."""
    state, reason = verdict(run(articles_fetched=1, missing_fields=1, not_articles=1))
    assert state == "broken"
    assert reason == (
        "1 of 1 articles lack a title, date or body (1 of them no article: an error or"
        " category page)"
    )
    assert verdict(run(missing_fields=3))[1] == "3 of 4 articles lack a title, date or body"


def test_broken_when_articles_disagree_with_their_list() -> None:
    state, reason = verdict(run(list_checked=20, list_mismatches=3, list_title_mismatches=3))
    assert state == "broken"
    assert "3 of 20 articles disagree with their list page (3 titles)" in reason
    # 2 of 20 is 10 %: not above the threshold
    assert verdict(run(list_checked=20, list_mismatches=2, list_date_mismatches=2))[0] == "ok"
    lenient = HealthRules(list_mismatch_ratio=0.5)
    assert verdict(run(list_checked=20, list_mismatches=3), rules=lenient)[0] == "ok"


def test_list_mismatch_ratio_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNFEEDS_LIST_MISMATCH_RATIO", "0.25")
    assert HealthRules.from_env().list_mismatch_ratio == 0.25
    monkeypatch.setenv("VNFEEDS_LIST_MISMATCH_RATIO", "lots")
    with pytest.raises(ValueError, match="VNFEEDS_LIST_MISMATCH_RATIO"):
        HealthRules.from_env()
    monkeypatch.delenv("VNFEEDS_LIST_MISMATCH_RATIO")
    assert HealthRules.from_env().list_mismatch_ratio == 0.1


def test_all_fallbacks_is_broken_except_for_feed_units() -> None:
    assert verdict(run(fallbacks=4))[0] == "broken"
    assert verdict(run(fallbacks=4), platform="feed")[0] == "ok"


def test_stale_unless_archived() -> None:
    old = {"last_new_at": NOW - timedelta(days=20)}
    state, reason = verdict(run(articles_fetched=0), **old)
    assert state == "stale" and "2025-06-11" in reason
    assert verdict(run(articles_fetched=0), archived=True, **old)[0] == "ok"
    assert verdict(run(), last_new_at=None, watched_since=NOW - timedelta(days=2))[0] == "ok"
    assert verdict(run(), last_new_at=None, watched_since=NOW - timedelta(days=30))[0] == "stale"


def test_moved() -> None:
    state, reason = verdict(run(moved_to="https://soct.phutho.gov.vn/"))
    assert state == "moved" and "soct.phutho.gov.vn" in reason


def test_apply_counts_failures_and_recovers() -> None:
    unit = Unit(id="u", state="ok", failures=0)
    policy = BackoffPolicy(base_seconds=60, cap_seconds=300, jitter=0)
    down = judge(None, now=NOW, last_new_at=None, watched_since=None, cadence_days=14)
    t1 = apply_verdict(unit, down, now=NOW, policy=policy)
    assert (t1.old, t1.new, t1.alertable, t1.recovered) == ("ok", "down", True, False)
    assert unit.backoff_until == NOW + timedelta(seconds=60)
    t2 = apply_verdict(unit, down, now=NOW, policy=policy)
    assert not t2.alertable and unit.failures == 2 and unit.state_since == NOW
    ok = judge(run(), now=NOW, last_new_at=NOW, watched_since=NOW, cadence_days=14)
    t3 = apply_verdict(unit, ok, now=NOW + timedelta(hours=1), policy=policy)
    assert t3.recovered and t3.alertable
    assert (unit.failures, unit.backoff_until, unit.last_error) == (0, None, None)
    fresh = Unit(id="v", state="new", failures=0)
    assert not apply_verdict(fresh, ok, now=NOW, policy=policy).alertable


def test_backoff_doubles_up_to_the_cap_and_never_stops() -> None:
    p = BackoffPolicy(base_seconds=60, factor=2, cap_seconds=600, jitter=0)
    assert [p.delay(n).total_seconds() for n in range(6)] == [0, 60, 120, 240, 480, 600]
    assert p.delay(10_000).total_seconds() == 600  # capped, still finite
    assert p.until(0, NOW) is None
    j = BackoffPolicy(base_seconds=100, cap_seconds=1000, jitter=0.1)
    rng = random.Random(1)
    assert all(90 <= j.delay(1, rng).total_seconds() <= 110 for _ in range(50))
    assert in_backoff(NOW + timedelta(seconds=1), NOW) and not in_backoff(None, NOW)
    with pytest.raises(ValueError):
        BackoffPolicy(base_seconds=10, cap_seconds=5)
