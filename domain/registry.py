"""Units, provinces and topics as data: load TOML files into typed records.

Ops edit TOML, never code. Every error names the file, the unit and the key, and a
broken file never prevents the other files from loading (``load_registry`` collects
the problems instead of raising).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apscheduler.triggers.cron import CronTrigger
from lxml import etree
from parsel.csstranslator import css2xpath
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.platforms import PLATFORM_NAMES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartUrl(_Strict):
    """One list page of a unit and the site's own name for that category."""

    url: str
    category: str

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        return http_url(v)


def http_url(v: str) -> str:
    """``v`` when it is an absolute http(s) URL with a host (never javascript:, data:, …)."""
    try:
        parts = urlsplit(v.strip())
    except ValueError as e:
        raise ValueError(f"not a valid URL {v!r}: {e}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http(s) URL with a host, not {v!r}")
    return v


_EMPTY_PAGE = etree.fromstring("<html><body/></html>")
_EXSLT = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
# XPath 1.0 functions and node tests, plus parsel's has-class (prefixed EXSLT names pass).
_XPATH_FUNCTIONS = frozenset(
    [
        "last",
        "position",
        "count",
        "id",
        "local-name",
        "namespace-uri",
        "name",
        "string",
        "concat",
        "starts-with",
        "contains",
        "substring-before",
        "substring-after",
        "substring",
        "string-length",
        "normalize-space",
        "translate",
        "boolean",
        "not",
        "true",
        "false",
        "lang",
        "number",
        "sum",
        "floor",
        "ceiling",
        "round",
        "node",
        "text",
        "comment",
        "processing-instruction",
        "has-class",
    ]
)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_CALL = re.compile(r"(?<![\w:.-])([A-Za-z_][\w.-]*)\s*\(")


def _unknown_functions(xpath: str) -> list[str]:
    """Unprefixed function names in an XPath that XPath 1.0 (and parsel) do not define."""
    bare = _QUOTED.sub("''", xpath)
    return [f for f in _CALL.findall(bare) if f not in _XPATH_FUNCTIONS]


def check_selector(spec: str) -> str:
    """``spec`` when each ``||`` alternative is valid CSS (or ``css:…``) or ``xpath:…``."""
    for alternative in spec.split("||"):
        alt = alternative.strip()
        try:
            if alt.startswith("xpath:"):
                xpath = alt[6:].strip()
            else:
                xpath = css2xpath(alt.removeprefix("css:").strip())
            etree.XPath(xpath, namespaces=_EXSLT)(_EMPTY_PAGE)
            unknown = _unknown_functions(xpath)
            if unknown:  # lxml would only fail when a page reaches the call
                raise ValueError(f"unknown function {unknown[0]}()")
        except Exception as e:  # cssselect and lxml raise their own SyntaxError kinds
            kind = "XPath" if alt.startswith("xpath:") else "CSS"
            raise ValueError(f"invalid {kind} selector {alt!r}: {e}") from None
    return spec


class Schedule(_Strict):
    """When a unit is crawled: a cron expression or an interval, plus jitter."""

    cron: str | None = None
    interval_minutes: int | None = Field(default=None, ge=1)
    jitter_seconds: int = Field(default=300, ge=0)
    expected_cadence_days: float = Field(default=14, gt=0)

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if self.cron and self.interval_minutes:
            raise ValueError("give either cron or interval_minutes, not both")
        if self.cron:
            try:
                CronTrigger.from_crontab(self.cron)
            except ValueError as e:
                raise ValueError(f"bad cron expression {self.cron!r}: {e}") from e
        return self


class Politeness(_Strict):
    """Per-unit overrides of the crawler's politeness settings."""

    download_delay: float | None = Field(default=None, ge=0)
    concurrency: int | None = Field(default=None, ge=1, le=16)
    obey_robots: bool = True
    backfill_pages: int | None = Field(default=None, ge=1)
    backfill_since: date | None = None


class Selectors(_Strict):
    """CSS (default, or ``css:…``) or XPath (``xpath:…``) selectors for a site.

    Every key a platform module may set (see :mod:`crawlers.platforms.common`).
    """

    list_links: str | None = None
    list_link: str | None = None
    list_date: str | None = None
    list_summary: str | None = None
    next_page: str | None = None
    title: str | None = None
    date: str | None = None
    date_format: str | None = None
    updated: str | None = None
    lead: str | None = None
    body: str | None = None
    remove: str | None = None
    cut: str | None = None  # where the body ends when unclosed markup swallows the page
    images: str | None = None
    caption: str | None = None
    category: str | None = None
    author: str | None = None
    source: str | None = None
    attachments: str | None = None

    @field_validator("*")
    @classmethod
    def _valid(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None or info.field_name == "date_format":
            return v
        return check_selector(v)

    def as_dict(self) -> dict[str, str]:
        """Only the selectors that are set."""
        return {k: v for k, v in self.model_dump().items() if v}


#: What a unit, province or topic id may be (lowercase ASCII letters, digits, hyphens).
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


class Unit(_Strict):
    """One publishing body (e.g. Sở Công Thương tỉnh Hòa Bình)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    province: str
    platform: str
    homepage: str
    start: list[StartUrl] = Field(min_length=1)
    schedule: Schedule = Schedule(interval_minutes=60)
    politeness: Politeness = Politeness()
    enabled: bool = True
    allow_private: bool = False
    archived: bool = False
    successor: str | None = None
    predecessors: list[str] = []
    selectors: Selectors = Selectors()
    topics: dict[str, list[str]] = {}
    feed_url: str | None = None

    @field_validator("homepage", "feed_url")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        return v if v is None else http_url(v)

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, v: str) -> str:
        if v not in PLATFORM_NAMES:
            raise ValueError(f"unknown platform {v!r}; use one of: {', '.join(PLATFORM_NAMES)}")
        return v

    @model_validator(mode="after")
    def _selectors_platform(self) -> Unit:
        if self.platform == "selectors":
            missing = [k for k in ("list_links", "title", "body") if not getattr(self.selectors, k)]
            if missing:
                raise ValueError(
                    f"platform 'selectors' needs selectors.{', selectors.'.join(missing)}"
                )
        if self.platform == "feed" and not self.feed_url:
            raise ValueError("platform 'feed' needs feed_url")
        return self


class Province(_Strict):
    """A province, with its lineage after the 2025 reorganisation."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    name: str
    successor: str | None = None
    merged_on: date | None = None


class Topic(_Strict):
    """A national topic: slug, Vietnamese name, keywords matched on the canonical form."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    name: str
    keywords: list[str] = []


@dataclass(frozen=True)
class Problem:
    """One validation error: where (file, unit, key) and why."""

    file: str
    unit: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.unit:
            where += f" unit {self.unit!r}"
        if self.key:
            where += f" key {self.key!r}"
        return f"{where}: {self.message}"


@dataclass
class Registry:
    """Everything loaded, plus the problems found on the way."""

    units: dict[str, Unit] = field(default_factory=dict)
    provinces: dict[str, Province] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def enabled_units(self) -> list[Unit]:
        """Units that are enabled, in id order."""
        return [u for _, u in sorted(self.units.items()) if u.enabled]

    def province_units(self, province_id: str) -> list[Unit]:
        """Units of a province and of every province that merged into it."""
        members = {province_id} | {
            p.id for p in self.provinces.values() if self.root_province(p.id) == province_id
        }
        return [u for _, u in sorted(self.units.items()) if u.province in members]

    def root_province(self, province_id: str) -> str:
        """Follow successors to the province that exists today."""
        seen: set[str] = set()
        cur = province_id
        while cur in self.provinces and self.provinces[cur].successor and cur not in seen:
            seen.add(cur)
            cur = self.provinces[cur].successor or cur
        return cur

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id; KeyError naming the id and the known ones."""
        try:
            return self.units[unit_id]
        except KeyError:
            raise KeyError(
                f"unknown unit {unit_id!r} (known: {', '.join(sorted(self.units))})"
            ) from None


def _key_of(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc)


def _validate(
    model: type[BaseModel], raw: Any, file: str, label: str, problems: list[Problem]
) -> Any | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, label, "", "must be a table"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        for err in e.errors():
            problems.append(Problem(file, label, _key_of(err["loc"]), err["msg"]))
        return None


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        problems.append(Problem(str(path), "", "", f"not valid TOML: {e}"))
    except OSError as e:
        problems.append(Problem(str(path), "", "", f"cannot read: {e}"))
    return None


def _load_file(path: Path, reg: Registry) -> None:
    data = _read_toml(path, reg.problems)
    if data is None:
        return
    fname = str(path)
    known = {"unit", "province", "topic"}
    for key in data:
        if key not in known:
            reg.problems.append(
                Problem(fname, "", key, "unknown top-level key (unit, province, topic)")
            )
    for kind, model, store, ident in (
        ("province", Province, reg.provinces, "id"),
        ("topic", Topic, reg.topics, "slug"),
        ("unit", Unit, reg.units, "id"),
    ):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            reg.problems.append(Problem(fname, "", kind, f"use [[{kind}]] tables"))
            continue
        for i, raw in enumerate(entries):
            label = str(raw.get(ident, f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
            rec = _validate(
                model, raw, fname, label if kind == "unit" else f"{kind} {label}", reg.problems
            )
            if rec is None:
                continue
            rid = getattr(rec, ident)
            if rid in store:
                prev = reg.sources.get(f"{kind}:{rid}", "?")
                reg.problems.append(
                    Problem(fname, rid, ident, f"duplicate {kind} id (also in {prev})")
                )
                continue
            store[rid] = rec
            reg.sources[f"{kind}:{rid}"] = fname


def _cross_check(reg: Registry) -> None:
    for uid, u in list(reg.units.items()):
        src = reg.sources.get(f"unit:{uid}", "?")
        if u.province == "TODO":
            reg.problems.append(
                Problem(
                    src,
                    uid,
                    "province",
                    "TODO left by 'sites learn', which could not tell the province from the "
                    "host: set it to a province id from provinces.toml (e.g. 'dak-nong'), "
                    "or pass --province to 'sites learn'",
                )
            )
        elif u.province not in reg.provinces:
            reg.problems.append(Problem(src, uid, "province", f"unknown province {u.province!r}"))
        for cat, slugs in u.topics.items():
            for s in slugs:
                if s not in reg.topics:
                    reg.problems.append(Problem(src, uid, f"topics.{cat}", f"unknown topic {s!r}"))
        if u.successor and u.successor not in reg.units:
            reg.problems.append(Problem(src, uid, "successor", f"unknown unit {u.successor!r}"))
    for pid, p in reg.provinces.items():
        if p.successor and p.successor not in reg.provinces:
            src = reg.sources.get(f"province:{pid}", "?")
            reg.problems.append(
                Problem(src, f"province {pid}", "successor", f"unknown province {p.successor!r}")
            )


def shipped_data_dir() -> Path:
    """The folder of provinces.toml and topics.toml shipped in the package."""
    return Path(str(resources.files("domain") / "data"))


def shipped_units_dir() -> Path:
    """The folder of unit files shipped in the package."""
    return Path(str(resources.files("domain") / "units"))


def _toml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


def load_registry(sites: Path | str | None = None) -> Registry:
    """Load provinces, topics and units; problems are collected, never raised.

    ``sites`` is a unit file or a folder of them (default: the shipped units). The
    shipped provinces and topics are always loaded first; a sites folder may add
    its own ``provinces``/``topics`` entries.
    """
    reg = Registry()
    for f in _toml_files(shipped_data_dir()):
        _load_file(f, reg)
    target = Path(sites) if sites else shipped_units_dir()
    if not target.exists():
        reg.problems.append(Problem(str(target), "", "", "no such file or folder"))
    else:
        for f in _toml_files(target):
            _load_file(f, reg)
    _cross_check(reg)
    return reg
