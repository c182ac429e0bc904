"""The records of the replica corpus: a story (one article of one unit), its image and files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Image:
    """An image: server path (unquoted), caption, whose host serves it, lazy-loaded or not."""

    path: str
    caption: str
    host_unit: str
    lazy: bool = False


@dataclass
class Attachment:
    """An attached file: server path (may hold a query), display name, extension."""

    path: str
    name: str
    ext: str


@dataclass
class Story:
    """One article of one unit."""

    unit: str
    aid: int
    category: str
    title: str
    published: datetime
    has_time: bool
    lead: str
    paragraphs: list[str]
    image: Image | None = None
    attachments: list[Attachment] = field(default_factory=list)
    author: str = ""
    source: str = ""
    slug: str = ""
    list_published: datetime | None = None
    damaged_summary: bool = False
    internal: bool = False
    group: str | None = None
    copy_of: tuple[str, int] | None = None
    exact: bool = False

    @property
    def list_date(self) -> datetime:
        """The date the list pages print (differs from the article for one story)."""
        return self.list_published or self.published
