"""Page furniture that trafilatura keeps as photos: images that are not the article's.

Read off the page, never guessed from file names:

* a spacer or tracking pixel: every ``<img>`` of that address on the page declares (in
  its attributes or inline style) a width or a height of at most :data:`PIXEL` pixels;
* a photo of the body's trailing run that the page shows far past the article's last
  text: more than :data:`FAR_WORDS` words the article does not print stand between them
  on the page (a related-news list before its "see more" button, a sidebar before its
  gallery). A photo the article's text surrounds, or one right after its last line, stays.
"""

from __future__ import annotations

import re

from lxml import etree

from crawlers.cleaning.html import drop_element
from crawlers.platforms.headline import squash
from crawlers.platforms.placing import src_of, trailing_layout, words_of

#: An image at most this wide or high is a spacer, a tracking pixel or a rule.
PIXEL = 2
#: More foreign words than this between the article's last text and a photo: not its photo.
FAR_WORDS = 25
_SIZE = re.compile(r"\s*(\d+)\s*(?:px)?\s*$")
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(?:width|height)\s*:\s*(\d+)(?:\.\d*)?\s*px", re.IGNORECASE)
_NO_TEXT = ("script", "style", "noscript", "template")


def _tiny(img: etree._Element) -> bool:
    """Declared (attribute or inline style) at most :data:`PIXEL` wide or high."""
    for attr in ("width", "height"):
        m = _SIZE.match(img.get(attr) or "")
        if m and int(m.group(1)) <= PIXEL:
            return True
    return any(int(px) <= PIXEL for px in _STYLE_SIZE.findall(img.get("style") or ""))


def _pixels(page: etree._Element, url: str) -> set[str]:
    """Addresses every one of whose images on the page is declared tiny."""
    sizes: dict[str, bool] = {}
    for img in page.iter("img"):
        src = src_of(img, url)
        sizes[src] = sizes.get(src, True) and _tiny(img)
    return {src for src, tiny in sizes.items() if tiny}


def _drop_image(img: etree._Element, body: etree._Element) -> None:
    """Drop ``img``, and the photo block holding it when nothing else is left there."""
    block = img
    while block.getparent() is not None and block.getparent() is not body:
        block = block.getparent()
    drop_element(img)
    empty = not words_of(block) and block.find(".//img") is None
    if block is not img and block.getparent() is body and empty:
        drop_element(block)


def _foreign_words(order: list[etree._Element], start: int, end: int, article: str) -> int:
    """Words the page (its elements in ``page.iter()`` order) prints after its element at
    ``start`` and its content and before the image at ``end``, that ``article`` (squashed
    text) does not."""
    holders = set(order[end].iterancestors())  # their tails come after the image
    n = 0
    for el in order[start + sum(1 for _ in order[start].iter()) : end]:
        if not isinstance(el.tag, str) or el.tag in _NO_TEXT:
            parts = [el.tail]
        elif el in holders:
            parts = [el.text]
        else:
            parts = [el.text, el.tail]
        for part in parts:
            text = squash(part or "")
            if text and text not in article:
                n += len(text.split())
    return n


def drop_furniture(body: etree._Element, page: etree._Element, url: str) -> None:
    """Remove from ``body`` (the generic body, its photos placed) the spacer pixels and
    the trailing photos the page shows far past the article's last text."""
    pixels = _pixels(page, url)
    for img in list(body.iter("img")):
        if src_of(img, url) in pixels or _tiny(img):
            _drop_image(img, body)
    layout = trailing_layout(body, page, url)
    if layout is None:
        return
    photos, found, images = layout
    last_at = max(at for at, _ in found)
    order = list(page.iter())
    article = squash(body.xpath("string()"))
    for photo in photos:
        img = photo.find(".//img")
        if img is None:
            continue
        later = [i for i in images.get(src_of(img, url), []) if i > last_at]
        if later and _foreign_words(order, last_at, later[0], article) > FAR_WORDS:
            drop_element(photo)
