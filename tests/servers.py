"""Real HTTP servers on loopback for tests: uvicorn running an app, and a hub receiver."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn_server(app: ASGIApp, port: int, **options: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1:port in a thread; yields the base URL.

    ``options`` go to ``uvicorn.Config`` (e.g. ``http=`` for a protocol class).
    """
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options
        )
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not t.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(10)


class HubReceiver:
    """A stand-in WebSub hub on 127.0.0.1 recording publish pings."""

    def __init__(self, status: int = 204) -> None:
        self.pings: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("content-length", "0"))
                outer.pings.append(
                    {
                        **parse_qs(self.rfile.read(n).decode()),
                        "_content_type": [self.headers.get("content-type", "")],
                    }
                )
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hub"
        self._t = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HubReceiver:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def urls(self) -> list[str]:
        """Every ``hub.url`` pinged so far."""
        return [u for p in self.pings for u in p.get("hub.url", [])]
