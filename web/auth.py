"""Editor login for the review and admin pages; the feeds stay public.

* Sessions: server-side (:mod:`storage.sessions`). The signed cookie
  ``vnfeeds_session`` (Starlette's ``SessionMiddleware``; HttpOnly, SameSite=Lax, Secure
  on https requests, ``Max-Age`` :data:`SESSION_MAX_AGE`) carries a random session token
  and the CSRF token; the store keeps the token's hash, its account, an absolute end
  (:data:`SESSION_MAX_AGE` after login) and the last use (idle end after
  :data:`SESSION_IDLE`). Logging out deletes the session; a password change or
  ``vnfeeds users remove`` deletes all of the account's, so copies of a cookie die too.
* CSRF: a random token per session, put in every form (``csrf_token``) and checked
  on every POST (:func:`check_csrf`).
* Login rate limiting: failures are counted in the database per client IP and username
  and per IP (:class:`web.limiter.LoginLimiter`); past the limit, logins answer 429
  until the window passes, in every worker.
* ``require_login`` wraps an endpoint: anonymous GETs go to ``/login?next=…``, other
  methods get 403. The session is looked up on every request.

Wire-up: ``Starlette(routes=[*auth_routes(), …], middleware=middleware(secret))``.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from feeds.i18n import gettext
from storage.db import Store
from storage.models import utcnow
from storage.sessions import end_session, session_user, start_session
from storage.users import authenticate
from web.limiter import LoginLimiter
from web.templating import environment

__all__ = [
    "SESSION_COOKIE",
    "SESSION_IDLE",
    "SESSION_MAX_AGE",
    "LoginLimiter",
    "auth_routes",
    "check_csrf",
    "csrf_token",
    "current_user",
    "install",
    "middleware",
    "render",
    "require_login",
    "store_of",
]

SESSION_COOKIE = "vnfeeds_session"
#: A session ends this long after login (seconds), however active: one working day.
SESSION_MAX_AGE = 8 * 3600
#: ... or after this long without a request (seconds).
SESSION_IDLE = 2 * 3600


# ------------------------------------------------------------------ sessions
class _SchemeAwareSession:
    """SessionMiddleware whose cookie is Secure exactly when the request is https."""

    def __init__(self, app: ASGIApp, secret_key: str, https_only: bool | None = None) -> None:
        opts: dict[str, Any] = {
            "secret_key": secret_key,
            "session_cookie": SESSION_COOKIE,
            "max_age": SESSION_MAX_AGE,
            "same_site": "lax",
        }
        self.plain = SessionMiddleware(app, https_only=bool(https_only), **opts)
        self.secure = SessionMiddleware(app, https_only=https_only is not False, **opts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in ("https", "wss")
        await (self.secure if secure else self.plain)(scope, receive, send)


def middleware(secret: str, https_only: bool | None = None) -> list[Middleware]:
    """The session middleware (None: Secure when https; True/False: always/never)."""
    if len(secret) < 16:
        raise ValueError("the session secret must be at least 16 characters")
    return [Middleware(_SchemeAwareSession, secret_key=secret, https_only=https_only)]


def install(app: Starlette, secret: str, https_only: bool | None = None) -> None:
    """Add the session middleware to an existing app (before it starts)."""
    for mw in middleware(secret, https_only):
        app.add_middleware(mw.cls, *mw.args, **mw.kwargs)


def store_of(request: Request) -> Store:
    """The app's store (``app.state.store``, else the feed service's)."""
    state = request.app.state
    store = getattr(state, "store", None) or getattr(getattr(state, "feeds", None), "store", None)
    if store is None:
        raise RuntimeError("the app has no store (set app.state.store)")
    return store


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a template with the request, the user, a CSRF token and the site title."""
    config = getattr(request.app.state, "config", None)
    ctx.setdefault("site_title", getattr(config, "site_title", "vnfeeds"))
    html = (
        environment()
        .get_template(name)
        .render(request=request, user=current_user(request), csrf_token=csrf_token(request), **ctx)
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
        },
    )


# ---------------------------------------------------------------------- CSRF
def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    tok = request.session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return str(tok)


def check_csrf(request: Request, form_token: object) -> bool:
    """True when the form's token matches the session's."""
    tok = request.session.get("csrf")
    if not isinstance(tok, str) or not tok or not isinstance(form_token, str):
        return False
    return hmac.compare_digest(tok.encode(), form_token.encode())


# ------------------------------------------------------------------- logins
def _limiter(request: Request) -> LoginLimiter:
    lim = getattr(request.app.state, "login_limiter", None)
    if lim is None:
        lim = LoginLimiter()
        request.app.state.login_limiter = lim
    return lim


def current_user(request: Request) -> str | None:
    """The logged-in editor's name: the session is live in the store and its account exists."""
    if "session" not in request.scope:
        return None
    token = request.session.get("sid")
    if not token:
        return None
    cached = request.scope.get("vnfeeds.user")
    if cached is not None:
        return str(cached) or None
    with store_of(request).session() as s:
        name = session_user(s, token, timedelta(seconds=SESSION_IDLE), utcnow())
    request.scope["vnfeeds.user"] = name or ""
    return name


Endpoint = Callable[[Request], Awaitable[Response]]


def require_login(endpoint: Endpoint) -> Endpoint:
    """Wrap an endpoint so only logged-in editors reach it."""

    @functools.wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        if current_user(request) is None:
            if request.method in ("GET", "HEAD"):
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(
                    f"/login?next={_quote(target)}",
                    status_code=303,
                    headers={"Cache-Control": "no-store"},
                )
            return PlainTextResponse(gettext("login required") + "\n", status_code=403)
        return await endpoint(request)

    return wrapped


def _quote(s: str) -> str:
    from urllib.parse import quote

    return quote(s, safe="/")


def _safe_next(value: object) -> str:
    """Only same-site paths (no scheme, no '//host', no backslashes)."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
    ):
        return "/review"
    return value


async def login_page(request: Request) -> Response:
    """GET /login: the form."""
    return render(
        request, "login.html", next=_safe_next(request.query_params.get("next")), error=None
    )


async def login_submit(request: Request) -> Response:
    """POST /login: check CSRF, rate limit, password; start a fresh session."""
    form = await request.form()
    # No account name holds a NUL (users add: letters, digits, . _ @ -) and PostgreSQL text
    # cannot: a wrong login, counted by the limiter under the name with U+FFFD in its place.
    username = str(form.get("username") or "").strip().replace("\x00", "\ufffd")
    password = str(form.get("password") or "")
    nxt = _safe_next(form.get("next"))
    if not check_csrf(request, form.get("csrf")):
        return render(
            request,
            "login.html",
            400,
            next=nxt,
            error=gettext("Your session has expired; please try again."),
        )
    ip = request.client.host if request.client else "?"
    lim = _limiter(request)
    store = store_of(request)
    if lim.blocked(store, ip, username):
        return render(
            request,
            "login.html",
            429,
            next=nxt,
            error=gettext("Too many failed logins. Please try again later."),
        )
    with store.session() as s:
        user = authenticate(s, username, password)
        token = start_session(s, user, timedelta(seconds=SESSION_MAX_AGE), utcnow()) if user else ""
    if not token:
        lim.failed(store, ip, username)
        return render(
            request, "login.html", 401, next=nxt, error=gettext("Wrong username or password.")
        )
    lim.succeeded(store, ip, username)
    request.session.clear()  # a fresh cookie: no fixation
    request.session["sid"] = token
    request.session["csrf"] = secrets.token_urlsafe(32)
    return RedirectResponse(nxt, status_code=303)


async def logout(request: Request) -> Response:
    """POST /logout (with CSRF): end the session."""
    form = await request.form()
    if not check_csrf(request, form.get("csrf")):
        return PlainTextResponse(gettext("bad CSRF token") + "\n", status_code=403)
    with store_of(request).session() as s:
        end_session(s, request.session.get("sid"))
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def auth_routes() -> list[BaseRoute]:
    """``/login`` (GET form, POST submit) and ``/logout`` (POST)."""
    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
