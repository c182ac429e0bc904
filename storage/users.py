"""Editor accounts: argon2id password hashes (argon2-cffi) in the ``users`` table."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import models as m
from storage.sessions import end_user_sessions

__all__ = [
    "MIN_PASSWORD",
    "UserError",
    "add_user",
    "authenticate",
    "list_users",
    "remove_user",
    "set_password",
]

MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")
_HASHER = PasswordHasher()
# verified against when the user does not exist, so both paths cost one argon2 run
_DUMMY = _HASHER.hash("not-a-real-password-0123456789")


class UserError(ValueError):
    """A bad username or password, or an account that does (not) exist."""


def _check(username: str, password: str) -> None:
    if not _USERNAME.match(username):
        raise UserError("username: 2-100 characters of letters, digits, . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")


def add_user(session: Session, username: str, password: str) -> m.User:
    """Create an editor account; raises :class:`UserError` if it exists or is invalid."""
    _check(username, password)
    if session.scalar(select(m.User).where(m.User.username == username)) is not None:
        raise UserError(f"user {username!r} exists")
    user = m.User(username=username, password_hash=_HASHER.hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    """Replace an account's password; every open session of the account ends."""
    _check(username, password)
    user = session.scalar(select(m.User).where(m.User.username == username))
    if user is None:
        raise UserError(f"no user {username!r}")
    user.password_hash = _HASHER.hash(password)
    end_user_sessions(session, user.id)


def remove_user(session: Session, username: str) -> bool:
    """Delete an account and its sessions; False when there was none."""
    user = session.scalar(select(m.User).where(m.User.username == username))
    if user is None:
        return False
    end_user_sessions(session, user.id)
    session.delete(user)
    return True


def list_users(session: Session) -> list[m.User]:
    """All accounts, by name."""
    return list(session.scalars(select(m.User).order_by(m.User.username)))


def authenticate(session: Session, username: str, password: str) -> m.User | None:
    """The user when the password matches, else None (same cost either way).

    Rehashes the stored hash when argon2's parameters have changed since.
    """
    user = session.scalar(select(m.User).where(m.User.username == username))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user
