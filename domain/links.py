"""Repair of links copied out of HTML source, the one place that knows ``&amp;`` damage."""

from __future__ import annotations

import re

_AMP = re.compile(r"&(?:amp|#0*38|#x0*26);", re.IGNORECASE)


def repair_amp(url: str, rounds: int = 4) -> str:
    """``url`` with ``&amp;`` (also ``&#38;``/``&#x26;``, escaped several times over) as ``&``."""
    for _ in range(rounds):
        fixed = _AMP.sub("&", url)
        if fixed == url:
            break
        url = fixed
    return url
