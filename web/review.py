"""The editors' review pages: the queue, a pair side by side, decisions, undo, audit trail.

Routes (all need a login, see :mod:`web.auth`):

* ``GET /review`` — candidates by falling score; ``?status=pending|auto|duplicate|distinct|cleared|all``, ``?page=N``
* ``GET /review/{id}`` — the pair side by side, word-level differences marked
* ``POST /review/{id}`` — ``action=duplicate|distinct|canonical`` (+ ``canonical=<article id>``), ``csrf``
* ``POST /review/undo/{decision id}`` — undo a decision
* ``GET /review/log`` — the audit trail (``?auto=1`` adds the engine's automatic links)
* ``GET /review/cluster/{id}`` and ``POST /review/cluster/{id}`` (``canonical=<article id>``)

Pages are thin over :mod:`dedup.review`; database work runs in a thread.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dedup import review as rv
from dedup.clusters import cluster_members
from domain.syllables import canonical_tone
from domain.timezone import VN_TZ
from feeds.i18n import gettext
from storage import models as m
from web.auth import check_csrf, current_user, render, require_login, store_of
from web.reasons import localise_reason

__all__ = ["diff_segments", "review_routes"]

PAGE = 50
T = TypeVar("T")
_WORDS = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"\n|[^\s]+")


def _key(tok: str) -> str:
    """Comparison key of one display token: NFC, case-folded, one tone convention, no punctuation."""
    t = unicodedata.normalize("NFC", tok).casefold()
    t = _WORDS.sub(lambda mm: canonical_tone(mm.group(0)), t)
    return "".join(ch for ch in t if ch.isalnum()) or t


def diff_segments(a: str, b: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Word-level diff of two display texts as (kind, text) runs per side.

    ``kind`` is ``same``, ``del`` (only in a), ``ins`` (only in b) or ``br`` (a line break).
    Words compare by their matching form, so tone placement and case are not differences.
    """
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    sm = difflib.SequenceMatcher(None, [_key(t) for t in ta], [_key(t) for t in tb], autojunk=False)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []

    def emit(out: list[tuple[str, str]], kind: str, toks: list[str]) -> None:
        run: list[str] = []
        for t in toks:
            if t == "\n":
                if run:
                    out.append((kind, " ".join(run)))
                    run = []
                out.append(("br", ""))
            else:
                run.append(t)
        if run:
            out.append((kind, " ".join(run)))

    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            emit(left, "same", ta[i1:i2])
            emit(right, "same", tb[j1:j2])
        else:
            emit(left, "del", ta[i1:i2])
            emit(right, "ins", tb[j1:j2])
    return left, right


def _vn(dt: datetime | None) -> str:
    return dt.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if dt else "—"


async def _db(request: Request, fn: Callable[[Any], T]) -> T:
    store = store_of(request)

    def run() -> T:
        with store.session() as s:
            return fn(s)

    return await run_in_threadpool(run)


MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
MAX_PAGE = 100_000


def _bad_page() -> str:
    return gettext("page must be a number from 1 to %(max)s") % {"max": MAX_PAGE} + "\n"


def _id(value: object) -> int | None:
    """A positive database id from a path or form value, else None (never an exception)."""
    s = str(value or "").strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 10:
        return None
    n = int(s)
    return n if 1 <= n <= MAX_ID else None


def _page(raw: str | None) -> int | None:
    """``?page=``: 1 when absent or not a number (as before); None when out of range."""
    s = (raw or "").strip()
    if not (s.isascii() and s.isdigit()):
        return 1
    if len(s) > 6 or int(s) > MAX_PAGE:
        return None
    return max(1, int(s))


def _path_id(request: Request, name: str) -> int | None:
    return _id(request.path_params.get(name))


def _article_view(s: Any, a: m.Article) -> dict[str, Any]:
    unit = s.get(m.Unit, a.unit_id)
    cluster = s.get(m.Cluster, a.cluster_id) if a.cluster_id else None
    return {
        "id": a.id,
        "title": a.title,
        "url": a.url if a.url.startswith(("http://", "https://")) else "",
        "unit": unit.name if unit else a.unit_id,
        "unit_id": a.unit_id,
        "published": _vn(a.published),
        "source": a.source,
        "cluster_id": a.cluster_id,
        "canonical": bool(cluster and cluster.canonical_id == a.id),
        "manual": bool(cluster and cluster.manual),
        "text": "\n".join(x for x in (a.lead, a.body_text) if x),
    }


# ----------------------------------------------------------------- queue
@require_login
async def queue_page(request: Request) -> Response:
    """GET /review."""
    status = request.query_params.get("status", "pending")
    if status not in rv.QUEUE_STATUSES:
        return PlainTextResponse(gettext("unknown status") + "\n", status_code=400)
    page = _page(request.query_params.get("page"))
    if page is None:
        return PlainTextResponse(_bad_page(), status_code=400)

    def load(s: Any) -> dict[str, Any]:
        rows = []
        for c in rv.queue(s, status, PAGE, (page - 1) * PAGE):
            a, b = s.get(m.Article, c.a_id), s.get(m.Article, c.b_id)
            rows.append({"c": c, "a": _article_view(s, a), "b": _article_view(s, b)})
        return {"rows": rows, "total": rv.queue_count(s, status)}

    data = await _db(request, load)
    pages = max(1, -(-data["total"] // PAGE))
    return render(
        request,
        "review.html",
        status=status,
        statuses=rv.QUEUE_STATUSES,
        page=page,
        pages=pages,
        **data,
    )


# ------------------------------------------------------------------ pair
@require_login
async def pair_page(request: Request) -> Response:
    """GET /review/{id}."""
    cid = _path_id(request, "cid")
    if cid is None:
        return PlainTextResponse(gettext("no such candidate") + "\n", status_code=404)

    def load(s: Any) -> dict[str, Any] | None:
        c = s.get(m.DuplicateCandidate, cid)
        if c is None:
            return None
        a = _article_view(s, s.get(m.Article, c.a_id))
        b = _article_view(s, s.get(m.Article, c.b_id))
        decisions = list(
            s.scalars(
                select(m.Decision)
                .where(m.Decision.candidate_id == cid)
                .order_by(m.Decision.at.desc(), m.Decision.id.desc())
            )
        )
        nxt = next((x.id for x in rv.queue(s, "pending", 2) if x.id != cid), None)
        return {"c": c, "a": a, "b": b, "decisions": decisions, "next_id": nxt}

    data = await _db(request, load)
    if data is None:
        return PlainTextResponse(gettext("no such candidate") + "\n", status_code=404)
    title_l, title_r = diff_segments(data["a"]["title"], data["b"]["title"])
    body_l, body_r = diff_segments(data["a"]["text"], data["b"]["text"])
    return render(
        request,
        "review_pair.html",
        title_l=title_l,
        title_r=title_r,
        body_l=body_l,
        body_r=body_r,
        vn=_vn,
        reasons=[localise_reason(str(r)) for r in data["c"].reasons or []],
        **data,
    )


@require_login
async def pair_decide(request: Request) -> Response:
    """POST /review/{id}: duplicate, distinct ("not duplicate") or canonical."""
    cid = _path_id(request, "cid")
    form = await request.form()
    if not check_csrf(request, form.get("csrf")):
        return PlainTextResponse(gettext("bad CSRF token") + "\n", status_code=403)
    if cid is None:
        return PlainTextResponse(gettext("no such candidate") + "\n", status_code=404)
    action = str(form.get("action") or "")
    raw = form.get("canonical")
    canonical = _id(raw)
    if raw and canonical is None:
        return PlainTextResponse(gettext("canonical: not an article id") + "\n", status_code=400)
    editor = current_user(request) or "?"
    try:
        await _db(request, lambda s: rv.decide(s, cid, action, editor, canonical).id)
    except rv.ReviewError as e:
        return PlainTextResponse(f"{e}\n", status_code=400)
    return RedirectResponse(f"/review/{cid}", status_code=303)


@require_login
async def undo_submit(request: Request) -> Response:
    """POST /review/undo/{id}."""
    did = _path_id(request, "did")
    form = await request.form()
    if not check_csrf(request, form.get("csrf")):
        return PlainTextResponse(gettext("bad CSRF token") + "\n", status_code=403)
    if did is None:
        return PlainTextResponse(gettext("no such decision") + "\n", status_code=404)
    editor = current_user(request) or "?"

    def run(s: Any) -> int | None:
        return rv.undo(s, did, editor).candidate_id

    try:
        cid = await _db(request, run)
    except rv.ReviewError as e:
        return PlainTextResponse(f"{e}\n", status_code=409)
    back = form.get("back")
    target = back if isinstance(back, str) and back.startswith("/review") else None
    return RedirectResponse(target or (f"/review/{cid}" if cid else "/review/log"), status_code=303)


# ------------------------------------------------------------- audit log
@require_login
async def log_page(request: Request) -> Response:
    """GET /review/log."""
    auto = request.query_params.get("auto") == "1"
    page = _page(request.query_params.get("page"))
    if page is None:
        return PlainTextResponse(_bad_page(), status_code=400)

    def load(s: Any) -> list[dict[str, Any]]:
        out = []
        for d in rv.audit_trail(s, PAGE, (page - 1) * PAGE, include_auto=auto):
            out.append({"d": d, "at": _vn(d.at)})
        return out

    rows = await _db(request, load)
    return render(request, "review_log.html", rows=rows, auto=auto, page=page)


# ---------------------------------------------------------------- cluster
@require_login
async def cluster_page(request: Request) -> Response:
    """GET /review/cluster/{id}: the members and which is canonical."""
    clid = _path_id(request, "clid")
    if clid is None:
        return PlainTextResponse(gettext("no such cluster") + "\n", status_code=404)

    def load(s: Any) -> dict[str, Any] | None:
        cl = s.get(m.Cluster, clid)
        if cl is None:
            return None
        return {"cluster": cl, "members": [_article_view(s, a) for a in cluster_members(s, clid)]}

    data = await _db(request, load)
    if data is None:
        return PlainTextResponse(gettext("no such cluster") + "\n", status_code=404)
    return render(request, "review_cluster.html", **data)


@require_login
async def cluster_canonical(request: Request) -> Response:
    """POST /review/cluster/{id}: make ``canonical`` the cluster's canonical article."""
    clid = _path_id(request, "clid")
    form = await request.form()
    if not check_csrf(request, form.get("csrf")):
        return PlainTextResponse(gettext("bad CSRF token") + "\n", status_code=403)
    if clid is None:
        return PlainTextResponse(gettext("no such cluster") + "\n", status_code=404)
    aid = _id(form.get("canonical")) or 0
    editor = current_user(request) or "?"

    def run(s: Any) -> None:
        a = s.get(m.Article, aid)
        if a is None or a.cluster_id != clid:
            raise rv.ReviewError("that article is not in this cluster")
        rv.make_canonical(s, aid, editor)

    try:
        await _db(request, run)
    except rv.ReviewError as e:
        return PlainTextResponse(f"{e}\n", status_code=400)
    return RedirectResponse(f"/review/cluster/{clid}", status_code=303)


def review_routes() -> list[BaseRoute]:
    """The review pages, to pass to ``create_app(extra_routes=…)`` with ``auth_routes()``."""
    return [
        Route("/review", queue_page, methods=["GET"]),
        Route("/review/log", log_page, methods=["GET"]),
        Route("/review/undo/{did}", undo_submit, methods=["POST"]),
        Route("/review/cluster/{clid}", cluster_page, methods=["GET"]),
        Route("/review/cluster/{clid}", cluster_canonical, methods=["POST"]),
        Route("/review/{cid}", pair_page, methods=["GET"]),
        Route("/review/{cid}", pair_decide, methods=["POST"]),
    ]
