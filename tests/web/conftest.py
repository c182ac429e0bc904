"""Fixtures for the web tests: the feed tests' registry and stores."""

from __future__ import annotations

from tests.feeds.conftest import fstore, registry

__all__ = ["fstore", "registry"]
