"""Induce an article template's body and ``remove`` selectors from the page text model.

- body: the block holding nearly all of the text that differs from page to page
  (link text aside: related lists differ too, but are links);
- remove: blocks inside the body whose text is the same on the samples (account lines,
  share widgets, "related news" lists, print buttons) — never one holding article text.

:func:`measure` fills each :class:`~crawlers.learn.article.Sample`'s text model first.
Every selector proposed is tested on every sample with the crawler's own engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from crawlers.learn.article import Sample, best_candidate, title_elements
from crawlers.listcheck import titles_agree
from crawlers.platforms.candidates import (
    contains,
    is_element,
    named,
    root_of,
    selectors_for,
    text_nodes,
    unique,
)
from crawlers.platforms.common import select

#: Text shorter than this never counts as article text (dates, counters, labels).
MIN_TEXT = 20
#: Share of the page's own text the body must hold.
BODY_COVERAGE = 0.8
#: A sample with less text of its own than this says nothing about the body.
MIN_BODY = 200
MAX_REMOVE = 8
#: Chrome named by its text (no class to name it by) is at most this long.
MAX_CHROME_TEXT = 80


def measure(samples: list[Sample]) -> None:
    """Fill each sample's per-element counts of own, common and link text.

    A text is common when at least half the samples (and two) print it; own when it is
    not common and at least ``MIN_TEXT`` long; link text is counted apart.
    """
    per_page = [{t for t, _el, link in text_nodes(root_of(s.sel)) if not link} for s in samples]
    df: Counter[str] = Counter(t for texts in per_page for t in texts)
    threshold = max(2, (len(samples) + 1) // 2)
    for s in samples:
        s.own, s.common, s.links, s.other = {}, {}, {}, {}
        for text, el, in_link in text_nodes(root_of(s.sel)):
            if in_link:
                target = s.links
            elif df[text] >= threshold:
                target = s.common
            elif titles_agree(text, s.list_title):
                continue  # the title is learned apart; it is neither body nor chrome
            elif len(text) >= MIN_TEXT:
                target = s.own
            else:
                target = s.other
            for node in [el, *el.iterancestors()]:
                target[node] = target.get(node, 0) + len(text)


def _coverage(s: Sample, node: etree._Element) -> float:
    total = s.own.get(root_of(s.sel), 0)
    return s.own.get(node, 0) / total if total else 0.0


def _body_element(s: Sample) -> etree._Element | None:
    """The deepest element holding nearly all of the page's own text."""
    root = root_of(s.sel)
    best, depth = None, -1
    for el in root.iter():
        if not is_element(el) or _coverage(s, el) < BODY_COVERAGE:
            continue
        d = sum(1 for _ in el.iterancestors())
        if d > depth:
            best, depth = el, d
    return best


def has_own_text(s: Sample) -> bool:
    """The sample has text of its own to find a body by (``MIN_BODY`` characters)."""
    return s.own.get(root_of(s.sel), 0) >= MIN_BODY


def learn_body(samples: list[Sample]) -> str | None:
    """The selector of the tightest block holding the text that differs between pages.

    Judged on the samples with some text of their own (``MIN_BODY`` characters): a
    notice whose page is only a title and an attachment link has no body to find.
    """
    texty = [s for s in samples if has_own_text(s)]
    blocks = [b for s in texty if (b := _body_element(s)) is not None]
    around = [el for b in blocks for el in [b, *list(b.iterancestors())[:3]]]
    cands = unique(c for el in around for c in selectors_for(el))

    def score(c: str) -> float:
        total = 0.0
        for s in texty:
            nodes = select(s.sel, c)
            if not nodes or not is_element(nodes[0].root):
                continue
            node = nodes[0].root
            cov = _coverage(s, node)
            if cov < BODY_COVERAGE / 2:
                continue
            own = s.own.get(node, 0)
            noise = s.common.get(node, 0) + s.links.get(node, 0)
            total += cov - 0.5 * noise / max(1, own + noise)
        return total

    winner, got = best_candidate(cands, score, samples)
    if not (winner and texty and got >= len(texty) * 0.5):
        return None
    wider = _wider_body(winner, cands, score, texty, got)
    return f"{winner} || {wider}" if wider else winner


def _wider_body(
    winner: str, cands: list[str], score: Callable[[str], float], texty: list[Sample], got: float
) -> str | None:
    """A named block around ``winner`` on every sample, nearly as good: the body where
    a page lacks ``winner``'s inner wrapper (the same template, another content type)."""
    best: tuple[float, int] | None = None
    out = None
    for c in cands:
        if c == winner or not named(c):
            continue
        ok = True
        for s in texty:
            inner, outer = select(s.sel, winner), select(s.sel, c)
            if not inner or not outer or len(outer) != 1:
                ok = False
                break
            if outer[0].root is inner[0].root or not contains(outer[0].root, inner[0].root):
                ok = False
                break
        if not ok:
            continue
        sc = score(c)
        if sc >= 0.9 * got and (best is None or (sc, -len(c)) > best):
            best, out = (sc, -len(c)), c
    return out


def _chrome_blocks(s: Sample, body: etree._Element) -> list[etree._Element]:
    """Biggest blocks inside ``body`` with no own text but some common or link text."""
    out = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not is_element(child):
                continue
            own, common = s.own.get(child, 0), s.common.get(child, 0)
            links = s.links.get(child, 0)
            if own == 0 and (common > 0 or links >= MIN_TEXT):
                out.append(child)
            elif own > 0:
                walk(child)

    walk(body)
    return out


def _keeps(s: Sample, el: etree._Element) -> bool:
    """An element chrome removal must keep: short text of its own, or an unlinked image."""
    if s.other.get(el, 0) > 0 and s.common.get(el, 0) == 0 and s.links.get(el, 0) == 0:
        return True
    return s.links.get(el, 0) == 0 and el.find(".//img") is not None


def _literal(text: str) -> str | None:
    """``text`` as an XPath string literal (None when it holds both kinds of quote)."""
    if "'" not in text:
        return f"'{text}'"
    return f'"{text}"' if '"' not in text else None


def _by_text(el: etree._Element) -> str | None:
    """``el`` named by its tag and its whole text: chrome with no class to name it by
    (a dead "Xem chi tiết Tại đây" link the same on every page)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    text = " ".join(" ".join(el.itertext()).split())
    lit = _literal(text)
    if not tag.isalnum() or not text or len(text) > MAX_CHROME_TEXT or lit is None:
        return None
    if "||" in text:
        return None
    spec = f"xpath:.//{tag}[normalize-space(.) = {lit}]"
    # the same links too: a "see the file here" whose link differs is the notice's body
    hrefs = sorted({a.get("href", "") for a in el.iter("a")})
    lits = [q for h in hrefs if (q := _literal(h.strip())) is not None]
    if len(lits) != len(hrefs):
        return None
    if hrefs:
        same = " or ".join(f"normalize-space(@href) = {q}" for q in lits)
        spec += f"[not(.//a[not({same})])]"
    return spec


def join_remove(specs: list[str]) -> str:
    """One ``remove`` value: CSS joined by commas, or (with any XPath) one XPath union."""
    if not any(s.startswith("xpath:") for s in specs):
        return ", ".join(specs)
    parts = [s[6:].strip() if s.startswith("xpath:") else css2xpath(s) for s in specs]
    return "xpath:" + " | ".join(parts)


def learn_remove(samples: list[Sample], body: str, extra: list[str]) -> str | None:
    """Selectors of the chrome inside the body, each never touching article text."""
    bodies = {}
    for s in samples:
        nodes = select(s.sel, body)
        if nodes and is_element(nodes[0].root):
            bodies[id(s)] = nodes[0].root
    blocks = {id(s): _chrome_blocks(s, bodies[id(s)]) for s in samples if id(s) in bodies}
    targets: dict[etree._Element, etree._Element] = {}  # element -> its sample's body
    for s in samples:
        root = bodies.get(id(s))
        if root is None:
            continue
        found = [m[0].root for spec in extra if (m := select(s.sel, spec))]
        # every copy of the title inside the body (a heading repeated above the text)
        found += title_elements(s)
        for el in found:
            if is_element(el) and el is not root and contains(root, el):
                targets[el] = root
    # Selectors are applied to the body alone (as the platform does): name them from
    # inside it, and test them there.
    cands = unique(
        [c for t, root in targets.items() for c in selectors_for(t, stop=root)]
        + [
            c
            for s in samples
            for b in blocks.get(id(s), [])
            for c in selectors_for(b, stop=bodies[id(s)])
        ]
        + [c for bs in blocks.values() for b in bs if (c := _by_text(b))]
    )

    def hits(c: str) -> list[tuple[Sample, etree._Element]] | None:
        out: list[tuple[Sample, etree._Element]] = []
        for s in samples:
            root = bodies.get(id(s))
            if root is None:
                continue
            for m in select(Selector(root=root), c):
                el = m.root
                if not is_element(el) or el is root:
                    continue
                if s.own.get(el, 0) > 0 or _keeps(s, el):
                    return None  # would drop article text or an image
                out.append((s, el))
        return out

    chosen: list[str] = []
    covered: set[etree._Element] = set()
    wanted = {b for bs in blocks.values() for b in bs} | set(targets)
    scored = []
    for c in cands:
        if not named(c) and not c.startswith("xpath:"):
            continue  # "h2" fits five samples but would cut the next article's subheadings
        matched = hits(c)
        if matched is None:
            continue
        gain = {el for _s, el in matched} & wanted
        if gain:
            scored.append((len(gain), -len(c), c, gain))
    for _n, _l, c, gain in sorted(scored, reverse=True):
        if len(chosen) >= MAX_REMOVE or covered >= wanted:
            break
        if gain - covered:
            chosen.append(c)
            covered |= gain
    return join_remove(chosen) if chosen else None
