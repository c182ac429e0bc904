"""A feed opened in a browser: RSS and Atom point to an XSLT page; readers parse the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from starlette.testclient import TestClient

from domain.registry import Registry
from feeds.config import FeedConfig
from feeds.export import export_tree
from storage.db import Store
from tests.feeds.checks import check_feed
from tests.feeds.conftest import make_article
from web.app import create_app

PI = b'<?xml-stylesheet type="text/xsl" href="http://feeds.test/feed.xsl"?>'


@pytest.fixture
def client(fstore: Store, registry: Registry, config: FeedConfig) -> Iterator[TestClient]:
    with fstore.session() as s:
        for n in range(1, 4):
            make_article(s, "phutho-soct", n, title=f"Tin <số> {n} & “Phú Thọ”")
    with TestClient(create_app(fstore, registry, config)) as c:
        yield c


def _transform(client: TestClient, body: bytes) -> etree._Element:
    xslt = etree.XSLT(etree.fromstring(client.get("/feed.xsl").content))
    return xslt(etree.fromstring(body)).getroot()


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feeds_carry_the_stylesheet_and_stay_valid(client: TestClient, fmt: str) -> None:
    r = client.get(f"/units/phutho-soct.{fmt}")
    body = r.content
    assert body.splitlines()[1] == PI, body[:200]
    check_feed(f"/units/phutho-soct.{fmt}", body)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [f"Tin <số> {n} & “Phú Thọ”" for n in (3, 2, 1)]
    # the same document without the instruction parses to the same entries
    bare = feedparser.parse(body.replace(PI + b"\n", b""))
    assert [e.id for e in bare.entries] == [e.id for e in parsed.entries]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_the_stylesheet_renders_a_readable_page(client: TestClient, fmt: str) -> None:
    r = client.get("/feed.xsl")
    assert r.status_code == 200 and r.headers["content-type"] == "text/xsl; charset=utf-8"
    html = _transform(client, client.get(f"/units/phutho-soct.{fmt}").content)
    text = " ".join(html.itertext())
    assert html.get("lang") == "vi"
    assert "Hãy sao chép địa chỉ này vào trình đọc tin" in text
    url = html.find(".//input[@id='feed-url']")
    assert url is not None and url.get("value") == f"http://feeds.test/units/phutho-soct.{fmt}"
    items = html.findall(".//ol[@class='items']/li")
    assert [" ".join(li.find("h3/a").itertext()) for li in items] == [
        f"Tin <số> {n} & “Phú Thọ”" for n in (3, 2, 1)
    ]
    assert all(li.find("h3/a").get("href", "").startswith("http") for li in items)
    dates = [li.find("div").text or "" for li in items]
    assert all(len(d) == 16 and d[2] == "/" and d[5] == "/" for d in dates), dates


def test_the_stylesheet_in_english(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNFEEDS_LANG", "en")
    client.app.state.feeds.cache.invalidate()  # type: ignore[attr-defined]
    html = _transform(client, client.get("/units/phutho-soct.rss").content)
    assert html.get("lang") == "en"
    assert "Copy this URL into your feed reader" in " ".join(html.itertext())


def test_export_writes_the_stylesheet(
    fstore: Store, registry: Registry, config: FeedConfig, tmp_path: Path
) -> None:
    with fstore.session() as s:
        make_article(s, "phutho-soct", 1)
    export_tree(fstore, registry, tmp_path, config=config)
    assert etree.XSLT(etree.parse(str(tmp_path / "feed.xsl")))
    assert (tmp_path / "units" / "phutho-soct.rss").read_bytes().splitlines()[1] == PI
    assert PI not in (tmp_path / "units" / "phutho-soct.json").read_bytes()


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_browsers_get_the_same_bytes_as_xml(client: TestClient, fmt: str) -> None:
    path = f"/units/phutho-soct.{fmt}"
    reader = client.get(path, headers={"accept": "application/rss+xml, */*;q=0.1"})
    browser = client.get(
        path, headers={"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*"}
    )
    assert reader.headers["content-type"] == f"application/{fmt}+xml; charset=utf-8"
    assert browser.headers["content-type"] == "application/xml; charset=utf-8"
    assert "Accept" in browser.headers["vary"] and "Accept-Encoding" in browser.headers["vary"]
    assert browser.content == reader.content
    assert browser.headers["etag"] == reader.headers["etag"]  # same bytes, same validator
    json_doc = client.get("/units/phutho-soct.json", headers={"accept": "text/html"})
    assert json_doc.headers["content-type"] == "application/feed+json"
