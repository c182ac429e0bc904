"""The matching form skips its confirming pass only where that pass would change nothing:
``match_form`` equals the plain fixpoint loop on adversarial text, and the facts the
shortcut rests on (:func:`domain.syllables._settled`) hold for every character it trusts."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.syllables import (
    _CLUSTERS,
    _FINALS,
    _INITIALS,
    _TONE_MARKS,
    SETTLED_CHARS,
    _match_form_once,
    _settled,
    canonical_tone,
    match_form,
)
from domain.text import _INVISIBLE, _LINE_SEPARATOR_CHARS, _fixpoint, xml_safe
from tests.domain.test_text_caching import PIECES

# What could make a first pass's output move again: entities that casefolding makes valid
# ("&Amp;" -> "&amp;"), damaged entities, mojibake, Greek and Turkish letters whose folding
# NFC undoes, combining marks, terminal escapes, non-breaking and other spaces.
TRAPS = [
    "&Amp;",
    "&AMP;",
    "LDQUO;",
    "#X201C;",
    "ΐ",
    "ΰ",
    "İ",
    "ß",
    "ẞ",
    "µ",
    "\u0345",
    "\u0301",
    "\u0323",
    ";",
    "&",
    "\x1b[1A",
    "\u00a0",
    "\u3000",
    "“Tin”",
    "– ",
    "Ã ",
    "Ä‘",
    "QUÝ",
    "GIÀ",
    "NGƯỜI",
    "HOÀ",
]
texts = st.lists(st.sampled_from([*PIECES, *TRAPS]), max_size=14).map("".join)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_match_form_is_the_fixpoint_loop(s: str) -> None:
    match_form.cache_clear()
    assert match_form(s) == _fixpoint(_match_form_once, s)


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_a_settled_output_is_a_fixed_point(s: str) -> None:
    r = _match_form_once(s)
    if _settled(r):
        assert _match_form_once(r) == r


def test_the_trusted_characters_are_kept_by_every_step() -> None:
    chars = sorted(SETTLED_CHARS)
    assert "&" not in SETTLED_CHARS and "a" in SETTLED_CHARS and "ự" in SETTLED_CHARS
    for ch in chars:
        assert ch.casefold() == ch and not unicodedata.combining(ch), repr(ch)
        assert xml_safe(ch) == ch and not _INVISIBLE.search(ch), repr(ch)
        assert not _LINE_SEPARATOR_CHARS.search(ch) and (ch == " " or not ch.isspace()), repr(ch)
    for a, b in itertools.product(chars, repeat=2):  # no two compose or reorder under NFC
        assert unicodedata.is_normalized("NFC", a + b), (a, b)


def test_canonical_tone_is_idempotent_on_every_syllable() -> None:
    """The tone it moves is found on the same vowel cluster again."""
    seen = 0
    for initial, cluster, final in itertools.product([*_INITIALS, ""], _CLUSTERS, _FINALS):
        for mark in _TONE_MARKS:
            for i in range(len(cluster)):  # the tone on each vowel of the cluster in turn
                toned = cluster[:i] + unicodedata.normalize("NFC", cluster[i] + mark)
                word = unicodedata.normalize("NFC", initial + toned + cluster[i + 1 :] + final)
                once = canonical_tone(word)
                assert canonical_tone(once) == once, word
                seen += 1
    assert seen > 50_000
