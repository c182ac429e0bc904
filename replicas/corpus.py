"""A deterministic corpus of Vietnamese department news for the replica sites.

``Corpus(seed)`` builds, with ``random.Random(seed)`` only, every unit's articles:
the seed article, republished news (edited and exact copies), templated notices,
filler news, one robots-disallowed article per site, and the traps of portals.md.
:meth:`Corpus.labels` is the dedup ground truth over the URLs the sites serve.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from domain.timezone import VN_TZ
from replicas import copies, notices, textgen, urls
from replicas.paths import IMAGE_NAMES, attachment_path, image_path, nfc, slugify
from replicas.seed import load_seed
from replicas.story import Attachment, Image, Story
from replicas.units import BY_ID, UNITS, UnitSpec

LIVE_UNTIL = date(2025, 11, 28)
QUOTED = "Hưởng ứng Cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam” & chương trình "


@dataclass
class Group:
    """Stories that are the same news (``kind`` edited-copy / exact-copy / mirror)."""

    id: str
    members: list[Story]


class Corpus:
    """Every replica unit's articles, built deterministically from ``seed``."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.units: tuple[UnitSpec, ...] = UNITS
        self.stories: dict[str, list[Story]] = {u.id: [] for u in UNITS if not u.redirect_to}
        self.groups: list[Group] = []
        self.notice_pairs: list[tuple[Story, Story]] = []
        self._published = 0
        self._build()

    # -- lookups ---------------------------------------------------------------
    def unit(self, unit_id: str) -> UnitSpec:
        """The unit spec with this id."""
        return BY_ID[unit_id]

    def category_stories(self, unit_id: str, key: str) -> list[Story]:
        """A category's stories, newest first."""
        items = [s for s in self.stories[unit_id] if s.category == key]
        return sorted(items, key=lambda s: (s.list_date, s.aid), reverse=True)

    def story(self, unit_id: str, aid: int) -> Story:
        """A story by unit and article id."""
        for s in self.stories[unit_id]:
            if s.aid == aid:
                return s
        raise KeyError(f"{unit_id}: no article {aid}")

    def seed_story(self) -> Story:
        """The seed article on hoabinh-soct."""
        return next(s for s in self.stories["hoabinh-soct"] if s.group == "g00")

    def url(self, s: Story, base_urls: dict[str, str], *, session: bool = True) -> str:
        """The absolute URL of a story as its site links it."""
        return base_urls[s.unit] + urls.article_path(self.unit(s.unit), s, session=session)

    # -- building --------------------------------------------------------------
    def _last_day(self, u: UnitSpec) -> date:
        return u.last_day if u.province in ("hoa-binh", "vinh-phuc") or u.archived else LIVE_UNTIL

    def _when(self, day: date, *, timed: bool | None = None) -> tuple[datetime, bool]:
        has_time = self.rng.random() < 0.6 if timed is None else timed
        t = (
            time(self.rng.randint(7, 17), self.rng.choice((0, 5, 15, 20, 30, 45)))
            if has_time
            else time()
        )
        return datetime.combine(day, t, VN_TZ), has_time

    def _day(self, u: UnitSpec, lo: date | None = None, hi: date | None = None) -> date:
        lo = lo or u.first_day
        hi = hi or self._last_day(u)
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def _image(self, u: UnitSpec, title: str, day: date) -> Image | None:
        if self.rng.random() < 0.3:
            return None
        name = self.rng.choice(IMAGE_NAMES)
        path = image_path(u, name, slugify(title), day, self.rng.randint(10000, 99999))
        cap = f"{name} ({textgen.person(self.rng)})" if self.rng.random() < 0.3 else name
        return Image(path, cap, u.id, lazy=u.platform == "sharepoint")

    def _add(self, s: Story) -> Story:
        s.title, s.lead = nfc(s.title), nfc(s.lead)
        s.paragraphs = [nfc(p) for p in s.paragraphs]
        s.slug = slugify(s.title)
        self.stories[s.unit].append(s)
        return s

    def _news(self, u: UnitSpec, cat: str, topic: str, day: date) -> Story:
        voice = textgen.Voice(u.name, u.short, u.province)
        rng = self.rng
        title = textgen.title(rng, topic, voice, day.year)
        lead = textgen.lead(rng, topic, voice, day.day, day.month)
        paras = textgen.paragraphs(rng, topic, voice, day.year, rng.randint(3, 6))
        when, has_time = self._when(day)
        author = textgen.person(rng) if rng.random() < 0.6 else ""
        return Story(
            u.id, 0, cat, title, when, has_time, lead, paras, self._image(u, title, day), [], author
        )

    def _seed_group(self) -> list[Story]:
        seed = load_seed()
        u = self.unit("hoabinh-soct")
        img = Image("/documents/20182/31540/Ảnh hội nghị.jpg", seed.caption, u.id)
        when = datetime(2022, 10, 7, tzinfo=VN_TZ)
        return [
            self._add(
                Story(
                    u.id,
                    0,
                    "tin-tu-cac-don-vi",
                    seed.title,
                    when,
                    False,
                    seed.lead,
                    list(seed.body),
                    img,
                    group="g00",
                )
            )
        ]

    def _copy(self, orig: Story, target: str, exact: bool, gid: str) -> Story:
        t = self.unit(target)
        o = self.unit(orig.unit)
        rng = self.rng
        cat = (t.first_of("republish") or t.categories[0]).key
        day = (orig.published + timedelta(days=0 if exact else rng.randint(0, 3))).date()
        day = min(day, self._last_day(t))
        when, has_time = self._when(day)
        s = Story(
            target,
            0,
            cat,
            orig.title,
            when,
            has_time,
            orig.lead,
            list(orig.paragraphs),
            orig.image,
            list(orig.attachments),
            orig.author,
            orig.source,
            group=gid,
            copy_of=(orig.unit, id(orig)),
            exact=exact,
        )
        if not exact:
            s.title = textgen.reword_title(rng, orig.title, o.province)
            s.lead, moved = copies.edit_lead(rng, orig.lead, o.province)
            extra = textgen.paragraph(
                rng, t.topic, textgen.Voice(t.name, t.short, t.province), day.year
            )
            s.paragraphs = copies.edit_paragraphs(
                rng, ([orig.lead] if moved else []) + s.paragraphs, extra
            )
            s.author = ""
            if rng.random() < 0.6:
                s.paragraphs.append(f"Nguồn: {o.name}")
            else:
                s.source = o.name
            if target == "bct-xttm":
                s.title, s.lead = copies.new_tone_style(s.title), copies.new_tone_style(s.lead)
                s.paragraphs = [copies.new_tone_style(p) for p in s.paragraphs]
        return self._add(s)

    def _groups(self) -> None:
        for i, (origin, targets, topic) in enumerate(copies.GROUP_PLANS):
            gid = f"g{i:02d}"
            if topic == "seed":
                members = self._seed_group()
            else:
                o = self.unit(origin)
                hi = min(self._last_day(self.unit(t.lstrip("="))) for t in (origin, *targets))
                day = self._day(o, hi=hi - timedelta(days=5))
                orig = self._news(o, o.categories[0].key, topic, day)
                orig.group = gid
                members = [self._add(orig)]
            for t in targets:
                members.append(self._copy(members[0], t.lstrip("="), t.startswith("="), gid))
            self.groups.append(Group(gid, members))

    def _notices(self, u: UnitSpec) -> None:
        cat = u.first_of("notices")
        if cat is None:
            return
        second = 1 + u.host % (notices.FAMILIES - 1)
        singles = [f for f in range(1, notices.FAMILIES) if f != second][:2]
        for family, count in ((0, 3), (second, 2), *((f, 1) for f in singles)):
            series = []
            for n in notices.family_series(self.rng, u, family, count):
                when, has_time = self._when(min(n.day, self._last_day(u)))
                folder = self.rng.randint(10000, 99999)
                atts = [
                    Attachment(attachment_path(u, fn, folder), name, fn.rsplit(".", 1)[1])
                    for fn, name in n.files
                ]
                s = Story(
                    u.id, 0, cat.key, n.title, when, has_time, n.lead, n.paragraphs, None, atts
                )
                series.append(self._add(s))
            self.notice_pairs += list(itertools.pairwise(series))

    def _fill(self, u: UnitSpec) -> None:
        own = self.stories[u.id]
        news = [c for c in u.categories if c.kind != "notices"]
        need = max(0, 33 - sum(1 for s in own if u.category(s.category).kind == "notices"))
        for i, c in enumerate(news):
            target = max(10, -(-need // len(news))) + (4 if i == 0 else 0)
            have = sum(1 for s in own if s.category == c.key)
            for _ in range(target - have):
                topic = c.topics[0] if c.kind == "news" else self.rng.choice(c.topics)
                self._add(self._news(u, c.key, topic, self._day(u)))

    def _traps(self, u: UnitSpec) -> None:
        rng = self.rng
        mine = [s for s in self.stories[u.id] if s.group is None and not s.attachments]
        internal = self._news(u, u.categories[0].key, u.topic, self._day(u))
        internal.internal = True
        internal.title = f"Tài liệu nội bộ: {internal.title}"
        self._add(internal)
        if u.id in ("hoabinh-portal", "hanoi-sct", "phutho-stc"):
            for s in rng.sample(mine, 3):
                s.damaged_summary = True
                s.lead = nfc(QUOTED + s.lead[0].lower() + s.lead[1:])
        if u.id == "hanoi-sct":
            s = mine[0]
            s.list_published = s.published + timedelta(days=2)

    def _number(self, u: UnitSpec) -> None:
        aid = self.rng.randint(1200, 48000)
        for s in sorted(self.stories[u.id], key=lambda s: (s.published, s.title)):
            aid += self.rng.randint(1, 9)
            s.aid = aid

    def _build(self) -> None:
        self._groups()
        for u in self.units:
            if u.id in self.stories:
                self._notices(u)
                self._fill(u)
                self._traps(u)
                self._number(u)
        for g in self.groups:
            for s in g.members[1:]:
                s.copy_of = (g.members[0].unit, g.members[0].aid)

    # -- changes ---------------------------------------------------------------
    def publish(self, unit_id: str, n: int = 1, now: datetime | None = None) -> list[Story]:
        """Add ``n`` new stories at the top of the unit's first category."""
        u = self.unit(unit_id)
        if u.archived or u.redirect_to:
            raise ValueError(f"{unit_id} is frozen: nothing new is published there")
        now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ).replace(second=0, microsecond=0)
        top = max(s.aid for s in self.stories[unit_id])
        out = []
        for i in range(n):
            self._published += 1
            rng, self.rng = self.rng, random.Random(f"{self.seed}:{unit_id}:{self._published}")
            s = self._news(u, u.categories[0].key, u.topic, now.date())
            self.rng = rng
            s.published, s.has_time, s.aid = now + timedelta(seconds=i), True, top + 1 + i
            out.append(self._add(s))
        return out

    # -- ground truth ----------------------------------------------------------
    def labels(self, base_urls: dict[str, str]) -> list[dict[str, Any]]:
        """Labelled pairs of article URLs: duplicates and look-alike distinct pairs."""
        out: list[dict[str, Any]] = []
        for g in self.groups:
            ms = g.members
            for i, a in enumerate(ms):
                for b in ms[i + 1 :]:
                    exact = (a.exact and b is ms[0]) or (b.exact and a is ms[0])
                    kind = "exact-copy" if exact else "edited-copy"
                    out.append(self._pair(a, b, base_urls, "duplicate", kind, g.id))
        for a, b in self.notice_pairs:
            out.append(self._pair(a, b, base_urls, "distinct", "templated-notice", None))
        for uid in self.stories:
            u = self.unit(uid)
            if u.platform == "liferay62":
                for s in [s for s in self.stories[uid] if not s.internal][:2]:
                    ua = self.url(s, base_urls)
                    ub = self.url(s, base_urls, session=False)
                    out.append(
                        {"a": ua, "b": ub, "label": "duplicate", "kind": "mirror", "group": None}
                    )
        heads = [g.members[0] for g in self.groups[1:]]
        for i, a in enumerate(heads):
            for b in heads[i + 1 :]:
                if a.unit == b.unit:
                    out.append(self._pair(a, b, base_urls, "distinct", "same-unit", None))
        return out

    def _pair(
        self, a: Story, b: Story, base: dict[str, str], label: str, kind: str, gid: str | None
    ) -> dict[str, Any]:
        return {
            "a": self.url(a, base),
            "b": self.url(b, base),
            "label": label,
            "kind": kind,
            "group": gid,
        }


def labels(base_urls: dict[str, str], *, seed: int = 1) -> list[dict[str, Any]]:
    """The ground-truth pairs of ``Corpus(seed)`` with these per-unit base URLs."""
    return Corpus(seed).labels(base_urls)


def write_labels(path: str | Path, base_urls: dict[str, str], *, seed: int = 1) -> Path:
    """Write :func:`labels` as JSON to ``path``."""
    p = Path(path)
    p.write_text(
        json.dumps(labels(base_urls, seed=seed), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return p
