"""The composed site of `vnfeeds serve`: feeds, login, review, status and metrics together."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from feeds.i18n import LanguageError
from storage.db import Store
from storage.users import add_user
from vnfeeds.context import AppContext
from web.site import build_app


def _client(store: Store, tmp_path: Path) -> TestClient:
    ctx = AppContext(db=store.url)
    ctx._store = store
    return TestClient(build_app(ctx), base_url="http://127.0.0.1:8080")


def test_every_surface_is_served(store: Store, tmp_path: Path) -> None:
    client = _client(store, tmp_path)
    assert client.get("/").status_code == 200
    assert client.get("/all.rss").headers["content-type"].startswith("application/rss+xml")
    assert client.get("/feeds.opml").status_code == 200
    status = client.get("/status")
    assert status.status_code == 200
    review = client.get("/review", follow_redirects=False)
    assert review.status_code in (302, 303, 307)
    assert "/login" in review.headers["location"]


def test_feed_requests_and_304s_reach_the_metrics(store: Store, tmp_path: Path) -> None:
    client = _client(store, tmp_path)
    first = client.get("/all.atom")
    assert first.status_code == 200
    again = client.get("/all.atom", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    metrics = client.get("/metrics").text
    line = next(
        ln
        for ln in metrics.splitlines()
        if ln.startswith('vnfeeds_feed_not_modified_total{kind="atom"}')
    )
    assert float(line.split()[-1]) >= 1


def test_an_editor_can_log_in_and_open_the_queue(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        add_user(s, "bien-tap", "mat-khau-dai-123")
    client = _client(store, tmp_path)
    page = client.get("/login")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    res = client.post(
        "/login",
        data={
            "username": "bien-tap",
            "password": "mat-khau-dai-123",
            "csrf": token,
            "next": "/review",
        },
        follow_redirects=False,
    )
    assert res.status_code in (302, 303)
    cookie = res.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/review").status_code == 200


def test_an_unknown_page_language_fails_at_start(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNFEEDS_LANG", "fr")
    with pytest.raises(LanguageError, match="VNFEEDS_LANG: 'fr' is not one of vi, en"):
        _client(store, tmp_path)
    monkeypatch.setenv("VNFEEDS_LANG", "en")
    page = _client(store, tmp_path).get("/login").text
    assert '<html lang="en">' in page and "Editor login" in page
