"""Server-side login sessions and failed-login records, shared by every web process.

A session is a random token the browser keeps (inside the signed session cookie); the
store keeps only its SHA-256, the account, and when it expires (absolute) and was last
used (idle). Logging out deletes the row; a password change or removing the account
deletes all of that account's rows, so every copy of the cookie stops working at once.

Failed logins are rows too, so the limit holds across workers and restarts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage import models as m

__all__ = [
    "count_failures",
    "end_session",
    "end_user_sessions",
    "forget_failures",
    "record_failure",
    "session_user",
    "start_session",
]

#: ``last_seen`` is written at most this often per session (not on every request).
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(session: Session, user: m.User, lifetime: timedelta, now: datetime) -> str:
    """A new session for ``user`` ending at ``now + lifetime``; returns its token."""
    token = secrets.token_urlsafe(32)
    session.add(
        m.WebSession(
            id=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen=now,
            expires_at=now + lifetime,
        )
    )
    session.execute(delete(m.WebSession).where(m.WebSession.expires_at < now))
    return token


def session_user(session: Session, token: object, idle: timedelta, now: datetime) -> str | None:
    """The username of a live session (not expired, used within ``idle``), else None."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = session.execute(
        select(m.WebSession, m.User.username)
        .join(m.User, m.User.id == m.WebSession.user_id)
        .where(m.WebSession.id == _hash(token))
    ).first()
    if row is None:
        return None
    ws, username = row
    if ws.expires_at <= now or ws.last_seen + idle <= now:
        session.delete(ws)
        return None
    if now - ws.last_seen >= TOUCH_EVERY:
        ws.last_seen = now
    return str(username)


def end_session(session: Session, token: object) -> None:
    """Delete one session (logout)."""
    if isinstance(token, str) and token:
        session.execute(delete(m.WebSession).where(m.WebSession.id == _hash(token)))


def end_user_sessions(session: Session, user_id: int) -> int:
    """Delete every session of an account (password change, removal); returns how many."""
    res = session.execute(delete(m.WebSession).where(m.WebSession.user_id == user_id))
    return int(getattr(res, "rowcount", 0) or 0)


def _key(ip: str, username: str) -> tuple[str, str]:
    return ip[:64], username.lower()[:100]


def record_failure(
    session: Session, ip: str, username: str, now: datetime, keep: timedelta
) -> None:
    """Count one failed login; drop records older than ``keep``."""
    ip, user = _key(ip, username)
    session.add(m.LoginFailure(ip=ip, username=user, at=now))
    session.execute(delete(m.LoginFailure).where(m.LoginFailure.at < now - keep))


def count_failures(session: Session, ip: str, username: str | None, since: datetime) -> int:
    """Failures from ``ip`` since ``since`` (for ``username`` only, when given)."""
    ip, user = _key(ip, username or "")
    q = (
        select(func.count())
        .select_from(m.LoginFailure)
        .where(m.LoginFailure.ip == ip, m.LoginFailure.at >= since)
    )
    if username is not None:
        q = q.where(m.LoginFailure.username == user)
    return int(session.scalar(q) or 0)


def forget_failures(session: Session, ip: str, username: str) -> None:
    """Forget ``ip``'s failures for ``username`` (after a successful login)."""
    ip, user = _key(ip, username)
    session.execute(
        delete(m.LoginFailure).where(m.LoginFailure.ip == ip, m.LoginFailure.username == user)
    )
