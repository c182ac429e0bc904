"""Many replica units at once: copies of the replica sites, each on its own loopback IP.

``Fleet(server, units=1000)`` serves copy *k* of a replica site at ``127.1.x.y``
(same port as the replica server): every request is answered by the original site
and the original's own URL in the answer is rewritten to the copy's, so each copy is
a separate site with its own articles (canonical URLs differ by host). Used by the
scale test and benchmarks (``bench/scale.py``); all on loopback.

    with ReplicaServer(port=0) as srv, Fleet(srv, units=100) as fleet:
        fleet.write_units("units.toml")
"""

from __future__ import annotations

import http.client
import selectors
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from replicas.server import QuietHTTPServer, ReplicaServer

#: Replica sites that copy well: no redirect to another site, live news.
BASES = (
    "hoabinh-soct",
    "phutho-stc",
    "phutho-soct",
    "thanhhoa-sct",
    "thanhhoa-syt",
    "hanoi-sct",
    "hanoi-sgddt",
    "hanoi-stp",
    "thanhhoa-snnmt",
    "vinhphuc-sxd",
)
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Copy(NamedTuple):
    """One copy: its unit id, the site it copies, its IP."""

    unit_id: str
    base: str
    ip: str


def copy_ip(n: int) -> str:
    """The loopback IP of copy number ``n`` (0-based): 127.1.0.1, … 127.1.0.250, 127.1.1.1 …"""
    return f"127.1.{n // 250}.{n % 250 + 1}"


class Fleet:
    """``units`` copies of the replica sites, served through the replica server."""

    def __init__(
        self, server: ReplicaServer, units: int, *, since: date | None = None, pages: int = 1
    ) -> None:
        self.server = server
        self.since = since
        self.pages = pages
        self.copies = [
            Copy(f"{BASES[n % len(BASES)]}-c{n:04d}", BASES[n % len(BASES)], copy_ip(n))
            for n in range(units)
        ]
        self._by_ip = {c.ip: c for c in self.copies}
        self._servers: list[QuietHTTPServer] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.requests = 0
        self._count = threading.Lock()

    def base_url(self, copy: Copy) -> str:
        """``http://<ip>:<port>`` of a copy."""
        return f"http://{copy.ip}:{self.server.port}"

    def __iter__(self) -> Iterator[Copy]:
        return iter(self.copies)

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> Fleet:
        """Bind every copy's IP on the replica server's port; one thread accepts for all."""
        sel = selectors.DefaultSelector()
        for c in self.copies:
            srv = QuietHTTPServer((c.ip, self.server.port), _Handler)
            srv.daemon_threads = True
            srv.fleet = self  # type: ignore[attr-defined]
            self._servers.append(srv)
            sel.register(srv.socket, selectors.EVENT_READ, srv)

        def loop() -> None:
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.1):
                    key.data.handle_request()
            sel.close()

        self._thread = threading.Thread(target=loop, name="fleet", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; free the IPs."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for srv in self._servers:
            srv.server_close()
        self._servers = []

    def __enter__(self) -> Fleet:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- units -----------------------------------------------------------------
    def units_toml(self) -> str:
        """A units file with one unit per copy (first runs limited by ``since``/``pages``)."""
        head, *blocks = self.server.units_toml().split("[[unit]]\n")
        by_id = {}
        for b in blocks:
            uid = b.split('id = "', 1)[1].split('"', 1)[0]
            by_id[uid] = b
        limit = f"backfill_pages = {self.pages}"
        if self.since:
            limit += f", backfill_since = {self.since.isoformat()}"
        out = [head]
        for c in self.copies:
            block = by_id[c.base]
            block = block.replace(f'id = "{c.base}"', f'id = "{c.unit_id}"', 1)
            block = block.replace(self.server.base_url(c.base), self.base_url(c))
            block = block.replace(
                "politeness = { download_delay = 0, concurrency = 4 }",
                f"politeness = {{ download_delay = 0, concurrency = 4, {limit} }}",
            )
            lines = [ln for ln in block.splitlines() if not ln.startswith(("successor", "predec"))]
            out.append("[[unit]]\n" + "\n".join(lines) + "\n")
        return "".join(out)

    def write_units(self, path: str | Path) -> Path:
        """Write :meth:`units_toml` to ``path``."""
        p = Path(path)
        p.write_text(self.units_toml(), encoding="utf-8")
        return p

    # -- answering ---------------------------------------------------------------
    def fetch(self, copy: Copy, method: str, path: str, headers: dict[str, str]) -> Any:
        """The original site's answer, with its own URL rewritten to the copy's."""
        with self._count:
            self.requests += 1
        ip = self.server.ip(copy.base)
        conn = http.client.HTTPConnection(ip, self.server.port, timeout=30)
        try:
            fwd = {k: v for k, v in headers.items() if k.lower() not in _HOP}
            fwd["Host"] = f"{ip}:{self.server.port}"
            conn.request(method, path, headers=fwd)
            r = conn.getresponse()
            body = r.read()
            own, mine = self.server.base_url(copy.base).encode(), self.base_url(copy).encode()
            body = body.replace(own, mine)
            out = [(k, v.replace(own.decode(), mine.decode())) for k, v in r.getheaders()]
            return r.status, out, body
        finally:
            conn.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        fleet: Fleet = self.server.fleet  # type: ignore[attr-defined]
        copy = fleet._by_ip[self.connection.getsockname()[0]]
        try:
            status, headers, body = fleet.fetch(copy, self.command, self.path, dict(self.headers))
        except OSError:
            self.close_connection = True
            return
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in _HOP:
                self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)
