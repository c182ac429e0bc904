"""The hot path of ``serve``: cached feeds answered inside uvicorn's HTTP protocol.

Profiling ``serve`` under wrk (py-spy, docs/benchmarks.md) showed nearly all of a cached
hit's time in the ASGI machinery around the answer (a scope, a request cycle, a task,
two ``send`` calls through three middlewares), not in the answer; once that was gone,
in uvicorn's per-request Python around httptools (a scope dict per message, a callback
per header) and a keep-alive timer created and cancelled per request.
``FeedHttpProtocol`` is uvicorn's httptools protocol with two shortcuts for a GET or HEAD
without a query string whose path the feed cache holds fresh (``FeedCache.hot``: no store
access):

* in ``data_received``, when the bytes are exactly one simple request
  (``web.fastparse.parse_simple``) and no earlier request is still open on the
  connection, it is answered from those bytes; httptools never sees them;
* otherwise in ``on_headers_complete``, once httptools has parsed the headers (a request
  that arrived in pieces, the first of pipelined requests).

Either way the answer is one write of prebuilt bytes (status line, uvicorn's Date/Server
headers, the document's header block, the body or its gzip), chosen by the app's own
``web.app.choose`` and ``wants_html``. Everything else (misses, queries, other methods,
bodies, upgrades, requests queued behind an unfinished one, browsers asking for an
RSS/Atom feed) goes through uvicorn and the ASGI app unchanged. With an access log or a
``root_path`` configured, every request goes through uvicorn.

Keep-alive: uvicorn arms a timer after every answer and cancels it when data arrives.
Here one timer per connection (``_idle``) checks the time of the last answer when it
fires and re-arms itself while the connection is in use; while uvicorn handles a request
its own timer takes over.

uvicorn internals used (uvicorn >= 0.54, the floor in pyproject.toml; the tests run a
real server against these): ``HttpToolsProtocol`` and its ``data_received``,
``on_message_begin``, ``on_headers_complete``, ``on_body``, ``on_message_complete``,
``connection_lost`` hooks; its attributes ``parser``, ``url``, ``headers``, ``cycle``
(``response_complete``), ``pipeline``, ``flow`` (``write_paused``), ``server_state``
(``default_headers``, ``total_requests``), ``timeout_keep_alive(_task)``,
``timeout_keep_alive_handler``, ``_unset_keepalive_if_required``; ``STATUS_LINE``.

Use it with ``uvicorn.run(..., http="web.fastpath:FeedHttpProtocol")``; the feed service
is found on the app uvicorn runs (``app.state.feeds``, through wrapping middlewares).
"""

from __future__ import annotations

from asyncio import TimerHandle
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from feeds.cache import Doc
from web.app import FeedService, RequestHook, choose, wants_html
from web.fastparse import parse_simple

_FAST_METHODS = (b"GET", b"HEAD")
_BROWSER_TYPES = (".rss", ".atom")
#: the ``http=`` value for ``uvicorn.run``
PROTOCOL = "web.fastpath:FeedHttpProtocol"


def find_service(app: Any) -> tuple[FeedService | None, RequestHook | None]:
    """The feed service (and request hook) of an ASGI app, looking through wrappers' ``.app``."""
    seen = 0
    while app is not None and seen < 10:
        state = getattr(app, "state", None)
        service = getattr(state, "feeds", None)
        if isinstance(service, FeedService):
            return service, getattr(state, "on_request", None)
        app = getattr(app, "app", None)
        seen += 1
    return None, None


class _Prefixes:
    """Status line + uvicorn's default headers (Date changes every second), per status."""

    __slots__ = ("by_status", "source")

    def __init__(self) -> None:
        self.source: object = None
        self.by_status: dict[int, bytes] = {}

    def get(self, status: int, default_headers: list[tuple[bytes, bytes]]) -> bytes:
        if default_headers is not self.source:
            lines = b"".join(k + b": " + v + b"\r\n" for k, v in default_headers)
            self.by_status = {s: STATUS_LINE[s] + lines for s in (200, 304)}
            self.source = default_headers
        return self.by_status[status]


_PREFIXES = _Prefixes()


class _Figures:
    """Requests answered on the hot path, all connections (figures for tests and benches).

    Not class attributes of the protocol: assigning one per request invalidates CPython's
    attribute caches for the class, and every ``self.x`` of every connection slows down
    (measured: 1.1 µs of ~4.9 µs per cached 304).
    """

    __slots__ = ("answered", "parsed_here")

    def __init__(self) -> None:
        self.answered = 0  # answered here
        self.parsed_here = 0  # of those, read from the raw bytes without httptools


FIGURES = _Figures()


class _ProtocolType(type):
    """Lets ``FeedHttpProtocol.answered`` and ``.parsed_here`` read ``FIGURES``."""

    @property
    def answered(cls) -> int:
        return FIGURES.answered

    @property
    def parsed_here(cls) -> int:
        return FIGURES.parsed_here


class FeedHttpProtocol(HttpToolsProtocol, metaclass=_ProtocolType):
    """uvicorn's httptools protocol, answering fresh cached feeds without the ASGI round."""

    _service: FeedService | None = None
    _hook: RequestHook | None = None
    _answered = False  # the current message was answered here: ignore its body/completion
    _in_message = False  # httptools is inside a message (begun, not complete)
    _idle: TimerHandle | None = None  # this connection's keep-alive timer (see the docstring)
    _last = 0.0  # loop time of the last answer given here

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if not self.config.access_log and not self.config.root_path:
            self._service, self._hook = find_service(self.app)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        service = self._service
        if (
            service is not None
            and not self._in_message
            and not self.pipeline
            and (self.cycle is None or self.cycle.response_complete)
        ):
            req = parse_simple(data)
            if req is not None:
                head, path, keep_alive, headers = req
                doc = service.cache.hot(path)
                if doc is not None and self._answer(doc, path, head, keep_alive, headers):
                    FIGURES.parsed_here += 1
                    return
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._answered = False
        self._in_message = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        service = self._service
        if service is not None:
            if self.parser.should_upgrade():
                self._service = None  # the connection may change protocol: uvicorn's alone
            elif self._try_parsed(service):
                return
        super().on_headers_complete()

    def _try_parsed(self, service: FeedService) -> bool:
        """Answer the request httptools has parsed, if it is a fresh cached feed."""
        parser = self.parser
        url: bytes = self.url
        method = parser.get_method()
        if (
            method not in _FAST_METHODS
            or b"?" in url
            or b"%" in url
            or b"#" in url
            or url[:1] != b"/"
            or self.pipeline
            or (self.cycle is not None and not self.cycle.response_complete)
        ):
            return False
        path = url.decode("ascii", "replace")
        doc = service.cache.hot(path)
        if doc is None:
            return False
        keep_alive = parser.get_http_version() != "1.0" and parser.should_keep_alive()
        if not self._answer(doc, path, method == b"HEAD", keep_alive, self.headers):
            return False
        self._answered = True
        return True

    def _answer(
        self,
        doc: Doc,
        path: str,
        head: bool,
        keep_alive: bool,
        headers: list[tuple[bytes, bytes]],
    ) -> bool:
        """Write the answer for a cached document; False (nothing done) when the app must."""
        if self.flow.write_paused:
            return False  # the client is not reading: uvicorn's path waits for it
        if path.endswith(_BROWSER_TYPES) and wants_html(headers):
            return False  # a browser: the app answers it as XML for the feed stylesheet
        not_modified, gz = choose(doc, headers)
        if self._hook is not None:
            self._hook(path.rsplit(".", 1)[-1] if "." in path else "html", not_modified)
        status = 304 if not_modified else 200
        top = _PREFIXES.get(status, self.server_state.default_headers)
        if not keep_alive:
            top += b"connection: close\r\n"
        top += doc.raw[(status, gz)]
        transport = self.transport
        if status == 200 and not head:
            transport.writelines((top, (doc.gz or b"") if gz else doc.body))
        else:
            transport.write(top)
        FIGURES.answered += 1
        self.server_state.total_requests += 1
        if not keep_alive:
            transport.close()
            return True
        if self.timeout_keep_alive_task is not None:  # armed by uvicorn after its last answer
            self._unset_keepalive_if_required()
        self._last = self.loop.time()
        if self._idle is None:
            self._idle = self.loop.call_at(self._last + self.timeout_keep_alive, self._on_idle)
        return True

    def _on_idle(self) -> None:
        """Close the connection when nothing was answered for ``timeout_keep_alive`` seconds."""
        self._idle = None
        if (
            self.transport.is_closing()
            or self._in_message
            or self.pipeline
            or self.timeout_keep_alive_task is not None
            or (self.cycle is not None and not self.cycle.response_complete)
        ):
            return  # uvicorn is handling a request, or its own timer is armed
        due = self._last + self.timeout_keep_alive
        if due > self.loop.time():
            self._idle = self.loop.call_at(due, self._on_idle)
        else:
            self.timeout_keep_alive_handler()

    def on_body(self, body: bytes) -> None:
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        self._in_message = False
        if not self._answered:
            super().on_message_complete()
