"""Shared fixtures: a store on SQLite and on PostgreSQL (throwaway database).

``VNFEEDS_TEST_DB=postgresql://user@host:port/db`` runs the suite on PostgreSQL: the
default store (``sqlite_store``, ``default_db_url``) and every database from
``new_db_url`` (the CLI, crawl, web and demo tests' databases) are then throwaway
PostgreSQL databases on that server, and the SQLite cases of the backend-parametrized
fixtures (``store``, the reliability ``db_url``) are deselected (their PostgreSQL cases
run). Tests about SQLite itself (a file by path, WAL, a full disk, a broken file) use
``sqlite_only_store`` or an explicit SQLite path and stay on SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.db import Store, resolve_db_url

TEST_DB = os.environ.get("VNFEEDS_TEST_DB", "")
ON_PG = TEST_DB.startswith("postgresql")
PG_ADMIN_URL = (
    resolve_db_url(TEST_DB)
    if ON_PG
    else os.environ.get("VNFEEDS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
)


def _pg_reachable() -> str | None:
    try:
        eng = create_engine(
            PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as e:  # any failure means: no server to test against
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(e).__name__}: {e}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session; dropped afterwards."""
    reason = _pg_reachable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"vnfeeds_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_pg(url: str) -> None:
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()


#: Fixtures parametrized over the backend ("sqlite", "postgres").
BACKEND_PARAMS = ("store", "db_url")


def _is_sqlite_case(item: pytest.Item) -> bool:
    spec = getattr(item, "callspec", None)
    return spec is not None and any(spec.params.get(n) == "sqlite" for n in BACKEND_PARAMS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a PostgreSQL run (``VNFEEDS_TEST_DB``) the SQLite cases are deselected, not skipped:
    the run on SQLite covers them."""
    if not ON_PG:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if _is_sqlite_case(item) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An upgraded, empty store: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        if ON_PG:
            pytest.skip("VNFEEDS_TEST_DB: this run is on PostgreSQL (the postgres case runs)")
        s = Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    else:
        url = request.getfixturevalue("pg_url")
        _reset_pg(url)
        s = Store(url)
    yield s
    s.dispose()


NewDbUrl = Callable[[str], str]


@pytest.fixture(scope="session")
def new_db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewDbUrl]:
    """A factory of fresh, empty databases: ``new_db_url("name")`` is the URL of a new SQLite
    file, or under ``VNFEEDS_TEST_DB`` of a new PostgreSQL database (all dropped when the
    session ends). For the tests that hand a database to ``vnfeeds`` (CLI, crawl, web)."""
    made: list[str] = []
    admin = None
    if ON_PG:
        reason = _pg_reachable()
        if reason:
            pytest.fail(reason)
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    base = tmp_path_factory.mktemp("dbs")

    def make(name: str) -> str:
        if admin is None:
            return f"sqlite:///{base / f'{name}-{uuid.uuid4().hex[:6]}.sqlite3'}"
        db = f"vnfeeds_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{db}"'))
        made.append(db)
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{db}"

    yield make
    if admin is not None:
        with admin.connect() as c:
            for db in made:
                c.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def default_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL: SQLite, or PostgreSQL under ``VNFEEDS_TEST_DB``."""
    if ON_PG:
        url: str = request.getfixturevalue("pg_url")
        _reset_pg(url)
        return url
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def sqlite_store(default_db_url: str) -> Iterator[Store]:
    """An upgraded, empty default store (SQLite, or PostgreSQL under ``VNFEEDS_TEST_DB``)."""
    s = Store(default_db_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_only_store(tmp_path: Path) -> Iterator[Store]:
    """An upgraded, empty SQLite store even under ``VNFEEDS_TEST_DB`` (SQLite behaviour)."""
    s = Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield s
    s.dispose()
