"""Review pages and login over HTTP (Starlette TestClient on the real feeds app)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from domain.registry import Registry
from feeds.config import FeedConfig
from storage import models as m
from storage.db import Store
from storage.users import add_user, authenticate, list_users, remove_user
from tests.dedup.conftest import seed_pair
from web.app import create_app
from web.auth import LoginLimiter, auth_routes, install
from web.review import diff_segments, review_routes

PASSWORD = "mat-khau-dai-123"


def _app(store: Store, registry: Registry) -> Starlette:
    app = create_app(
        store,
        registry,
        FeedConfig(base_url="http://testserver", version_ttl=0.0),
        extra_routes=review_routes() + auth_routes(),
    )
    install(app, "s" * 32)
    return app


@pytest.fixture
def pair(sqlite_store: Store, registry: Registry) -> Iterator[tuple[Store, int, tuple[int, int]]]:
    """A store with one pending candidate pair and an editor account."""
    cid, a_id, b_id = seed_pair(sqlite_store, registry, "editor", PASSWORD)
    out = (sqlite_store, cid, (a_id, b_id))
    yield out


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def _login(c: TestClient, password: str = PASSWORD, user: str = "editor") -> int:
    tok = _csrf(c.get("/login").text)
    r = c.post(
        "/login",
        data={"username": user, "password": password, "csrf": tok, "next": "/review"},
        follow_redirects=False,
    )
    return r.status_code


def test_users(sqlite_store: Store) -> None:
    from storage.users import UserError

    with sqlite_store.session() as s:
        add_user(s, "bien-tap", PASSWORD)
        with pytest.raises(UserError):
            add_user(s, "bien-tap", PASSWORD)
        with pytest.raises(UserError):
            add_user(s, "x2", "short")
    with sqlite_store.session() as s:
        u = list_users(s)[0]
        assert u.password_hash.startswith("$argon2id$") and PASSWORD not in u.password_hash
        assert authenticate(s, "bien-tap", PASSWORD) is not None
        assert authenticate(s, "bien-tap", "wrong-password!") is None
        assert authenticate(s, "nobody", PASSWORD) is None
        assert remove_user(s, "bien-tap") and not remove_user(s, "bien-tap")


def test_login_required_csrf_and_cookie_flags(
    pair: tuple[Store, int, tuple[int, int]], registry: Registry
) -> None:
    store, cid, _ = pair
    app = _app(store, registry)
    with TestClient(app) as c:
        r = c.get("/review", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/review"
        assert c.post(f"/review/{cid}", data={"action": "duplicate"}).status_code == 403
        assert c.get("/all.atom").status_code == 200, "feeds stay public"
        # a login form without the session's token is refused
        r = c.post("/login", data={"username": "editor", "password": PASSWORD, "csrf": "forged"})
        assert r.status_code == 400
        tok = _csrf(c.get("/login").text)
        r = c.post(
            "/login",
            data={
                "username": "editor",
                "password": PASSWORD,
                "csrf": tok,
                "next": "//evil.example/x",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/review"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        page = c.get("/review")
        assert page.status_code == 200 and f'data-candidate="{cid}"' in page.text
        assert page.headers["cache-control"] == "no-store"
        # decisions need the CSRF token too
        assert (
            c.post(f"/review/{cid}", data={"action": "duplicate", "csrf": "nope"}).status_code
            == 403
        )
    with TestClient(app, base_url="https://testserver") as c:
        tok = _csrf(c.get("/login").text)
        r = c.post(
            "/login",
            data={"username": "editor", "password": PASSWORD, "csrf": tok},
            follow_redirects=False,
        )
        assert "secure" in r.headers["set-cookie"].lower()


def test_login_rate_limited(pair: tuple[Store, int, tuple[int, int]], registry: Registry) -> None:
    store, _, _ = pair
    app = _app(store, registry)
    app.state.login_limiter = LoginLimiter(per_user=3, per_ip=10, window=60)
    with TestClient(app) as c:
        assert [_login(c, "wrong-password-x") for _ in range(3)] == [401, 401, 401]
        assert _login(c) == 429, "even the right password waits once the limit is hit"
        assert _login(c, user="other-user") == 401


def test_decide_undo_and_pages(
    pair: tuple[Store, int, tuple[int, int]], registry: Registry
) -> None:
    store, cid, (a_id, b_id) = pair
    app = _app(store, registry)
    with TestClient(app) as c:
        assert _login(c) == 303
        page = c.get(f"/review/{cid}")
        assert page.status_code == 200
        assert '<del class="d">' in page.text or '<ins class="d">' in page.text
        tok = _csrf(page.text)
        r = c.post(
            f"/review/{cid}",
            data={"action": "canonical", "canonical": str(b_id), "csrf": tok},
            follow_redirects=False,
        )
        assert r.status_code == 303
        with store.session() as s:
            cand = s.get(m.DuplicateCandidate, cid)
            assert cand is not None and (cand.status, cand.decided_by) == ("duplicate", "editor")
            art = s.get(m.Article, a_id)
            assert art is not None and art.cluster_id is not None
            cl = s.get(m.Cluster, art.cluster_id)
            assert cl is not None and cl.canonical_id == b_id and cl.manual
            dec = s.query(m.Decision).filter(m.Decision.editor == "editor").one()
            clid = art.cluster_id
        log = c.get("/review/log")
        assert f'data-decision="{dec.id}"' in log.text and "editor" in log.text
        assert c.get(f"/review/cluster/{clid}").status_code == 200
        r = c.post(
            f"/review/cluster/{clid}",
            data={"canonical": str(a_id), "csrf": tok},
            follow_redirects=False,
        )
        assert r.status_code == 303
        with store.session() as s:
            assert s.get(m.Cluster, clid).canonical_id == a_id  # type: ignore[union-attr]
        # undo the cluster-page choice, then the pair decision
        with store.session() as s:
            last = (
                s.query(m.Decision)
                .filter(m.Decision.editor == "editor")
                .order_by(m.Decision.id.desc())
                .first()
            )
            assert last is not None
            last_id = last.id
        assert (
            c.post(
                f"/review/undo/{last_id}", data={"csrf": tok}, follow_redirects=False
            ).status_code
            == 303
        )
        assert (
            c.post(f"/review/undo/{dec.id}", data={"csrf": tok}, follow_redirects=False).status_code
            == 303
        )
        with store.session() as s:
            assert s.get(m.DuplicateCandidate, cid).status == "pending"  # type: ignore[union-attr]
        assert c.get("/review/999999").status_code == 404
        assert c.get("/review?status=bogus").status_code == 400


def test_word_diff_ignores_tone_and_case() -> None:
    left, right = diff_segments(
        "Tỉnh Hòa Bình tổ chức\nhội nghị", "tỉnh HOÀ BÌNH tổ chức lớn\nhội nghị"
    )
    assert ("ins", "lớn") in right and not any(k == "del" for k, _ in left)
    assert ("br", "") in left
