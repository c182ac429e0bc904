"""The language of an article, read from its text (department sites publish English too)."""

from __future__ import annotations

import re
import unicodedata

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


def detect_language(text: str) -> str:
    """``"vi"``, ``"en"``, or ``""`` when the text is too short or neither."""
    text = unicodedata.normalize("NFC", text).casefold()
    words = re.findall(r"[^\W\d_]+", text)
    if len(words) < MIN_WORDS:
        return ""
    letters = sum(len(w) for w in words)
    if len(_VI_LETTER.findall(text)) >= VI_SHARE * letters:
        return "vi"
    if sum(w in _EN_WORDS for w in words) >= EN_SHARE * len(words):
        return "en"
    return ""
