"""A replica server shared by the read-only tests, and HTTP helpers (real requests)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest

from replicas.server import ReplicaServer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_PLAIN = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, Message, bytes]:
    """GET without following redirects: status, headers, body (errors are answers too)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with _PLAIN.open(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    """Replica sites on a free port (do not change its state: use ``fresh_server``)."""
    with ReplicaServer(0, seed=1) as srv:
        yield srv


@pytest.fixture
def fresh_server() -> Iterator[ReplicaServer]:
    """A server of its own, for tests that publish or change modes."""
    with ReplicaServer(0, seed=1) as srv:
        yield srv
