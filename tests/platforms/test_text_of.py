"""common.text_of reads an element's text nodes with a compiled XPath: the same text as
parsel's ``Selector.xpath(...).getall()`` gives, on every node of every fixture page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from parsel import Selector

from crawlers.extract import _selector
from crawlers.platforms.common import _TEXT_QUERY, text_of
from tests.platforms.golden import Fixture, fixtures

PAGES = [fx for fx in fixtures() if fx.page.suffix == ".html"]


def _by_parsel(node: Selector) -> str:
    root = node.root
    raw = root if isinstance(root, str) else " ".join(node.xpath(_TEXT_QUERY).getall())
    return " ".join(raw.split())


def _outcome(f: Callable[[Selector], str], node: Selector) -> str:
    try:
        return f(node)
    except ValueError as e:  # parsel cannot read a comment's text nodes
        return f"raised {e}"


@pytest.mark.parametrize("fx", PAGES, ids=[fx.id for fx in PAGES])
def test_text_of_is_parsels_text(fx: Fixture) -> None:
    sel = _selector(fx.page.read_bytes(), fx.meta.get("encoding"))
    nodes = sel.xpath("//* | //comment() | //processing-instruction() | //@title | //text()")
    assert len(nodes) > 10
    assert [_outcome(text_of, n) for n in nodes] == [_outcome(_by_parsel, n) for n in nodes]
