"""Ops fixtures: a units file, a fake crawl command, a job wired to a store."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.registry import Registry, load_registry
from ops.backoff import BackoffPolicy
from ops.jobs import CrawlJob, JobSettings
from replicas import urls as replica_urls
from replicas.fleet import Fleet
from replicas.server import ReplicaServer
from storage.db import Store
from storage.repository import sync_registry
from tests.scrapyd_nodes import ScrapydNode, build_egg, deploy, scrapyd_missing

FAKE_CRAWL = Path(__file__).with_name("fake_crawl.py")
SINCE = date(2025, 3, 1)  # first runs of a replica fleet fetch only page 1's newest articles


def unit_toml(uid: str, province: str = "phu-tho", extra: str = "") -> str:
    """One [[unit]] table for a test units file."""
    return f"""
[[unit]]
id = "{uid}"
name = "Sở thử nghiệm {uid}"
province = "{province}"
platform = "nukeviet"
homepage = "http://127.0.0.1:9/{uid}/"
{extra}
[[unit.start]]
url = "http://127.0.0.1:9/{uid}/news/"
category = "Tin tức"
"""


def write_units(path: Path, ids: list[str], extra: dict[str, str] | None = None) -> Path:
    """Write a units file with these unit ids (``extra``: more TOML lines per unit)."""
    extra = extra or {}
    path.write_text("".join(unit_toml(u, extra=extra.get(u, "")) for u in ids), encoding="utf-8")
    return path


class Plan:
    """What the fake crawl does per unit (a JSON file it reads each time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, dict[str, Any]] = {}
        self.path.write_text("{}")

    def set(self, unit: str, mode: str, **kw: Any) -> None:
        self.data[unit] = {"mode": mode, **kw}
        self.path.write_text(json.dumps(self.data))


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return Plan(tmp_path / "plan.json")


@pytest.fixture
def intervals(tmp_path: Path) -> Path:
    return tmp_path / "intervals.txt"


def fake_command(plan: Plan, intervals: Path | None = None) -> tuple[str, ...]:
    """A crawl command template running the fake crawl."""
    cmd = (sys.executable, str(FAKE_CRAWL), "{db}", "{unit}", str(plan.path))
    return (*cmd, str(intervals)) if intervals else cmd


@pytest.fixture
def units_file(tmp_path: Path) -> Path:
    return write_units(tmp_path / "units.toml", ["unit-a", "unit-b"])


@pytest.fixture
def registry(units_file: Path) -> Registry:
    reg = load_registry(units_file)
    assert not reg.problems, reg.problems
    return reg


MakeJob = Callable[..., CrawlJob]


@pytest.fixture
def make_job(sqlite_store: Store, registry: Registry, plan: Plan, units_file: Path) -> MakeJob:
    """A CrawlJob on a SQLite store running the fake crawl (settings overridable)."""
    return _job_factory(sqlite_store, registry, plan, units_file)


@pytest.fixture
def make_job_any(store: Store, registry: Registry, plan: Plan, units_file: Path) -> MakeJob:
    """The same on SQLite and on PostgreSQL."""
    return _job_factory(store, registry, plan, units_file)


def _job_factory(store: Store, registry: Registry, plan: Plan, units_file: Path) -> MakeJob:
    with store.session() as s:
        sync_registry(s, registry)

    def make(**kw: Any) -> CrawlJob:
        publisher = kw.pop("publisher", None)
        settings = JobSettings(
            db_url=store.url,
            sites=units_file,
            timeout=kw.pop("timeout", 20.0),
            crawl_command=kw.pop("crawl_command", fake_command(plan)),
            backoff=kw.pop("backoff", BackoffPolicy(base_seconds=1, cap_seconds=4, jitter=0)),
            **kw,
        )
        return CrawlJob(store, settings, lambda: registry, publisher)

    return make


def expected_articles(server: ReplicaServer, fleet: Fleet) -> dict[str, int]:
    """Articles a first crawl of each copy must store: page 1 of each category, since SINCE."""
    corpus = server.corpus
    per_base: dict[str, int] = {}
    for base in {c.base for c in fleet}:
        u = corpus.unit(base)
        n = 0
        for cat in u.categories:
            for s in corpus.category_stories(base, cat.key)[: replica_urls.PER_PAGE]:
                internal = replica_urls.article_path(u, s).startswith(replica_urls.INTERNAL_PREFIX)
                if s.published.date() >= SINCE and not internal:
                    n += 1
        per_base[base] = n
    return {c.unit_id: per_base[c.base] for c in fleet}


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[list[ScrapydNode]]:
    reason = scrapyd_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    started = [ScrapydNode(tmp_path / f"node{i}", max_proc=2) for i in range(2)]
    try:
        for n in started:
            n.wait_ready()
        deploy(build_egg(tmp_path / "vnfeeds.egg"), started, tmp_path / "deploy")
        yield started
    finally:
        for n in started:
            n.stop()
