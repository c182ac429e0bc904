"""The ASGI app: feeds, OPML and the index, cached and conditional; other pages as routes.

``create_app(store, registry, config, extra_routes)`` returns a Starlette app whose
outermost layer (``FeedResponder``) answers the feed tree's paths straight from the
in-process cache: strong ETag per representation (identity / gzip), Last-Modified,
304 on If-None-Match (or If-Modified-Since when no ETag is sent), Cache-Control,
pre-compressed gzip, HEAD, a WebSub ``Link`` header. Everything else (the review and
status pages of other modules, given as ``extra_routes``) goes through Starlette's
router behind ``GZipMiddleware``. The app keeps its feed cache fresh with a watcher
(``FeedCache.watch``, per-feed invalidation); ``serve`` answers fresh cached feeds even
before this app, in uvicorn's protocol (``web.fastpath``), with the same ``choose``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.registry import Registry
from feeds.cache import Doc, FeedCache
from feeds.config import FeedConfig
from feeds.filters import FilterError, Filters
from feeds.items import CONTENT_TYPES
from feeds.render import (
    STYLESHEET_PATH,
    NotFound,
    Rendered,
    render_feed,
    render_index,
    render_opml_doc,
    render_stylesheet,
)
from feeds.tree import FeedRequest, parse_path
from feeds.websub import HubNotifier, link_header
from storage.db import Store
from web.bodylimit import BodyLimit
from web.templating import environment


class BadRequest(ValueError):
    """A query parameter that cannot be used."""


def _qvalue(params: str) -> float:
    """The ``q`` of a header element's parameters (1 when absent, 0 when malformed)."""
    for p in params.split(";"):
        name, _, value = p.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0  # also rejects nan
    return 1.0


@functools.lru_cache(maxsize=256)  # clients send a handful of distinct values
def _accepts_gzip(value: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip; a malformed q-value means identity."""
    for part in value.split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "*"):
            return _qvalue(params) > 0
    return False


def _etags(value: str) -> set[str]:
    tags = set()
    for t in value.split(","):
        t = t.strip()
        tags.add(t[2:] if t.startswith("W/") else t)
    return tags


class FeedService:
    """Maps a request (path + query) to a cached document."""

    def __init__(self, store: Store, registry: Registry, config: FeedConfig) -> None:
        self.store = store
        self.registry = registry
        self.config = config
        self.cache = FeedCache(store, registry, config)
        # filtered documents cost a scan each: at most two are rendered at once
        self.filter_limiter = anyio.CapacityLimiter(2)

    def _session_render(self, fn: Any, *args: Any) -> Rendered:
        with self.store.session() as s:
            return fn(s, self.registry, self.config, *args)

    def route(self, path: str, query: bytes) -> tuple[str, Any, str | None] | None:
        """(cache key, render callable, Link header) for a feed-tree path, else None.

        :class:`BadRequest` for parameters beyond the limits (``FeedConfig.max_*``).
        """
        if path not in ("/", "/feeds.opml", STYLESHEET_PATH) and parse_path(path) is None:
            return None
        cfg = self.config
        if len(query) > cfg.max_query_length:
            raise BadRequest(
                f"query string too long: {len(query)} bytes (at most {cfg.max_query_length})"
            )
        params = QueryParams(query.decode("latin-1")) if query else QueryParams()
        if path == "/":
            q = params.get("q", "").strip()
            if len(q) > cfg.max_term_length:
                raise BadRequest(
                    f"search too long: {len(q)} characters (at most {cfg.max_term_length})"
                )
            return f"/?q={q}", lambda: self._session_render(render_index, q, environment()), None
        if path == "/feeds.opml":
            return path, lambda: self._session_render(render_opml_doc), None
        if path == STYLESHEET_PATH:
            return path, lambda: render_stylesheet(self.config, environment()), None
        req = parse_path(path)
        if req is None:
            return None
        try:
            filters = Filters.from_params(
                params.getlist("q"),
                params.getlist("exclude"),
                max_terms=cfg.max_terms,
                max_length=cfg.max_term_length,
            )
        except FilterError as e:
            raise BadRequest(str(e)) from None
        limit = self._limit(params.get("limit"))
        key = path + "?" + filters.key + f"&l={limit}" if (filters.active or limit) else path
        link = link_header(self.config.hub, self.config.url(path) + self._suffix(query))
        return key, self._feed_renderer(req, filters if filters.active else None, limit), link

    @staticmethod
    def _suffix(query: bytes) -> str:
        return "?" + query.decode("latin-1") if query else ""

    def _limit(self, raw: str | None) -> int | None:
        if raw is None or raw == "":
            return None
        if len(raw) > 9:
            raise BadRequest(f"limit must be between 1 and {self.config.max_limit}")
        try:
            n = int(raw)
        except ValueError:
            raise BadRequest("limit must be a whole number") from None
        if not 1 <= n <= self.config.max_limit:
            raise BadRequest(f"limit must be between 1 and {self.config.max_limit}")
        return n

    def _feed_renderer(self, req: FeedRequest, filters: Filters | None, limit: int | None) -> Any:
        return lambda: self._session_render(render_feed, req, filters, limit)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _plain(
    send: Send, status: int, text: str, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await _send(send, status, headers, body)


#: Feed types browsers download rather than show; a browser (Accept: text/html) gets the
#: same bytes as XML, so it applies the feed's stylesheet (``/feed.xsl``).
_BROWSER_XML = {
    CONTENT_TYPES["rss"].encode(): b"application/xml; charset=utf-8",
    CONTENT_TYPES["atom"].encode(): b"application/xml; charset=utf-8",
}


def wants_html(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """True for a browser's request (its ``Accept`` names ``text/html``)."""
    for k, v in headers:  # noqa: SIM110 (a loop, not any(): this is on serve's hot path)
        if k == b"accept" and b"text/html" in v:
            return True
    return False


def _for_browser(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """RSS/Atom headers with an XML content type (and ``Vary: Accept``) for a browser."""
    ctype = next((v for k, v in headers if k == b"content-type"), b"")
    xml = _BROWSER_XML.get(ctype)
    if xml is None:
        return headers
    out = [(k, v) for k, v in headers if k not in (b"content-type", b"vary")]
    vary = b", ".join([v for k, v in headers if k == b"vary"] + [b"Accept"])
    return [*out, (b"content-type", xml), (b"vary", vary)]


RequestHook = Callable[[str, bool], None]
"""Called per answered feed request with its kind (rss, atom, json, opml, html) and 304-ness."""


class FeedResponder:
    """ASGI layer answering the feed tree from the cache; passes other paths on."""

    def __init__(
        self, app: ASGIApp, service: FeedService, on_request: RequestHook | None = None
    ) -> None:
        self.app = app
        self.service = service
        self.on_request = on_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if not scope.get("query_string") and method in ("GET", "HEAD"):
            hot = self.service.cache.hot(scope["path"])  # no parsing on a warm hit
            if hot is not None:
                await self._respond(scope, send, hot, method == "HEAD")
                return
        try:
            routed = self.service.route(scope["path"], scope.get("query_string", b""))
        except BadRequest as e:
            await _plain(send, 400, str(e) + "\n")
            return
        if routed is None:
            await self.app(scope, receive, send)
            return
        if method not in ("GET", "HEAD"):
            await _plain(send, 405, "method not allowed\n", [(b"allow", b"GET, HEAD")])
            return
        key, render, link = routed
        limiter = self.service.filter_limiter if "?" in key else None
        try:
            doc = await self.service.cache.get(key, render, link, limiter)
        except NotFound:
            await _plain(send, 404, "no such feed\n")
            return
        await self._respond(scope, send, doc, method == "HEAD")

    async def _respond(self, scope: Scope, send: Send, doc: Doc, head: bool) -> None:
        not_modified, gz = choose(doc, scope["headers"])
        browser = wants_html(scope["headers"])
        if self.on_request is not None:
            path: str = scope["path"]
            self.on_request(path.rsplit(".", 1)[-1] if "." in path else "html", not_modified)
        if not_modified:
            await _send(send, 304, doc.h304_gz if gz else doc.h304, b"")
        elif gz:
            headers = _for_browser(doc.h200_gz) if browser else doc.h200_gz
            await _send(send, 200, headers, b"" if head else doc.gz or b"")
        else:
            headers = _for_browser(doc.h200) if browser else doc.h200
            await _send(send, 200, headers, b"" if head else doc.body)


def choose(doc: Doc, headers: Iterable[tuple[bytes, bytes]]) -> tuple[bool, bool]:
    """(304?, gzip?) for a cached document and the request's headers (lower-case names)."""
    inm = ims = None
    gz = False
    for k, v in headers:
        if k == b"if-none-match":
            inm = v.decode("latin-1")
        elif k == b"if-modified-since":
            ims = v.decode("latin-1")
        elif k == b"accept-encoding":
            gz = doc.gz is not None and _accepts_gzip(v.decode("latin-1"))
    return _not_modified(doc, inm, ims), gz


def _not_modified(doc: Doc, inm: str | None, ims: str | None) -> bool:
    if inm is not None:
        if inm == doc.etag or inm == doc.etag_gz:  # the usual If-None-Match: one tag, ours
            return True
        tags = _etags(inm)
        return "*" in tags or doc.etag in tags or doc.etag_gz in tags
    if ims is not None and doc.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return doc.last_modified <= since
    return False


def create_app(
    store: Store,
    registry: Registry,
    config: FeedConfig | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    *,
    notify_interval: float = 15.0,
    on_request: RequestHook | None = None,
) -> Starlette:
    """The web app: feed tree from ``FeedResponder``, ``extra_routes`` behind gzip.

    With a WebSub hub configured, a background job pings it for changed feeds every
    ``notify_interval`` seconds while the app runs.
    """
    config = config or FeedConfig.from_env()
    service = FeedService(store, registry, config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            if config.version_ttl > 0:
                tg.start_soon(service.cache.watch)
            if config.hub and notify_interval > 0:
                tg.start_soon(HubNotifier(store, registry, config).run, notify_interval)
            yield
            tg.cancel_scope.cancel()

    app = Starlette(
        routes=list(extra_routes),
        middleware=[
            Middleware(BodyLimit),
            Middleware(FeedResponder, service=service, on_request=on_request),
            Middleware(GZipMiddleware, minimum_size=500),
        ],
        lifespan=lifespan,
    )
    app.state.feeds = service
    app.state.config = config
    app.state.on_request = on_request
    return app
