"""Nothing live in any feed: an XSS corpus in every article field, rendered in Chromium.

The feed tree is exported with hostile text in the title, lead, body, image captions and
URLs, attachment names and URLs, category, author and a unit's name. Every exported
document is parsed, and every piece a reader shows as HTML (RSS ``description`` and
``content:encoded``; Atom ``summary``/``content`` by their ``type``; JSON Feed
``content_html``, with ``summary``/``content_text`` as the plain text the spec makes
them; the HTML index as a page, also served with each payload as its ``?q=`` search) is
loaded into headless Chromium. A payload that runs
calls ``alert()``, which Chromium reports over the DevTools protocol as a dialog; none may
open, and no ``javascript:`` URL may be left in the rendered DOM. A positive control
shows the harness does see a payload that runs.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from domain.registry import Registry, load_registry
from feeds.config import FeedConfig
from feeds.export import export_tree
from storage.db import Store
from storage.models import Cluster
from storage.repository import sync_registry
from tests.dedup.test_browser import ARGS, CHROMIUM, _need_chromium
from tests.feeds.checks import not_bozo
from tests.feeds.conftest import UNITS, make_article
from web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"

#: Text payloads: harmless as text, live if a reader renders the text as HTML.
TEXT_PAYLOADS = [
    "<svg onload=\"alert('xss-svg')\">",
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "&lt;img src=x onerror=alert('xss-entity')&gt;",
    '"><iframe srcdoc="<script>parent.alert(\'xss-srcdoc\')</script>"></iframe>',
    "<details open ontoggle=alert('xss-details')>",
    "]]><script>alert('xss-cdata')</script>",
]

#: HTML payloads for the body (what a hostile or badly stored body could hold).
BODY_PAYLOADS = [
    "<p>Nội dung</p><script>alert('xss-body-script')</script>",
    "<img src=x onerror=\"alert('xss-body-img')\">",
    "<a href=\"javascript:alert('xss-body-href')\">bấm</a>",
    "<a href=\" jav&#x09;ascript:alert('xss-body-href2')\">bấm</a>",
    "<svg><animate onbegin=alert('xss-body-anim') attributeName=x dur=1s>",
    "<iframe src=\"javascript:alert('xss-body-iframe')\"></iframe>",
    "<object data=\"javascript:alert('xss-body-object')\"></object>",
    "<form action=\"javascript:alert('xss-body-form')\"><button>x</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-body-mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-body-noscript')>\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('xss-body-meta')\">",
    "<p style=\"background:url(javascript:alert('xss-body-style'))\" onclick=alert(1)>x</p>",
    "<base href=\"javascript:alert('xss-body-base')//\"><a href=x>x</a>",
    "<p>]]><script>alert('xss-body-cdata')</script></p>",
]

HOSTILE_UNIT = "Sở <img src=x onerror=alert('xss-unit')> Hà Nội"
JS_URL = "javascript:alert('xss-url')"
CONTROL = "<img src=x onerror=alert('control')>"

FIND_JS_URLS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (/^(javascript|vbscript|data:text\\/html)/.test(v)) bad.push(el.tagName + ' ' + a.name);
    }
  }
  return bad;
}"""


@pytest.fixture
def hostile_registry(tmp_path: Path) -> Registry:
    """The feed tests' units, with a payload as Hà Nội's unit name."""
    text = UNITS.replace('name = "Sở Y tế Hà Nội"', f"name = {json.dumps(HOSTILE_UNIT)}")
    f = tmp_path / "hostile.toml"
    f.write_text(text, encoding="utf-8")
    reg = load_registry(f)
    assert not reg.problems, reg.problems
    assert reg.units["hanoi-syt"].name == HOSTILE_UNIT
    return reg


def _seed(store: Store, registry: Registry) -> None:
    with store.session() as s:
        sync_registry(s, registry)
        cl = Cluster()
        s.add(cl)
        s.flush()
        n = 0
        for i, text in enumerate(TEXT_PAYLOADS):
            for unit in ("hanoi-syt", "phutho-soct"):
                n += 1
                make_article(
                    s,
                    unit,
                    n,
                    title=f"Tiêu đề {text}",
                    lead=f"Tóm tắt {text}",
                    body_html="" if i % 2 else f"<p>Thân bài</p>{BODY_PAYLOADS[i]}",
                    body_text=f"Thân bài {text}",
                    category=f"Chuyên mục {text}",
                    author=f"Tác giả {text}",
                    images=[
                        {"url": f"https://img.example.vn/{n}.jpg", "caption": f"Ảnh {text}"},
                        {"url": JS_URL, "caption": text},
                    ]
                    if i % 3
                    else [{"url": JS_URL, "caption": f"Ảnh {text}"}],
                    attachments=[
                        {"url": JS_URL, "name": f"Tệp {text}"},
                        {"url": "https://files.example.vn/a.pdf", "name": text, "type": "pdf"},
                    ],
                    cluster=cl if n <= 4 else None,
                    topics=("y-te",),
                )
        for body in BODY_PAYLOADS:
            n += 1
            make_article(s, "hanoi-syt", n, body_html=body, lead="", topics=("y-te",))
        n += 1
        make_article(s, "hanoi-syt", n, topics=("y-te",)).url = "javascript:alert('xss-link')"


def _text_as_html(text: str | None) -> str:
    return html.escape(text or "")


def _atom_as_html(el: etree._Element | None) -> str:
    """What a reader renders for an Atom text construct, by its ``type``."""
    if el is None:
        return ""
    kind = el.get("type", "text")
    if kind == "html":
        return el.text or ""
    if kind == "xhtml":
        return "".join(etree.tostring(c, encoding="unicode") for c in el)
    return _text_as_html(el.text)


def _links(out: Path) -> Iterator[tuple[str, str]]:
    """(where, URL) of every link a reader may open: item, entry and channel links."""
    for path in sorted(out.rglob("*")):
        rel = "/" + path.relative_to(out).as_posix()
        if path.suffix in (".rss", ".atom"):
            root = etree.fromstring(path.read_bytes())
            for el in root.iter("link", f"{ATOM}link"):
                yield rel, (el.text or "").strip() if el.tag == "link" else el.get("href", "")
            for el in root.iter(f"{MEDIA}content", "enclosure"):
                yield rel, el.get("url", "")
        elif path.suffix == ".json" and not rel.startswith("/."):
            doc = json.loads(path.read_bytes())
            yield rel, doc.get("home_page_url", "")
            for item in doc["items"]:
                yield rel, item.get("url", "")
                if "image" in item:
                    yield rel, item["image"]
                for att in item.get("attachments", []):
                    yield rel, att["url"]


def _fragments(out: Path) -> Iterator[tuple[str, str]]:
    """(where, html) for every piece of every exported document a reader shows as HTML."""
    for path in sorted(out.rglob("*")):
        rel = "/" + path.relative_to(out).as_posix()
        if rel.startswith("/."):
            continue  # the exporter's own bookkeeping, never served
        body = path.read_bytes() if path.is_file() else b""
        if path.suffix == ".rss":
            not_bozo(body)
            root = etree.fromstring(body)
            yield f"{rel} channel/description", root.findtext("channel/description") or ""
            for k, item in enumerate(root.iter("item")):
                yield f"{rel} item {k} description", item.findtext("description") or ""
                yield f"{rel} item {k} content:encoded", item.findtext(f"{CONTENT}encoded") or ""
                yield f"{rel} item {k} title", _text_as_html(item.findtext("title"))
        elif path.suffix == ".atom":
            not_bozo(body)
            root = etree.fromstring(body)
            yield f"{rel} subtitle", _atom_as_html(root.find(f"{ATOM}subtitle"))
            for k, entry in enumerate(root.iter(f"{ATOM}entry")):
                for tag in ("title", "summary", "content"):
                    yield f"{rel} entry {k} {tag}", _atom_as_html(entry.find(f"{ATOM}{tag}"))
        elif path.suffix == ".json":
            doc = json.loads(body)
            for k, item in enumerate(doc["items"]):
                yield f"{rel} item {k} content_html", item.get("content_html") or ""
                for key in ("summary", "content_text", "title"):
                    yield f"{rel} item {k} {key}", _text_as_html(item.get(key))
        elif path.suffix == ".opml":
            etree.fromstring(body)
        elif path.suffix == ".html":
            yield rel, body.decode("utf-8")


def test_no_payload_runs_in_any_exported_feed(
    sqlite_store: Store, hostile_registry: Registry, tmp_path: Path
) -> None:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    _seed(sqlite_store, hostile_registry)
    out = tmp_path / "site"
    config = FeedConfig(base_url="https://feeds.test", limit=5, version_ttl=0.0)
    rep = export_tree(sqlite_store, hostile_registry, out, config=config)
    assert "/all.rss" in rep.written and "/units/hanoi-syt.json" in rep.written

    bad_links = [f"{where}: {url}" for where, url in _links(out) if not url.startswith("http")]
    assert not bad_links, bad_links[:10]

    pieces: dict[str, str] = {}
    for where, fragment in _fragments(out):
        pieces.setdefault(fragment, where)
    joined = "\n".join(pieces)
    # the corpus did reach the feeds (as text), so the check below is about something
    assert "xss-svg" in joined and "xss-unit" in joined and "xss-script" in joined
    # the served index reflects its search: each payload as ?q=
    with TestClient(create_app(sqlite_store, hostile_registry, config)) as client:
        for text in TEXT_PAYLOADS:
            r = client.get("/", params={"q": text})
            assert r.status_code == 200 and "xss-" in r.text
            pieces.setdefault(r.text, f"/?q={text}")

    dialogs: list[str] = []
    leftovers: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()

            def on_dialog(d: Dialog) -> None:
                dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", on_dialog)

            def show(fragment: str) -> Any:
                page.set_content(f"<!doctype html><html><body>{fragment}</body></html>")
                page.wait_for_timeout(30)  # let animations/toggles fire
                return page.evaluate(FIND_JS_URLS)

            show(CONTROL)
            assert dialogs == ["control"], "the harness must see a payload that runs"
            dialogs.clear()
            for fragment, where in pieces.items():
                before = len(dialogs)
                bad = show(fragment)
                if len(dialogs) > before:
                    leftovers.append(f"{where}: ran {dialogs[before:]}")
                if bad:
                    leftovers.append(f"{where}: javascript URL in {bad}")
        finally:
            browser.close()
    assert not leftovers, "\n".join(leftovers[:20])
