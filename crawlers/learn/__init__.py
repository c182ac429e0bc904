"""`sites learn`: induce a unit's selectors from its list page and a handful of articles.

:func:`learn_pages` works on pages already at hand (tests, benchmarks);
:func:`learn_site` fetches them first. Both return a :class:`Learned` unit whose
selectors the crawler uses as they are, and the extraction of every sample with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from parsel import Selector

from crawlers.cleaning.dates import parse_list_date
from crawlers.cleaning.encodings import decode_page
from crawlers.extract import extract_list, extract_page
from crawlers.learn import article as art
from crawlers.learn.body import has_own_text, learn_body, learn_remove, measure
from crawlers.learn.category import learn_category
from crawlers.learn.listpage import list_category, site_name
from crawlers.listcheck import ListVerdict, check_against_list
from crawlers.platforms.base import ListEntry
from crawlers.platforms.common import select, text_of
from crawlers.platforms.linkgroups import entry_date_spec, headline_links
from domain.article import Article

PLATFORM = "selectors"


@dataclass
class Extracted:
    """One sample as the learned unit reads it, and what its list entry said."""

    entry: ListEntry
    article: Article
    verdict: ListVerdict
    removed: list[str] = field(default_factory=list)  # texts of the chrome removed


@dataclass
class Learned:
    """A learned unit: where, what it is called, its selectors, and the samples' extraction."""

    url: str
    site_name: str
    category: str
    selectors: dict[str, str] = field(default_factory=dict)
    entries: list[ListEntry] = field(default_factory=list)
    samples: list[Extracted] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _selector(page: bytes | str) -> Selector:
    return Selector(text=decode_page(page, None) if isinstance(page, bytes) else page)


def learn_pages(
    list_url: str,
    list_page: bytes | str,
    articles: Mapping[str, bytes | str],
    *,
    samples: int = 5,
) -> Learned:
    """Learn from a list page and the fetched articles it links to (URL -> page).

    The samples are the first ``samples`` list entries whose page is at hand and is an
    article (not a placeholder), as `sites learn` fetches them.
    """
    lsel = _selector(list_page)
    learned = Learned(list_url, site_name(lsel), list_category(lsel, list_url))
    links = headline_links(lsel, list_url)
    if links is None:
        learned.notes.append("no group of article links found on the list page")
        return learned
    learned.selectors["list_links"] = links
    list_date = entry_date_spec(lsel, links)
    if list_date:
        learned.selectors["list_date"] = list_date
    listing = extract_list(list_page, list_url, platform=PLATFORM, overrides=learned.selectors)
    learned.entries = listing.entries
    found: list[art.Sample] = []
    pending = iter(_samples_of(listing.entries, articles))
    found += [s for _, s in zip(range(samples), pending, strict=False)]
    if len(found) < 2:
        learned.notes.append(f"only {len(found)} article(s) fetched: need at least 2")
        return learned
    measure(found)
    # samples with no text of their own (notices: a title and a file) say nothing about
    # the body: look further down the list, a few pages at most
    for _ in range(MORE_SAMPLES):
        if sum(has_own_text(s) for s in found) >= 2:
            break
        more = next(pending, None)
        if more is None:
            break
        found.append(more)
        measure(found)
    title = art.learn_title(found)
    date = art.learn_date(found, title)
    body = learn_body(found)
    for key, value in (("title", title), ("date", date), ("body", body)):
        if value:
            learned.selectors[key] = value
        elif key == "date":
            learned.notes.append(
                "no date on the article pages agrees with the list: the list's date is used"
                if any(f.list_date for f in found)
                else "no date found on the list nor after the title: items are placed by first seen"
            )
        else:
            learned.notes.append(f"no {key} selector agrees with the samples")
    category = learn_category(found, title, lsel)
    if category:
        learned.selectors["category"] = category
    if body:
        inside = [s for s in (title, date) if s and _inside(found, s, body)]
        remove = learn_remove(found, body, inside)
        if remove:
            learned.selectors["remove"] = remove
    entries = {e.url: e for e in listing.entries}
    for s in found:
        a = extract_page(articles[s.url], s.url, platform=PLATFORM, overrides=learned.selectors)
        e = entries[s.url]
        verdict = check_against_list(a, e.title, e.date_text)
        learned.samples.append(Extracted(e, a, verdict, _removed(s, learned.selectors)))
    return learned


#: A page with less visible text than this is a placeholder, not an article.
MIN_PAGE_TEXT = 300
#: Further articles looked at when fewer than two samples have text of their own.
MORE_SAMPLES = 10


def _samples_of(
    entries: list[ListEntry], articles: Mapping[str, bytes | str]
) -> Iterator[art.Sample]:
    """The list's entries whose page is at hand and is an article, as samples, in order."""
    seen = set()
    for entry in entries:
        if entry.url in seen:
            continue
        seen.add(entry.url)
        if entry.url in articles and _is_article(articles[entry.url]):
            yield art.Sample(
                url=entry.url,
                sel=_selector(articles[entry.url]),
                list_title=entry.title,
                list_date=parse_list_date(entry.date_text) if entry.date_text else None,
            )


def _is_article(page: bytes | str) -> bool:
    text = _selector(page).xpath("string(//body)").get("")
    return len(" ".join(text.split())) >= MIN_PAGE_TEXT


def _removed(sample: art.Sample, selectors: dict[str, str]) -> list[str]:
    """The texts of what the ``remove`` selectors drop from this sample's body."""
    bodies = select(sample.sel, selectors.get("body"))
    if not bodies or not selectors.get("remove"):
        return []
    scoped = Selector(root=bodies[0].root)
    texts = [" ".join(text_of(m).split()) for m in select(scoped, selectors["remove"])]
    return [t for t in texts if t]


def _inside(samples: list[art.Sample], spec: str, body: str) -> bool:
    """``spec``'s first match lies inside ``body``'s first match on every sample."""
    for s in samples:
        a, b = select(s.sel, spec), select(s.sel, body)
        if not a or not b or not art.contains(b[0].root, a[0].root):
            return False
    return True


def learn_site(url: str, *, samples: int = 5, allow_private: bool = False) -> Learned:
    """Fetch the list page at ``url`` and up to ``samples`` of its articles, then learn."""
    from crawlers.fetch import fetch
    from crawlers.settings import DOWNLOAD_MAXSIZE
    from crawlers.sniff import check_html

    page = fetch(url, allow_private=allow_private)
    check_html(page.body, max_bytes=DOWNLOAD_MAXSIZE)

    def get(link: str) -> bytes | None:
        try:
            got = fetch(link, allow_private=allow_private)
            check_html(got.body, max_bytes=DOWNLOAD_MAXSIZE)
        except Exception:  # a dead link among the samples: the next one is taken
            return None
        return got.body

    return learn_pages(page.url, page.body, _OnDemand(get), samples=samples)


class _OnDemand(Mapping[str, bytes]):
    """Article pages fetched when first asked for (once each): a dead link is absent."""

    def __init__(self, get: Callable[[str], bytes | None]) -> None:
        self._get = get
        self._pages: dict[str, bytes | None] = {}

    def _page(self, url: object) -> bytes | None:
        if not isinstance(url, str):
            return None
        if url not in self._pages:
            self._pages[url] = self._get(url)
        return self._pages[url]

    def __contains__(self, url: object) -> bool:
        return self._page(url) is not None

    def __getitem__(self, url: str) -> bytes:
        page = self._page(url)
        if page is None:
            raise KeyError(url)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter([u for u, p in self._pages.items() if p is not None])

    def __len__(self) -> int:
        return sum(p is not None for p in self._pages.values())
