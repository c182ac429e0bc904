"""Feed request counts: tallied per request (on serve's hot path too), exact at each scrape."""

from __future__ import annotations

import re

from domain.registry import Registry
from feeds.config import FeedConfig
from ops.metrics import build_registry
from storage.db import Store
from tests.servers import free_port, uvicorn_server
from tests.web.test_fastpath import FEED, _fill, exchange, get
from web.app import create_app
from web.fastpath import PROTOCOL, FeedHttpProtocol
from web.feedcounts import FeedCounts
from web.status import ops_routes


def _sample(name: str, kind: str) -> float:
    return build_registry().get_sample_value(name, {"kind": kind}) or 0.0


def test_tallies_reach_the_counters_when_flushed() -> None:
    counts = FeedCounts()
    before = _sample("vnfeeds_feed_requests_total", "opml")
    before_304 = _sample("vnfeeds_feed_not_modified_total", "opml")
    for not_modified in (False, True, True):
        counts("opml", not_modified)
    counts("json")
    assert _sample("vnfeeds_feed_requests_total", "opml") == before  # not yet
    counts.flush()
    assert _sample("vnfeeds_feed_requests_total", "opml") == before + 3
    assert _sample("vnfeeds_feed_not_modified_total", "opml") == before_304 + 2
    counts.flush()  # nothing new: nothing added twice
    assert _sample("vnfeeds_feed_requests_total", "opml") == before + 3


def _metric(port: int, name: str) -> float:
    text = exchange(port, get("/metrics"))[0][2].decode()
    m = re.search(rf'^{name}\{{kind="rss"\}} (\S+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


def test_every_hot_path_answer_is_in_the_next_scrape(fstore: Store, registry: Registry) -> None:
    _fill(fstore)
    config = FeedConfig(base_url="http://feeds.test", limit=5, version_ttl=30.0)
    app = create_app(fstore, registry, config, extra_routes=ops_routes(), on_request=FeedCounts())
    port = free_port()
    with uvicorn_server(app, port, http=PROTOCOL, access_log=False):
        etag = exchange(port, get(FEED))[0][1]["etag"]  # the app's answer (a miss)
        total = _metric(port, "vnfeeds_feed_requests_total")
        not_mod = _metric(port, "vnfeeds_feed_not_modified_total")
        here = FeedHttpProtocol.parsed_here
        exchange(port, get(FEED))
        exchange(port, get(FEED, f"If-None-Match: {etag}"))
        exchange(port, get(FEED, f"If-None-Match: {etag}", method="HEAD"))
        assert FeedHttpProtocol.parsed_here == here + 3
        assert _metric(port, "vnfeeds_feed_requests_total") == total + 3
        assert _metric(port, "vnfeeds_feed_not_modified_total") == not_mod + 2
