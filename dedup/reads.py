"""The reads dedup makes for every article, built once.

Building a statement on every call cost more than running it; these are built when the
module loads and run with bound parameters (``ids`` expands to a list).
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select

from storage import models as m

A = m.Article

#: What a decision view reads of a stored article (and its cache key)
VIEW_COLUMNS = (
    A.title,
    A.lead,
    A.body_text,
    A.published,
    A.source,
    A.canonical_url,
    A.content_hash,
    A.changed_at,
)


ROW_FPS = (A.id, A.fingerprint, A.changed_at)
ALL_FPS = select(*ROW_FPS).order_by(A.id)
#: the catch-up's reads (``me``: the article being processed, already written; 0: none)
NEW_SINCE = (
    select(*ROW_FPS)
    .where(A.id > bindparam("max_id"), A.id != bindparam("me"), A.fingerprint.is_not(None))
    .order_by(A.id)
)
CHANGED_SINCE = (
    select(*ROW_FPS)
    .where(
        or_(A.id > bindparam("max_id"), A.changed_at > bindparam("mark")),
        A.id != bindparam("me"),
        A.fingerprint.is_not(None),
    )
    .order_by(A.id)
)
#: ids skipped over while another process had them uncommitted (``dedup.holes``)
HOLES = select(*ROW_FPS).where(
    A.id.in_(bindparam("ids", expanding=True)), A.fingerprint.is_not(None)
)
SAME_URL = select(A.id).where(A.canonical_url == bindparam("url"), A.id != bindparam("me"))
SAME_URL_OR_HASH = select(A.id).where(
    or_(A.canonical_url == bindparam("url"), A.content_hash == bindparam("digest")),
    A.id != bindparam("me"),
)
FPS_OF = select(A.id, A.fingerprint).where(A.id.in_(bindparam("ids", expanding=True)))
VIEW_KEYS = (
    select(A.id, A.content_hash, A.changed_at)
    .where(A.id.in_(bindparam("ids", expanding=True)))
    .order_by(A.id)
)
VIEW_ROWS = select(A.id, *VIEW_COLUMNS).where(A.id.in_(bindparam("ids", expanding=True)))
