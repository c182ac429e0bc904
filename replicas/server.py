"""The replica web server: every unit's site on its own loopback IP, one port for all.

``ReplicaServer(port).start()`` binds 127.0.0.1 (an index of the sites) and
``<ip_prefix>.<n>`` for each unit (Linux routes all of 127/8 to ``lo``), serves
pages rendered from the seeded corpus, and records every request.
"""

from __future__ import annotations

import email.utils
import hashlib
import socketserver
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from domain.timezone import VN_TZ
from replicas import files, urls
from replicas.corpus import Corpus
from replicas.sites import common, module_for
from replicas.story import Story
from replicas.unitsfile import units_toml
from replicas.vnenc import encode_cp1258

MODES = ("ok", "down", "broken", "slow", "dead")
SLOW_SECONDS = 2.0
_EPOCH = datetime(2022, 1, 1, tzinfo=VN_TZ)


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that does not look up its host's name on bind.

    ``HTTPServer.server_bind`` calls ``socket.getfqdn``: a reverse DNS query per loopback IP,
    seconds each where the resolver does not answer (a 1,000-copy fleet took hours to start).
    """

    def server_bind(self) -> None:
        """Bind, naming the server by its address."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class RequestRecord(NamedTuple):
    """One request the server answered (status 0: connection closed without answer)."""

    host: str
    method: str
    path_qs: str
    status: int
    headers: dict[str, str]


class _Dead(Exception):
    """Close the connection without an answer."""


class ReplicaServer:
    """All replica sites, one loopback IP each, on one port."""

    def __init__(self, port: int = 0, *, seed: int = 1, ip_prefix: str = "127.0.2") -> None:
        self.port = port
        self.seed = seed
        self.ip_prefix = ip_prefix
        self.corpus = Corpus(seed)
        self.requests: list[RequestRecord] = []
        self._modes: dict[str, str] = {}
        self._lock = threading.RLock()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._by_ip = {self.ip(u.id): u.id for u in self.corpus.units}
        self._routes: dict[str, dict[str, tuple[Any, ...]]] = {}
        self._files: dict[str, str] = {}
        for uid in self.corpus.stories:
            self._index(uid)

    # -- addresses -------------------------------------------------------------
    def ip(self, unit_id: str) -> str:
        """The loopback IP of a unit's site."""
        return f"{self.ip_prefix}.{self.corpus.unit(unit_id).host}"

    def base_url(self, unit_id: str) -> str:
        """``http://<ip>:<port>`` of a unit's site."""
        return f"http://{self.ip(unit_id)}:{self.port}"

    def base_urls(self) -> dict[str, str]:
        """Base URL of every unit."""
        return {u.id: self.base_url(u.id) for u in self.corpus.units}

    @property
    def index_url(self) -> str:
        """The index page listing the sites."""
        return f"http://127.0.0.1:{self.port}/"

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> ReplicaServer:
        """Bind every IP on one port (a free one when port is 0) and serve in threads."""
        fixed = self.port
        bound: list[ThreadingHTTPServer] = []
        for _attempt in range(40):
            bound = []
            try:
                bound.append(QuietHTTPServer(("127.0.0.1", fixed), _Handler))
                port = bound[0].server_address[1]
                for ip in self._by_ip:
                    bound.append(QuietHTTPServer((ip, port), _Handler))
            except OSError:
                for srv in bound:
                    srv.server_close()
                if fixed:
                    raise
                continue
            self.port = port
            break
        else:
            raise OSError("no port free on all replica IPs")
        for srv in bound:
            srv.daemon_threads = True
            srv.replica = self  # type: ignore[attr-defined]
            t = threading.Thread(
                target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            t.start()
            self._threads.append(t)
        self._servers = bound
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        for srv in self._servers:
            threading.Thread(target=srv.shutdown, daemon=True).start()
        for t in self._threads:
            t.join(timeout=5)
        for srv in self._servers:
            srv.server_close()
        self._servers, self._threads = [], []

    def __enter__(self) -> ReplicaServer:
        return self.start() if not self._servers else self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- control ---------------------------------------------------------------
    def set_mode(self, unit_id: str, mode: str) -> None:
        """ok | down (500s) | broken (unknown layout) | slow (2 s delay) | dead (connection closed)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.corpus.unit(unit_id)
        with self._lock:
            self._modes[unit_id] = mode

    def mode(self, unit_id: str) -> str:
        """The current mode of a unit."""
        with self._lock:
            return self._modes.get(unit_id, "ok")

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self.requests.clear()

    def publish(self, unit_id: str, n: int = 1) -> list[str]:
        """Add ``n`` new articles at the top of the unit's first category; their URLs."""
        with self._lock:
            new = self.corpus.publish(unit_id, n)
            self._index(unit_id)
        return [self.corpus.url(s, self.base_urls()) for s in new]

    def units_toml(self) -> str:
        """A complete units file for these replicas."""
        return units_toml(self.corpus, self.base_url)

    def write_units(self, path: str | Path) -> Path:
        """Write :meth:`units_toml` to ``path``."""
        p = Path(path)
        p.write_text(self.units_toml(), encoding="utf-8")
        return p

    def labels(self) -> list[dict[str, Any]]:
        """The corpus' ground-truth pairs with this server's URLs."""
        return self.corpus.labels(self.base_urls())

    # -- routing ---------------------------------------------------------------
    def _index(self, unit_id: str) -> None:
        u = self.corpus.unit(unit_id)
        routes: dict[str, tuple[Any, ...]] = {}
        for c in u.categories:
            items = self.corpus.category_stories(unit_id, c.key)
            pages = max(1, -(-len(items) // urls.PER_PAGE))
            for page in range(1, pages + 1):
                routes[urls.route_key(urls.list_path(u, c, page))] = ("list", c, page)
        for s in self.corpus.stories[unit_id]:
            routes[urls.route_key(urls.article_path(u, s))] = ("article", s)
            for a in s.attachments:
                self._files[urls.route_key(a.path)] = a.name
        self._routes[unit_id] = routes

    def render(self, unit_id: str | None, path_qs: str) -> common.Response:
        """The response for a path on a unit's site (None: the index host)."""
        if unit_id is None:
            return common.Response(body=self._index_page())
        u = self.corpus.unit(unit_id)
        mode = self.mode(unit_id)
        if mode == "dead":
            raise _Dead
        if mode == "slow":
            time.sleep(SLOW_SECONDS)
        if u.redirect_to:
            return common.Response(
                301, b"", headers={"Location": self.base_url(u.redirect_to) + path_qs}
            )
        if mode == "down":
            return common.Response(500, "<h1>500 Internal Server Error</h1>")
        with self._lock:
            return self._render_site(unit_id, path_qs, broken=mode == "broken")

    def _render_site(self, unit_id: str, path_qs: str, *, broken: bool) -> common.Response:
        u = self.corpus.unit(unit_id)
        ctx = common.Ctx(self.corpus, self.base_url, datetime.now(VN_TZ).date())
        mod = module_for(u.platform)
        parts = urlsplit(path_qs)
        path = unquote(parts.path)
        if path == "/robots.txt":
            return common.Response(
                body=self._robots(unit_id), content_type="text/plain", last_modified=_EPOCH
            )
        extra = mod.extra(ctx, u, parts.path, dict(parse_qsl(parts.query)))
        if extra is not None:
            return extra
        hit = self._routes[unit_id].get(urls.route_key(path_qs))
        if hit and hit[0] == "list":
            c, page = hit[1], hit[2]
            items = self.corpus.category_stories(unit_id, c.key)
            pages = max(1, -(-len(items) // urls.PER_PAGE))
            chunk = items[(page - 1) * urls.PER_PAGE : page * urls.PER_PAGE]
            html = (
                common.broken_list(ctx, u, c, chunk)
                if broken
                else mod.render_list(ctx, u, c, page, chunk, pages)
            )
            return common.Response(body=html, last_modified=max(s.published for s in items))
        if hit:
            s: Story = hit[1]
            html = common.broken_article(ctx, u, s) if broken else mod.render_article(ctx, u, s)
            return common.Response(body=html, last_modified=s.published)
        if path in ("/", "") or path == urls.INTERNAL_PREFIX + "/":
            newest = max(s.published for s in self.corpus.stories[unit_id])
            return common.Response(body=common.home(ctx, u), last_modified=newest)
        return self._file(path, parts.query, urls.route_key(path_qs))

    def _file(self, path: str, query: str, key: str) -> common.Response:
        if path == "/c/document_library/get_file" and key in self._files:
            name = self._files[key]
            data, ctype = files.asset(name + ".pdf") or (b"", "application/pdf")
            disp = f"attachment; filename*=UTF-8''{urls.session_id(name)}.pdf"
            return common.Response(
                body=data,
                content_type=ctype,
                headers={"Content-Disposition": disp},
                last_modified=_EPOCH,
            )
        found = files.asset(path)
        if found is None:
            return common.Response(404, "<h1>404 Không tìm thấy trang</h1>")
        return common.Response(body=found[0], content_type=found[1], last_modified=_EPOCH)

    def _robots(self, unit_id: str) -> str:
        u = self.corpus.unit(unit_id)
        lines = [
            "User-agent: *",
            f"Disallow: {urls.INTERNAL_PREFIX}/",
            "Disallow: /c/portal/login",
            "",
        ]
        if u.platform == "feed":
            lines.append(f"Sitemap: {self.base_url(unit_id)}/sitemap.xml")
        return "\n".join(lines) + "\n"

    def _index_page(self) -> str:
        rows = "".join(
            f'<tr><td><a href="{self.base_url(u.id)}/">{common.esc(u.name)}</a></td><td>{u.id}</td>'
            f"<td>{u.platform}</td><td>{u.province}</td><td>{self.base_url(u.id)}</td></tr>"
            for u in self.corpus.units
        )
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>vnfeeds replicas</title></head>'
            f"<body><h1>Replica sites (seed {self.seed})</h1><table>{rows}</table></body></html>"
        )


def _http_date(dt: datetime) -> str:
    return email.utils.format_datetime(dt.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_modified(headers: Any, etag: str, last_modified: datetime) -> bool:
    inm = headers.get("If-None-Match")
    if inm:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "Apache-Coyote/1.1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are recorded on the server object instead."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        rep: ReplicaServer = self.server.replica  # type: ignore[attr-defined]
        ip = self.connection.getsockname()[0]
        unit_id = rep._by_ip.get(ip)
        host = self.headers.get("Host") or f"{ip}:{rep.port}"
        record = {k: v for k, v in self.headers.items()}
        try:
            resp = rep.render(unit_id, self.path)
        except _Dead:
            with rep._lock:
                rep.requests.append(RequestRecord(host, self.command, self.path, 0, record))
            self.close_connection = True
            return
        body = resp.body
        ctype = resp.content_type
        if isinstance(body, str):
            u = rep.corpus.unit(unit_id) if unit_id else None
            if u and u.encoding == "windows-1258" and ctype == "text/html":
                body, ctype = encode_cp1258(body), "text/html; charset=windows-1258"
            else:
                body, ctype = body.encode("utf-8"), ctype + "; charset=utf-8"
        status = resp.status
        headers = dict(resp.headers)
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            lm = resp.last_modified or _EPOCH
            headers["ETag"] = etag
            headers["Last-Modified"] = _http_date(lm)
            if _not_modified(self.headers, etag, lm):
                status, body = 304, b""
        with rep._lock:
            rep.requests.append(RequestRecord(host, self.command, self.path, status, record))
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)
