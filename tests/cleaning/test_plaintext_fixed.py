"""html_to_text reads a page once when the first reading left nothing to read again."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.cleaning import plaintext
from crawlers.cleaning.plaintext import _html_to_text_once, html_to_text
from domain.text import _fixpoint

_PIECES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "<p>", "</p>", "<br>", "<b>", "</b>", "<td>", "<div>", "</div>", "&amp;", "&lt;",
            "&amp;lt;b&amp;gt;", "\n", "\r\n", " ", "\t", "\x0c", "\u00a0", "\u200b", "\ufeff",
            "\u2028", "\u0301", "e\u0301", "Hòa Bình", "Ã", "ï»¿",
        ]
    ),
)  # fmt: skip


@settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_same_text_as_reading_until_nothing_changes(html: str) -> None:
    html_to_text.cache_clear()
    assert html_to_text(html) == _fixpoint(_html_to_text_once, html, limit=4)


@pytest.mark.parametrize(
    ("html", "readings"),
    [
        ("<p>Sở Công Thương</p><p>Hòa Bình</p>", 1),  # plain text out: read once
        ("<p>Tom &amp;amp; Jerry</p>", 2),  # "&amp;" out: read again
    ],
)
def test_a_reading_with_nothing_left_to_read_is_the_last(
    html: str, readings: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(s: str) -> str:
        calls.append(s)
        return _html_to_text_once(s)

    monkeypatch.setattr(plaintext, "_html_to_text_once", counted)
    html_to_text.cache_clear()
    html_to_text(html)
    assert len(calls) == readings
