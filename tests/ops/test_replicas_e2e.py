"""End to end: the real scheduler runs the real `vnfeeds crawl` against the replica sites.

A healthy replica turns "ok"; a changed layout (``set_mode("broken")``) is reported
"broken"; a failing one (``set_mode("down")``, HTTP 500) turns "down" and backs off;
back to normal it recovers; the webhook receives every state change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ops.alerts import AlertConfig
from ops.backoff import BackoffPolicy
from ops.jobs import CrawlJob, JobSettings
from ops.scheduler import CrawlScheduler, SchedulerSettings
from replicas.server import ReplicaServer
from storage.db import Store
from storage.models import CrawlRun, Unit
from tests.conftest import NewDbUrl
from tests.ops.scheduling import wait_for
from tests.ops.test_alerts import Webhook
from vnfeeds.cli import cli

UNIT = "phutho-soct"


def one_unit_file(server: ReplicaServer, unit_id: str, path: Path) -> Path:
    """The replicas' units file cut down to one unit, with a short first crawl.

    ``backfill_since`` in the future: list pages are read (entries seen) but old
    articles are not fetched, so each crawl takes seconds.
    """
    head, *blocks = server.units_toml().split("[[unit]]\n")
    mine = [b for b in blocks if f'id = "{unit_id}"\n' in b]
    assert len(mine) == 1, "the replica units file changed shape"
    block = mine[0].replace(
        "politeness = { download_delay = 0, concurrency = 4 }",
        "politeness = { download_delay = 0, concurrency = 4, backfill_pages = 1, "
        "backfill_since = 2100-01-01 }",
    )
    assert "backfill_since" in block
    path.write_text(head + "[[unit]]\n" + block, encoding="utf-8")
    return path


@pytest.fixture
def replicas() -> Iterator[ReplicaServer]:
    server = ReplicaServer(port=0).start()
    yield server
    server.stop()


@pytest.mark.slow
def test_scheduler_against_replicas(
    replicas: ReplicaServer, tmp_path: Path, new_db_url: NewDbUrl
) -> None:
    units = one_unit_file(replicas, UNIT, tmp_path / "units.toml")
    db = new_db_url("e2e")
    store = Store(db)
    hook = Webhook()
    settings = JobSettings(
        db_url=db,
        sites=units,
        timeout=60,
        backoff=BackoffPolicy(base_seconds=1, cap_seconds=2, jitter=0),
        alerts=AlertConfig(webhook_url=hook.url),
    )
    sched: CrawlScheduler
    job = CrawlJob(store, settings, lambda: sched.registry())
    sched = CrawlScheduler(
        store,
        job,
        sites=units,
        settings=SchedulerSettings(interval_seconds=1, jitter_seconds=0, watch_interval=0.5),
    )

    def unit() -> Unit:
        with store.session() as s:
            u = s.get(Unit, UNIT)
            assert u is not None
            return u

    def state_is(state: str) -> bool:
        return unit().state == state

    sched.start()
    try:
        assert wait_for(lambda: state_is("ok"), timeout=60), unit().last_error
        replicas.set_mode(UNIT, "broken")
        assert wait_for(lambda: state_is("broken"), timeout=60), unit().last_error
        assert "no article link" in (unit().last_error or "")
        replicas.set_mode(UNIT, "down")
        assert wait_for(lambda: state_is("down"), timeout=60), unit().last_error
        down = unit()
        assert down.failures >= 1 and down.backoff_until is not None
        assert "HTTP 500" in (down.last_error or "")
        replicas.set_mode(UNIT, "ok")
        assert wait_for(lambda: state_is("ok"), timeout=60), unit().last_error
        assert unit().failures == 0 and unit().backoff_until is None
    finally:
        sched.shutdown(wait=True, kill=True)
        hook.close()

    with store.session() as s:
        statuses = [r.status for r in s.query(CrawlRun).order_by(CrawlRun.id)]
    assert "failed" in statuses and statuses[0] in ("ok", "partial")
    changes = [(b["previous_state"], b["state"], b["event"]) for b in hook.bodies]
    wanted = [
        ("ok", "broken", "unit_state_changed"),
        ("broken", "down", "unit_state_changed"),
        ("down", "ok", "unit_recovered"),
    ]
    it = iter(changes)
    assert all(w in it for w in wanted), changes  # in this order, among possibly others

    res = CliRunner().invoke(cli, ["--db", db, "--sites", str(units), "status", "--json"])
    rows = json.loads(res.output)
    assert rows[0]["unit"] == UNIT and rows[0]["state"] == "ok"
    store.dispose()
