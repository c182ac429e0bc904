"""Connection pool sizing from the environment."""

from __future__ import annotations

import pytest

from storage.db import PoolSettings, make_engine


def test_pool_sized_from_environment(monkeypatch: pytest.MonkeyPatch, pg_url: str) -> None:
    monkeypatch.setenv("VNFEEDS_DB_POOL_SIZE", "3")
    monkeypatch.setenv("VNFEEDS_DB_MAX_OVERFLOW", "2")
    monkeypatch.setenv("VNFEEDS_DB_POOL_TIMEOUT", "1.5")
    settings = PoolSettings.from_env()
    assert (settings.size, settings.max_overflow, settings.timeout, settings.most) == (3, 2, 1.5, 5)
    engine = make_engine(pg_url)
    try:
        held = [engine.connect() for _ in range(5)]  # pool plus overflow
        with pytest.raises(Exception, match="QueuePool limit"):
            engine.connect()  # a sixth waits 1.5 s, then fails
        for c in held:
            c.close()
    finally:
        engine.dispose()


def test_bad_pool_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNFEEDS_DB_POOL_SIZE", "lots")
    with pytest.raises(ValueError, match="VNFEEDS_DB_POOL_"):
        PoolSettings.from_env()
