"""Photos trafilatura moved after the text, put back where the page shows them.

trafilatura emits a photo laid out in its own table (an image row, a caption row: how
table-laid-out portals place a picture between paragraphs) after the text it belongs in,
so a generic body ends with captions instead of the article's last line. Each photo block
of the body's trailing run goes back after the text block that precedes its image on the
page. Only photos whose image is found on the page before the article's last text move,
and only beside text blocks found there too; anything else (a gallery or a footer image
after the article, an image the page does not show) stays where trafilatura put it.
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

#: Blocks whose words locate a text block of the body on the page.
_TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")
#: A photo block says at most this many words (its caption).
_CAPTION_WORDS = 60


def _words(el: etree._Element) -> str:
    return " ".join(el.xpath("string()").split())


def _is_photo(block: etree._Element) -> bool:
    return block.find(".//img") is not None and len(_words(block).split()) <= _CAPTION_WORDS


def put_images_back(body: etree._Element, page: etree._Element, url: str) -> None:
    """Move the photo blocks that end ``body`` (trafilatura's) back among its text, each
    after the text block (at any depth) that comes last before its image on ``page``.
    A photo the page shows after the body's last text (a gallery, a footer) stays."""
    blocks = [b for b in body if isinstance(b.tag, str)]
    n = len(blocks)
    while n and _is_photo(blocks[n - 1]):
        n -= 1
    photos = blocks[n:]
    if not photos or not n:
        return
    place: dict[str, int] = {}  # the page's text blocks and images, in page order
    at: dict[str, int] = {}
    for i, el in enumerate(page.iter()):
        if el.tag == "img":
            at.setdefault(urljoin(url, (el.get("src") or "").strip()), i)
        elif el.tag in _TEXT_BLOCKS:
            words = _words(el)
            if words:
                place.setdefault(words, i)
    located: list[tuple[int, etree._Element]] = []
    for block in blocks[:n]:
        for el in block.iter(*_TEXT_BLOCKS):
            on_page = place.get(_words(el))
            if on_page is not None and el.find(".//img") is None:
                located.append((on_page, el))
    if not located:
        return
    last_text = max(i for i, _ in located)
    after: dict[int, etree._Element] = {}  # the block each anchor's photos follow, so far
    for photo in photos:
        img = photo.find(".//img")
        where = at.get(urljoin(url, (img.get("src") or "").strip())) if img is not None else None
        if where is None or where > last_text:
            continue
        before = [(i, el) for i, el in located if i < where]
        if not before:
            first = min(located, key=lambda it: it[0])[1]
            _outer(first).addprevious(photo)  # the page shows it above the text
            continue
        anchor = _outer(max(before, key=lambda it: it[0])[1])
        after.get(id(anchor), anchor).addnext(photo)
        after[id(anchor)] = photo


def _outer(el: etree._Element) -> etree._Element:
    """``el``, or the list holding it (a photo goes beside a list, not into it)."""
    parent = el.getparent()
    if el.tag == "li" and parent is not None and parent.tag in ("ul", "ol"):
        return parent
    return el
