"""What `sites learn` prints: the learned unit as TOML and a per-field table of the samples.

The table is TOML comments, so the whole output can go straight into a units file;
an operator reads at a glance, per sample, whether the title and date agree with the
list, where the body starts and ends, and what was removed as chrome.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from crawlers.learn import PLATFORM, Learned
from crawlers.probe import guess_province
from domain.syllables import slug as make_slug

_PORTAL_WORDS = re.compile(
    r"(?:trang|cổng) thông tin điện tử|website|trang chủ|portal", re.IGNORECASE
)
#: The placeholder `sites check` explains (see domain.registry).
PROVINCE_TODO = "TODO"


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return True


def unit_id(learned: Learned) -> str:
    """An id from the host (``svhttdl.daknong.gov.vn`` -> ``svhttdl-daknong``), or the name."""
    host = urlsplit(learned.url).hostname or ""
    if host and not _is_ip(host):
        base = host.removeprefix("www.")
        for suffix in (".gov.vn", ".org.vn", ".edu.vn", ".com.vn", ".vn"):
            base = base.removesuffix(suffix)
        return make_slug(base)[:60] or "new-unit"
    name = _PORTAL_WORDS.sub("", learned.site_name)
    return make_slug(name)[:60] or "new-unit"


def unit_toml(
    learned: Learned,
    *,
    uid: str | None = None,
    province: str | None = None,
    allow_private: bool = False,
) -> str:
    """A ``[[unit]]`` entry: id, name, province (or a TODO), start page, learned selectors."""
    parts = urlsplit(learned.url)
    host = parts.hostname or ""
    province = province or (guess_province(host) if host and not _is_ip(host) else "")
    lines = [
        "[[unit]]",
        f"id = {_q(uid or unit_id(learned))}",
        f"name = {_q(learned.site_name or uid or unit_id(learned))}",
    ]
    if province:
        lines.append(f"province = {_q(province)}")
    else:
        lines.append(
            f"province = {_q(PROVINCE_TODO)}  # TODO: the host names no province; "
            "set an id from provinces.toml (see 'vnfeeds sites check')"
        )
    lines += [
        f"platform = {_q(PLATFORM)}",
        f"homepage = {_q(f'{parts.scheme}://{parts.netloc}/')}",
    ]
    if allow_private:
        lines.append("allow_private = true")
    lines += [
        "",
        "[[unit.start]]",
        f"url = {_q(learned.url)}",
        f"category = {_q(learned.category)}",
    ]
    lines += ["", "[unit.selectors]"]
    lines += [f"{k} = {_q(v)}" for k, v in learned.selectors.items()]
    return "\n".join(lines) + "\n"


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def sample_table(learned: Learned, width: int = 100) -> list[str]:
    """Per sample and field: what the learned unit extracted, and whether the list agrees."""
    out = [
        f"# learned from {learned.url}: {len(learned.entries)} list entries, "
        f"{len(learned.samples)} article samples"
    ]
    for note in learned.notes:
        level = "NOTE" if note.startswith("no date") else "WARNING"
        out.append(f"# {level}: {note}")
    for i, x in enumerate(learned.samples, 1):
        a = x.article
        title_ok = "MISMATCH" if x.verdict.title_mismatch else "ok"
        date_ok = "MISMATCH" if x.verdict.date_mismatch else "ok"
        when = a.published.isoformat() if a.published else "none (placed by first seen)"
        body = a.body_text
        borrowed = [p for p in a.problems if p.endswith("from list page")]
        rows = [
            ("url", x.entry.url),
            ("list", f"{x.entry.title} | {x.entry.date_text or 'no date'}"),
            ("title", f"[{title_ok}] {a.title}"),
            ("date", f"[{date_ok}] {when}"),
            ("category", a.category or "(from the start page)"),
            ("body", f"{len(body)} chars: {_cut(body[:60], 60)} … {_cut(body[-60:], 60)}"),
            ("images", f"{len(a.images)}, captions: {sum(bool(i.caption) for i in a.images)}"),
            ("chrome", f"{len(x.removed)} removed: " + " | ".join(_cut(t, 30) for t in x.removed)),
        ]
        if borrowed:
            rows.append(("borrowed", ", ".join(borrowed)))
        out.append(f"# --- sample {i}")
        out += [f"#   {k:<9} {_cut(v, width)}" for k, v in rows]
    return out
