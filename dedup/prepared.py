"""What dedup and the store need of an article, computed where the article is extracted.

The crawl extracts pages in worker processes (``crawlers.parsing``); computing the
content hash, the decision view (match form, words, shingles, sentences), the MinHash
and the matching form of title and lead (for topics) there keeps that CPU work off the
crawl's reactor thread. The crawl process uses a :class:`Prepared` only while the
article still has the text it was computed from (the list check may fill a missing
title): :meth:`Prepared.fits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dedup.decide import DocView
from dedup.fingerprint import Fingerprint, Fingerprinter, match_form, shingle_keys
from storage.articles import content_hash

__all__ = ["Prepared", "prepare"]


@dataclass
class Prepared:
    """Content hash, decision view and fingerprint of one article's text."""

    content_hash: str
    view: DocView
    fingerprint: bytes
    #: ``match_form(f"{title} {lead}")``: what topic keywords are looked up in
    title_lead_form: str | None = None

    def fits(self, title: str, lead: str, body_text: str) -> bool:
        """True when computed from exactly this title, lead and body."""
        v = self.view
        return v.title == title and v.lead == lead and v.body == body_text

    def view_for(self, published: datetime | None, source: str, canonical_url: str) -> DocView:
        """The decision view with the stored row's metadata (its text parts stay computed)."""
        view = DocView.__new__(DocView)
        view.__dict__.update(self.view.__dict__)
        view.published, view.source, view.canonical_url = published, source, canonical_url
        return view

    def fingerprint_for(self, fp: Fingerprinter) -> Fingerprint | None:
        """The fingerprint, when it has ``fp``'s shape (else it must be recomputed)."""
        parsed = Fingerprint.from_bytes(self.fingerprint)
        return parsed if parsed is not None and fp.compatible(parsed) else None


def prepare(title: str, lead: str, body_text: str, fp: Fingerprinter) -> Prepared:
    """Everything dedup and the store derive from an article's text, computed once."""
    view = DocView(title=title, lead=lead, body=body_text, k=fp.k)
    sh = view.shingles
    view.__dict__["shingle_keys"] = shingle_keys(sh)
    for name in ("sentences", "title_words"):
        getattr(view, name)  # fill the cached properties, carried along when pickled
    return Prepared(
        content_hash=content_hash(title, body_text),
        view=view,
        fingerprint=fp.of_shingles(sh).to_bytes(),
        title_lead_form=match_form(f"{title} {lead}"),
    )
