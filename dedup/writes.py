"""The writes dedup makes for every article, built once (see :mod:`dedup.reads`).

Written as Core statements on the session's connection where the session holds nothing
unflushed of the row: an ORM flush costs more than the statement it emits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from dedup.decide import Verdict
from storage import models as m

_A = cast(Table, m.Article.__table__)
_C = cast(Table, m.DuplicateCandidate.__table__)

#: an article's fingerprint and content hash
SET_FINGERPRINT = (
    update(_A)
    .where(_A.c.id == bindparam("article_id"))
    .values(fingerprint=bindparam("fp_bytes"), content_hash=bindparam("digest"))
)

_PAIR = ("a_id", "b_id", "score", "verdict", "reasons", "status", "created_at")
#: a new pair, unless the pair is there (text: a dialect's ``on_conflict_do_nothing()``
#: is not compiled once and cached, as :func:`storage.articles.upsert_article` says)
INSERT_PAIR = (
    text(
        f"INSERT INTO duplicate_candidates ({', '.join(_PAIR)}) "
        f"VALUES ({', '.join(':' + n for n in _PAIR)}) ON CONFLICT DO NOTHING RETURNING id"
    )
    .bindparams(*(bindparam(n, type_=_C.c[n].type) for n in _PAIR))
    .columns(_C.c.id)
)


def claim_pair(
    session: Session, a_id: int, b_id: int, v: Verdict, status: str, now: datetime
) -> tuple[m.DuplicateCandidate, bool]:
    """The pair's row, inserted whole (``v``, ``status``) unless another writer stored it
    first; and whether it is that writer's. For a pair of two stored articles, which another
    process (its crawl re-reading one of them, a sweep) may record at the same moment: on
    PostgreSQL the insert waits for that writer's commit and then leaves its row alone,
    instead of failing the whole transaction on the unique pair. The row is read back
    locked (``FOR UPDATE``, PostgreSQL), so its status is not changed under us."""
    row: dict[str, Any] = {"a_id": a_id, "b_id": b_id, "score": float(v.score)}
    row |= {"verdict": v.verdict, "reasons": list(v.reasons), "status": status, "created_at": now}
    inserted = session.connection().execute(INSERT_PAIR, row).scalar()
    cand = session.scalars(
        select(m.DuplicateCandidate)
        .where(m.DuplicateCandidate.a_id == a_id, m.DuplicateCandidate.b_id == b_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return cand, inserted is None
