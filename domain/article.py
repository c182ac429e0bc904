"""The records that flow from a platform parser to the store.

``RawArticle`` is what a platform module reads off a page: strings as the page has
them. ``Article`` is the cleaned result (NFC text, zone-aware date, sanitised HTML,
absolute URLs); its ``to_json`` is the contract printed by ``vnfeeds extract``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Image:
    """An image of an article: absolute URL and its caption ('' when none)."""

    url: str
    caption: str = ""


@dataclass
class Attachment:
    """An attached file: absolute URL, file name and type (pdf, docx, xlsx, zip …)."""

    url: str
    name: str
    type: str


@dataclass
class RawArticle:
    """Fields of an article page as the page prints them (not yet cleaned).

    ``body_html`` is the HTML fragment of the body as found; ``images`` and
    ``attachments`` may hold relative URLs; ``published_text`` is the date text.
    """

    url: str
    title: str = ""
    published_text: str = ""
    updated_text: str = ""
    category: str = ""
    lead: str = ""
    body_html: str = ""
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    author: str = ""
    source: str = ""
    canonical_url: str = ""
    language: str = ""  # as the page states it; "" = read from the text
    date_format: str | None = None
    missing: list[str] = field(default_factory=list)
    # the platform's body element is on the page (an empty one means an empty article)
    body_found: bool = False


@dataclass
class Article:
    """A cleaned article, ready for dedup and the store."""

    url: str
    title: str
    published: datetime | None
    time_unknown: bool
    category: str
    lead: str
    body_html: str
    body_text: str
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    author: str = ""
    source: str = ""
    updated: datetime | None = None
    canonical_url: str = ""
    language: str = "vi"
    platform: str = ""
    fallback: bool = False
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``vnfeeds extract`` (and of golden fixtures)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url or self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "time_unknown": self.time_unknown,
            "category": self.category,
            "lead": self.lead,
            "body_html": self.body_html,
            "body_text": self.body_text,
            "images": [asdict(i) for i in self.images],
            "attachments": [asdict(a) for a in self.attachments],
            "author": self.author,
            "source": self.source,
            "language": self.language,
            "platform": self.platform,
            "fallback": self.fallback,
        }
