"""Judge a unit by what its last crawl got out of the site, not by status codes.

States (``Unit.state``):

- ``new``: never judged yet;
- ``ok``: the crawl found articles (or the list pages were unchanged, 304);
- ``down``: nothing could be fetched (network or HTTP errors, crashed or timed-out crawl),
  or the crawl ended without recording its run (its closing write failed);
- ``broken``: pages load but the site no longer looks as the parser expects: list pages
  that yield no article link (or whose links were all found only by generic link finding),
  articles whose title/date/body cannot be found (or that
  all needed generic extraction), or articles that disagree with their list entry
  (title or date) more often than ``list_mismatch_ratio`` — usually a layout change;
- ``stale``: no new article for longer than ``schedule.expected_cadence_days``
  (archived units are never stale);
- ``moved``: the site answered with a permanent redirect to a new host.

``down`` and ``broken`` count as failures (exponential backoff); ``stale`` and
``moved`` do not, the unit keeps being crawled at its normal pace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ops.backoff import BackoffPolicy
from storage.models import CrawlRun, Unit

UNRECORDED = "the crawl ended without recording its run (its log says why)"
STATES = ("new", "ok", "down", "broken", "stale", "moved")
FAILING = frozenset({"down", "broken"})
BAD = frozenset({"down", "broken", "stale", "moved"})


@dataclass(frozen=True)
class HealthRules:
    """Thresholds for ``broken``."""

    missing_fields_ratio: float = 0.5  # of fetched articles without title/date/body
    fallback_ratio: float = 1.0  # of fetched articles that needed generic extraction
    fallback_platforms_exempt: tuple[str, ...] = ("feed",)  # generic extraction is normal there
    list_mismatch_ratio: float = 0.1  # of list-checked articles whose title/date disagree

    @classmethod
    def from_env(cls) -> HealthRules:
        """Defaults, with ``VNFEEDS_LIST_MISMATCH_RATIO`` (0..1) when set."""
        raw = os.environ.get("VNFEEDS_LIST_MISMATCH_RATIO", "").strip()
        if not raw:
            return cls()
        try:
            ratio = float(raw)
        except ValueError:
            raise ValueError(f"VNFEEDS_LIST_MISMATCH_RATIO={raw!r}: not a number") from None
        if not 0 <= ratio <= 1:
            raise ValueError(f"VNFEEDS_LIST_MISMATCH_RATIO={raw!r}: must be between 0 and 1")
        return cls(list_mismatch_ratio=ratio)


@dataclass(frozen=True)
class Verdict:
    """A state and why."""

    state: str
    reason: str

    @property
    def failure(self) -> bool:
        """Whether this verdict counts towards backoff."""
        return self.state in FAILING


@dataclass(frozen=True)
class Transition:
    """A unit's state change, what alerts are about."""

    unit_id: str
    old: str
    new: str
    reason: str
    at: datetime

    @property
    def recovered(self) -> bool:
        """The unit came back to ``ok`` from a bad state."""
        return self.new == "ok" and self.old in BAD

    @property
    def alertable(self) -> bool:
        """Worth telling someone: any change except a new unit turning ok."""
        return self.old != self.new and not (self.old == "new" and self.new == "ok")


def _num(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key)
    return int(value) if isinstance(value, int | float) else 0


def judge(
    run: CrawlRun | None,
    *,
    now: datetime,
    last_new_at: datetime | None,
    watched_since: datetime | None,
    cadence_days: float,
    archived: bool = False,
    platform: str = "",
    rules: HealthRules | None = None,
) -> Verdict:
    """The state a unit is in after ``run``.

    ``watched_since`` is when the unit was first crawled: a unit that never had a new
    article is stale once it has been watched longer than its cadence.
    """
    rules = rules or HealthRules()
    if run is None:
        return Verdict("down", "no crawl run was recorded")
    stats = run.stats or {}
    if run.status == "running" and not stats:
        return Verdict("down", UNRECORDED)
    if stats.get("moved_to"):
        return Verdict("moved", f"permanent redirect to {stats['moved_to']}")
    list_pages = _num(stats, "list_pages")
    not_modified = _num(stats, "list_not_modified")
    articles = _num(stats, "articles_fetched")
    fetched = list_pages + not_modified + articles if stats else run.pages
    if fetched == 0 or (run.status == "failed" and list_pages + not_modified == 0):
        errs = _num(stats, "http_errors") + _num(stats, "network_errors") or run.errors
        cause = run.error_text or "nothing could be fetched"
        return Verdict("down", f"{cause} ({errs} errors)" if errs else cause)
    if list_pages > 0 and _num(stats, "entries_seen") == 0 and "entries_seen" in stats:
        return Verdict(
            "broken", f"{list_pages} list page(s) loaded but no article link was found on them"
        )
    if (
        list_pages > 0
        and _num(stats, "list_fallbacks") >= list_pages
        and platform not in rules.fallback_platforms_exempt
    ):
        # the links were still found (and fetched), but by guesswork: the template changed
        # or was never known; `vnfeeds sites learn` gives the unit its own selectors
        return Verdict(
            "broken", f"all {list_pages} list pages needed generic link finding (layout changed?)"
        )
    # dead links fetched again and found dead again say nothing about the unit's pages
    articles -= _num(stats, "dead_links_still_dead")
    missing = _num(stats, "missing_fields")
    if articles > 0 and missing / articles >= rules.missing_fields_ratio:
        dead = _num(stats, "not_articles")  # counted too: a template change empties pages
        why = f" ({dead} of them no article: an error or category page)" if dead else ""
        return Verdict(
            "broken", f"{missing} of {articles} articles lack a title, date or body{why}"
        )
    checked, disagree = _num(stats, "list_checked"), _num(stats, "list_mismatches")
    if checked > 0 and disagree / checked > rules.list_mismatch_ratio:
        kinds = [
            f"{_num(stats, f'list_{k}_mismatches')} {k}s"
            for k in ("title", "date")
            if _num(stats, f"list_{k}_mismatches")
        ]
        return Verdict(
            "broken",
            f"{disagree} of {checked} articles disagree with their list page ({', '.join(kinds)})",
        )
    if (
        articles > 0
        and platform not in rules.fallback_platforms_exempt
        and run.fallbacks / articles >= rules.fallback_ratio
    ):
        return Verdict(
            "broken", f"all {articles} articles needed generic extraction (layout changed?)"
        )
    ref = last_new_at or watched_since
    if not archived and ref is not None and now - ref > timedelta(days=cadence_days):
        return Verdict(
            "stale",
            f"no new article since {ref:%Y-%m-%d} (expected every {cadence_days:g} days)",
        )
    if run.errors and run.error_text:
        return Verdict("ok", f"{run.errors} error(s): {run.error_text}")
    return Verdict("ok", "")


def apply_verdict(
    unit: Unit,
    verdict: Verdict,
    *,
    now: datetime,
    policy: BackoffPolicy,
) -> Transition:
    """Store the verdict on the unit row (state, failures, backoff, last error)."""
    old = unit.state or "new"
    if verdict.failure:
        unit.failures = (unit.failures or 0) + 1
        unit.backoff_until = policy.until(unit.failures, now)
    else:
        unit.failures = 0
        unit.backoff_until = None
    unit.last_error = verdict.reason or None
    if verdict.state != old or unit.state_since is None:
        unit.state_since = now
    unit.state = verdict.state
    return Transition(unit.id, old, verdict.state, verdict.reason, now)
