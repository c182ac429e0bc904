"""Engine and session factory; where the database is; schema upgrades.

``--db`` (a path or a SQLAlchemy URL), else ``VNFEEDS_DB``, else
``./var/vnfeeds.sqlite3``. SQLite runs in WAL mode with a busy timeout.

PostgreSQL connections are pooled per process: ``VNFEEDS_DB_POOL_SIZE`` (5) kept open,
``VNFEEDS_DB_MAX_OVERFLOW`` (5) more at peaks, ``VNFEEDS_DB_POOL_TIMEOUT`` (30 s) to
wait for one, recycled after ``VNFEEDS_DB_POOL_RECYCLE`` (1800 s); see ``docs/ops.md``
for sizing them against ``max_connections`` for N crawlers plus ``serve``.
"""

from __future__ import annotations

import ast
import fcntl
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from domain.environment import env_float, env_int

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a migration runs, not here: every process opens a store at
# start, and finding the schema current needs only the files' revision ids (_shipped_head)
# and the database's alembic_version row; importing Alembic costs ~0.25 s of cold start.

DEFAULT_DB = "var/vnfeeds.sqlite3"


def resolve_db_url(db: str | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, ``VNFEEDS_DB`` or the default path."""
    value = db or os.environ.get("VNFEEDS_DB") or DEFAULT_DB
    if "://" in value:
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@dataclass(frozen=True)
class PoolSettings:
    """Connection pool of one process (PostgreSQL), from ``VNFEEDS_DB_POOL_*``."""

    size: int = 5
    max_overflow: int = 5
    timeout: float = 30.0
    recycle: int = 1800

    @classmethod
    def from_env(cls) -> PoolSettings:
        """The pool settings of this process's environment (defaults otherwise)."""
        return cls(
            size=env_int("VNFEEDS_DB_POOL_SIZE", cls.size, least=1),
            max_overflow=env_int("VNFEEDS_DB_MAX_OVERFLOW", cls.max_overflow, least=0),
            timeout=env_float("VNFEEDS_DB_POOL_TIMEOUT", cls.timeout, least=0.0),
            recycle=env_int("VNFEEDS_DB_POOL_RECYCLE", cls.recycle),  # -1: never
        )

    @property
    def most(self) -> int:
        """The most connections the process opens (pool plus overflow)."""
        return self.size + self.max_overflow


def make_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """An engine for the URL; SQLite gets WAL and a busy timeout, PostgreSQL a sized pool."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    pool = pool or PoolSettings.from_env()
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout,
        pool_recycle=pool.recycle,
    )


@functools.cache
def migrations_dir() -> str:
    """The shipped migrations as a folder (copied out once when zipped in a Scrapyd egg)."""
    src = resources.files("storage") / "migrations"
    if Path(str(src)).is_dir():
        return str(src)
    out = Path(tempfile.mkdtemp(prefix="vnfeeds-migrations-"))

    def copy(node: Traversable, dest: Path) -> None:
        for child in node.iterdir():
            if child.is_dir():
                (dest / child.name).mkdir()
                copy(child, dest / child.name)
            elif child.name.endswith((".py", ".mako")):
                (dest / child.name).write_bytes(child.read_bytes())

    copy(src, out)
    return str(out)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the shipped migrations and this engine."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations_dir())
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


#: The PostgreSQL advisory-lock key every vnfeeds process takes to migrate (one at a time).
MIGRATION_LOCK_KEY = 0x766E_6665_6564_73  # "vnfeeds"


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's migration lock: one process migrates, the others wait.

    PostgreSQL: a session advisory lock on a dedicated connection. SQLite: an exclusive
    ``flock`` on ``<database>.migrate.lock`` beside the file (none for in-memory).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
        return
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest), under the migration lock."""
    with migration_lock(engine):
        if revision == "head" and not needs_upgrade(engine):
            return  # another process did it while we waited
        from alembic import command

        command.upgrade(alembic_config(engine), revision)


def error_line(e: BaseException) -> str:
    """An exception as one line: a database error's driver message, without SQL or links."""
    orig = getattr(e, "orig", None)
    lines = str(orig if orig is not None else e).strip().splitlines()
    return f"{type(orig or e).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (``base`` drops everything)."""
    from alembic import command

    with migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def _shipped_head() -> str | None:
    """The newest shipped migration's id, read from the files without importing Alembic.

    Each file's module-level ``revision`` and ``down_revision`` literals; the head is the
    revision that no other names as its parent. Anything else (a merge, two heads, a file
    that does not parse) gives None, and Alembic is asked instead.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (Path(migrations_dir()) / "versions").glob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            return None
        found: dict[str, object] = {}
        for node in tree.body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            if isinstance(target, ast.Name) and value is not None:
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    found[target.id] = ...
        rev, parent = found.get("revision"), found.get("down_revision", ...)
        if not isinstance(rev, str) or not (parent is None or isinstance(parent, str)):
            return None
        revisions.add(rev)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is behind the newest migration."""
    head = _shipped_head()
    if head is not None:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return True
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return list(stored) != [head]
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    return current_revision(engine) != head


_FULL = (
    "database or disk is full",
    "disk i/o error",
    "no space left on device",
    "file too large",
    "could not extend file",
    "could not write",
    "read-only file system",
)


def storage_failure(exc: BaseException) -> str | None:
    """A one-line cause when ``exc`` means the database cannot take writes (disk full, I/O)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle in _FULL:
        if needle in text:
            return needle
    return None


class Store:
    """An engine plus its session factory: what commands and components share."""

    def __init__(self, url: str, *, auto_upgrade: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if auto_upgrade and needs_upgrade(self.engine):
            upgrade(self.engine)

    @classmethod
    def open(cls, db: str | None = None, *, auto_upgrade: bool = True) -> Store:
        """Open the store named by ``--db``/``VNFEEDS_DB``/default, upgrading it."""
        return cls(resolve_db_url(db), auto_upgrade=auto_upgrade)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        s = self.sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def table_names(self) -> list[str]:
        """Tables present in the database."""
        return sorted(inspect(self.engine).get_table_names())

    def identity(self) -> str:
        """The database's identity: its URL plus its first article (a recreated file differs).

        Files derived from the store (the dedup index snapshot, an exported tree's state)
        keep it and are rebuilt when it changes.
        """
        from storage.models import Article  # models import nothing from here

        url = self.engine.url.render_as_string(hide_password=False)
        with self.session() as s:
            first = s.execute(
                select(Article.guid, Article.first_seen).order_by(Article.id).limit(1)
            ).first()
        ident = f"{url}|{first[0]}|{first[1].isoformat()}" if first else url
        return hashlib.sha256(ident.encode()).hexdigest()[:16]

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
