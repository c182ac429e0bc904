"""Scrapy's loggers make no record that neither its LOG_LEVEL nor vnfeeds' own level shows."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from scrapy.settings import Settings

from crawlers.runner import _scrapy_log_level


@pytest.fixture
def levels() -> Iterator[None]:
    root, scrapy = logging.root.level, logging.getLogger("scrapy").level
    yield
    logging.root.setLevel(root)
    logging.getLogger("scrapy").setLevel(scrapy)


@pytest.mark.parametrize(
    ("root", "log_level", "debug", "info", "warning"),
    [
        (logging.WARNING, "ERROR", False, False, True),  # vnfeeds shows warnings: kept
        (logging.WARNING, "WARNING", False, False, True),
        (logging.INFO, "WARNING", False, True, True),  # -v: Scrapy's info lines as before
        (logging.WARNING, "DEBUG", True, True, True),  # asked for by VNFEEDS_SCRAPY_LOG_LEVEL
        (logging.WARNING, 20, False, True, True),  # a number works too
    ],
)
def test_the_level_of_scrapys_loggers(
    levels: None, root: int, log_level: str | int, debug: bool, info: bool, warning: bool
) -> None:
    logging.root.setLevel(root)
    logging.getLogger("scrapy").setLevel(logging.DEBUG)  # what Scrapy's logging set-up does
    _scrapy_log_level(Settings({"LOG_LEVEL": log_level}))
    scraper = logging.getLogger("scrapy.core.scraper")
    assert scraper.isEnabledFor(logging.DEBUG) is debug
    assert scraper.isEnabledFor(logging.INFO) is info
    assert scraper.isEnabledFor(logging.WARNING) is warning


def test_an_unknown_level_name_leaves_the_loggers_alone(levels: None) -> None:
    logging.getLogger("scrapy").setLevel(logging.DEBUG)
    _scrapy_log_level(Settings({"LOG_LEVEL": "LOUD"}))
    assert logging.getLogger("scrapy").level == logging.DEBUG
