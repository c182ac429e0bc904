"""Golden fixtures as Fundus keeps them: a stored page next to its expected JSON.

``tests/fixtures/<platform>/<name>.html`` (or ``.xml``) is the page,
``<name>.meta.json`` says how to read it (``url``; ``platform`` passed to the
extractor; optional ``overrides``, ``encoding``, ``detect`` = the platform detection
must find, ``null`` when it must find none), ``<name>.json`` is the expected output:
``Article.to_json()`` plus ``problems`` for article pages, the ``ListPage`` for
``<name>.list.*`` pages.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crawlers.extract import extract_list, extract_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_SUFFIXES = (".html", ".xml")


@dataclass(frozen=True)
class Fixture:
    """One stored page and how to read it."""

    page: Path
    meta: dict[str, Any]

    @property
    def platform_dir(self) -> str:
        return self.page.parent.name

    @property
    def name(self) -> str:
        return self.page.name.rsplit(".", 1)[0]

    @property
    def is_list(self) -> bool:
        return self.name.endswith(".list")

    @property
    def expected_path(self) -> Path:
        return self.page.with_name(f"{self.name}.json")

    @property
    def id(self) -> str:
        return f"{self.platform_dir}/{self.name}"

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))


def fixtures(platforms: list[str] | None = None) -> list[Fixture]:
    """Every fixture page with its meta file, sorted; only ``platforms`` when given."""
    out = []
    for meta_path in sorted(FIXTURES.glob("*/*.meta.json")):
        if platforms and meta_path.parent.name not in platforms:
            continue
        stem = meta_path.name.removesuffix(".meta.json")
        pages = [meta_path.with_name(stem + s) for s in PAGE_SUFFIXES]
        page = next((p for p in pages if p.exists()), None)
        if page is None:
            raise FileNotFoundError(f"{meta_path}: no page {stem}.html or {stem}.xml")
        out.append(Fixture(page, json.loads(meta_path.read_text(encoding="utf-8"))))
    return out


def run(fx: Fixture) -> dict[str, Any]:
    """What the current parsers make of a fixture page (the golden JSON's shape)."""
    body = fx.page.read_bytes()
    kwargs: dict[str, Any] = {
        "platform": fx.meta.get("platform"),
        "overrides": fx.meta.get("overrides"),
        "encoding": fx.meta.get("encoding"),
    }
    if fx.is_list:
        return asdict(extract_list(body, fx.meta["url"], **kwargs))
    article = extract_page(body, fx.meta["url"], **kwargs)
    return {**article.to_json(), "problems": article.problems}


def dump(data: dict[str, Any]) -> str:
    """The stored form of expected JSON: sorted keys, UTF-8, one trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
