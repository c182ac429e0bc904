"""Names and paths: URL slugs, NFC, where each platform keeps images and attachments."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from replicas import urls
from replicas.units import UnitSpec


def slugify(text: str, limit: int = 80) -> str:
    """ASCII URL slug of a Vietnamese text."""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Mn").lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    if len(t) > limit:
        t = t[:limit].rsplit("-", 1)[0]
    return t


def nfc(text: str) -> str:
    """NFC form."""
    return unicodedata.normalize("NFC", text)


def image_path(u: UnitSpec, name: str, slug: str, day: date, folder: int) -> str:
    """Where a unit's platform keeps an article image (unquoted server path)."""
    p = u.platform
    if p.startswith("liferay"):
        return f"/documents/20182/{folder}/{name}.jpg"
    if p == "nukeviet":
        return f"/uploads/news/{day:%Y_%m}/{slug[:40]}.jpg"
    if p == "sharepoint":
        return f"/{u.variant}/PublishingImages/{day:%Y}/{slug[:40]}.jpg"
    if p == "aspnet":
        return f"/Uploads/images/{day:%Y}/{day:%m}/{name}.jpg"
    if p == "selectors":
        return f"/media/{day:%Y}/{slug[:40]}.png"
    return f"/images/{slug[:40]}.jpg"


def attachment_path(u: UnitSpec, filename: str, folder: int) -> str:
    """Where a unit's platform keeps an attached file."""
    p = u.platform
    if p == "liferay62" and filename.endswith(".pdf"):
        return (
            f"/c/document_library/get_file?uuid={urls.session_id(filename).lower()}&groupId=10181"
        )
    if p.startswith("liferay"):
        return f"/documents/20182/{folder}/{filename}"
    if p == "nukeviet":
        return f"/uploads/news/files/{filename}"
    if p == "sharepoint":
        return f"/{u.variant}/Documents/{filename}"
    if p == "aspnet":
        return f"/Uploads/files/{filename}"
    return f"/files/{filename}"


IMAGE_NAMES = (
    "Ảnh hội nghị",
    "Quang cảnh hội nghị",
    "Toàn cảnh buổi làm việc",
    "Ảnh đoàn kiểm tra",
)
