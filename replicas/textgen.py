"""Seeded Vietnamese news text: titles, leads and paragraphs from templates and word banks."""

from __future__ import annotations

import random
from dataclasses import dataclass

from replicas import words as W


@dataclass(frozen=True)
class Voice:
    """Who writes: the unit's name, its short name and its province id."""

    org: str
    short: str
    province: str


def person(rng: random.Random) -> str:
    """A Vietnamese full name."""
    return f"{rng.choice(W.SURNAMES)} {rng.choice(W.MIDDLE)} {rng.choice(W.GIVEN)}"


def _num(rng: random.Random) -> str:
    """A Vietnamese-formatted decimal ("1.612,9")."""
    whole = rng.randint(12, 9800)
    s = f"{whole:,}".replace(",", ".")
    return f"{s},{rng.randint(1, 9)}" if rng.random() < 0.6 else s


def period_year(rng: random.Random, year: int) -> str:
    """ "6 tháng đầu năm 2023", "quý I năm 2023"."""
    p = rng.choice(W.PERIODS)
    return f"{p} {year}" if p.endswith("năm") else f"{p} năm {year}"


def _pct(rng: random.Random) -> str:
    return f"{rng.randint(1, 35)},{rng.randint(0, 9)}%"


def title(rng: random.Random, topic: str, voice: Voice, year: int) -> str:
    """A news title for ``topic``."""
    bank = W.TOPICS[topic]
    pattern = rng.choice(W.TITLE_PATTERNS)
    subject = rng.choice(bank["subjects"])
    text = pattern.format(
        subject=subject,
        year=year,
        district=rng.choice(W.DISTRICTS[voice.province]),
        province=W.PROVINCE_SHORT[voice.province],
        period=rng.choice(W.PERIODS),
        org=voice.short,
        quarter=rng.choice(("I", "II", "III", "IV")),
        period_year=period_year(rng, year),
    )
    return text[0].upper() + text[1:]


def lead(rng: random.Random, topic: str, voice: Voice, day: int, month: int) -> str:
    """The opening paragraph: when, where, who."""
    bank = W.TOPICS[topic]
    place = f"huyện {rng.choice(W.DISTRICTS[voice.province])}"
    return (
        f"Ngày {day}/{month}, tại {place}, {voice.org} tổ chức {rng.choice(W.EVENTS)} về "
        f"{rng.choice(bank['subjects'])}. Tham dự có đồng chí {person(rng)} - "
        f"{rng.choice(W.ROLES_PROV)}; đồng chí {person(rng)} - {rng.choice(W.ROLES_DEPT)}, "
        f"cùng đại diện lãnh đạo các phòng, đơn vị liên quan và {rng.randint(40, 250)} đại biểu."
    )


def _sentence(rng: random.Random, topic: str, voice: Voice, year: int) -> str:
    bank = W.TOPICS[topic]
    prov = W.PROVINCE_SHORT[voice.province]
    kind = rng.randrange(8)
    if kind == 0:
        return (
            f"Theo báo cáo, {period_year(rng, year)}, {rng.choice(bank['indicators'])} "
            f"ước đạt {_num(rng)} tỷ đồng, tăng {_pct(rng)} so với cùng kỳ năm trước."
        )
    if kind == 1:
        n = rng.randint(12, 480)
        return (
            f"Toàn tỉnh hiện có {n} {rng.choice(bank['entities'])}, trong đó "
            f"{rng.randint(3, n)} đơn vị đã hoàn thành các chỉ tiêu được giao."
        )
    if kind == 2:
        a, b = rng.sample(list(bank["actions"]), 2)
        return (
            f"Phát biểu tại {rng.choice(W.EVENTS)}, đồng chí {person(rng)} - "
            f"{rng.choice(W.ROLES_DEPT)} đề nghị các đơn vị tập trung {a}, đồng thời {b}."
        )
    if kind == 3:
        a, b = rng.sample(list(bank["actions"]), 2)
        return f"Trong thời gian tới, {voice.short} sẽ tiếp tục {a} và {b}."
    if kind == 4:
        return (
            f"Đến nay, đã có {rng.randint(5, 900)} {rng.choice(bank['entities'])} trên địa bàn "
            f"huyện {rng.choice(W.DISTRICTS[voice.province])} được hỗ trợ với tổng kinh phí "
            f"{_num(rng)} triệu đồng."
        )
    if kind == 5:
        return (
            f"{rng.choice(W.ROOMS)} đã tham mưu ban hành {rng.randint(2, 19)} văn bản hướng dẫn, "
            f"tổ chức {rng.randint(2, 40)} đoàn kiểm tra tại các huyện, thành phố."
        )
    if kind == 6:
        return (
            f"Bên cạnh kết quả đạt được, công tác {rng.choice(bank['subjects'])} tại {prov} "
            f"vẫn còn một số khó khăn, vướng mắc về nguồn lực và cơ chế phối hợp."
        )
    return (
        f"Các đại biểu đã thảo luận, đề xuất nhiều giải pháp nhằm {rng.choice(bank['actions'])}, "
        f"phấn đấu hoàn thành kế hoạch năm {year}."
    )


def paragraph(rng: random.Random, topic: str, voice: Voice, year: int) -> str:
    """A paragraph of two to four sentences."""
    return " ".join(_sentence(rng, topic, voice, year) for _ in range(rng.randint(2, 4)))


def paragraphs(rng: random.Random, topic: str, voice: Voice, year: int, n: int) -> list[str]:
    """``n`` paragraphs, no two alike."""
    out: list[str] = []
    while len(out) < n:
        p = paragraph(rng, topic, voice, year)
        if p not in out:
            out.append(p)
    return out


def reword_title(rng: random.Random, text: str, province: str) -> str:
    """An editor's version of a title: reworded verb, a place prefix, or both."""
    out = text
    for old, new in W.TITLE_REWORDS:
        if out.startswith(old) and old != new:
            out = new + out[len(old) :]
            break
    prefix = rng.choice(W.TITLE_PREFIXES).format(province=W.PROVINCE_SHORT[province])
    if out == text and not prefix:
        prefix = f"{W.PROVINCE_SHORT[province]}: "
    if prefix and not out.startswith(prefix):
        out = prefix + out
    return out
