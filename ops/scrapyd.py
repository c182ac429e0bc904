"""Unit crawls on Scrapyd nodes: pick the least busy node, schedule, wait, retry elsewhere.

Nodes come from ``VNFEEDS_SCRAPYD`` (``http://a:6800,http://b:6800``); the project is
deployed to each with ``scrapyd-deploy`` (``scrapy.cfg``). One Scrapyd job crawls one
unit, or a batch of units (spider ``units``, argument ``unit_ids``, comma-separated). The
crawl process holds each unit's lock itself (``ops.crawl_lock``), so a unit is never
crawled twice at once whichever scheduler or node started it. When a node stops
answering mid-crawl, its units wait until their locks are free (the node's database
session ended, or its lease expired) and are crawled again on another node.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawlers.netguard import private_hosts
from crawlers.runner import download_slots
from domain.registry import Registry
from ops.crawl_lock import SKIPPED_MARK
from ops.locks import is_locked
from ops.logging import event, output_tail
from storage.db import Store
from storage.models import CrawlRun, utcnow

log = logging.getLogger("vnfeeds.ops.scrapyd")

PROJECT = "vnfeeds"
SPIDER = "units"
ENV = "VNFEEDS_SCRAPYD"


class NodeError(RuntimeError):
    """A Scrapyd node did not answer, or answered with an error."""


@dataclass(frozen=True)
class Node:
    """One Scrapyd node's JSON API."""

    url: str
    timeout: float = 10.0

    def _call(self, path: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        url = self.url.rstrip("/") + "/" + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with urllib.request.urlopen(url, data=body, timeout=self.timeout) as r:
                out: dict[str, Any] = json.loads(r.read())
        except (OSError, ValueError) as e:
            raise NodeError(f"scrapyd node {self.url}: {path}: {e}") from e
        if out.get("status") != "ok":
            raise NodeError(f"scrapyd node {self.url}: {path}: {out.get('message', out)}")
        return out

    def load(self) -> int:
        """Jobs pending or running on the node (``daemonstatus.json``)."""
        st = self._call("daemonstatus.json")
        return int(st["pending"]) + int(st["running"])

    def schedule(self, unit_ids: Sequence[str] | str, settings: dict[str, str]) -> str:
        """Queue a crawl of one unit or several; its job id."""
        ids = unit_ids if isinstance(unit_ids, str) else ",".join(unit_ids)
        data = [("project", PROJECT), ("spider", SPIDER), ("unit_ids", ids)]
        data += [("setting", f"{k}={v}") for k, v in settings.items()]
        return str(self._call("schedule.json", data)["jobid"])

    def state(self, job: str) -> str | None:
        """``pending``, ``running``, ``finished`` or None (unknown to the node)."""
        q = urllib.parse.urlencode({"job": job, "project": PROJECT})
        return self._call(f"status.json?{q}").get("currstate")

    def log(self, job: str) -> str:
        """The job's whole Scrapy log ('' when the node keeps none)."""
        url = f"{self.url.rstrip('/')}/logs/{PROJECT}/{SPIDER}/{job}.log"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as r:
                return r.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""


def nodes_from_env(value: str | None = None) -> list[Node]:
    """The nodes of ``VNFEEDS_SCRAPYD`` (or ``value``); empty: crawl in local subprocesses."""
    raw = value if value is not None else os.environ.get(ENV, "")
    return [Node(u.strip()) for u in raw.split(",") if u.strip()]


def least_busy(nodes: Sequence[Node], avoid: set[str] | None = None) -> Node | None:
    """The answering node with the fewest pending and running jobs (None if none answers)."""
    best: tuple[int, int, Node] | None = None
    for i, node in enumerate(nodes):
        if avoid and node.url in avoid:
            continue
        try:
            load = node.load()
        except NodeError as e:
            log.warning("%s", e, extra={"vn_event": "node_unreachable", "vn_unit": "-"})
            continue
        if best is None or (load, i) < best[:2]:
            best = (load, i, node)
    return best[2] if best else None


@dataclass
class RemoteResult:
    """How a crawl (one unit or a batch) on the nodes ended."""

    exit_code: int | None
    timed_out: bool
    tail: str
    node: str = ""
    locked: frozenset[str] = frozenset()  # units the crawl found locked by another process
    output: str = ""  # the job's log on the node


class ScrapydCrawls:
    """Crawls a unit (or a batch) on the least busy node and waits for it to end."""

    def __init__(
        self,
        nodes: Sequence[Node],
        store: Store,
        *,
        db_url: str,
        sites: Path | None,
        registry: Callable[[], Registry],
        timeout: float = 1800.0,
        poll: float = 1.0,
        lost_after: float = 10.0,
        retries: int = 2,
        extra_settings: dict[str, str] | None = None,
    ) -> None:
        self.nodes = list(nodes)
        self.store = store
        self.db_url = db_url
        self.sites = sites
        self.registry = registry
        self.timeout = timeout
        self.poll = poll
        self.lost_after = lost_after
        self.retries = retries
        self.extra_settings = extra_settings or {}

    def settings_for(self, unit_ids: Sequence[str] | str) -> dict[str, str]:
        """The Scrapy settings a node's crawl of the units gets."""
        ids = [unit_ids] if isinstance(unit_ids, str) else unit_ids
        reg = self.registry()
        units = [reg.unit(u) for u in ids]
        out = {
            "VNFEEDS_DB_URL": self.db_url,
            "VNFEEDS_SITES": str(self.sites or ""),
            "DOWNLOAD_SLOTS": json.dumps(download_slots(units)),
            "VNFEEDS_PRIVATE_HOSTS": ",".join(private_hosts(units)),
        }
        return out | self.extra_settings

    def crawl(
        self, unit_ids: Sequence[str] | str, stopping: Callable[[], bool] = lambda: False
    ) -> RemoteResult:
        """Crawl the units in one job on a node; on a node lost mid-crawl, again on another."""
        ids = [unit_ids] if isinstance(unit_ids, str) else list(unit_ids)
        unit_id = ",".join(ids)  # how the events name the crawl
        avoid: set[str] = set()
        last = RemoteResult(None, False, "no scrapyd node answers")
        for _attempt in range(self.retries + 1):
            node = least_busy(self.nodes, avoid) or least_busy(self.nodes)
            if node is None:
                return last
            try:
                job = node.schedule(ids, self.settings_for(ids))
            except NodeError as e:
                avoid.add(node.url)
                last = RemoteResult(None, False, str(e), node.url)
                continue
            event(log, "crawl_dispatched", unit_id, node=node.url, job=job)
            last = self._wait(node, job, ids, stopping)
            if last.exit_code is not None or last.timed_out or stopping():
                return last
            avoid.add(node.url)  # lost: wait for its locks, then crawl elsewhere
            self._wait_unlocked(ids, stopping)
            event(log, "crawl_retried", unit_id, lost_node=node.url)
        return last

    def _wait(
        self, node: Node, job: str, ids: list[str], stopping: Callable[[], bool]
    ) -> RemoteResult:
        unit_id = ",".join(ids)
        start = time.monotonic()
        silent_since: float | None = None
        while True:
            try:
                state = node.state(job)
                silent_since = None
            except NodeError as e:
                silent_since = silent_since or time.monotonic()
                if time.monotonic() - silent_since > self.lost_after:
                    event(log, "node_lost", unit_id, logging.WARNING, node=node.url, job=job)
                    return RemoteResult(None, False, f"{e} (node lost mid-crawl)", node.url)
                state = "running"
            if state in ("finished", None):
                text = node.log(job)
                locked = frozenset(u for u in ids if f"unit {u} {SKIPPED_MARK}" in text)
                return RemoteResult(
                    0, False, output_tail(text), node.url, locked=locked, output=text
                )
            if time.monotonic() - start > self.timeout or stopping():
                self._cancel(node, job)
                return RemoteResult(None, not stopping(), "crawl cancelled", node.url)
            time.sleep(self.poll)

    def _cancel(self, node: Node, job: str) -> None:
        try:
            node._call("cancel.json", [("project", PROJECT), ("job", job)])
        except NodeError as e:
            log.warning("%s", e, extra={"vn_event": "cancel_failed", "vn_unit": "-"})

    def _wait_unlocked(self, ids: list[str], stopping: Callable[[], bool]) -> None:
        """Until the lost crawl's locks are free (its session ended or its leases expired).

        Then no process crawls these units, so their runs still open are the lost
        crawl's: they are closed as failed.
        """
        for unit_id in ids:
            while is_locked(self.store, unit_id) and not stopping():
                time.sleep(self.poll)
            if not stopping():
                close_orphan_runs(self.store, unit_id, utcnow())


def close_orphan_runs(store: Store, unit_id: str, before: datetime) -> int:
    """Fail the unit's runs started before ``before`` and never closed (their crawl died)."""
    with store.session() as s:
        runs = list(
            s.scalars(
                select(CrawlRun).where(
                    CrawlRun.unit_id == unit_id,
                    CrawlRun.status == "running",
                    CrawlRun.started_at < before,
                )
            )
        )
        for run in runs:
            run.status, run.finished_at = "failed", before
            run.errors = (run.errors or 0) + 1
            run.error_text = f"unit {unit_id}: crawl node lost mid-crawl; crawled again elsewhere"
        return len(runs)
