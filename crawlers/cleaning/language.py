"""The language of an article, read from its text (department sites publish English too)."""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

# Letters only Vietnamese uses among Latin scripts (after NFC): đ, ă, â, ê, ô, ơ, ư and
# every vowel with a tone mark.
_VI_LETTER = re.compile("[đăâêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]")
_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "for",
        "on",
        "with",
        "that",
        "by",
        "from",
        "as",
        "are",
        "was",
        "be",
        "this",
        "at",
        "an",
        "it",
        "has",
        "have",
    ]
)
#: Share of letters that must be Vietnamese-only for "vi".
VI_SHARE = 0.03
#: Share of words that must be common English function words for "en".
EN_SHARE = 0.08
MIN_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """``"vi"``, ``"en"``, or ``""`` when the text is too short or neither."""
    text = unicodedata.normalize("NFC", text).casefold()
    if next(islice(_WORD.finditer(text), MIN_WORDS - 1, None), None) is None:
        return ""  # fewer than MIN_WORDS words
    vi = len(_VI_LETTER.findall(text))
    # the words' letters never outnumber the text's characters: a share of the whole
    # text decides "vi" without counting letters (the common case, a Vietnamese page)
    if vi >= VI_SHARE * len(text):
        return "vi"
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if vi >= VI_SHARE * letters:
        return "vi"
    if sum(w in _EN_WORDS for w in words) >= EN_SHARE * len(words):
        return "en"
    return ""
