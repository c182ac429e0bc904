"""The web app the ``serve`` command runs: feeds plus the pages of other modules."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from feeds.app import create_app
from feeds.config import FeedConfig
from vnfeeds.context import AppContext


def extra_routes(app_ctx: AppContext) -> list[BaseRoute]:
    """Routes beyond the feed tree (review, status …); the feed tree itself needs none."""
    return []


def build_app(app_ctx: AppContext, config: FeedConfig | None = None) -> Starlette:
    """The whole site for this context's store and registry."""
    return create_app(
        app_ctx.store(),
        app_ctx.registry(),
        config or FeedConfig.from_env(),
        extra_routes=extra_routes(app_ctx),
    )


def app_from_env() -> Starlette:
    """App factory for uvicorn workers: store and units from ``VNFEEDS_DB``/``VNFEEDS_SITES``."""
    import os
    from pathlib import Path

    sites = os.environ.get("VNFEEDS_SITES")
    return build_app(
        AppContext(db=os.environ.get("VNFEEDS_DB"), sites=Path(sites) if sites else None)
    )
