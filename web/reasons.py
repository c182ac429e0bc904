"""The dedup engine's reasons (stored in English, as ``vnfeeds dedup compare`` prints them)
in the page language, numbers written the language's way.

Each reason :func:`dedup.decide.decide` writes has a pattern here and a catalogue entry;
a reason no pattern knows is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from feeds.i18n import format_number, gettext, page_language

Localise = Callable[[re.Match[str], str], str]


def _n(value: str, lang: str) -> str:
    return format_number(float(value), lang) if "." in value else value


def _text(m: re.Match[str], lang: str) -> str:
    return gettext(
        "text: jaccard %(jaccard)s, containment %(containment)s, length ratio %(ratio)s", lang
    ) % {"jaccard": _n(m[1], lang), "containment": _n(m[2], lang), "ratio": _n(m[3], lang)}


def _sentences(m: re.Match[str], lang: str) -> str:
    return gettext("sentences: %(common)s of %(total)s shared", lang) % {
        "common": m[1],
        "total": m[2],
    }


def _title_numbers(m: re.Match[str], lang: str) -> str:
    return gettext("templated notice: titles differ in numbers (%(shown)s)", lang) % {"shown": m[1]}


def _swap(m: re.Match[str], lang: str) -> str:
    return gettext("templated notice: title and body both swap '%(a)s' / '%(b)s'", lang) % {
        "a": m[1],
        "b": m[2],
    }


def _numbers_places(m: re.Match[str], lang: str) -> str:
    return gettext(
        "templated notice: numbers differ in %(places)s places and only %(common)s of "
        "%(total)s sentences are shared",
        lang,
    ) % {"places": m[1], "common": m[2], "total": m[3]}


def _body_numbers(m: re.Match[str], lang: str) -> str:
    return gettext("bodies differ in numbers: %(shown)s", lang) % {"shown": m[1]}


def _days(m: re.Match[str], lang: str) -> str:
    return gettext("published %(days)s days apart", lang) % {"days": m[1]}


def _same_url(m: re.Match[str], lang: str) -> str:
    return gettext("same canonical URL", lang)


_NUM = r"(\d+(?:\.\d+)?)"
PATTERNS: list[tuple[re.Pattern[str], Localise]] = [
    (re.compile(r"same canonical URL"), _same_url),
    (
        re.compile(rf"text: jaccard {_NUM}, containment {_NUM}, length ratio {_NUM}"),
        _text,
    ),
    (re.compile(r"sentences: (\d+) of (\d+) shared"), _sentences),
    (re.compile(r"templated notice: titles differ in numbers \((.*)\)"), _title_numbers),
    (re.compile(r"templated notice: title and body both swap '(.*)' / '(.*)'"), _swap),
    (
        re.compile(
            r"templated notice: numbers differ in (\d+) places"
            r" and only (\d+) of (\d+) sentences are shared"
        ),
        _numbers_places,
    ),
    (re.compile(r"bodies differ in numbers: (.*)"), _body_numbers),
    (re.compile(r"published (\d+) days apart"), _days),
]
_NOTICE = "templated notice: "
_DAYS_TAIL = re.compile(r"^(.*); (published \d+ days apart)$")


def localise_reason(reason: str, lang: str | None = None) -> str:
    """One stored reason in the page language (as stored when no pattern matches)."""
    lang = page_language(lang)
    for pattern, fn in PATTERNS:
        m = pattern.fullmatch(reason)
        if m:
            return fn(m, lang)
    if reason.startswith(_NOTICE):  # "templated notice: " + the two caps joined by "; "
        rest = reason[len(_NOTICE) :]
        tail = _DAYS_TAIL.match(rest)
        parts = [tail[1], tail[2]] if tail else [rest]
        inner = "; ".join(localise_reason(p, lang) for p in parts)
        return gettext("templated notice: %(what)s", lang) % {"what": inner}
    return reason


def _g(msgid: str, lang: str, **values: str) -> str:
    return gettext(msgid, lang) % values if values else gettext(msgid, lang)


#: ops.health's verdict reasons (a unit's stored ``last_error``); a crawl's own error text
#: inside one (``cause``) is shown as the crawler wrote it.
HEALTH: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]]] = [
    (
        re.compile(r"no crawl run was recorded"),
        lambda m, lang: _g("no crawl run was recorded", lang),
    ),
    (re.compile(r"nothing could be fetched"), lambda m, lang: _g("nothing could be fetched", lang)),
    (
        re.compile(r"the crawl ended without recording its run \(its log says why\)"),
        lambda m, lang: _g("the crawl ended without recording its run (its log says why)", lang),
    ),
    (
        re.compile(r"permanent redirect to (\S+)"),
        lambda m, lang: _g("permanent redirect to %(url)s", lang, url=m[1]),
    ),
    (
        re.compile(r"(\d+) list page\(s\) loaded but no article link was found on them"),
        lambda m, lang: _g(
            "%(n)s list page(s) loaded but no article link was found on them", lang, n=m[1]
        ),
    ),
    (
        re.compile(
            r"(\d+) of (\d+) articles lack a title, date or body"
            r" \((\d+) of them no article: an error or category page\)"
        ),
        lambda m, lang: _g(
            "%(n)s of %(total)s articles lack a title, date or body"
            " (%(dead)s of them no article: an error or category page)",
            lang,
            n=m[1],
            total=m[2],
            dead=m[3],
        ),
    ),
    (
        re.compile(r"(\d+) of (\d+) articles lack a title, date or body"),
        lambda m, lang: _g(
            "%(n)s of %(total)s articles lack a title, date or body", lang, n=m[1], total=m[2]
        ),
    ),
    (
        re.compile(r"(\d+) of (\d+) articles disagree with their list page \((.*)\)"),
        lambda m, lang: _g(
            "%(n)s of %(total)s articles disagree with their list page (%(what)s)",
            lang,
            n=m[1],
            total=m[2],
            what=", ".join(_kinds(k, lang) for k in m[3].split(", ")),
        ),
    ),
    (
        re.compile(r"all (\d+) list pages needed generic link finding \(layout changed\?\)"),
        lambda m, lang: _g(
            "all %(n)s list pages needed generic link finding (layout changed?)", lang, n=m[1]
        ),
    ),
    (
        re.compile(r"all (\d+) articles needed generic extraction \(layout changed\?\)"),
        lambda m, lang: _g(
            "all %(n)s articles needed generic extraction (layout changed?)", lang, n=m[1]
        ),
    ),
    (
        re.compile(r"no new article since (\S+) \(expected every (\S+) days\)"),
        lambda m, lang: _g(
            "no new article since %(day)s (expected every %(days)s days)",
            lang,
            day=m[1],
            days=m[2],
        ),
    ),
    (
        re.compile(r"(\d+) error\(s\): (.*)", re.S),
        lambda m, lang: _g("%(n)s error(s): %(cause)s", lang, n=m[1], cause=m[2]),
    ),
    (
        re.compile(r"(.*) \((\d+) errors\)", re.S),
        lambda m, lang: _g("%(cause)s (%(n)s errors)", lang, cause=m[1], n=m[2]),
    ),
]


def _kinds(part: str, lang: str) -> str:
    m = re.fullmatch(r"(\d+) (title|date)s", part)
    if not m:
        return part
    if m[2] == "title":
        return _g("%(n)s titles", lang, n=m[1])
    return _g("%(n)s dates", lang, n=m[1])


def localise_health(reason: str | None, lang: str | None = None) -> str:
    """A unit's health reason (``last_error``) in the page language; '' for none."""
    if not reason:
        return ""
    lang = page_language(lang)
    for pattern, fn in HEALTH:
        m = pattern.fullmatch(reason)
        if m:
            return fn(m, lang)
    return reason
