"""Scrapy's per-response check of generator callbacks is off (``WARN_ON_GENERATOR_RETURN_VALUE``,
it parses a callback's source on every response): the same check, once, here."""

from __future__ import annotations

import inspect
from collections.abc import Generator

from scrapy.utils.misc import is_generator_with_return_value

from crawlers import settings
from crawlers.spiders.units import UnitsSpider


def test_the_per_response_check_is_off() -> None:
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False


def test_no_callback_is_a_generator_that_returns_a_value() -> None:
    callbacks = [UnitsSpider.parse_list, UnitsSpider.parse_article]
    for f in callbacks:
        # an async generator cannot return a value (a SyntaxError); a plain one may
        assert inspect.isasyncgenfunction(f) or not is_generator_with_return_value(f), f
    generators = [
        name
        for name, f in inspect.getmembers(UnitsSpider, inspect.isfunction)
        if inspect.isgeneratorfunction(f) and is_generator_with_return_value(f)
    ]
    assert generators == []


def test_the_check_finds_a_generator_that_returns_a_value() -> None:
    def callback(response: object) -> Generator[object, None, int]:
        yield response
        return 1

    assert is_generator_with_return_value(callback)
