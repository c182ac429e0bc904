"""Republished news: which unit copies whom, and how editors change a copy.

Each plan is (origin unit, target units, topic); a target written ``=unit`` is an
exact republication (identical text), the others are edited copies (reworded title,
other lead, trimmed or added paragraphs, a "Nguồn: …" line). Topic ``seed`` is the
seed conference.
"""

from __future__ import annotations

import random
import re

from replicas import words as W

GROUP_PLANS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("hoabinh-soct", ("=hoabinh-portal", "phutho-soct", "bct-xttm", "thanhhoa-sct"), "seed"),
    ("hoabinh-soct", ("=hoabinh-portal", "bct-xttm", "phutho-soct"), "cong-thuong"),
    ("thanhhoa-sct", ("bct-xttm", "hanoi-sct", "thanhhoa-snnmt"), "cong-thuong"),
    ("hanoi-sct", ("bct-xttm", "phutho-soct", "=hanoi-stp"), "cong-thuong"),
    ("phutho-soct", ("bct-xttm", "hoabinh-soct", "hanoi-sct"), "cong-thuong"),
    ("phutho-stc", ("hoabinh-portal", "phutho-skhcn", "vinhphuc-sxd"), "tai-chinh"),
    ("phutho-skhcn", ("vinhphuc-stttt", "phutho-stc", "=phutho-soct"), "khoa-hoc-cong-nghe"),
    ("vinhphuc-stttt", ("phutho-skhcn", "vinhphuc-sxd", "hoabinh-portal"), "khoa-hoc-cong-nghe"),
    ("thanhhoa-syt", ("thanhhoa-snnmt", "hanoi-sgddt", "hoabinh-portal"), "y-te"),
    ("thanhhoa-snnmt", ("thanhhoa-sct", "bct-xttm", "phutho-soct"), "nong-nghiep"),
    ("hanoi-sgddt", ("hanoi-stp", "hanoi-sct", "=thanhhoa-syt"), "giao-duc"),
    ("hanoi-stp", ("hanoi-sgddt", "hanoi-sct", "hoabinh-portal"), "cai-cach-hanh-chinh"),
    ("vinhphuc-sxd", ("phutho-stc", "vinhphuc-stttt", "phutho-skhcn"), "giao-thong-xay-dung"),
    ("hoabinh-portal", ("hoabinh-soct", "phutho-soct", "phutho-stc"), "cai-cach-hanh-chinh"),
    ("bct-xttm", ("hoabinh-soct", "thanhhoa-sct", "hanoi-sct", "phutho-soct"), "cong-thuong"),
    ("thanhhoa-sct", ("thanhhoa-syt", "=thanhhoa-snnmt", "bct-xttm"), "y-te"),
    ("phutho-soct", ("phutho-stc", "phutho-skhcn", "hoabinh-portal"), "cong-thuong"),
)

# Old ("hòa") to new ("hoà") tone placement, as some editors type it.
_NEW_TONES = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "Òa": "Oà",
    "Óa": "Oá",
    "òe": "oè",
    "óe": "oé",
    "ủy": "uỷ",
    "úy": "uý",
    "ùy": "uỳ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
_NEW_TONES_RE = re.compile("|".join(map(re.escape, _NEW_TONES)))


def new_tone_style(text: str) -> str:
    """The same text with the new tone placement ("Hoà Bình", "Thanh Hoá", "thuỷ")."""
    return _NEW_TONES_RE.sub(lambda m: _NEW_TONES[m.group(0)], text)


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph."""
    m = re.match(r"(.+?[.;:])\s", text + " ")
    return m.group(1) if m else text


def edit_lead(rng: random.Random, lead: str, province: str) -> tuple[str, bool]:
    """Another lead for a copy; second value True when the old lead moves into the body."""
    choice = rng.randrange(3)
    if choice == 0:
        return first_sentence(lead), False
    if choice == 1:
        return f"{W.PROVINCE_SHORT[province]} - {lead}", False
    return "", True


def edit_paragraphs(rng: random.Random, paras: list[str], extra: str) -> list[str]:
    """Trim, drop or add a paragraph, the way editors do."""
    out = list(paras)
    op = rng.randrange(3)
    if op == 0 and len(out) >= 3:
        out.pop()
    elif op == 1 and len(out) >= 4:
        out.pop(rng.randrange(1, len(out) - 1))
    else:
        out.append(extra)
    return out
