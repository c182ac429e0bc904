"""A saved site folder (``<slug>/index.html``) served on 127.0.0.1, as the rebuilt sites are.

``/a/b`` and ``/a/b/`` serve ``a/b/index.html`` (or ``a/b/index.html.gz``, stored
compressed); anything else is a 404. ``rewrite``
(path, html) -> html lets a test change the pages under a running crawl.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

Rewrite = Callable[[str, str], str]


class FolderSite:
    """Serve ``root`` on an ephemeral loopback port; ``base`` is its address."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rewrite: Rewrite | None = None
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                outer.paths.append(path)
                page = outer.page(path)
                data = (page if page is not None else "not found").encode("utf-8")
                self.send_response(200 if page is not None else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._t = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def page(self, path: str) -> str | None:
        """The page at ``path`` (rewritten when a rewrite is set), None when absent."""
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        file = self.root.joinpath(*parts, "index.html")
        packed = file.with_name("index.html.gz")
        if file.is_file():
            html = file.read_text(encoding="utf-8", errors="replace")
        elif packed.is_file():
            html = gzip.decompress(packed.read_bytes()).decode("utf-8", errors="replace")
        else:
            return None
        return self.rewrite(path, html) if self.rewrite else html

    def __enter__(self) -> FolderSite:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
