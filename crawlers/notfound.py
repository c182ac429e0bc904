"""Soft 404s: a site's "page not found" served as 200 OK must not become an article.

Portals answer a link to a deleted or never-published article with their error page
and status 200 often enough (the real Krông Nô site's list links a placeholder
"Default 404 Not Found Page"; NukeViet's own wording is "Lỗi truy cập 404" / "Trang web
mà bạn đã cố gắng truy cập không tồn tại trên máy chủ của website", nukeviet/nukeviet
``includes/language/vi/global.php``). Stored, such a page is a feed item with the list's
title and an error message for a body. A page is a soft 404 when its title, or its body,
says so in one of :data:`PHRASES` and it prints no more than :data:`MAX_BODY_WORDS`
words and no attachment: an article that merely mentions a missing page is longer.
"""

from __future__ import annotations

import re

from domain.syllables import match_form

#: An article body longer than this is an article, whatever its words say.
MAX_BODY_WORDS = 60

#: What error pages say, Vietnamese and English; matched as whole words in the matching
#: form (case, tone placement and punctuation ignored).
PHRASES = (
    # Vietnamese
    "lỗi 404",
    "lỗi truy cập 404",
    "không tìm thấy trang",
    "không tìm thấy bài viết",
    "không tìm thấy tin",
    "không tìm thấy nội dung",
    "không tìm thấy tài nguyên",
    "không tìm thấy dữ liệu",
    "không tìm thấy đường dẫn",
    "trang không tồn tại",
    "trang web không tồn tại",
    "bài viết không tồn tại",
    "tin bài không tồn tại",
    "nội dung không tồn tại",
    "không tồn tại trên máy chủ",
    "không tồn tại hoặc đã bị xóa",
    "không còn tồn tại",
    "trang bạn yêu cầu",
    "trang bạn đang tìm",
    "trang bạn tìm kiếm",
    "trang bạn truy cập",
    # English
    "404 not found",
    "page not found",
    "file not found",
    "error 404",
    "404 error",
    "http 404",
    "could not be found",
    "cannot be found",
    "can not be found",
    "the page you requested",
    "the page you are looking for",
    "no longer exists",
)
#: Titles that are an error code and nothing else.
BARE_TITLES = frozenset({"404", "not found", "error", "lỗi"})

_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD.findall(match_form(text)))


_FORMS = tuple(f" {_words(p)} " for p in PHRASES)


def _says_not_found(text: str) -> bool:
    padded = f" {_words(text)} "
    return any(form in padded for form in _FORMS)


def is_soft_404(title: str, body_text: str, attachments: int = 0) -> bool:
    """True when a page's title or short body says the page does not exist."""
    if attachments or len(body_text.split()) > MAX_BODY_WORDS:
        return False
    if title and (_words(title) in BARE_TITLES or _says_not_found(title)):
        return True
    return bool(body_text) and _says_not_found(body_text)
