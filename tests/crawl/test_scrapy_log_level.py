"""Scrapy's loggers make no record that neither its LOG_LEVEL nor vnfeeds' own level shows."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from scrapy.settings import Settings
from scrapy.utils.log import install_scrapy_root_handler
from scrapy.utils.test import get_crawler

import crawlers.settings as crawl_settings
from crawlers.quietlog import OneLineLogs, quiet_scrapy_loggers


@pytest.fixture
def levels() -> Iterator[None]:
    root, scrapy = logging.root.level, logging.getLogger("scrapy").level
    handlers = list(logging.root.handlers)
    yield
    logging.root.handlers[:] = handlers
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
    quiet_scrapy_loggers(Settings({"LOG_LEVEL": log_level}))
    scraper = logging.getLogger("scrapy.core.scraper")
    assert scraper.isEnabledFor(logging.DEBUG) is debug
    assert scraper.isEnabledFor(logging.INFO) is info
    assert scraper.isEnabledFor(logging.WARNING) is warning


def test_an_unknown_level_name_leaves_the_loggers_alone(levels: None) -> None:
    logging.getLogger("scrapy").setLevel(logging.DEBUG)
    quiet_scrapy_loggers(Settings({"LOG_LEVEL": "LOUD"}))
    assert logging.getLogger("scrapy").level == logging.DEBUG


@pytest.mark.parametrize(
    ("log_level", "debug", "info"), [("INFO", False, True), ("DEBUG", True, True)]
)
def test_under_a_scrapy_command_its_handler_decides(
    levels: None, log_level: str, debug: bool, info: bool
) -> None:
    """Scrapyd runs ``scrapy crawl``: the root logger is left unset and Scrapy's root
    handler filters at LOG_LEVEL, so that is the level Scrapy's loggers get."""
    logging.root.handlers[:] = []
    install_scrapy_root_handler(Settings({"LOG_LEVEL": log_level}))
    logging.getLogger("scrapy").setLevel(logging.DEBUG)
    quiet_scrapy_loggers(Settings({"LOG_LEVEL": log_level}))
    scraper = logging.getLogger("scrapy.core.scraper")
    assert scraper.isEnabledFor(logging.DEBUG) is debug
    assert scraper.isEnabledFor(logging.INFO) is info


def test_the_crawl_quiets_them_when_its_extensions_are_made(levels: None) -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    logging.root.setLevel(logging.WARNING)
    logging.getLogger("scrapy").setLevel(logging.DEBUG)
    OneLineLogs.from_crawler(crawler)
    assert logging.getLogger("scrapy").level == logging.INFO
    assert crawl_settings.EXTENSIONS["crawlers.quietlog.OneLineLogs"]  # switched on for crawls
