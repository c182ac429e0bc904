"""detect_language decides "vi" from the share of Vietnamese letters in the whole text
when that is enough (the words' letters never outnumber its characters): the same answer
as counting the letters of every word, on every fixture article and on texts near each
threshold."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from crawlers.cleaning import language
from crawlers.cleaning.language import detect_language

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _counting(text: str) -> str:
    """The rule read plainly: every word found, its letters counted."""
    text = unicodedata.normalize("NFC", text).casefold()
    words = re.findall(r"[^\W\d_]+", text)
    if len(words) < language.MIN_WORDS:
        return ""
    letters = sum(len(w) for w in words)
    if len(language._VI_LETTER.findall(text)) >= language.VI_SHARE * letters:
        return "vi"
    if sum(w in language._EN_WORDS for w in words) >= language.EN_SHARE * len(words):
        return "en"
    return ""


def _fixture_texts() -> list[str]:
    out = []
    for path in sorted(FIXTURES.rglob("*.json")):
        if path.name.endswith(".meta.json"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("body_text"):
            out.append(f"{data.get('title', '')}\n{data['body_text']}")
    return out


def _near_thresholds() -> list[str]:
    """Few Vietnamese letters among many letters, digits or spaces; 4 and 5 words."""
    out = ["một hai ba bốn", "một hai ba bốn năm", "1 2 3 4 5 6", "", "đ"]
    for vi in range(8):
        for filler in ("abcd ", "12345 ", "a      ", "the and of "):
            out.append("việt " * vi + filler * 40 + "word word word word word")
    return out


TEXTS = _fixture_texts() + _near_thresholds()


def test_enough_texts() -> None:
    assert len(_fixture_texts()) > 20
    answers = {_counting(t) for t in TEXTS}
    assert answers == {"vi", "en", ""}


@pytest.mark.parametrize("text", TEXTS)
def test_same_answer_as_counting_letters(text: str) -> None:
    assert detect_language(text) == _counting(text)
