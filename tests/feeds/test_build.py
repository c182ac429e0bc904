"""Feed documents from typed items: structure, validity, determinism, feedgen traps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import lxml.html
from lxml import etree

from feeds.build import render
from feeds.items import AlsoOn, ArchiveLinks, FeedItem, FeedMeta
from feeds.opml import OpmlOutline, render_opml
from tests.feeds.checks import ATOM, CONTENT, check_atom, check_json, check_opml, check_rss

T = datetime(2025, 5, 2, 3, 4, 5, tzinfo=UTC)
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
FH = "{http://purl.org/syndication/history/1.0}"


def items() -> list[FeedItem]:
    return [
        FeedItem(
            guid="tag:vnfeeds.test,2025:a/2",
            title="Hội nghị ngành Công thương <28 tỉnh>",
            url="https://soct.example.vn/tin/2",
            published=T,
            updated=T + timedelta(hours=1),
            unit_id="phutho-soct",
            unit_name="Sở Công Thương tỉnh Phú Thọ",
            lead="Ngày 23/9, tại tỉnh Thanh Hóa …",
            body_html="<p>Nội dung &amp; <b>chi tiết</b></p>",
            images=({"url": "https://soct.example.vn/a.jpg", "caption": "Lãnh đạo chụp ảnh"},),
            attachments=(
                {"url": "https://soct.example.vn/qd.pdf", "name": "Quyết định", "type": "pdf"},
            ),
            category="Tin từ các đơn vị",
            author="Minh Hà",
            topics=(("cong-thuong", "Công thương"),),
            also_on=(AlsoOn("vinhphuc-syt", "Sở Y tế tỉnh Vĩnh Phúc", "https://syt.example.vn/x"),),
        ),
        FeedItem(
            guid="tag:vnfeeds.test,2025:a/1",
            title="Thông báo",
            url="https://soct.example.vn/tin/1",
            published=T - timedelta(days=1),
            updated=T - timedelta(days=1),
            unit_id="phutho-soct",
            unit_name="Sở Công Thương tỉnh Phú Thọ",
            body_html="<p>a ]]> b</p>",
            time_unknown=True,
            date_is_first_seen=True,
        ),
    ]


def meta(fmt: str, **kw: object) -> FeedMeta:
    base = {
        "fmt": fmt,
        "feed_id": "http://feeds.test/units/phutho-soct.atom",
        "self_url": f"http://feeds.test/units/phutho-soct.{fmt}",
        "title": "Sở Công Thương tỉnh Phú Thọ",
        "description": "Tin từ Sở Công Thương",
        "home_url": "https://soct.example.vn/",
        "author": "Sở Công Thương tỉnh Phú Thọ",
        "updated": T + timedelta(hours=1),
        "base_url": "http://feeds.test",
        "hub": "http://hub.test/",
        "archive": ArchiveLinks(
            prev_archive=f"http://feeds.test/units/phutho-soct/archive/3.{fmt}"
        ),
    }
    base.update(kw)
    return FeedMeta(**base)  # type: ignore[arg-type]


def test_rss_structure_and_traps() -> None:
    root = check_rss(render(meta("rss"), items()))
    ch = root.find("channel")
    # trap: the channel <link> is the page, not the self link
    assert ch.findtext("link") == "https://soct.example.vn/"
    links = {e.get("rel"): e.get("href") for e in ch.findall(f"{ATOM}link")}
    assert links["hub"] == "http://hub.test/"
    assert links["prev-archive"].endswith("/archive/3.rss")
    assert ch.findtext("lastBuildDate") == "Fri, 02 May 2025 11:04:05 +0700"
    first, second = ch.findall("item")  # order kept (feedgen prepends by default)
    assert first.findtext("guid") == "tag:vnfeeds.test,2025:a/2"
    assert first.findtext("pubDate") == "Fri, 02 May 2025 10:04:05 +0700"
    assert "Cũng đăng trên: Sở Y tế tỉnh Vĩnh Phúc" in first.findtext("description")
    body = first.findtext(f"{CONTENT}encoded")
    assert "<b>chi tiết</b>" in body and 'href="https://syt.example.vn/x"' in body
    assert "qd.pdf" in body and "a.jpg" in body
    assert [e.text for e in first.findall(f"{DC}creator")] == [
        "Minh Hà",
        "Sở Công Thương tỉnh Phú Thọ",
    ]
    cats = [e.text for e in first.findall("category")]
    assert cats == [
        "Tin từ các đơn vị",
        "Công thương",
        "Sở Công Thương tỉnh Phú Thọ",
        "Sở Y tế tỉnh Vĩnh Phúc",
    ]
    media = first.find(f"{MEDIA}content")
    assert media.get("url") == "https://soct.example.vn/a.jpg" and media.get("type") == "image/jpeg"
    # "]]>" in a body cannot go in CDATA: it is escaped instead, and survives (the body is
    # re-serialised by the allowlist, so the reader-visible text is what is compared)
    shown = lxml.html.fragment_fromstring(second.findtext(f"{CONTENT}encoded"), create_parent=True)
    assert "a ]]> b" in shown.text_content()


def test_atom_structure() -> None:
    root = check_atom(render(meta("atom"), items()))
    assert root.findtext(f"{ATOM}updated") == "2025-05-02T11:04:05+07:00"
    links = {e.get("rel"): e for e in root.findall(f"{ATOM}link")}
    assert links["self"].get("href") == "http://feeds.test/units/phutho-soct.atom"
    assert links["alternate"].get("href") == "https://soct.example.vn/"
    assert links["hub"].get("href") == "http://hub.test/"
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2025-05-02T10:04:05+07:00"
    assert entry.findtext(f"{ATOM}updated") == "2025-05-02T11:04:05+07:00"
    encl = [e for e in entry.findall(f"{ATOM}link") if e.get("rel") == "enclosure"]
    assert [(e.get("href"), e.get("type")) for e in encl] == [
        ("https://soct.example.vn/a.jpg", "image/jpeg"),
        ("https://soct.example.vn/qd.pdf", "application/pdf"),
    ]
    assert entry.find(f"{ATOM}content").get("type") == "html"  # never CDATA in Atom
    assert b"CDATA" not in etree.tostring(root)
    terms = [(c.get("term"), c.get("scheme")) for c in entry.findall(f"{ATOM}category")]
    assert ("cong-thuong", "http://feeds.test/topics/") in terms
    assert ("vinhphuc-syt", "http://feeds.test/units/") in terms


def test_json_feed() -> None:
    doc = check_json(render(meta("json"), items()))
    assert doc["next_url"].endswith("/archive/3.json")
    assert doc["hubs"] == [{"type": "WebSub", "url": "http://hub.test/"}]
    it = doc["items"][0]
    assert it["date_published"] == "2025-05-02T10:04:05+07:00"
    assert it["image"] == "https://soct.example.vn/a.jpg"
    assert it["attachments"] == [
        {
            "url": "https://soct.example.vn/qd.pdf",
            "mime_type": "application/pdf",
            "title": "Quyết định",
        }
    ]
    ext = it["_vnfeeds"]
    assert ext["also_on"] == [
        {
            "unit": "vinhphuc-syt",
            "name": "Sở Y tế tỉnh Vĩnh Phúc",
            "url": "https://syt.example.vn/x",
        }
    ]
    assert ext["unit"]["id"] == "phutho-soct"
    assert doc["items"][1]["_vnfeeds"]["time_unknown"] is True
    assert ext["date_source"] == "article"
    assert doc["items"][1]["_vnfeeds"]["date_source"] == "first_seen"


def test_archive_document_marks() -> None:
    arch = ArchiveLinks(
        current="http://feeds.test/units/u.atom",
        prev_archive="http://feeds.test/units/u/archive/1.atom",
        next_archive="http://feeds.test/units/u/archive/3.atom",
        is_archive=True,
    )
    for fmt in ("atom", "rss"):
        root = (
            check_rss(render(meta("rss", archive=arch), items()))
            if fmt == "rss"
            else check_atom(render(meta("atom", archive=arch), items()))
        )
        scope = root.find("channel") if fmt == "rss" else root
        rels = {e.get("rel") for e in scope.findall(f"{ATOM}link")}
        assert {"current", "prev-archive", "next-archive"} <= rels
        assert scope.find(f"{FH}archive") is not None


def test_bytes_are_deterministic_and_empty_feeds_valid() -> None:
    for fmt in ("rss", "atom", "json"):
        assert render(meta(fmt), items()) == render(meta(fmt), items())
        empty = render(meta(fmt, hub=None, archive=ArchiveLinks()), [])
        {"rss": check_rss, "atom": check_atom, "json": check_json}[fmt](empty)
    assert json.loads(render(meta("json", hub=None), []))["items"] == []


def test_opml() -> None:
    body = render_opml(
        "vnfeeds",
        [
            OpmlOutline("Tất cả", "http://feeds.test/all.rss", "http://feeds.test/"),
            OpmlOutline(
                "Tỉnh Phú Thọ", children=(OpmlOutline("Sở A", "http://feeds.test/units/a.rss"),)
            ),
        ],
    )
    root = check_opml(body)
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    assert urls == ["http://feeds.test/all.rss", "http://feeds.test/units/a.rss"]
    assert [o.get("type") for o in root.iter("outline")] == ["rss", "folder", "rss"]
