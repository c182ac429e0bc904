"""`vnfeeds schedule`: run the crawl scheduler until SIGINT/SIGTERM (SIGHUP reloads)."""

from __future__ import annotations

import logging
import shlex
from pathlib import Path

import click

from domain.registry import Registry
from ops import logging as oplog
from ops.alerts import AlertConfig
from ops.backoff import BackoffPolicy
from ops.jobs import CrawlJob, JobSettings
from ops.leader import LeaderSettings
from ops.publish import Publisher
from ops.scheduler import CrawlScheduler, SchedulerSettings
from ops.scrapyd import ScrapydCrawls, nodes_from_env
from vnfeeds.context import AppContext, pass_app


@click.command()
@click.option("--workers", default=4, show_default=True, help="Crawls that may run at once.")
@click.option(
    "--batch-units",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="VNFEEDS_BATCH_UNITS",
    help="Units one crawl process may take: units fired within --batch-window share one "
    "crawl (one start-up); 1 runs a process per unit.",
)
@click.option(
    "--batch-window",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds a fired unit waits for others to share its crawl (with --batch-units > 1).",
)
@click.option(
    "--timeout", default=1800.0, show_default=True, help="Time limit of one crawl, seconds."
)
@click.option(
    "--misfire-grace",
    default=600,
    show_default=True,
    help="A run missed by less than this many seconds (e.g. while stopped) still happens.",
)
@click.option(
    "--watch-interval",
    default=5.0,
    show_default=True,
    help="Seconds between checks of the unit files and of paused units.",
)
@click.option(
    "--dedup-sweep-minutes",
    type=click.FloatRange(min=0),
    envvar="VNFEEDS_DEDUP_SWEEP_MINUTES",
    help="The leader compares the articles of the last minutes with each other every N "
    "minutes: the duplicates concurrent crawl processes missed (default 10 on PostgreSQL, "
    "0 = off, the default on SQLite).",
)
@click.option(
    "--interval-seconds",
    type=float,
    help="Crawl every unit every N seconds, ignoring the units' schedules (tests, demos).",
)
@click.option("--jitter", type=int, help="Override every unit's jitter, seconds.")
@click.option(
    "--leader-ttl",
    default=15.0,
    show_default=True,
    help="SQLite: seconds an unrenewed leadership lease lives (standby takeover bound).",
)
@click.option(
    "--leader-check",
    default=2.0,
    show_default=True,
    help="Seconds between leadership renewals (leader) and attempts (standbys).",
)
@click.option(
    "--crawl-command",
    help="Crawl command template instead of 'python -m vnfeeds … crawl UNIT… --no-lock'; "
    "placeholders {python} {db} {sites} {unit}, and {units} (one argument per unit of a "
    "batch; a template without it crawls one unit per process).",
)
@click.option(
    "--scrapyd",
    envvar="VNFEEDS_SCRAPYD",
    help="Crawl on these Scrapyd nodes (comma-separated URLs) instead of local subprocesses.",
)
@click.option("--backoff-base", default=300.0, show_default=True, help="First backoff, seconds.")
@click.option("--backoff-cap", default=21600.0, show_default=True, help="Longest backoff, seconds.")
@click.option(
    "--export-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="VNFEEDS_EXPORT_DIR",
    help="Re-export the feed tree here after crawls that changed articles.",
)
@click.option("--base-url", help="Public base URL of the feeds (default VNFEEDS_BASE_URL).")
@click.option("--no-websub", is_flag=True, help="Do not ping the WebSub hub after changes.")
@click.option("--webhook", help="Alert webhook URL (default VNFEEDS_ALERT_WEBHOOK).")
@click.option("--mail-to", help="Alert e-mail recipients, comma-separated (VNFEEDS_ALERT_TO).")
@click.option("--smtp-host", help="SMTP server for alert e-mail (VNFEEDS_SMTP_HOST).")
@click.option("--smtp-port", type=int, help="SMTP port (VNFEEDS_SMTP_PORT, default 25).")
@click.option(
    "--log-format",
    type=click.Choice(["logfmt", "json"]),
    default="logfmt",
    show_default=True,
    help="One line per event, as key=value pairs or JSON.",
)
@pass_app
def cli(
    app: AppContext,
    workers: int,
    batch_units: int,
    batch_window: float,
    timeout: float,
    misfire_grace: int,
    watch_interval: float,
    dedup_sweep_minutes: float | None,
    interval_seconds: float | None,
    jitter: int | None,
    leader_ttl: float,
    leader_check: float,
    crawl_command: str | None,
    scrapyd: str | None,
    backoff_base: float,
    backoff_cap: float,
    export_dir: Path | None,
    base_url: str | None,
    no_websub: bool,
    webhook: str | None,
    mail_to: str | None,
    smtp_host: str | None,
    smtp_port: int | None,
    log_format: str,
) -> None:
    """Crawl every enabled unit on its schedule, until stopped.

    Jobs are kept in the database (table apscheduler_jobs). Several schedulers may run
    on one database: one leads and fires jobs, the others stand by and take over when
    it dies. SIGHUP (or editing a unit file) reloads the units.
    """
    oplog.install(log_format, logging.DEBUG if app.verbose > 1 else logging.INFO)
    if not app.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    store = app.store()
    settings = JobSettings(
        db_url=app.db_url,
        sites=app.sites,
        timeout=timeout,
        crawl_command=tuple(shlex.split(crawl_command)) if crawl_command else None,
        batch_units=batch_units,
        batch_window=batch_window,
        backoff=BackoffPolicy(
            base_seconds=backoff_base, cap_seconds=max(backoff_cap, backoff_base)
        ),
        alerts=AlertConfig.from_env(
            webhook_url=webhook, mail_to=mail_to, smtp_host=smtp_host, smtp_port=smtp_port
        ),
    )
    sched: CrawlScheduler | None = None

    def registry_now() -> Registry:
        return sched.registry() if sched else app.registry()

    publisher = Publisher(
        store, registry_now, export_dir=export_dir, base_url=base_url, websub=not no_websub
    )
    nodes = nodes_from_env(scrapyd or "")
    remote = None
    if nodes:
        remote = ScrapydCrawls(
            nodes,
            store,
            db_url=app.db_url,
            sites=app.sites,
            registry=registry_now,
            timeout=timeout,
        )
    job = CrawlJob(store, settings, registry_now, publisher, remote)
    sched = CrawlScheduler(
        store,
        job,
        sites=app.sites,
        settings=SchedulerSettings(
            workers=workers,
            misfire_grace_seconds=misfire_grace,
            watch_interval=watch_interval,
            interval_seconds=interval_seconds,
            dedup_sweep_minutes=dedup_sweep_minutes,
            jitter_seconds=jitter,
            leader=LeaderSettings(ttl=leader_ttl, check=leader_check),
        ),
    )
    sched.run_forever()
