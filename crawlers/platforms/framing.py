"""The page frame around an article that generic extraction kept, dropped.

trafilatura reads a page laid out in nested tables (SharePoint, old ASP.NET themes) as
a run of top-level blocks, one per layout cell: the breadcrumb, a banner column, the
category and date bar, *the article*, a link list, a visit counter. Its body is then the
whole page. Such a body is recognised by its shape: one top-level container (a table, a
``div``) holds most of the prose (text runs of :data:`PROSE_WORDS`+ words) and the title
is printed in it or in a block before it — a body of plain paragraphs never has that
shape, each paragraph being its own top-level block.

The article is then that container, with
- before it: the blocks from the one printing the title on; in the title's own cell,
  what comes before the title (a category label) and the title itself go too;
- after it: every block up to the first *container* that carries neither an image nor
  prose (a "Liên kết Website" table, a counter's digits); photos with their captions and
  short paragraphs stay.
A body without that shape loses nothing but a first block that only repeats the title.
"""

from __future__ import annotations

from lxml import etree

from crawlers.cleaning.html import drop_element, fragment_html, parse_fragment
from crawlers.platforms.headline import key

#: A text run of this many words is prose, not a label, a menu entry or a date bar.
PROSE_WORDS = 12
#: The share of the body's prose one container must hold for the body to be framed.
MAIN_SHARE = 0.6
_CONTAINERS = frozenset({"table", "tbody", "div", "section", "article", "main"})
_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


def _leaf(el: etree._Element) -> bool:
    """No text block inside: its text is one run, not several blocks' texts."""
    return next(el.iterdescendants(*_BLOCKS), None) is None


def _prose(block: etree._Element) -> int:
    """Words of ``block`` in prose runs (leaf text blocks of :data:`PROSE_WORDS`+ words)."""
    runs = (len(el.text_content().split()) for el in block.iter(*_BLOCKS) if _leaf(el))
    return sum(n for n in runs if n >= PROSE_WORDS)


def _has_image(block: etree._Element) -> bool:
    return block.tag == "img" or next(block.iter("img"), None) is not None


def drop_frame(body: str, title: str) -> str:
    """``body`` (trafilatura's, as HTML) without the page frame, when its shape shows one;
    else unchanged."""
    root = parse_fragment(body) if body.strip() else None
    wanted = key(title)
    if root is None or not wanted:
        return body
    if _trim(root, wanted):
        _drop_through_title(root, wanted)
    else:  # no frame: only a first block that repeats the title goes
        first = next(
            (
                el
                for el in root.iter()
                if isinstance(el.tag, str)
                and el is not root
                and el.text_content().strip()
                and _leaf(el)
            ),
            None,
        )
        if (
            first is None
            or not _is_title(first, wanted)
            or "".join(first.xpath("preceding::text()")).strip()  # text before the title
        ):
            return body
        drop_element(first)
    return fragment_html(root)


def _children(node: etree._Element) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str)]


def _trim(node: etree._Element, wanted: str) -> bool:
    """Drop the frame's top-level blocks; False when the body's shape shows no frame."""
    blocks = _children(node)
    if len(blocks) < 2 or (node.text or "").strip():
        return False
    prose = [_prose(b) for b in blocks]
    total = sum(prose)
    main = max(range(len(blocks)), key=prose.__getitem__)
    if not total or blocks[main].tag not in _CONTAINERS or prose[main] < MAIN_SHARE * total:
        return False
    # the title at or before the article: else the biggest prose may be a footer's
    start = next((i for i in range(main + 1) if _prints_title(blocks[i], wanted)), None)
    if start is None:
        return False
    end = main + 1
    while end < len(blocks) and (
        blocks[end].tag not in _CONTAINERS or prose[end] or _has_image(blocks[end])
    ):
        end += 1
    for b in blocks[end:] + blocks[:start]:
        node.remove(b)
    return True


def _prints_title(block: etree._Element, wanted: str) -> bool:
    """``block`` holds an element printing the title (its words inside prose do not count)."""
    return wanted.rstrip(".:") in key(block.text_content()) and any(
        _is_title(el, wanted) for el in block.iter() if isinstance(el.tag, str)
    )


def _is_title(el: etree._Element, wanted: str) -> bool:
    """``el`` prints the title and nothing else (a closing full stop aside)."""
    return key(el.text_content()).rstrip(".:") == wanted.rstrip(".:") and _leaf(el)


def _drop_through_title(root: etree._Element, wanted: str) -> None:
    """Drop the element that prints the title and everything before it: a category
    label or date bar in the title's own cell."""
    title = next(
        (
            el
            for el in root.iter()
            if isinstance(el.tag, str) and el is not root and _is_title(el, wanted)
        ),
        None,
    )
    if title is None:
        return
    node = title
    while node is not root:
        parent = node.getparent()
        if parent is None:
            return
        for earlier in list(node.itersiblings(preceding=True)):
            parent.remove(earlier)
        parent.text = None
        node = parent
    drop_element(title)
