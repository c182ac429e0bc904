"""The legacy-encoding scan's shortcuts (one regex for the candidate words, the early
stop of :func:`detect_legacy`) give what the plain computation gave."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.cleaning.legacy import (
    _CANDIDATE,
    _LEGACY,
    _TOKEN,
    MIN_LEGACY_WORDS,
    detect_legacy,
    encode_tcvn3,
    encode_vni,
)
from domain.syllables import is_vn_syllable

UNICODE = [
    "Các đồng chí Lãnh đạo chụp ảnh lưu niệm tại hội nghị",
    "tổng mức bán lẻ hàng hóa và doanh thu dịch vụ ước đạt 38.490 tỷ đồng.",
    "Tại tỉnh Hòa Bình, 9 tháng đầu năm 2022",
    "là và có các tháng thành",
]
TCVN3 = [encode_tcvn3(s).decode("latin-1") for s in UNICODE]
VNI = [encode_vni(s).decode("latin-1") for s in UNICODE]
OTHER = ["déjà vu, naïve café", "x² ½ µm ª º", "Đà_nẵng é2ư ¡hola!", "<p class='a'>", "\x85\xa0"]
PIECES = UNICODE + TCVN3 + VNI + OTHER

lines = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join),
    st.text(alphabet=st.characters(max_codepoint=0x1EFF), max_size=12),
)
texts = st.lists(lines, max_size=12).map("\n".join)


def _candidates_by_tokens(text: str) -> list[str]:
    """The candidate words as first defined: the tokens past ASCII and up to U+00FF."""
    return [
        w
        for line in text.split("\n")
        if not line.isascii()
        for w in _TOKEN.findall(line)
        if not w.isascii() and max(w) <= "\u00ff"
    ]


def _detect_whole(text: str) -> str | None:
    """detect_legacy as first written: every candidate counted, then the decision."""
    words = _candidates_by_tokens(text)
    if len(words) < MIN_LEGACY_WORDS:
        return None
    as_is = sum(is_vn_syllable(w) for w in words)
    best: tuple[int, str] | None = None
    for name, convert in _LEGACY.items():
        valid = sum(is_vn_syllable(convert(w)) for w in words)
        confident = valid >= MIN_LEGACY_WORDS and valid >= 0.6 * len(words) and valid > 2 * as_is
        if confident and (best is None or valid > best[0]):
            best = (valid, name)
    return best[1] if best else None


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_candidates_are_the_tokens(text: str) -> None:
    assert _CANDIDATE.findall(text) == _candidates_by_tokens(text)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_early_stop_decides_as_the_whole_count(text: str) -> None:
    assert detect_legacy(text) == _detect_whole(text)


def test_mixed_pages_near_the_threshold() -> None:
    """Unicode and legacy lines in every proportion, either order: both answers occur."""
    seen = set()
    for legacy in (TCVN3, VNI):
        for n_legacy in range(6):
            for n_unicode in range(6):
                for first in (legacy, UNICODE):
                    part = {id(legacy): n_legacy, id(UNICODE): n_unicode}
                    second = UNICODE if first is legacy else legacy
                    text = "\n".join(
                        [*(first * 2)[: part[id(first)]], *(second * 2)[: part[id(second)]]]
                    )
                    got = detect_legacy(text)
                    assert got == _detect_whole(text), text
                    seen.add(got)
    assert seen == {None, "tcvn3", "vni"}


def test_candidate_regex_keeps_token_boundaries() -> None:
    assert _CANDIDATE.findall("Đà cà²phê x_é 3é") == [
        "cà²phê",
        "é",
        "é",
    ]  # ² is a token character, Đ is past U+00FF
    assert re.fullmatch(r"[\x00-\xff]*", "".join(_CANDIDATE.findall("ủy ban Hòa Bình")))
