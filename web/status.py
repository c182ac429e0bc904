"""The status pages and ``/metrics`` for ``vnfeeds serve`` (``ops_routes()``).

- ``GET /status``: the ``vnfeeds status`` table (``?state=down`` filters);
- ``GET /status.json``: the same rows as JSON;
- ``GET /status/<unit>``: one unit: state, run history, articles per day (inline SVG);
- ``POST /status/<unit>/pause`` and ``/resume``: login and CSRF token required;
- ``GET /metrics``: Prometheus text format (see ``ops.metrics``).

The store comes from the app (``app.state.store`` or the feed service's).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Route

from domain.records import ID_PATTERN
from feeds.i18n import gettext
from ops.health import STATES
from ops.metrics import build_registry
from ops.overview import (
    articles_per_day,
    dead_links_of,
    run_history,
    set_paused,
    unit_statuses,
)
from web.auth import check_csrf, csrf_token, current_user, require_login, store_of
from web.feedcounts import FeedCounts
from web.templating import environment

CHART_DAYS = 30


def bar_chart(points: list[tuple[date, int]], width: int = 600, height: int = 120) -> Markup:
    """A small inline SVG bar chart of (day, count), oldest first."""
    n = max(len(points), 1)
    top = max((c for _, c in points), default=0) or 1
    plot_h = height - 18
    bw = width / n
    bars = []
    for i, (day, count) in enumerate(points):
        h = plot_h * count / top
        bars.append(
            f'<rect class="bar" x="{i * bw + 1:.1f}" y="{plot_h - h:.1f}" '
            f'width="{max(bw - 2, 1):.1f}" height="{h:.1f}">'
            f"<title>{day.isoformat()}: {count}</title></rect>"
        )
    first = points[0][0].isoformat() if points else ""
    last = points[-1][0].isoformat() if points else ""
    total = sum(c for _, c in points)
    label = gettext("%(total)s articles, at most %(top)s a day") % {
        "total": total,
        "top": top if total else 0,
    }
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">'
        f'<line x1="0" y1="{plot_h}" x2="{width}" y2="{plot_h}" stroke="#ccc"/>'
        + "".join(bars)
        + f'<text x="0" y="{height - 4}">{first}</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end">{last}</text>'
        f'<text x="{width}" y="10" text-anchor="end">{escape(label)}</text></svg>'
    )


def _user_and_token(request: Request) -> tuple[str | None, str | None]:
    if "session" not in request.scope:  # no session middleware: nobody can log in
        return None, None
    return current_user(request), csrf_token(request)


def _render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
    user, token = _user_and_token(request)
    config = getattr(request.app.state, "config", None)
    html = (
        environment()
        .get_template(name)
        .render(
            request=request,
            user=user,
            csrf_token=token,
            site_title=getattr(config, "site_title", "vnfeeds"),
            **ctx,
        )
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


async def status_page(request: Request) -> Response:
    """GET /status: every unit's state, last run, new items, last error, next run."""
    rows = await run_in_threadpool(unit_statuses, store_of(request))
    counts = Counter(r.state for r in rows)
    wanted = request.query_params.get("state")
    shown = [r for r in rows if r.state == wanted] if wanted in STATES else rows
    return _render(
        request,
        "status.html",
        rows=shown,
        total=len(rows),
        counts=[(s, counts[s]) for s in STATES if counts[s]],
    )


async def status_json(request: Request) -> Response:
    """GET /status.json: the status rows as JSON."""
    rows = await run_in_threadpool(unit_statuses, store_of(request))
    return JSONResponse([r.as_dict() for r in rows], headers={"Cache-Control": "no-store"})


_UNIT_ID = re.compile(ID_PATTERN)


def _unknown_unit(unit: str) -> Response:
    return PlainTextResponse(
        gettext("unknown unit %(unit)s") % {"unit": unit} + "\n", status_code=404
    )


async def unit_page(request: Request) -> Response:
    """GET /status/<unit>: one unit's state, history and articles per day."""
    store = store_of(request)
    unit = request.path_params["unit"]
    if not _UNIT_ID.fullmatch(unit):  # not a unit id (a NUL byte would even fail on PostgreSQL)
        return _unknown_unit(unit)
    found = await run_in_threadpool(unit_statuses, store, [unit])
    if not found:
        return _unknown_unit(unit)
    runs = await run_in_threadpool(run_history, store, unit, 30)
    per_day = await run_in_threadpool(articles_per_day, store, unit, CHART_DAYS)
    dead = await run_in_threadpool(dead_links_of, store, unit)
    user, token = _user_and_token(request)
    return _render(
        request,
        "status_unit.html",
        s=found[0],
        runs=runs,
        chart=bar_chart(per_day),
        days=CHART_DAYS,
        dead=dead,
        can_act=bool(user and token),
    )


async def _action(request: Request, paused: bool) -> Response:
    form = await request.form()
    if not check_csrf(request, form.get("csrf")):
        return PlainTextResponse(gettext("bad CSRF token") + "\n", status_code=403)
    unit = request.path_params["unit"]
    if not _UNIT_ID.fullmatch(unit):
        return _unknown_unit(unit)
    try:
        await run_in_threadpool(set_paused, store_of(request), unit, paused)
    except KeyError:
        return _unknown_unit(unit)
    return RedirectResponse(f"/status/{unit}", status_code=303)


async def _anonymous(request: Request) -> Response:
    return PlainTextResponse(gettext("login required") + "\n", status_code=403)


async def pause_unit(request: Request) -> Response:
    """POST /status/<unit>/pause (logged-in editors, CSRF token)."""
    if "session" not in request.scope:
        return await _anonymous(request)
    return await _action(request, True)


async def resume_unit(request: Request) -> Response:
    """POST /status/<unit>/resume (logged-in editors, CSRF token)."""
    if "session" not in request.scope:
        return await _anonymous(request)
    return await _action(request, False)


def _metrics_registry(request: Request) -> CollectorRegistry:
    reg = getattr(request.app.state, "ops_metrics", None)
    if reg is None:
        reg = build_registry(store_of(request))
        request.app.state.ops_metrics = reg
    return reg


async def metrics(request: Request) -> Response:
    """GET /metrics: Prometheus exposition (text or OpenMetrics by Accept)."""
    counts = getattr(request.app.state, "on_request", None)
    if isinstance(counts, FeedCounts):
        counts.flush()  # the feed requests tallied since the last scrape
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    body = await run_in_threadpool(encoder, _metrics_registry(request))
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


def ops_routes() -> list[BaseRoute]:
    """The status pages, the pause/resume actions and ``/metrics``."""
    return [
        Route("/status", status_page, methods=["GET", "HEAD"]),
        Route("/status.json", status_json, methods=["GET", "HEAD"]),
        Route("/status/{unit}", unit_page, methods=["GET", "HEAD"]),
        Route("/status/{unit}/pause", require_login(pause_unit), methods=["POST"]),
        Route("/status/{unit}/resume", require_login(resume_unit), methods=["POST"]),
        Route("/metrics", metrics, methods=["GET", "HEAD"]),
    ]
