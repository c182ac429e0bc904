"""Remembered fixed points (domain.text._FixedPoints) change no result: cleaning with
them, in any order of inputs, gives what the plain fixpoint loop gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.cleaning.html import _norm
from domain.text import (
    _clean_multiline_once,
    _clean_text_once,
    _FixedPoints,
    _fixpoint,
    clean_multiline,
    clean_text,
)
from tests.domain.test_text_caching import PIECES

texts = st.lists(st.sampled_from([*PIECES, "Ã\r\n", "A", "\t"]), max_size=10).map("".join)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(texts, max_size=6))
def test_cleaning_with_known_fixed_points_is_plain_cleaning(batch: list[str]) -> None:
    clean_text.cache_clear()
    clean_multiline.cache_clear()
    for s in batch:  # each input, then its own output (which a known fixed point may be)
        for once, cached in (
            (_clean_text_once, clean_text),
            (_clean_multiline_once, clean_multiline),
        ):
            out = cached(s)
            assert out == _fixpoint(once, s)
            assert cached(out) == _fixpoint(once, out)


def test_only_confirmed_results_are_remembered() -> None:
    known = _FixedPoints(8)
    grow = lambda s: s + "x" if len(s) < 5 else s  # noqa: E731  (stable from 5 characters)
    assert _fixpoint(grow, "a", limit=2, known=known) == "axx"  # the limit, not stable
    assert "axx" not in known and "a" not in known
    assert _fixpoint(grow, "a", limit=6, known=known) == "axxxx"
    assert "axxxx" in known
    assert _fixpoint(lambda s: "changed", "axxxx", known=known) == "axxxx"  # f not called


def test_known_fixed_points_are_bounded() -> None:
    known = _FixedPoints(3)
    for s in "abcd":
        known.add(s)
    assert "d" in known and known.cache_info()[0] <= 3
    known.cache_clear()
    assert "d" not in known


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), texts))
def test_cached_norm_is_norm(s: str | None) -> None:
    assert _norm(s) == _norm.__wrapped__(s)
    assert _norm(s) == _norm.__wrapped__(s)  # the second time from the cache
