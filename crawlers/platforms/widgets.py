"""The site's widgets that generic extraction kept after an article, cut off.

On a page whose article is short (a notice with a file link), trafilatura's main content
often runs on past it into the column and footer every page of the site repeats: a visit
counter ("SỐ LƯỢT TRUY CẬP", its digits), a "Liên kết Website" box, the legal footer every
Vietnamese government site must print (the licence "Giấy phép số …", the owning body
"Cơ quan chủ quản", who answers for the content "Chịu trách nhiệm"). No article ends with
these: the body is cut at the first such block, with everything after it — but only when
no prose follows it (a text run of :data:`PROSE_WORDS`+ words that is not the footer
itself), so an article that names a counter or a licence in passing loses nothing.
"""

from __future__ import annotations

import re
from itertools import takewhile

from lxml import etree

from crawlers.cleaning.html import fragment_html, parse_fragment
from crawlers.platforms.framing import PROSE_WORDS

__all__ = ["drop_widgets", "is_widget"]

#: A counter's or link box's label says at most this many words (its digits aside).
LABEL_WORDS = 6
_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "div")
_COUNTER = re.compile(
    r"^(?:tổng\s+)?(?:số\s+)?lượt\s+(?:truy\s+cập|đang\s+online|online)\b"
    r"|^(?:hiện\s+)?đang\s+(?:online|truy\s+cập)\b"
    r"|^thống\s+kê\s+truy\s+cập\b"
    r"|^(?:số\s+)?người\s+(?:đang\s+)?(?:online|truy\s+cập)\b"
)
#: Words one of the widgets says: a body without any is not parsed.
_MAYBE = re.compile(r"truy\s+cập|online|liên\s+kết|giấy\s+phép|bản\s+quyền|copyright|©|®", re.I)
_LINK_BOX = frozenset({"liên kết website", "liên kết web", "website liên kết", "liên kết"})
_OWNER = ("cơ quan chủ quản", "chịu trách nhiệm", "bản quyền")
_SITE = ("thông tin điện tử", "ttđt", "website", "email", "e-mail")


def _legal_footer(text: str) -> bool:
    """The licence and ownership lines a government site prints at its foot: its licence,
    its owner and the site itself named in one block, or a copyright line."""
    return (
        "giấy phép" in text and any(o in text for o in _OWNER) and any(s in text for s in _SITE)
    ) or text.startswith(("©", "®", "bản quyền thuộc", "copyright"))


def is_widget(text: str) -> bool:
    """``text`` (one block's) is a visit counter's label, a link box's or the legal footer."""
    said = " ".join(text.split()).casefold()
    label = sum(not w.strip(":.").isdigit() for w in said.split()) <= LABEL_WORDS
    return (
        (label and bool(_COUNTER.match(said)))
        or said.rstrip(":") in _LINK_BOX
        or _legal_footer(said)
    )


def _leaf(el: etree._Element) -> bool:
    return next(el.iterdescendants(*_BLOCKS), None) is None


def drop_widgets(body: str) -> str:
    """``body`` (HTML) cut at its first widget block when no prose follows it; else as is."""
    root = parse_fragment(body) if "<" in body and _MAYBE.search(body) else None
    if root is None:
        return body
    leaves = [el for el in root.iter(*_BLOCKS) if _leaf(el) and el.text_content().strip()]
    first = next((i for i, el in enumerate(leaves) if is_widget(el.text_content())), None)
    if first is None:
        return body
    for el in leaves[first + 1 :]:
        text = el.text_content()
        if len(text.split()) >= PROSE_WORDS and not is_widget(text):
            return body
    cut = leaves[first]
    inside = [cut, *takewhile(lambda a: a is not root, cut.iterancestors())]
    for el in inside:  # what follows the cut at every level, the tails too
        for later in list(el.itersiblings()):
            el.getparent().remove(later)
        el.tail = None
    cut.getparent().remove(cut)
    return fragment_html(root)
