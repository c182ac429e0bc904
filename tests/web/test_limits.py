"""Bounded work per request on the feed paths (issue 12, point 4).

``/all.rss?q=t0,…,t2999`` took 16.8 s. The number of filter terms (``q`` and
``exclude`` together, commas and repeated parameters alike), each term's length, the
whole query string and the index search are now bounded, with a clear 400 beyond;
filtering looks at no more than ``filter_scan`` items. The timing itself is measured by
``python -m bench.feeds`` (a benchmark, not a test).
"""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from domain.registry import Registry
from domain.syllables import match_form
from feeds import queries
from feeds.config import FeedConfig
from storage.db import Store
from tests.feeds.conftest import make_article
from tests.servers import free_port, uvicorn_server
from web.app import create_app


def _client(store: Store, registry: Registry, **config: object) -> TestClient:
    with store.session() as s:
        for n in range(1, 31):
            make_article(s, "hanoi-syt", n, title=f"Tin số {n} về y tế")
    cfg = FeedConfig(version_ttl=60.0, filter_scan=10).with_(**config)
    return TestClient(create_app(store, registry, cfg))


@pytest.fixture
def client(fstore: Store, registry: Registry) -> TestClient:
    return _client(fstore, registry)


def _config(c: TestClient) -> FeedConfig:
    config: FeedConfig = c.app.state.config  # type: ignore[attr-defined]
    return config


def test_too_many_terms_is_a_clear_400(client: TestClient) -> None:
    cfg = _config(client)
    r = client.get("/all.rss?q=" + ",".join(f"t{i}" for i in range(3000)))  # the issue's
    assert r.status_code == 400
    assert r.text.strip() == "query string too long: 16891 bytes (at most 2048)"
    n = cfg.max_terms + 1
    r = client.get("/all.rss?q=" + ",".join(f"t{i}" for i in range(n)))
    assert r.status_code == 400
    assert r.text.strip() == f"too many filter terms: {n} (at most {cfg.max_terms})"
    at_limit = ",".join(f"t{i}" for i in range(cfg.max_terms))
    assert client.get("/all.rss?q=" + at_limit).status_code == 200
    # repeated parameters and exclude terms count together
    split = [("q", f"a{i}") for i in range(cfg.max_terms // 2 + 1)]
    split += [("exclude", f"b{i}") for i in range(cfg.max_terms // 2 + 1)]
    r = client.get("/all.atom?" + urlencode(split))
    assert r.status_code == 400 and "too many filter terms" in r.text


def test_long_terms_and_long_queries_are_a_clear_400(client: TestClient) -> None:
    cfg = _config(client)
    r = client.get("/units/hanoi-syt.json?q=" + "y" * (cfg.max_term_length + 1))
    assert r.status_code == 400
    assert r.text.strip() == (
        f"filter term too long: {cfg.max_term_length + 1} characters "
        f"(at most {cfg.max_term_length})"
    )
    ok = client.get("/units/hanoi-syt.json?q=" + "y" * cfg.max_term_length)
    assert ok.status_code == 200
    r = client.get("/all.rss?zz=" + "x" * (cfg.max_query_length + 1))
    assert r.status_code == 400 and "query string too long" in r.text
    r = client.get("/?q=" + "h" * (cfg.max_term_length + 1))
    assert r.status_code == 400 and "too long" in r.text
    assert client.get("/?q=hanoi").status_code == 200


def test_filtering_looks_at_no_more_than_filter_scan_items(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = queries.Filters.matches

    def counting(self: queries.Filters, text: str) -> bool:
        seen.append(1)
        return real(self, text)

    monkeypatch.setattr(queries.Filters, "matches", counting)
    r = client.get("/units/hanoi-syt.rss?q=khong-co-tu-nay")
    assert r.status_code == 200
    assert 0 < len(seen) <= _config(client).filter_scan


def test_many_distinct_queries_do_not_grow_the_cache_without_bound(
    sqlite_store: Store, registry: Registry
) -> None:
    from storage.repository import sync_registry

    with sqlite_store.session() as s:
        sync_registry(s, registry)
    client = _client(sqlite_store, registry, cache_bytes=60_000)
    cache = client.app.state.feeds.cache  # type: ignore[attr-defined]
    sizes = []
    for i in range(40):
        assert client.get(f"/all.json?q=tin,t{i}&limit=200").status_code == 200
        sizes.append(cache.size_bytes)
    assert max(sizes) <= 60_000 and len(cache._docs) < 40
    assert client.get("/all.json?q=tin,t39&limit=200").status_code == 200  # newest kept


def test_filters_match_words_ignoring_case_and_tone_in_one_pass() -> None:
    f = queries.Filters.from_params(["Hòa Bình, y tế"], ["thông báo"])
    assert f.matches("Tỉnh HOÀ BÌNH khai mạc")
    assert f.matches("Ngành Y TẾ")
    assert not f.matches("hòa bìnhx")
    assert not f.matches("Hòa Bình: Thông Báo lịch")
    assert not f.matches("không liên quan")


_WORDS = ["hòa", "hoà", "HOÀ", "bình", "thủy", "thuỷ", "khỏe", "khoẻ", "y", "tế", "Tế", "sở", "tin"]


@given(
    text=st.lists(st.sampled_from([*_WORDS, ",", ".", "\n", "x1"]), max_size=12),
    q=st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=2), max_size=3),
    x=st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=2), max_size=2),
)
@settings(max_examples=300, deadline=None)
def test_one_pass_matching_equals_a_regex_per_term(
    text: list[str], q: list[list[str]], x: list[list[str]]
) -> None:
    """The fast path (any-tone prefilter, one alternation) decides exactly as before."""
    body = " ".join(text)
    f = queries.Filters.from_params([" ".join(t) for t in q], [" ".join(t) for t in x])
    form = " ".join(match_form(body).split())

    def has(term: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", form) is not None

    expected = (not f.q or any(has(t) for t in f.q)) and not any(has(t) for t in f.exclude)
    assert f.matches(body) == expected


def test_at_most_two_filtered_renders_run_at_once(
    fstore: Store, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four slow filtered requests: two render, two wait, and other feeds are still served."""
    release = threading.Event()
    lock = threading.Lock()
    active = [0, 0]  # now, most seen

    real = queries.Filters.matches

    def slow(self: queries.Filters, text: str) -> bool:
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
        try:
            release.wait(20)
            return real(self, text)
        finally:
            with lock:
                active[0] -= 1

    client = _client(fstore, registry)  # seeds the articles
    app = client.app
    monkeypatch.setattr(queries.Filters, "matches", slow)
    with uvicorn_server(app, free_port()) as base:
        results: list[int] = []

        def fetch(i: int) -> None:
            results.append(httpx.get(f"{base}/all.rss?q=tin{i}", timeout=30).status_code)

        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while active[0] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert active[0] == 2, "two filtered renders should be running"
        other = httpx.get(f"{base}/units/hanoi-syt.atom", timeout=10)
        assert other.status_code == 200, "unfiltered feeds are served meanwhile"
        assert active[1] == 2, "no third filtered render started"
        release.set()
        for t in threads:
            t.join(30)
    assert results == [200] * 4 and active[1] == 2
