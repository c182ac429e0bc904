"""Save pages of the replica sites (``replicas``) as golden fixture pages.

Each unit's site is fetched over loopback and stored under
``tests/fixtures/<platform>/replica_<unit>_<what>.html`` with every replica address
(``http://127.0.2.N:PORT``) rewritten to the fixed host ``http://<unit>.replica.test``,
so the stored pages do not depend on the port. Expected JSON is then written by
``python -m tests.regen_golden`` and must be read before it is committed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from crawlers.fetch import fetch
from replicas import urls
from replicas.server import ReplicaServer
from replicas.story import Story
from replicas.unitsfile import CUSTOM_SELECTORS
from tests.platforms.golden import FIXTURES

REDIRECTING = {"hoabinh-stc"}  # every request answers 301: no pages of its own


def fixed_host(unit_id: str) -> str:
    """The stable address a captured page of ``unit_id`` gets."""
    return f"http://{unit_id}.replica.test"


def _rewriter(srv: ReplicaServer) -> tuple[re.Pattern[bytes], dict[bytes, bytes]]:
    table = {base.encode(): fixed_host(uid).encode() for uid, base in srv.base_urls().items()}
    pattern = re.compile(b"|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return pattern, table


def _picks(srv: ReplicaServer, unit_id: str) -> list[Story]:
    """Two articles per unit: the seed (on hoabinh-soct) or one with an image, one with files."""
    stories = [s for s in srv.corpus.stories[unit_id] if not s.internal]
    first = next((s for s in stories if s.group == "g00"), None) or next(
        (s for s in stories if s.image is not None), stories[0]
    )
    second = next((s for s in stories if s.attachments and s is not first), None) or next(
        s for s in stories if s is not first and s.image is None
    )
    return [first, second]


def capture(platforms: list[str] | None = None, *, seed: int = 1) -> list[Path]:
    """Fetch list and article pages of every replica unit and store them as fixtures."""
    written: list[Path] = []
    with ReplicaServer(port=0, seed=seed) as srv:
        pattern, table = _rewriter(srv)

        def store(unit_id: str, platform: str, name: str, url: str, meta: dict[str, Any]) -> None:
            page = fetch(url, allow_private=True)
            body = pattern.sub(lambda m: table[m.group(0)], page.body)
            fixed_url = pattern.sub(lambda m: table[m.group(0)], page.url.encode()).decode()
            folder = FIXTURES / platform
            folder.mkdir(parents=True, exist_ok=True)
            ext = ".xml" if name.endswith(".list") and platform == "feed" else ".html"
            path = folder / f"replica_{unit_id}_{name}{ext}"
            path.write_bytes(body)
            info = {"url": fixed_url, "platform": meta.pop("platform", platform), **meta}
            if page.encoding and page.encoding.lower() not in ("utf-8", "utf8"):
                info["encoding"] = page.encoding
            meta_path = path.with_name(f"replica_{unit_id}_{name}.meta.json")
            meta_path.write_text(
                json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            written.append(path)

        bases = srv.base_urls()
        for u in srv.corpus.units:
            if u.id in REDIRECTING or (platforms and u.platform not in platforms):
                continue
            extra: dict[str, Any] = (
                {"overrides": CUSTOM_SELECTORS} if u.platform == "selectors" else {}
            )
            if u.platform == "selectors":
                extra["detect"] = None
            cat = u.categories[0]
            first_list = urls.feed_path(cat) if u.platform == "feed" else urls.list_path(u, cat)
            store(u.id, u.platform, "p1.list", bases[u.id] + first_list, dict(extra))
            if u.platform != "feed":
                store(
                    u.id,
                    u.platform,
                    "p2.list",
                    bases[u.id] + urls.list_path(u, cat, 2),
                    dict(extra),
                )
            for story in _picks(srv, u.id):
                meta = dict(extra)
                if u.platform == "feed":
                    meta["detect"] = None
                store(u.id, u.platform, str(story.aid), srv.corpus.url(story, bases), meta)
        if not platforms or "feed" in platforms:
            portal = srv.corpus.unit("hoabinh-portal")
            rss = f"{bases[portal.id]}/web/guest/rss?categoryId={portal.categories[0].cid}"
            store(portal.id, "feed", "rss.list", rss, {"platform": "feed", "detect": "feed"})
    return written
