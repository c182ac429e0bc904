"""domain.mojibake answers exactly as ftfy's own checks, found without ftfy's full scan."""

from __future__ import annotations

import ftfy
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.mojibake import REQUIRED, WIDTH, ftfy_leaves_alone, may_be_bad
from domain.text import _FTFY

# Clean Vietnamese, the characters the badness expression is built from, and real mojibake.
PIECES = [
    "Sở Công Thương",
    "ĐẮK NÔNG",
    "hoà",
    "“Hội nghị”",
    "–",
    "…",
    "Thá»© 5",
    "nÄƒm",
    "â€œ",
    "Ã",
    "Ã ",
    "Â",
    "Â£5",
    "Ð",
    "¥",
    "²",
    "×",
    "œ",
    "Œ",
    "\xa0",
    "\xad",
    "\x83",
    "\x1b[31m",
    "a\u0300",
    "\ud800",
    "вЂ",
    "Ãƒ",
    " ",
    "e",
    ".",
    "\n",
]
texts = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)
chars = st.text(
    alphabet=st.sampled_from(sorted(set("".join(PIECES)) | set("àáảãạăâđêôơư¢£€®©°·»¿¡‘’"))),
    max_size=24,
)


def test_the_required_set_was_read_from_ftfy() -> None:
    assert REQUIRED is not None, "ftfy's badness expression could not be analysed"
    assert 2 <= WIDTH <= 64
    assert "a" not in REQUIRED.pattern and "à" not in REQUIRED.pattern


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(texts, chars))
def test_may_be_bad_is_is_bad(s: str) -> None:
    assert may_be_bad(s) == is_bad(s)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(texts, chars))
def test_left_alone_means_ftfy_keeps_it(s: str) -> None:
    if ftfy_leaves_alone(s):
        assert ftfy.fix_text(s, config=_FTFY) == s


def test_windows_reach_matches_far_apart_in_long_lines() -> None:
    clean = "Sở Công Thương tỉnh Đắk Nông tổ chức hội nghị “tổng kết” năm. " * 40
    assert not may_be_bad(clean) and not is_bad(clean)
    for damage in ("Thá»© 5", "â€œ", "vÃ "):
        for at in (0, len(clean) // 2, len(clean)):
            s = clean[:at] + damage + clean[at:]
            assert is_bad(s), (damage, at)
            assert may_be_bad(s), (damage, at)


def test_every_match_holds_a_required_character() -> None:
    # the property the windows rest on, checked on the matches of many damaged strings
    samples = ["Thá»© 5 nÄƒm", "â€œquoteâ€\x9d", "voilÃ le", "Ã¡", "Â£", "Ð¿Ñ€Ð¸", "ÃƒÂ©"]
    for s in samples:
        for m in BADNESS_RE.finditer(s):
            assert REQUIRED is not None and REQUIRED.search(m.group(0)), (s, m.group(0))
            assert len(m.group(0)) <= WIDTH


def test_a_line_is_checked_with_its_line_break() -> None:
    # "œ" before a non-letter is bad, and the "\n" ending ftfy's segment is that non-letter
    for s in ("ôÃ œ\nÂÁnÉe", "lÈœ\nô—", "\nÃ "):
        assert ftfy.fix_text(s, config=_FTFY) != s
        assert not ftfy_leaves_alone(s)
