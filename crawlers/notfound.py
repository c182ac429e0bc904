"""Soft 404s: a site's "page not found" served as 200 OK must not become an article.

Portals answer a link to a deleted or never-published article with their error page
and status 200 often enough (the real Krông Nô site's list links a placeholder
"Default 404 Not Found Page"; NukeViet's own wording is "Lỗi truy cập 404" / "Trang web
mà bạn đã cố gắng truy cập không tồn tại trên máy chủ của website", nukeviet/nukeviet
``includes/language/vi/global.php``). Stored, such a page is a feed item with the list's
title and an error message for a body. A page is a soft 404 when it prints no attachment
and no more than :data:`MAX_BODY_WORDS` words, and its title (or a part of it between
" - ", " | " …) is an error code or one of :data:`PHRASES` with at most
:data:`MAX_EXTRA_TITLE_WORDS` other words, or its body of at most
:data:`MAX_ERROR_BODY_WORDS` words holds one of :data:`PHRASES`. A headline about an
error ("Khắc phục lỗi 404 trên Cổng dịch vụ công") is longer; so is an article quoting one.
A page with no title at all is one when a short line of its text is such a title: with
no title, the text read is the page frame around the message (a real Liferay theme's
"Ooops... Error 404", ewh-support/ldld-1.daknong ``404/``).
"""

from __future__ import annotations

import re

from domain.syllables import match_form

#: An article body longer than this is an article, whatever its words say.
MAX_BODY_WORDS = 60
#: An error page's own message is terse: a body this short that says "not found" is one.
MAX_ERROR_BODY_WORDS = 30
#: An error page's heading line, on a page with no title (its text is the page frame).
MAX_ERROR_LINE_WORDS = 10
#: Words a title may hold besides an error phrase ("Default 404 Not Found Page") and
#: still be an error page's; a longer one is a headline about an error.
MAX_EXTRA_TITLE_WORDS = 4

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


#: Separators between a page title's parts ("404 - Không tìm thấy trang - Sở Y tế …").
_TITLE_PARTS = re.compile(r"\s+[-–—|:»]\s+|\s*\|\s*")


def _error_title(title: str) -> bool:
    """A title, or one of its parts, that is an error code or an error phrase and little else."""
    for part in _TITLE_PARTS.split(title):
        words = _words(part)
        if words in BARE_TITLES:
            return True
        padded, count = f" {words} ", len(words.split())
        for form in _FORMS:
            if form in padded and count - len(form.split()) <= MAX_EXTRA_TITLE_WORDS:
                return True
    return False


def is_soft_404(title: str, body_text: str, attachments: int = 0) -> bool:
    """True when a page's title, or its terse body, says the page does not exist; or, on a
    page with no title, when a line of its text is an error title ("Ooops... Error 404")."""
    if attachments:
        return False
    if not title and any(
        _error_title(line)
        for line in body_text.splitlines()
        if len(line.split()) <= MAX_ERROR_LINE_WORDS
    ):
        return True  # no title: the text read is the page frame around the error message
    n = len(body_text.split(maxsplit=MAX_BODY_WORDS))  # counted no further than needed
    if n > MAX_BODY_WORDS:
        return False
    if title and _error_title(title):
        return True
    return n <= MAX_ERROR_BODY_WORDS and bool(body_text) and _says_not_found(body_text)
