"""The registry's typed records: what a unit, province or topic entry may hold.

Pydantic models that validate one TOML table each (strict: unknown keys are errors),
with the checks of their values: http(s) URLs, CSS/XPath selectors, cron expressions,
platform names. Loading files and collecting the problems is :mod:`domain.registry`.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from apscheduler.triggers.cron import CronTrigger
from lxml import etree
from parsel.csstranslator import css2xpath
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

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
