"""The web app the ``serve`` and ``demo`` commands run: feeds plus login, review and status."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from feeds.config import FeedConfig
from feeds.i18n import page_language
from storage.workspace import Workspace
from web.app import create_app
from web.auth import auth_routes, install
from web.feedcounts import FeedCounts
from web.review import review_routes
from web.status import ops_routes

log = logging.getLogger(__name__)


def extra_routes(app_ctx: Workspace) -> list[BaseRoute]:
    """Routes beyond the feed tree: login, the review queue, status pages and /metrics."""
    return [*auth_routes(), *review_routes(), *ops_routes()]


def session_secret(app_ctx: Workspace) -> str:
    """``VNFEEDS_SECRET``, else a random secret kept next to an embedded database."""
    env = os.environ.get("VNFEEDS_SECRET")
    if env:
        return env
    url = app_ctx.db_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///")).with_name("session-secret")
        if not path.exists():
            path.write_text(secrets.token_urlsafe(32), encoding="ascii")
            path.chmod(0o600)
        return path.read_text(encoding="ascii").strip()
    log.warning("VNFEEDS_SECRET is not set: sessions end when the server restarts")
    return secrets.token_urlsafe(32)


def build_app(app_ctx: Workspace, config: FeedConfig | None = None) -> Starlette:
    """The whole site for this context's store and registry."""
    page_language()  # a bad VNFEEDS_LANG is a clear error at start, not a 500 per page
    store = app_ctx.store()
    app = create_app(
        store,
        app_ctx.registry(),
        config or FeedConfig.from_env(),
        extra_routes=extra_routes(app_ctx),
        on_request=FeedCounts(),  # flushed into the counters by /metrics
    )
    app.state.store = store
    app.state.registry = app_ctx.registry()
    install(app, session_secret(app_ctx))
    return app


def app_from_env() -> Starlette:
    """App factory for uvicorn workers: store and units from ``VNFEEDS_DB``/``VNFEEDS_SITES``."""
    sites = os.environ.get("VNFEEDS_SITES")
    return build_app(
        Workspace(db=os.environ.get("VNFEEDS_DB"), sites=Path(sites) if sites else None)
    )
