"""Fixtures for dedup tests: three units, the seed article and its copies, a notice template."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.registry import Registry, load_registry
from replicas.seed import load_seed
from storage.db import Store
from storage.models import Article, DuplicateCandidate
from storage.repository import sync_registry
from storage.urls import canonical_url
from tests.conftest import _reset_pg

UNITS = """
[[unit]]
id = "hoabinh-soct"
name = "Sở Công Thương tỉnh Hòa Bình"
province = "hoa-binh"
platform = "liferay_cmsview"
homepage = "https://soct.hoabinh.gov.vn/"
topics = { "Tin từ các đơn vị" = ["cong-thuong"] }
[[unit.start]]
url = "https://soct.hoabinh.gov.vn/tin"
category = "Tin từ các đơn vị"

[[unit]]
id = "phutho-soct"
name = "Sở Công Thương tỉnh Phú Thọ"
province = "phu-tho"
platform = "nukeviet"
homepage = "https://soct.phutho.gov.vn/"
topics = { "Tin từ các đơn vị" = ["cong-thuong"] }
[[unit.start]]
url = "https://soct.phutho.gov.vn/news/"
category = "Tin từ các đơn vị"

[[unit]]
id = "hoabinh-portal"
name = "Cổng Thông tin điện tử tỉnh Hòa Bình"
province = "hoa-binh"
platform = "liferay_cmsview"
homepage = "https://hoabinh.gov.vn/"
topics = { "Tin từ các đơn vị" = ["cong-thuong"] }
[[unit.start]]
url = "https://hoabinh.gov.vn/tin"
category = "Tin từ các đơn vị"
"""

T0 = datetime(2022, 10, 7, 2, 0, tzinfo=UTC)
SEED = load_seed()


def seed_body() -> str:
    """The seed article's body, one paragraph per line."""
    return "\n".join(SEED.body)


def edited_copy_body() -> str:
    """How a portal republishes it: lead moved in, last paragraph cut, a source line, new tones."""
    paras = [SEED.lead, *SEED.body[:-1], "Nguồn: Sở Công Thương tỉnh Hòa Bình"]
    return "\n".join(p.replace("Hòa", "Hoà").replace("hóa", "hoá") for p in paras)


def notice(month: int, day: int, person: str) -> dict[str, Any]:
    """A monthly citizen-reception notice (a template: only month, day and person change)."""
    return {
        "title": f"Lịch tiếp công dân định kỳ tháng {month}/2024 của Sở Công Thương",
        "lead": "",
        "body_text": (
            f"Thực hiện Luật Tiếp công dân năm 2013 và Nghị định số 64/2014/NĐ-CP của Chính phủ, "
            f"Sở Công Thương thông báo lịch tiếp công dân định kỳ tháng {month}/2024 như sau:\n"
            f"1. Thời gian: Ngày {day:02d}/{month:02d}/2024, buổi sáng từ 7 giờ 30 phút đến 11 giờ 30 phút.\n"
            "2. Địa điểm: Phòng tiếp công dân, trụ sở Sở Công Thương, số 8 đường Hùng Vương.\n"
            f"3. Người tiếp công dân: Đồng chí {person} - Phó Giám đốc Sở.\n"
            "Đề nghị công dân khi đến mang theo giấy tờ tùy thân và các tài liệu có liên quan. "
            "Văn phòng Sở có trách nhiệm bố trí địa điểm, phối hợp với cơ quan công an bảo đảm "
            "an ninh trật tự trong buổi tiếp công dân."
        ),
        "published": datetime(2024, month, 1, 8, 0, tzinfo=UTC).isoformat(),
    }


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    """Three units: a department, another province's department and a portal."""
    f = tmp_path / "units.toml"
    f.write_text(UNITS, encoding="utf-8")
    reg = load_registry(f)
    assert not reg.problems, reg.problems
    return reg


@pytest.fixture
def pg_dstore(pg_url: str, registry: Registry) -> Iterator[Store]:
    """A PostgreSQL store with the three units (for concurrent writers)."""
    _reset_pg(pg_url)
    store = Store(pg_url)
    with store.session() as s:
        sync_registry(s, registry)
    yield store
    store.dispose()


@pytest.fixture
def dstore(store: Store, registry: Registry) -> Store:
    """The ``store`` fixture (SQLite and PostgreSQL) with the three units."""
    with store.session() as s:
        sync_registry(s, registry)
    return store


AddArticle = Callable[..., Article]


def make_article(
    s: Any,
    unit: str,
    n: int,
    *,
    title: str = "",
    body: str = "",
    hours: float = 0,
    source: str = "",
    lead: str = "",
) -> Article:
    """Insert article ``n`` of ``unit`` (published ``hours`` after T0) and flush."""
    when = T0 + timedelta(hours=hours)
    url = canonical_url(f"https://{unit}.example.vn/tin/{n}.html")
    a = Article(
        guid=f"tag:test:{unit}/{n}",
        unit_id=unit,
        url=url,
        canonical_url=url,
        title=title or SEED.title,
        lead=lead,
        body_text=body or seed_body(),
        published=when,
        first_seen=when,
        last_seen=when,
        changed_at=when,
        source=source,
    )
    s.add(a)
    s.flush()
    return a


def seed_pair(store: Store, registry: Registry, editor: str, password: str) -> tuple[int, int, int]:
    """An editor account and one pending candidate: the seed and an edited copy.

    Returns (candidate id, article a id, article b id).
    """
    from dedup import DedupConfig, DedupEngine
    from storage.users import add_user

    with store.session() as s:
        sync_registry(s, registry)
        add_user(s, editor, password)
        a = make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        b = make_article(
            s,
            "phutho-soct",
            1,
            title="Tin từ cơ sở: " + SEED.title,
            body=edited_copy_body(),
            hours=2,
        )
        eng = DedupEngine(store, DedupConfig(high=0.99, low=0.5))
        eng.process(s, a)
        (cand,) = eng.process(s, b)
        return cand.id, a.id, b.id


def stored_pairs(store: Store) -> list[tuple[int, int, str, str]]:
    """Every stored pair as ``(a_id, b_id, verdict, status)``."""
    with store.session() as s:
        rows = s.execute(
            select(
                DuplicateCandidate.a_id,
                DuplicateCandidate.b_id,
                DuplicateCandidate.verdict,
                DuplicateCandidate.status,
            )
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]
