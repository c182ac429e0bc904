"""One language per page: every page string is in both catalogues; pages speak one of them."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from feeds.i18n import LANGUAGES, LanguageError, catalogue_path, page_language
from tools.messages import extract
from web.reasons import localise_reason


def _catalogue(lang: str) -> dict[str, str]:
    with catalogue_path(lang).open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def test_every_page_string_is_translated_in_every_catalogue() -> None:
    msgids = extract()
    assert len(msgids) > 100  # the templates and web modules are really scanned
    for lang in LANGUAGES:
        cat = _catalogue(lang)
        missing = [m for m in msgids if not cat.get(m)]
        assert not missing, (lang, missing[:10])
        for msgid, text in cat.items():  # placeholders survive translation
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
                re.findall(r"%\(\w+\)s", text)
            ), (lang, msgid)


def test_vietnamese_catalogue_is_vietnamese() -> None:
    vi = _catalogue("vi")
    untranslated = [m for m, t in vi.items() if t == m and re.search(r"[a-z]{3}", m)]
    assert not untranslated, untranslated


def test_language_setting() -> None:
    assert page_language("") == "vi" and page_language("EN") == "en"
    with pytest.raises(LanguageError, match="VNFEEDS_LANG"):
        page_language("fr")


@pytest.mark.parametrize(
    ("reason", "vi"),
    [
        (
            "text: jaccard 0.71, containment 0.91, length ratio 0.80",
            "văn bản: độ giống Jaccard 0,71, độ bao hàm 0,91, tỉ lệ độ dài 0,80",
        ),
        ("sentences: 3 of 7 shared", "câu: trùng 3 trên 7 câu"),
        ("same canonical URL", "cùng địa chỉ gốc (canonical URL)"),
        ("published 40 days apart", "đăng cách nhau 40 ngày"),
        (
            "templated notice: bodies differ in numbers: '12' / '13'; published 40 days apart",
            "thông báo theo mẫu: nội dung khác nhau ở các con số: '12' / '13'; "
            "đăng cách nhau 40 ngày",
        ),
        ("something new", "something new"),  # unknown reasons are shown as stored
    ],
)
def test_reasons_in_vietnamese(reason: str, vi: str) -> None:
    assert localise_reason(reason, "vi") == vi
    assert localise_reason(reason, "en") == reason


@pytest.mark.parametrize(
    ("reason", "vi"),
    [
        ("permanent redirect to http://x.vn/", "đã chuyển hẳn sang http://x.vn/"),
        (
            "3 of 10 articles disagree with their list page (2 titles, 1 dates)",
            "3 trên 10 bài không khớp với trang danh sách (2 tiêu đề, 1 ngày đăng)",
        ),
        (
            "no new article since 2026-10-01 (expected every 14 days)",
            "không có bài mới từ 2026-10-01 (thường 14 ngày có bài)",
        ),
        (
            "1 of 1 articles lack a title, date or body (1 of them no article: an error or"
            " category page)",
            "1 trên 1 bài thiếu tiêu đề, ngày đăng hoặc nội dung (1 trong số đó không phải bài"
            " viết: trang báo lỗi hoặc trang chuyên mục)",
        ),
        (
            "the crawl ended without recording its run (its log says why)",
            "lần thu thập đã kết thúc mà không ghi lại được kết quả (xem nhật ký của nó)",
        ),
        ("Connection refused (4 errors)", "Connection refused (4 lỗi)"),
        ("Connection refused", "Connection refused"),  # the crawler's own text, as written
    ],
)
def test_health_reasons_in_vietnamese(reason: str, vi: str) -> None:
    from web.reasons import localise_health

    assert localise_health(reason, "vi") == vi
    assert localise_health(reason, "en") == reason
    assert localise_health(None, "vi") == ""
