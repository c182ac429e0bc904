"""What every command shares: where the store and the unit data are."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import click

from crawlers.registry import Registry, load_registry
from storage.db import Store, resolve_db_url


@dataclass
class AppContext:
    """Global flags, with the store and registry opened on first use."""

    db: str | None = None
    sites: Path | None = None
    verbose: int = 0
    _store: Store | None = field(default=None, repr=False)
    _registry: Registry | None = field(default=None, repr=False)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL the flags name."""
        return resolve_db_url(self.db)

    def store(self) -> Store:
        """The store, upgraded to the newest schema on first use."""
        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    def registry(self) -> Registry:
        """Units, provinces and topics from ``--sites`` (or the shipped data)."""
        if self._registry is None:
            self._registry = load_registry(self.sites)
        return self._registry


pass_app = click.make_pass_decorator(AppContext)


def setup_logging(verbose: int) -> None:
    """One line per event; -v for info, -vv for debug."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Scrapy lowers the root logger's level; the handler keeps ours.
    for handler in logging.root.handlers:
        handler.setLevel(level)
