"""Judging a unit by its newest crawl run: health state, backoff, alerts.

The scheduled job (``ops.jobs``) judges each unit it crawled; `vnfeeds crawl` judges the
units it was asked for (``judge_latest_runs``) and shows the verdicts it would store
(``verdicts_of_latest_runs``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from domain.registry import Registry
from ops.alerts import AlertConfig, notify
from ops.backoff import BackoffPolicy
from ops.health import HealthRules, Transition, Verdict, apply_verdict, judge
from ops.logging import event
from storage.db import Store
from storage.models import CrawlRun, Unit, utcnow

log = logging.getLogger("vnfeeds.ops.jobs")


def _verdict(
    s: Session, registry: Registry, unit_id: str, run: CrawlRun, rules: HealthRules, now: datetime
) -> tuple[Verdict, Unit]:
    reg_unit = registry.units.get(unit_id)
    unit = s.get(Unit, unit_id)
    assert unit is not None
    first = s.scalar(select(func.min(CrawlRun.started_at)).where(CrawlRun.unit_id == unit_id))
    verdict = judge(
        run,
        now=now,
        last_new_at=unit.last_new_at,
        watched_since=first,
        cadence_days=reg_unit.schedule.expected_cadence_days if reg_unit else 14.0,
        archived=reg_unit.archived if reg_unit else False,
        platform=unit.platform,
        rules=rules,
    )
    return verdict, unit


def judge_unit(
    store: Store,
    registry: Registry,
    unit_id: str,
    run: CrawlRun,
    *,
    rules: HealthRules,
    backoff: BackoffPolicy,
) -> Transition:
    """Judge a unit by its run, store the state (and backoff), log a change."""
    now = utcnow()
    with store.session() as s:
        verdict, unit = _verdict(s, registry, unit_id, run, rules, now)
        t = apply_verdict(unit, verdict, now=now, policy=backoff)
        if t.old != t.new:
            event(log, "state_changed", unit_id, old=t.old, new=t.new, reason=t.reason)
        if unit.backoff_until:
            event(log, "backing_off", unit_id, failures=unit.failures, until=unit.backoff_until)
        return t


def alert_transition(store: Store, alerts: AlertConfig, t: Transition) -> None:
    """Send the alerts for a unit's state change, if any channel is configured."""
    if not alerts.enabled:
        return
    with store.session() as s:
        unit = s.get(Unit, t.unit_id)
        name, failures = (unit.name, unit.failures) if unit else ("", 0)
    notify(alerts, t, unit_name=name, failures=failures)


def _latest_run_of(unit_id: str) -> Select[tuple[CrawlRun]]:
    return select(CrawlRun).where(CrawlRun.unit_id == unit_id).order_by(CrawlRun.id.desc()).limit(1)


def _latest_run(store: Store, unit_id: str) -> CrawlRun | None:
    with store.session() as s:
        return s.scalar(_latest_run_of(unit_id))


def verdicts_of_latest_runs(
    store: Store, registry: Registry, unit_ids: Sequence[str]
) -> dict[str, Verdict]:
    """Each unit's state after its newest run, judged as the scheduler will, not stored."""
    out: dict[str, Verdict] = {}
    now = utcnow()
    rules = HealthRules.from_env()
    with store.session() as s:  # one for all: a crawl's summary judges every unit it ran
        for uid in unit_ids:
            run = s.scalar(_latest_run_of(uid))
            if run is None:
                out[uid] = judge(
                    None, now=now, last_new_at=None, watched_since=None, cadence_days=14
                )
                continue
            out[uid] = _verdict(s, registry, uid, run, rules, now)[0]
    return out


def judge_latest_runs(
    store: Store, registry: Registry, unit_ids: Sequence[str]
) -> list[Transition]:
    """After a manual `vnfeeds crawl`: judge each unit's newest run, store it, alert on changes."""
    alerts = AlertConfig.from_env()
    out = []
    for uid in unit_ids:
        run = _latest_run(store, uid)
        if run is None:
            continue
        t = judge_unit(
            store, registry, uid, run, rules=HealthRules.from_env(), backoff=BackoffPolicy()
        )
        if t.alertable:
            alert_transition(store, alerts, t)
        out.append(t)
    return out
