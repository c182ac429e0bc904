"""CSS selectors that could name an element, and the page text model learning scores with.

Learning is generate-and-test: every element found on a sample (the title, the date,
the body, a chrome block) proposes the selectors that could name it; each proposal is
then run with the same engine the crawler uses (:func:`crawlers.platforms.common.select`)
on every sample, and the one that is right on most samples wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from parsel import Selector

_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
# Ids that change from page to page (generated counters, GUIDs, numbers) are useless.
_VOLATILE = re.compile(r"\d{3,}|[0-9a-f]{8}[-_][0-9a-f]{4}", re.IGNORECASE)
# A generated class: a stable prefix and a long hex tail (``ExternalClassD44D9F…``).
_GENERATED = re.compile(r"^([A-Za-z][A-Za-z_-]{3,}?)[0-9A-Fa-f]{8,}$")
_SKIP = {"script", "style", "noscript", "head", "title", "meta", "link"}
MAX_ANCESTORS = 6


def is_element(node: object) -> bool:
    """True for an lxml element (not a comment or processing instruction)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def own_selectors(el: etree._Element) -> list[str]:
    """Ways to name ``el`` alone: ``tag``, ``tag.class``, ``#id``."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or not _IDENT.match(tag):
        return []
    out = [tag]
    for cls in (el.get("class") or "").split():
        if _IDENT.match(cls) and not _VOLATILE.search(cls):
            out.append(f"{tag}.{cls}")
        elif m := _GENERATED.match(cls):
            out.append(f"{tag}[class^='{m.group(1)}']")
    ident = el.get("id") or ""
    if ident and _IDENT.match(ident) and not _VOLATILE.search(ident):
        out.append(f"#{ident}")
    return out


def _anchor_selectors(el: etree._Element) -> list[str]:
    """Names of an ancestor used as context: only classes and stable ids (not bare tags)."""
    return [s for s in own_selectors(el) if named(s)]


def selectors_for(el: etree._Element, *, stop: etree._Element | None = None) -> list[str]:
    """Candidate CSS selectors for ``el``: its own names, then each under a named ancestor."""
    own = own_selectors(el)
    out = list(own)
    parent = el.getparent()
    ptag = ""
    if parent is not None and is_element(parent) and parent is not stop:
        for p in own_selectors(parent):  # the bare tag too: "h3 > a"
            out += [f"{p} > {o}" for o in own]
        ptag = own_selectors(parent)[0] if own_selectors(parent) else ""
    for depth, anc in enumerate(el.iterancestors()):
        if depth >= MAX_ANCESTORS or anc is stop or not is_element(anc):
            break
        for a in _anchor_selectors(anc):
            out += [f"{a} {o}" for o in own]
            if ptag and depth > 0:
                out += [f"{a} {ptag} > {o}" for o in own]
    return unique(out)


def text_nodes(root: etree._Element) -> Iterator[tuple[str, etree._Element, bool]]:
    """(text, its element, inside a link) for every visible text of ``root``."""
    for el in root.iter():
        if not is_element(el) or el.tag in _SKIP:
            continue
        if any(a.tag in _SKIP for a in el.iterancestors() if is_element(a)):
            continue
        in_link = el.tag == "a" or any(a.tag == "a" for a in el.iterancestors())
        if el.text and el.text.strip():
            yield " ".join(el.text.split()), el, in_link
        for child in el:
            if child.tail and child.tail.strip():
                tail_link = in_link  # a tail belongs to ``el``
                yield " ".join(child.tail.split()), el, tail_link


def contains(ancestor: etree._Element, el: etree._Element) -> bool:
    """``el`` is ``ancestor`` or inside it."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def root_of(sel: Selector) -> etree._Element:
    """The document element of a parsed page."""
    root = sel.root
    assert isinstance(root, etree._Element)
    return root.getroottree().getroot()


def unique(items: Iterable[str]) -> list[str]:
    """Items once each, first occurrence first."""
    return list(dict.fromkeys(items))


def named(spec: str) -> bool:
    """The selector names a class or an id (sturdier than bare tags like ``div > a``)."""
    return "." in spec or "#" in spec or "[class^=" in spec
