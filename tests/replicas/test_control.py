"""Changing the replicas: publish, modes, request records."""

from __future__ import annotations

import http.client
import time
import urllib.error

import pytest
from parsel import Selector

from replicas import urls
from replicas.server import ReplicaServer
from tests.replicas.conftest import fetch


def test_publish_adds_articles_at_the_top(fresh_server: ReplicaServer) -> None:
    srv = fresh_server
    u = srv.corpus.unit("hanoi-sct")
    first = srv.base_url(u.id) + urls.list_path(u, u.categories[0])
    _, before_headers, _ = fetch(first)
    new = srv.publish("hanoi-sct", 2)
    assert len(new) == 2
    _status, headers, body = fetch(first)
    assert headers["ETag"] != before_headers["ETag"]
    top = Selector(text=body.decode()).css("div.news-item h3 a::attr(href)").getall()[:2]
    assert {srv.base_url(u.id) + h for h in top} == set(new)
    for url in new:
        assert fetch(url)[0] == 200
    with pytest.raises(ValueError):
        srv.publish("vinhphuc-stttt")


def test_modes(fresh_server: ReplicaServer) -> None:
    srv = fresh_server
    u = srv.corpus.unit("thanhhoa-syt")
    url = srv.base_url(u.id) + urls.list_path(u, u.categories[0])
    srv.set_mode(u.id, "down")
    assert fetch(url)[0] == 500
    srv.set_mode(u.id, "broken")
    status, _, body = fetch(url)
    assert status == 200 and b"ListNews" not in body and b"<a " not in body
    srv.set_mode(u.id, "dead")
    with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError)):
        fetch(url)
    srv.set_mode(u.id, "slow")
    t = time.monotonic()
    assert fetch(url)[0] == 200
    assert time.monotonic() - t >= 1.9
    srv.set_mode(u.id, "ok")
    assert fetch(url)[0] == 200
    with pytest.raises(ValueError):
        srv.set_mode(u.id, "sleepy")


def test_requests_are_recorded(fresh_server: ReplicaServer) -> None:
    srv = fresh_server
    srv.reset_requests()
    fetch(srv.base_url("phutho-soct") + "/robots.txt", {"User-Agent": "vnfeeds-test"})
    fetch(srv.base_url("phutho-soct") + "/nope")
    assert [(r.method, r.path_qs, r.status) for r in srv.requests] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/nope", 404),
    ]
    assert srv.requests[0].host == f"127.0.2.5:{srv.port}"
    assert srv.requests[0].headers["User-Agent"] == "vnfeeds-test"
    srv.reset_requests()
    assert srv.requests == []
