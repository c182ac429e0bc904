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

from crawlers.platforms.headline import squash

#: Blocks whose words locate a text block of the body on the page.
_TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")
#: A photo block says at most this many words (its caption).
_CAPTION_WORDS = 60


def words_of(el: etree._Element) -> str:
    """The element's text, its whitespace squashed."""
    return squash(el.xpath("string()"))


def _is_photo(block: etree._Element) -> bool:
    """An image with at most a caption's words."""
    return block.find(".//img") is not None and len(words_of(block).split()) <= _CAPTION_WORDS


def src_of(img: etree._Element, url: str) -> str:
    """The image's absolute address."""
    return urljoin(url, (img.get("src") or "").strip())


def _trailing_photos(body: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """The body's blocks before its trailing run of photo blocks, and that run."""
    blocks = [b for b in body if isinstance(b.tag, str)]
    n = len(blocks)
    while n and _is_photo(blocks[n - 1]):
        n -= 1
    return blocks[:n], blocks[n:]


def _page_index(
    page: etree._Element, url: str
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The page's text blocks (by their words) and images (by address), each with its
    positions in ``page.iter()`` order."""
    texts: dict[str, list[int]] = {}
    images: dict[str, list[int]] = {}
    for i, el in enumerate(page.iter()):
        if el.tag == "img":
            images.setdefault(src_of(el, url), []).append(i)
        elif el.tag in _TEXT_BLOCKS and (words := words_of(el)):
            texts.setdefault(words, []).append(i)
    return texts, images


def _located(
    blocks: list[etree._Element], texts: dict[str, list[int]]
) -> list[tuple[int, etree._Element]]:
    """The text blocks (at any depth) of ``blocks`` that the page prints exactly once, with
    that position; text the page prints more than once (a sidebar's line) locates nothing."""
    found: list[tuple[int, etree._Element]] = []
    for block in blocks:
        for el in block.iter(*_TEXT_BLOCKS):
            seen = texts.get(words_of(el), [])
            if len(seen) == 1 and el.find(".//img") is None:
                found.append((seen[0], el))
    return found


Layout = tuple[list[etree._Element], list[tuple[int, etree._Element]], dict[str, list[int]]]


def trailing_layout(body: etree._Element, page: etree._Element, url: str) -> Layout | None:
    """The body's trailing photo blocks, its other text blocks located on ``page``
    (:func:`_located`) and the page's images by address (:func:`_page_index`); None when
    there is no trailing photo, no text before it, or none of that text on the page."""
    before, photos = _trailing_photos(body)
    if not photos or not before:
        return None
    texts, images = _page_index(page, url)
    found = _located(before, texts)
    return (photos, found, images) if found else None


def put_images_back(body: etree._Element, page: etree._Element, url: str) -> None:
    """Move the photo blocks that end ``body`` (trafilatura's) back among its text, each
    after the text block (at any depth) that comes last before its image on ``page``.
    A photo the page shows after the body's last text (a gallery, a footer) stays. Text
    the page prints more than once (a sidebar repeating a line) locates nothing."""
    layout = trailing_layout(body, page, url)
    if layout is None:
        return
    photos, found, images = layout
    first_text, last_text = min(found, key=_at), max(found, key=_at)
    after: dict[etree._Element, etree._Element] = {}  # the block each anchor's photos follow
    for photo in photos:
        img = photo.find(".//img")
        shown = images.get(src_of(img, url), []) if img is not None else []
        # where the article shows it: within its text, else the last place above it
        inside = [i for i in shown if first_text[0] < i < last_text[0]]
        above = [i for i in shown if i < first_text[0]]
        if inside:
            anchor = _outer(max((t for t in found if t[0] < inside[0]), key=_at)[1])
            after.get(anchor, anchor).addnext(photo)
            after[anchor] = photo
        elif above:
            _outer(first_text[1]).addprevious(photo)  # the page shows it above the text


def _at(located: tuple[int, etree._Element]) -> int:
    return located[0]


def _outer(el: etree._Element) -> etree._Element:
    """``el``, or the list holding it (a photo goes beside a list, not into it)."""
    parent = el.getparent()
    if el.tag == "li" and parent is not None and parent.tag in ("ul", "ol"):
        return parent
    return el
