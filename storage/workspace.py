"""Where a process's store and unit data are, opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from domain.registry import Registry, load_registry
from storage.db import Store, resolve_db_url


@dataclass
class Workspace:
    """The database and unit data a process works on (the global flags), opened on first use."""

    db: str | None = None
    sites: Path | None = None
    verbose: int = 0
    _store: Store | None = field(default=None, repr=False)
    _registry: Registry | None = field(default=None, repr=False)
    _schema_stores: list[Store] = field(default_factory=list, repr=False)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL the flags name."""
        return resolve_db_url(self.db)

    def store(self) -> Store:
        """The store, upgraded to the newest schema on first use."""
        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    def schema_store(self) -> Store:
        """A store on the same database left at its schema revision (for migrations)."""
        store = Store(self.db_url, auto_upgrade=False)
        self._schema_stores.append(store)
        return store

    def close(self) -> None:
        """Close the pooled connections of every store it opened (they open again on use)."""
        for store in [self._store, *self._schema_stores]:
            if store is not None:
                store.dispose()

    def registry(self) -> Registry:
        """Units, provinces and topics from ``--sites`` (or the shipped data)."""
        if self._registry is None:
            self._registry = load_registry(self.sites)
        return self._registry
