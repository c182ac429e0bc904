"""Run a crawl of some units in this process (Scrapy's reactor runs once per process)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import select

from crawlers.middlewares import forget_validators
from crawlers.netguard import private_hosts
from crawlers.spiders.units import UnitsSpider
from domain.records import Unit
from domain.registry import Registry
from storage import models as m
from storage.db import Store
from storage.models import utcnow
from storage.progress import close_dead_runs
from storage.repository import sync_registry_in


@dataclass
class RunSummary:
    """What a crawl did for one unit."""

    unit_id: str
    status: str
    new: int
    updated: int
    unchanged: int
    errors: int
    requests: int
    error: str | None


def download_slots(units: Sequence[Unit]) -> dict[str, dict[str, Any]]:
    """Scrapy's DOWNLOAD_SLOTS for the units' hosts: their own delay and concurrency."""
    slots: dict[str, dict[str, Any]] = {}
    for unit in units:
        pol = unit.politeness
        for url in [unit.homepage, *(s.url for s in unit.start)]:
            host = urlsplit(url).hostname or ""
            slot: dict[str, Any] = {}
            if pol.download_delay is not None:
                slot["delay"] = pol.download_delay
            if pol.concurrency is not None:
                slot["concurrency"] = pol.concurrency
            if slot:
                slots[host] = slot
    return slots


def crawl_settings(
    units: Sequence[Unit],
    *,
    db_url: str,
    sites: Path | str | None,
    full: bool = False,
    extra: dict[str, Any] | None = None,
    private_ok: Sequence[str] = (),
) -> Settings:
    """Project settings plus the store, the units' per-host politeness and flags.

    ``private_ok``: hosts that may be in a private network (``crawlers.netguard``).
    """
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("VNFEEDS_DB_URL", db_url, priority="cmdline")
    settings.set("VNFEEDS_SITES", str(sites) if sites else "", priority="cmdline")
    settings.set("VNFEEDS_FULL", full, priority="cmdline")
    settings.set("DOWNLOAD_SLOTS", download_slots(units), priority="cmdline")
    settings.set("VNFEEDS_PRIVATE_HOSTS", list(private_ok), priority="cmdline")
    for k, v in (extra or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


ProgressHook = Callable[[str, str], None]


def run_crawl(
    registry: Registry,
    unit_ids: Sequence[str],
    *,
    store: Store,
    sites: Path | str | None,
    full: bool = False,
    on_event: ProgressHook | None = None,
    extra: dict[str, Any] | None = None,
    on_made: Callable[[], None] | None = None,
) -> list[RunSummary]:
    """Crawl the units once, blocking; returns one summary per unit.

    ``on_event(unit_id, kind)`` is called for each page fetched (``"page"``) and
    article stored (``"item"``), for progress displays. The caller holds the units'
    locks, so a run of theirs still marked running is a dead process's: closed as killed.
    ``on_made()`` is called once the crawl is made, its parse workers started, before it
    runs: a thread the caller needs (a lease heartbeat) started then does not keep the
    workers from being forked (:mod:`crawlers.parsing`).
    """
    units = [registry.unit(u) for u in unit_ids]
    sync_registry_in(store, registry)
    with store.session() as s:
        close_dead_runs(s, unit_ids, utcnow())
    if full:
        forget_validators(store, list(unit_ids))
    # Hosts a unit with allow_private declares as its own (a unit may 301 to another's).
    private_ok = private_hosts(registry.units.values())
    settings = crawl_settings(
        units, db_url=store.url, sites=sites, full=full, extra=extra, private_ok=private_ok
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(UnitsSpider)
    if on_event is not None:
        hosts = {urlsplit(s.url).netloc: u.id for u in units for s in u.start}

        def _page(response: Any, request: Request, spider: Any) -> None:
            uid = request.meta.get("unit_id") or hosts.get(urlsplit(request.url).netloc, "")
            on_event(uid, "page")

        def _item(item: dict[str, Any], response: Any, spider: Any) -> None:
            on_event(item["unit_id"], "item")

        crawler.signals.connect(_page, signal=signals.response_received, weak=False)
        crawler.signals.connect(_item, signal=signals.item_scraped, weak=False)
    started = _newest_run_id(store, unit_ids)
    process.crawl(crawler, unit_ids=list(unit_ids), store=store)
    if on_made is not None:
        on_made()
    process.start()
    return summaries(store, unit_ids, after=started)


def _newest_run_id(store: Store, unit_ids: Sequence[str]) -> int:
    with store.session() as s:
        return s.scalar(select(m.CrawlRun.id).order_by(m.CrawlRun.id.desc()).limit(1)) or 0


def summaries(store: Store, unit_ids: Sequence[str], *, after: int = 0) -> list[RunSummary]:
    """The newest run of each unit (with id above ``after``)."""
    out = []
    with store.session() as s:
        for uid in unit_ids:
            run = s.scalar(
                select(m.CrawlRun)
                .where(m.CrawlRun.unit_id == uid, m.CrawlRun.id > after)
                .order_by(m.CrawlRun.id.desc())
                .limit(1)
            )
            if run is None:
                out.append(RunSummary(uid, "not-run", 0, 0, 0, 0, 0, "no crawl run was recorded"))
                continue
            out.append(
                RunSummary(
                    uid,
                    run.status,
                    run.new,
                    run.updated,
                    run.unchanged,
                    run.errors,
                    run.requests,
                    run.error_text,
                )
            )
    return out
