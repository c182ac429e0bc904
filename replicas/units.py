"""The replica units: who they are, their platform, categories, lineage and quirks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Category:
    """A site category: URL alias, the site's name, a numeric id, national topics.

    ``kind`` is ``news`` (own news), ``republish`` (news from other units) or
    ``notices`` (templated notices).
    """

    key: str
    name: str
    cid: int
    topics: tuple[str, ...]
    kind: str = "news"


@dataclass(frozen=True)
class UnitSpec:
    """One replica unit. ``host`` is the last octet of its loopback IP."""

    id: str
    name: str
    short: str
    province: str
    platform: str
    topic: str
    host: int
    categories: tuple[Category, ...]
    abbr: str = "VP"
    variant: str = ""
    instance: str = "news"
    encoding: str = "utf-8"
    archived: bool = False
    successor: str | None = None
    predecessors: tuple[str, ...] = ()
    redirect_to: str | None = None
    first_day: date = date(2022, 1, 4)
    last_day: date = date(2025, 6, 27)
    extra: dict[str, str] = field(default_factory=dict)

    def category(self, key: str) -> Category:
        """The category with alias ``key``."""
        for c in self.categories:
            if c.key == key:
                return c
        raise KeyError(f"{self.id}: no category {key!r}")

    def first_of(self, kind: str) -> Category | None:
        """The first category of a kind, or None."""
        return next((c for c in self.categories if c.kind == kind), None)


def _c(key: str, name: str, cid: int, topics: str, kind: str = "news") -> Category:
    return Category(key, name, cid, tuple(topics.split()), kind)


_TB = "thong-bao"

UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "hoabinh-soct",
        "Sở Công Thương tỉnh Hòa Bình",
        "Sở Công Thương",
        "hoa-binh",
        "liferay_cmsview",
        "cong-thuong",
        1,
        (
            _c("tin-tu-cac-don-vi", "Tin từ các đơn vị", 105, "cong-thuong"),
            _c("tin-hoat-dong", "Tin hoạt động", 101, "cong-thuong"),
            _c(_TB, "Thông báo", 110, "thong-bao", "notices"),
        ),
        abbr="SCT",
        instance="news",
        successor="phutho-soct",
    ),
    UnitSpec(
        "hoabinh-portal",
        "Cổng Thông tin điện tử tỉnh Hòa Bình",
        "UBND tỉnh Hòa Bình",
        "hoa-binh",
        "liferay_cmsview",
        "cai-cach-hanh-chinh",
        2,
        (
            _c("tin-tu-cac-don-vi", "Tin từ các đơn vị", 205, "cong-thuong tai-chinh", "republish"),
            _c("tin-tuc-su-kien", "Tin tức - Sự kiện", 201, "cai-cach-hanh-chinh"),
            _c(_TB, "Thông báo", 210, "thong-bao", "notices"),
        ),
        abbr="UBND",
        instance="tintuc",
    ),
    UnitSpec(
        "hoabinh-stc",
        "Sở Tài chính tỉnh Hòa Bình",
        "Sở Tài chính",
        "hoa-binh",
        "liferay_comsoft",
        "tai-chinh",
        3,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 11, "tai-chinh"),
            _c("cong-khai-ngan-sach", "Công khai ngân sách", 12, "tai-chinh"),
        ),
        abbr="STC",
        successor="phutho-stc",
        redirect_to="phutho-stc",
    ),
    UnitSpec(
        "phutho-stc",
        "Sở Tài chính tỉnh Phú Thọ",
        "Sở Tài chính",
        "phu-tho",
        "liferay_comsoft",
        "tai-chinh",
        4,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 11, "tai-chinh"),
            _c("cong-khai-ngan-sach", "Công khai ngân sách", 12, "tai-chinh"),
            _c(_TB, "Thông báo", 13, "thong-bao", "notices"),
        ),
        abbr="STC",
        instance="k7Hs2",
        predecessors=("hoabinh-stc",),
    ),
    UnitSpec(
        "phutho-soct",
        "Sở Công Thương tỉnh Phú Thọ",
        "Sở Công Thương",
        "phu-tho",
        "nukeviet",
        "cong-thuong",
        5,
        (
            _c("tin-tuc-su-kien", "Tin tức - Sự kiện", 1, "cong-thuong"),
            _c(_TB, "Thông báo", 2, "thong-bao", "notices"),
        ),
        abbr="SCT",
        predecessors=("hoabinh-soct",),
    ),
    UnitSpec(
        "phutho-skhcn",
        "Sở Khoa học và Công nghệ tỉnh Phú Thọ",
        "Sở Khoa học và Công nghệ",
        "phu-tho",
        "selectors",
        "khoa-hoc-cong-nghe",
        6,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 1, "khoa-hoc-cong-nghe"),
            _c("chuyen-doi-so", "Chuyển đổi số", 2, "khoa-hoc-cong-nghe"),
            _c(_TB, "Thông báo", 3, "thong-bao", "notices"),
        ),
        abbr="SKHCN",
        predecessors=("vinhphuc-stttt",),
    ),
    UnitSpec(
        "vinhphuc-stttt",
        "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc",
        "Sở Thông tin và Truyền thông",
        "vinh-phuc",
        "liferay62",
        "khoa-hoc-cong-nghe",
        7,
        (
            _c("tin-tuc-su-kien", "Tin tức - Sự kiện", 31, "khoa-hoc-cong-nghe"),
            _c(_TB, "Thông báo", 32, "thong-bao", "notices"),
        ),
        abbr="STTTT",
        archived=True,
        successor="phutho-skhcn",
        last_day=date(2025, 2, 20),
    ),
    UnitSpec(
        "vinhphuc-sxd",
        "Sở Xây dựng tỉnh Vĩnh Phúc",
        "Sở Xây dựng",
        "vinh-phuc",
        "aspnet",
        "giao-thong-xay-dung",
        8,
        (
            _c("tin-tuc", "Tin tức", 41, "giao-thong-xay-dung"),
            _c("van-ban-thong-bao", "Văn bản - Thông báo", 42, "thong-bao van-ban", "notices"),
        ),
        abbr="SXD",
        variant="capnhap",
        encoding="windows-1258",
    ),
    UnitSpec(
        "thanhhoa-sct",
        "Sở Công Thương tỉnh Thanh Hóa",
        "Sở Công Thương",
        "thanh-hoa",
        "liferay62",
        "cong-thuong",
        9,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 51, "cong-thuong"),
            _c("xuc-tien-thuong-mai", "Xúc tiến thương mại", 52, "cong-thuong"),
            _c(_TB, "Thông báo", 53, "thong-bao", "notices"),
        ),
        abbr="SCT",
    ),
    UnitSpec(
        "thanhhoa-syt",
        "Sở Y tế tỉnh Thanh Hóa",
        "Sở Y tế",
        "thanh-hoa",
        "sharepoint",
        "y-te",
        10,
        (
            _c("tin-tuc-su-kien", "Tin tức - Sự kiện", 61, "y-te"),
            _c(_TB, "Thông báo", 62, "thong-bao", "notices"),
        ),
        abbr="SYT",
        variant="syt",
    ),
    UnitSpec(
        "thanhhoa-snnmt",
        "Sở Nông nghiệp và Môi trường tỉnh Thanh Hóa",
        "Sở Nông nghiệp và Môi trường",
        "thanh-hoa",
        "aspnet",
        "nong-nghiep",
        11,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 71, "nong-nghiep"),
            _c(_TB, "Thông báo", 72, "thong-bao", "notices"),
        ),
        abbr="SNNMT",
        variant="dang",
    ),
    UnitSpec(
        "hanoi-sct",
        "Sở Công Thương thành phố Hà Nội",
        "Sở Công Thương",
        "ha-noi",
        "liferay_comsoft",
        "cong-thuong",
        12,
        (
            _c("tin-tuc-su-kien", "Tin tức - Sự kiện", 81, "cong-thuong"),
            _c(_TB, "Thông báo", 82, "thong-bao", "notices"),
        ),
        abbr="SCT",
        instance="aB3x9",
    ),
    UnitSpec(
        "hanoi-sgddt",
        "Sở Giáo dục và Đào tạo thành phố Hà Nội",
        "Sở Giáo dục và Đào tạo",
        "ha-noi",
        "nukeviet",
        "giao-duc",
        13,
        (
            _c("tin-tuc", "Tin tức", 1, "giao-duc"),
            _c(_TB, "Thông báo", 2, "thong-bao", "notices"),
        ),
        abbr="SGDĐT",
    ),
    UnitSpec(
        "hanoi-stp",
        "Sở Tư pháp thành phố Hà Nội",
        "Sở Tư pháp",
        "ha-noi",
        "aspnet",
        "cai-cach-hanh-chinh",
        14,
        (
            _c("tin-hoat-dong", "Tin hoạt động", 161, "cai-cach-hanh-chinh"),
            _c(_TB, "Thông báo", 162, "thong-bao", "notices"),
        ),
        abbr="STP",
        variant="gplist",
    ),
    UnitSpec(
        "bct-xttm",
        "Cục Xúc tiến thương mại - Bộ Công Thương",
        "Cục Xúc tiến thương mại",
        "ha-noi",
        "feed",
        "cong-thuong",
        15,
        (
            _c("tin-tuc", "Tin tức", 1, "cong-thuong"),
            _c("tin-dia-phuong", "Tin địa phương", 2, "cong-thuong", "republish"),
        ),
        abbr="XTTM",
    ),
)

BY_ID: dict[str, UnitSpec] = {u.id: u for u in UNITS}
