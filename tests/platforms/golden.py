"""Golden fixtures as Fundus keeps them: a stored page next to its expected JSON.

``tests/fixtures/<platform>/<name>.html`` (or ``.xml``) is the page,
``<name>.meta.json`` says how to read it (``url``; ``platform`` passed to the
extractor; optional ``overrides``, ``encoding``, ``detect`` = the platform detection
must find, ``null`` when it must find none), ``<name>.json`` is the expected output:
``Article.to_json()`` plus ``problems`` for article pages, the ``ListPage`` for
``<name>.list.*`` pages.

Fixtures of real captured pages carry ``"hand": true`` in their meta: their expected
JSON was written by a person from the page, so it is compared field by field
(:func:`differences`) instead of byte for byte, and ``regen_golden`` never rewrites it.
An article's hand-written JSON states every field of :data:`HAND_ARTICLE_KEYS`
exactly, except the body, given as ``body_text_starts`` / ``body_text_ends`` (the
text's first and last words) and ``body_text_excludes`` (page chrome that must not be
in it); a list's states ``entries`` (url, title, date_text) and ``next_url`` exactly.
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

    @property
    def hand(self) -> bool:
        """True when the expected JSON was written by hand (never regenerated)."""
        return bool(self.meta.get("hand"))

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


HAND_ARTICLE_KEYS = (
    "title",
    "published",
    "time_unknown",
    "category",
    "lead",
    "images",
    "attachments",
    "language",
    "platform",
    "fallback",
    "problems",
    "body_text_starts",
    "body_text_ends",
    "body_text_excludes",
)
HAND_LIST_KEYS = ("entries", "next_url")


def _squash(text: str) -> str:
    return " ".join(text.split())


def differences(fx: Fixture, actual: dict[str, Any]) -> list[str]:
    """What differs between the parsers' output and the expected JSON ([] when equal)."""
    expected = fx.expected()
    if not fx.hand:
        return [] if dump(actual) == dump(expected) else ["output differs from expected JSON"]
    keys = HAND_LIST_KEYS if fx.is_list else HAND_ARTICLE_KEYS
    out = [f"hand-written JSON lacks {k!r}" for k in keys if k not in expected]
    if fx.is_list:
        entries = [
            {k: e[k] for k in ("url", "title", "date_text")} for e in actual.get("entries", [])
        ]
        if entries != expected.get("entries"):
            out.append(f"entries: got {entries}")
        if actual.get("next_url") != expected.get("next_url"):
            out.append(f"next_url: got {actual.get('next_url')!r}")
        return out
    body = _squash(actual.get("body_text", ""))
    for key in keys:
        if key not in expected:
            continue
        want = expected[key]
        if key == "body_text_starts" and not body.startswith(_squash(want)):
            out.append(f"body starts {body[: len(want) + 20]!r}")
        elif key == "body_text_ends" and not body.endswith(_squash(want)):
            out.append(f"body ends {body[-len(want) - 20 :]!r}")
        elif key == "body_text_excludes":
            out += [f"body holds chrome {c!r}" for c in want if _squash(c) in body]
        elif not key.startswith("body_text") and actual.get(key) != want:
            out.append(f"{key}: got {actual.get(key)!r}, expected {want!r}")
    return out
