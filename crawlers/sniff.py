"""Is this an HTML page? Decided from the bytes (never from a file name or a header).

Used by `vnfeeds extract` and `sites learn` to refuse binary files, images, PDFs and
random bytes at once, with a one-line reason, instead of parsing them for minutes; and by
the spider, with the charset Scrapy decided on for a response.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.http import Response

SNIFF_BYTES = 4096
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|table|article|section|"
    rb"h[1-6]|ul|span|a\s|script|link|!--)",
    re.IGNORECASE,
)
_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"\x1f\x8b": "gzip-compressed data",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


class NotHtml(ValueError):
    """The bytes are not an HTML page; the message says what they look like."""


def _utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


#: C0 control bytes other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)


def check_html(data: bytes, *, max_bytes: int) -> None:
    """Raise :class:`NotHtml` unless ``data`` looks like an HTML page of at most ``max_bytes``."""
    if len(data) > max_bytes:
        raise NotHtml(f"larger than the crawler's page limit of {max_bytes} bytes")
    head = data[:SNIFF_BYTES]
    if not head.strip():
        raise NotHtml("empty file")
    for magic, what in _SIGNATURES.items():
        if head.startswith(magic):
            raise NotHtml(f"not an HTML page: looks like {what}")
    if _utf16(head):
        text = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "ignore")
        head = text.encode("utf-8", "ignore")
    if b"\x00" in head:
        raise NotHtml("not an HTML page: binary data (NUL bytes)")
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if control > len(head) // 100:
        raise NotHtml("not an HTML page: binary data (control bytes)")
    if not _MARKUP.search(head.lstrip(b"".join(_BOMS))):
        raise NotHtml(f"not an HTML page: no HTML markup in the first {SNIFF_BYTES} bytes")


def response_encoding(response: Response) -> str | None:
    """The charset Scrapy decided on (header, meta or detection), if it decoded the page."""
    encoding: str | None = getattr(response, "encoding", None)  # a TextResponse's only
    return encoding
