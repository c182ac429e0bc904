"""The hot path of ``serve``: cached feeds answered inside uvicorn's HTTP protocol.

Profiling ``serve`` under wrk (py-spy, docs/benchmarks.md) showed nearly all of a cached
hit's time in the ASGI machinery around the answer (a scope, a request cycle, a task,
two ``send`` calls through three middlewares), not in the answer. ``FeedHttpProtocol``
is uvicorn's httptools protocol with one shortcut: a GET or HEAD without a query string
whose path the feed cache holds fresh (``FeedCache.hot``: no store access) is answered
as soon as its headers are parsed, with one ``writelines`` of prebuilt bytes (status
line, uvicorn's Date/Server headers, the document's header block, the body or its
gzip). The conditional logic is the app's own (``web.app.choose``). Everything else
(misses, queries, other methods, pipelined requests behind an unfinished one,
upgrades) goes through uvicorn and the ASGI app unchanged.

Use it with ``uvicorn.run(..., http="web.fastpath:FeedHttpProtocol")``; the feed service
is found on the app uvicorn runs (``app.state.feeds``, through wrapping middlewares).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from web.app import FeedService, RequestHook, choose, wants_html

_FAST_METHODS = (b"GET", b"HEAD")
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


class FeedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering fresh cached feeds without the ASGI round."""

    answered = 0  # requests answered here, all connections (a figure for tests and benches)
    _service: FeedService | None = None
    _hook: RequestHook | None = None
    _answered = False  # the current message was answered here: ignore its body/completion

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if not self.config.access_log:  # with an access log every request goes through uvicorn
            self._service, self._hook = find_service(self.app)

    def on_message_begin(self) -> None:
        self._answered = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        service = self._service
        if service is not None and self._try_answer(service):
            return
        super().on_headers_complete()

    def _try_answer(self, service: FeedService) -> bool:
        parser = self.parser
        url: bytes = self.url
        method = parser.get_method()
        if (
            method not in _FAST_METHODS
            or b"?" in url
            or b"%" in url
            or url[:1] != b"/"
            or parser.should_upgrade()
            or self.pipeline
            or self.flow.write_paused
            or (self.cycle is not None and not self.cycle.response_complete)
        ):
            return False
        path = url.decode("ascii", "replace")
        if path.endswith((".rss", ".atom")) and wants_html(self.headers):
            return False  # a browser: the app answers it as XML for the feed stylesheet
        doc = service.cache.hot(path)
        if doc is None:
            return False
        not_modified, gz = choose(doc, self.headers)
        if self._hook is not None:
            self._hook(path.rsplit(".", 1)[-1] if "." in path else "html", not_modified)
        status = 304 if not_modified else 200
        keep_alive = parser.get_http_version() != "1.0" and parser.should_keep_alive()
        parts = [_PREFIXES.get(status, self.server_state.default_headers)]
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(doc.raw[(status, gz)])
        if status == 200 and method == b"GET":
            parts.append((doc.gz or b"") if gz else doc.body)
        self.transport.writelines(parts)
        self._answered = True
        FeedHttpProtocol.answered += 1
        self.server_state.total_requests += 1
        if not keep_alive:
            self.transport.close()
        elif not self.transport.is_closing():
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
        return True

    def on_body(self, body: bytes) -> None:
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._answered:
            super().on_message_complete()
