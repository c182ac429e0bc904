"""Sessions end on logout and password change; the login limiter is shared and not spoofable.

Issue 12, point 5: a copied cookie must stop working once its session is logged out or
its account's password changes; cookies have a bounded lifetime, enforced server-side
too; failed logins are counted in the database (so every worker, and the next process,
sees them); ``X-Forwarded-For`` is believed only from configured proxies.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from storage import models as m
from storage.db import Store
from storage.users import add_user, set_password
from tests.servers import free_port
from vnfeeds.context import AppContext
from web.site import build_app

PASSWORD = "mat-khau-dai-123"
ROOT = Path(__file__).parents[2]


def _app(store: Store) -> Starlette:
    ctx = AppContext(db=store.url)
    ctx._store = store
    return build_app(ctx)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def _login(c: TestClient | httpx.Client, password: str = PASSWORD, **headers: str) -> int:
    tok = _csrf(c.get("/login", headers=headers).text)
    r = c.post(
        "/login",
        data={"username": "editor", "password": password, "csrf": tok, "next": "/review"},
        headers=headers,
        follow_redirects=False,
    )
    return r.status_code


def _with_cookie(app: Starlette, cookie: str) -> TestClient:
    c = TestClient(app, base_url="http://127.0.0.1:8080")
    c.cookies.set("vnfeeds_session", cookie)
    return c


def _logged_in(c: TestClient) -> bool:
    r = c.get("/review", follow_redirects=False)
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 200


@pytest.fixture
def editor(store: Store) -> Store:
    with store.session() as s:
        add_user(s, "editor", PASSWORD)
    return store


def test_logout_ends_the_session_for_every_copy_of_the_cookie(editor: Store) -> None:
    app = _app(editor)
    c = TestClient(app, base_url="http://127.0.0.1:8080")
    assert _login(c) == 303
    stolen = c.cookies["vnfeeds_session"]
    assert _logged_in(_with_cookie(app, stolen)), "the copied cookie works while logged in"
    r = c.post("/logout", data={"csrf": _csrf(c.get("/review").text)}, follow_redirects=False)
    assert r.status_code == 303
    assert not _logged_in(c)
    assert not _logged_in(_with_cookie(app, stolen)), "a copy of the cookie outlived logout"


def test_password_change_ends_every_session(editor: Store) -> None:
    app = _app(editor)
    a = TestClient(app, base_url="http://127.0.0.1:8080")
    b = TestClient(app, base_url="http://127.0.0.1:8080")
    assert _login(a) == 303 and _login(b) == 303
    assert _logged_in(a) and _logged_in(b)
    with editor.session() as s:
        set_password(s, "editor", "mat-khau-moi-456")
    assert not _logged_in(a) and not _logged_in(b)
    assert _login(a, "mat-khau-moi-456") == 303 and _logged_in(a)


def test_cookie_lifetime_is_bounded_and_enforced_by_the_server(editor: Store) -> None:
    from web.auth import SESSION_IDLE, SESSION_MAX_AGE

    assert SESSION_MAX_AGE <= 8 * 3600 and SESSION_IDLE < SESSION_MAX_AGE
    app = _app(editor)
    c = TestClient(app, base_url="http://127.0.0.1:8080")
    r = c.get("/login")
    tok = _csrf(r.text)
    r = c.post(
        "/login",
        data={"username": "editor", "password": PASSWORD, "csrf": tok},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"].lower()
    assert f"max-age={SESSION_MAX_AGE}" in cookie
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert _logged_in(c)
    # the browser would drop the cookie at max-age; a kept copy must fail on the server
    with editor.session() as s:
        s.execute(update(m.WebSession).values(expires_at=m.utcnow() - timedelta(seconds=1)))
    assert not _logged_in(c)
    # idle sessions end too
    assert _login(c) == 303 and _logged_in(c)
    with editor.session() as s:
        s.execute(
            update(m.WebSession).values(last_seen=m.utcnow() - timedelta(seconds=SESSION_IDLE + 5))
        )
    assert not _logged_in(c)


def test_login_limit_is_shared_by_every_process(editor: Store) -> None:
    first, second = _app(editor), _app(editor)  # two workers (or a restart) on one database
    with TestClient(first) as a:
        assert [_login(a, "wrong-password-x") for _ in range(5)] == [401] * 5
    with TestClient(second) as b:
        assert _login(b) == 429, "another process must see the failures"
        assert _login(b, "wrong-password-x") == 429


def _serve(db: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "vnfeeds.cli", "--db", db, "serve", "--port", str(port)]
    full = {**os.environ, "VNFEEDS_WEBSUB_HUB": "", "VNFEEDS_BASE_URL": "", **env}
    full.pop("FORWARDED_ALLOW_IPS", None)
    return subprocess.Popen(cmd, env=full, cwd=ROOT)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("serve did not answer")


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_for_is_trusted_only_when_configured(sqlite_store: Store, trusted: str) -> None:
    with sqlite_store.session() as s:
        add_user(s, "editor", PASSWORD)
    port = free_port()
    proc = _serve(sqlite_store.url, port, {"VNFEEDS_TRUSTED_PROXIES": trusted})
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        codes = []
        with httpx.Client(base_url=base) as c:
            for n in range(7):  # a fresh "client address" on every try
                codes.append(_login(c, "wrong-password-x", **{"X-Forwarded-For": f"10.9.8.{n}"}))
        if trusted:
            # behind a configured proxy the forwarded address is the client: 7 different ones
            assert codes == [401] * 7
        else:
            # not configured: the header is ignored, so the loopback client hits the limit
            assert codes == [401] * 5 + [429] * 2
    finally:
        proc.terminate()
        proc.wait(10)
