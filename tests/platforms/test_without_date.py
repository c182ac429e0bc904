"""A list title loses the bracketed date at its end the way the pattern
``[(\\[]\\s*DATE\\s*[)\\]]\\s*$`` says, now read without compiling a pattern per date."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crawlers.platforms.listing import _without_bracketed, without_date


def _by_pattern(text: str, core: str) -> str:
    m = re.search(r"[(\[]\s*" + re.escape(core) + r"\s*[)\]]\s*$", text)
    return text[: m.start()] if m else text


PIECES = ["(", ")", "[", "]", " ", "\t", "\n", "\xa0", "1", "01/02/2024", "24.06", "Tin", "a"]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(texts, texts)
def test_reading_from_the_end_is_the_pattern(text: str, core: str) -> None:
    core = core.strip(" ()[]")
    assert _without_bracketed(text, core) == _by_pattern(text, core)


def test_titles_lose_only_a_trailing_date() -> None:
    assert without_date("Tin A (24.06.2019)", "24.06.2019") == "Tin A"
    assert without_date("Tin A [ 24.06.2019 ]  ", "(24.06.2019)") == "Tin A"
    assert without_date("Tin A (24.06.2019) khác", "24.06.2019") == "Tin A (24.06.2019) khác"
    assert without_date("Tin A ()", "") == "Tin A"
    assert without_date("Quyết định ngày 01/04/2019 của UBND", "01/04/2019") == (
        "Quyết định ngày 01/04/2019 của UBND"
    )
