"""`vnfeeds serve`: serve feeds, OPML, the index (and other modules' pages) with uvicorn."""

from __future__ import annotations

from typing import Any

import click

from feeds.config import FeedConfig
from vnfeeds.context import AppContext, pass_app


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--base-url",
    envvar="VNFEEDS_BASE_URL",
    help="Public URL of the site, used in feed links (default: http://HOST:PORT).",
)
@click.option("--workers", default=1, show_default=True, type=int, help="Uvicorn worker processes.")
@click.option(
    "--trusted-proxies",
    envvar="VNFEEDS_TRUSTED_PROXIES",
    default="",
    help="Comma-separated addresses/networks of reverse proxies whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed (default: none, the headers are ignored).",
)
@pass_app
def cli(
    app: AppContext,
    host: str,
    port: int,
    base_url: str | None,
    workers: int,
    trusted_proxies: str,
) -> None:
    """Serve feeds, the index, review and status pages."""
    import uvicorn

    from web.fastpath import PROTOCOL
    from web.site import build_app

    config = FeedConfig.from_env(base_url=base_url or f"http://{host}:{port}")
    trusted = ",".join(p.strip() for p in trusted_proxies.split(",") if p.strip())
    # uvicorn otherwise trusts X-Forwarded-For from 127.0.0.1 (or $FORWARDED_ALLOW_IPS)
    proxy: dict[str, Any] = {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}
    if workers > 1:
        click.echo("note: --workers > 1 uses one in-process cache per worker", err=True)
        import os

        os.environ["VNFEEDS_BASE_URL"] = config.base_url
        if app.db:
            os.environ["VNFEEDS_DB"] = app.db
        if app.sites:
            os.environ["VNFEEDS_SITES"] = str(app.sites)
        uvicorn.run(
            "web.site:app_from_env",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            http=PROTOCOL,
            log_level="warning",
            access_log=False,
            **proxy,
        )
        return
    uvicorn.run(
        build_app(app, config),
        host=host,
        port=port,
        http=PROTOCOL,
        log_level="info" if app.verbose else "warning",
        access_log=bool(app.verbose),
        **proxy,
    )
