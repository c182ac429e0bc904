"""The parsers read the live replica sites exactly as their corpus wrote them.

Every replica unit: its lists (entries, dates, next page) and a sample of articles
(title, date and time flag, category, lead, every paragraph and nothing else, image
caption, attachments, byline) against the seeded ground truth.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest

from crawlers.cleaning.dates import parse_list_date
from crawlers.extract import extract_list, extract_page
from crawlers.fetch import fetch
from replicas import urls
from replicas.server import ReplicaServer
from replicas.story import Story
from replicas.unitsfile import CUSTOM_SELECTORS
from storage.urls import canonical_url

SAMPLE = 3
UNITS = [
    "hoabinh-soct",
    "hoabinh-portal",
    "phutho-stc",
    "phutho-soct",
    "phutho-skhcn",
    "vinhphuc-stttt",
    "vinhphuc-sxd",
    "thanhhoa-sct",
    "thanhhoa-syt",
    "thanhhoa-snnmt",
    "hanoi-sct",
    "hanoi-sgddt",
    "hanoi-stp",
    "bct-xttm",
]


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def srv() -> Iterator[ReplicaServer]:
    with ReplicaServer(port=0, seed=1) as server:
        yield server


def _overrides(platform: str) -> dict[str, str] | None:
    return dict(CUSTOM_SELECTORS) if platform == "selectors" else None


def _sample(srv: ReplicaServer, unit_id: str) -> list[Story]:
    stories = [s for s in srv.corpus.stories[unit_id] if not s.internal]
    special = [s for s in stories if s.group == "g00" or s.attachments or s.image is None][:SAMPLE]
    return special + stories[:SAMPLE]


@pytest.mark.parametrize("unit_id", UNITS)
def test_replica_articles_extract_exactly(srv: ReplicaServer, unit_id: str) -> None:
    u = srv.corpus.unit(unit_id)
    for s in _sample(srv, unit_id):
        page = fetch(srv.corpus.url(s, srv.base_urls()), allow_private=True)
        platform = None if u.platform == "feed" else u.platform
        a = extract_page(
            page.body,
            page.url,
            platform=platform,
            overrides=_overrides(u.platform),
            encoding=page.encoding,
        )
        where = f"{unit_id} #{s.aid}"
        assert not a.fallback and not a.problems, where
        assert a.title == norm(s.title), where
        assert a.published is not None, where
        if u.variant == "capnhap":  # "Ngày cập nhập: 6/10/2017": the page prints no time
            assert a.published.date() == s.published.date() and a.time_unknown, where
        else:
            assert a.published == s.published and a.time_unknown == (not s.has_time), where
        assert a.category == norm(u.category(s.category).name), where
        assert norm(a.lead) == norm(s.lead), where
        expected_lines = [norm(s.lead)] if s.lead else []
        expected_lines += [norm(s.image.caption)] if s.image else []
        expected_lines += [norm(p) for p in s.paragraphs]
        if s.source and u.platform == "feed":  # generic extraction keeps the source line
            expected_lines.append(norm(f"Nguồn: {s.source}"))
        assert a.body_text.split("\n") == expected_lines, where
        if s.image:
            assert a.images[0].caption == norm(s.image.caption), where
            assert a.images[0].url.startswith("http"), where
        else:
            assert not a.images, where
        assert [x.url.rsplit("/", 1)[-1].split("?")[0] for x in a.attachments] == [
            urls_name(x.path) for x in s.attachments
        ], where
        assert norm(a.author) == norm(s.author), where
        if s.source:
            assert a.source == norm(s.source), where


def urls_name(path: str) -> str:
    """The last path segment of an attachment as a page links it (percent-encoded)."""
    from urllib.parse import quote

    return quote(path.rsplit("/", 1)[-1].split("?")[0])


@pytest.mark.parametrize("unit_id", UNITS)
def test_replica_lists_extract_exactly(srv: ReplicaServer, unit_id: str) -> None:
    u = srv.corpus.unit(unit_id)
    bases = srv.base_urls()
    for c in u.categories[:2]:
        url: str | None = bases[u.id] + (
            urls.feed_path(c) if u.platform == "feed" else urls.list_path(u, c)
        )
        seen: dict[str, tuple[str, str]] = {}
        pages = 0
        while url and pages < 10:
            page = fetch(url, allow_private=True)
            listing = extract_list(
                page.body,
                page.url,
                platform=u.platform,
                overrides=_overrides(u.platform),
                encoding=page.encoding,
            )
            assert listing.entries, url
            for e in listing.entries:
                seen[canonical_url(e.url)] = (e.date_text, e.title)
            url, pages = listing.next_url, pages + 1
        stories = srv.corpus.category_stories(u.id, c.key)
        expected = {canonical_url(srv.corpus.url(s, bases)): s for s in stories}
        assert set(seen) == set(expected), f"{unit_id}/{c.key}"
        for key, s in expected.items():
            date_text, title = seen[key]
            parsed = parse_list_date(date_text)
            assert parsed is not None and parsed.value.date() == s.list_date.date(), (
                key,
                date_text,
            )
            assert title == norm(s.title), key
