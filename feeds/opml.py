"""OPML 2.0 documents: feeds (``type="rss"`` outlines) in folders, as bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

__all__ = ["OPML_FOLDER", "OpmlOutline", "render_opml"]


OPML_FOLDER = "folder"


@dataclass(frozen=True)
class OpmlOutline:
    """A folder (children) or a feed (xml_url) in an OPML document."""

    text: str
    xml_url: str | None = None
    html_url: str | None = None
    children: tuple[OpmlOutline, ...] = ()


def render_opml(title: str, outlines: list[OpmlOutline], owner_url: str | None = None) -> bytes:
    """OPML 2.0 listing feeds (``type="rss"`` outlines) in folders (``type="folder"``)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    if owner_url:
        etree.SubElement(head, "ownerId").text = owner_url
    body = etree.SubElement(root, "body")

    def add(parent: Any, o: OpmlOutline) -> None:
        el = etree.SubElement(parent, "outline", text=o.text, title=o.text)
        if o.xml_url:
            el.set("type", "rss")
            el.set("xmlUrl", o.xml_url)
            if o.html_url:
                el.set("htmlUrl", o.html_url)
        else:  # a group of feeds (validators want a type wherever there is a title)
            el.set("type", OPML_FOLDER)
        for c in o.children:
            add(el, c)

    for o in outlines:
        add(body, o)
    return bytes(etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True))
