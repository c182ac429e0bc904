"""Templated notices: texts that look alike but are different notices.

Each family renders the same boilerplate with other numbers, dates, places and
people, like the monthly citizen-reception schedule or numbered recruitment notices.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from replicas import words as W
from replicas.textgen import person
from replicas.units import UnitSpec

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass
class Notice:
    """One notice: text, publication day and attached files (file name, display name)."""

    title: str
    lead: str
    paragraphs: list[str]
    day: date
    files: list[tuple[str, str]] = field(default_factory=list)


def _month_add(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def reception(rng: random.Random, u: UnitSpec, y: int, m: int) -> Notice:
    """Lịch tiếp công dân tháng m/y."""
    d = date(y, m, rng.randint(5, 25))
    if d.weekday() > 4:
        d -= timedelta(days=d.weekday() - 4)
    return Notice(
        f"Lịch tiếp công dân định kỳ tháng {m}/{y} của {u.name}",
        f"Thực hiện Luật Tiếp công dân năm 2013 và Nghị định số 64/2014/NĐ-CP của Chính phủ, "
        f"{u.name} thông báo lịch tiếp công dân định kỳ tháng {m}/{y} như sau:",
        [
            f"1. Thời gian: Ngày {d.day:02d}/{m:02d}/{y} ({WEEKDAYS[d.weekday()]}), buổi sáng "
            f"từ 7 giờ 30 phút đến 11 giờ 30 phút.",
            f"2. Địa điểm: Phòng tiếp công dân, trụ sở {u.name}, {rng.choice(W.ADDRESSES)}.",
            f"3. Người tiếp công dân: Đồng chí {person(rng)} - {rng.choice(W.ROLES_DEPT)}.",
            "Đề nghị công dân khi đến mang theo giấy tờ tùy thân và các tài liệu có liên quan. "
            "Văn phòng Sở có trách nhiệm bố trí địa điểm, phối hợp với cơ quan công an bảo đảm "
            "an ninh trật tự trong buổi tiếp công dân.",
        ],
        date(*_month_add(y, m, -1), 26),
        [(f"Lich-tiep-cong-dan-thang-{m}-{y}.pdf", f"Lịch tiếp công dân tháng {m}/{y}")],
    )


def recruitment(rng: random.Random, u: UnitSpec, y: int, n: int) -> Notice:
    """Thông báo tuyển dụng viên chức số n/TB."""
    k = rng.randint(3, 15)
    start = date(y, rng.randint(2, 10), rng.randint(1, 20))
    end = start + timedelta(days=30)
    return Notice(
        f"Thông báo tuyển dụng viên chức năm {y} (Thông báo số {n}/TB-{u.abbr})",
        f"Căn cứ Nghị định số 115/2020/NĐ-CP ngày 25/9/2020 của Chính phủ về tuyển dụng, sử dụng "
        f"và quản lý viên chức, {u.name} thông báo tuyển dụng viên chức năm {y} như sau:",
        [
            f"1. Chỉ tiêu tuyển dụng: {k} chỉ tiêu, trong đó {rng.randint(1, k)} chỉ tiêu chuyên "
            f"viên và các chỉ tiêu còn lại là kỹ sư, kế toán viên.",
            f"2. Thời gian nhận phiếu đăng ký dự tuyển: từ ngày {start.day:02d}/{start.month:02d}/"
            f"{y} đến hết ngày {end.day:02d}/{end.month:02d}/{end.year} (trong giờ hành chính).",
            f"3. Địa điểm nhận phiếu: {rng.choice(W.ROOMS)}, {u.name}, {rng.choice(W.ADDRESSES)}.",
            "Thông báo này được niêm yết công khai tại trụ sở cơ quan và đăng tải trên Trang thông "
            "tin điện tử của đơn vị.",
        ],
        start - timedelta(days=2),
        [
            (f"TB-{n}-tuyen-dung-{y}.pdf", f"Thông báo số {n}/TB-{u.abbr}"),
            (f"Mau-phieu-dang-ky-du-tuyen-{n}.docx", "Mẫu phiếu đăng ký dự tuyển"),
        ],
    )


def work_week(rng: random.Random, u: UnitSpec, y: int, w: int) -> Notice:
    """Lịch công tác tuần w năm y."""
    monday = date.fromisocalendar(y, w, 1)
    days = []
    for i in range(5):
        d = monday + timedelta(days=i)
        days.append(
            f"{WEEKDAYS[i]} ({d.day:02d}/{d.month:02d}): Đồng chí {person(rng)} - "
            f"{rng.choice(W.ROLES_DEPT)} {rng.choice(('dự họp', 'làm việc', 'kiểm tra'))} "
            f"tại huyện {rng.choice(W.DISTRICTS[u.province])}."
        )
    return Notice(
        f"Lịch công tác tuần {w} năm {y} của Lãnh đạo {u.short}",
        f"{u.name} thông báo lịch công tác tuần {w} năm {y} (từ ngày "
        f"{monday.day:02d}/{monday.month:02d} đến ngày {(monday + timedelta(days=4)).day:02d}/"
        f"{(monday + timedelta(days=4)).month:02d}/{y}) như sau:",
        days,
        monday - timedelta(days=3),
        [(f"Lich-cong-tac-tuan-{w}-{y}.xlsx", f"Lịch công tác tuần {w}")],
    )


def auction(rng: random.Random, u: UnitSpec, y: int, k: int) -> Notice:
    """Thông báo lựa chọn tổ chức đấu giá tài sản lô số k/y."""
    n = rng.randint(2, 9)
    return Notice(
        f"Thông báo lựa chọn tổ chức đấu giá tài sản lô số {k}/{y}",
        f"{u.name} thông báo lựa chọn tổ chức hành nghề đấu giá tài sản đối với lô tài sản số "
        f"{k}/{y} như sau:",
        [
            f"1. Tài sản đấu giá: {n} xe ô tô đã qua sử dụng, tập kết tại {rng.choice(W.ADDRESSES)}.",
            f"2. Giá khởi điểm: {rng.randint(120, 980)}.000.000 đồng.",
            f"3. Thời gian nhận hồ sơ: trong {rng.choice((3, 5, 7))} ngày làm việc kể từ ngày "
            "đăng thông báo.",
            "Tổ chức đấu giá đáp ứng tiêu chí theo quy định tại Điều 56 Luật Đấu giá tài sản.",
        ],
        date(y, rng.randint(1, 12), rng.randint(1, 27)),
    )


def meeting(rng: random.Random, u: UnitSpec, y: int, q: int) -> Notice:
    """Giấy mời họp giao ban quý q/y."""
    d = date(y, 3 * q, rng.randint(20, 27))
    return Notice(
        f"Giấy mời họp giao ban quý {q} năm {y}",
        f"{u.name} trân trọng kính mời lãnh đạo các phòng, đơn vị trực thuộc dự họp giao ban "
        f"công tác quý {q} năm {y}.",
        [
            f"Thời gian: 8 giờ 00 phút, ngày {d.day:02d}/{d.month:02d}/{y}.",
            f"Địa điểm: Hội trường tầng {rng.randint(2, 5)}, {u.name}.",
            f"Nội dung: Đánh giá kết quả thực hiện nhiệm vụ quý {q} và triển khai nhiệm vụ "
            "trọng tâm quý tiếp theo.",
        ],
        d - timedelta(days=5),
    )


def inspection(rng: random.Random, u: UnitSpec, y: int, n: int) -> Notice:
    """Kế hoạch kiểm tra số n/KH."""
    subject = rng.choice(W.TOPICS[u.topic]["subjects"])
    return Notice(
        f"Kế hoạch số {n}/KH-{u.abbr} kiểm tra công tác {subject} năm {y}",
        f"{u.name} ban hành Kế hoạch số {n}/KH-{u.abbr} kiểm tra công tác {subject} năm {y}.",
        [
            f"1. Đối tượng kiểm tra: các đơn vị trên địa bàn {rng.randint(3, 9)} huyện, thành phố.",
            f"2. Thời gian kiểm tra: từ tháng {rng.randint(3, 6)} đến tháng {rng.randint(7, 11)}/{y}.",
            "3. Tổ chức thực hiện: giao các phòng chuyên môn chủ trì, phối hợp triển khai.",
        ],
        date(y, rng.randint(1, 2), rng.randint(3, 28)),
        [(f"KH-{n}-kiem-tra-{y}.docx", f"Kế hoạch số {n}/KH-{u.abbr}")],
    )


def family_series(rng: random.Random, u: UnitSpec, family: int, count: int) -> list[Notice]:
    """``count`` consecutive notices of one family for unit ``u`` (distinct, look-alike)."""
    y = rng.randint(2022, 2024)
    if family == 0:
        m = rng.randint(2, 9)
        return [reception(rng, u, *_month_add(y, m, i)) for i in range(count)]
    if family == 1:
        n = rng.randint(8, 40)
        return [recruitment(rng, u, y, n + i) for i in range(count)]
    if family == 2:
        w = rng.randint(5, 40)
        return [work_week(rng, u, y, w + i) for i in range(count)]
    if family == 3:
        k = rng.randint(1, 6)
        return [auction(rng, u, y, k + i) for i in range(count)]
    if family == 4:
        return [meeting(rng, u, y, q) for q in range(1, count + 1)]
    n = rng.randint(20, 90)
    return [inspection(rng, u, y, n + i) for i in range(count)]


FAMILIES = 6
