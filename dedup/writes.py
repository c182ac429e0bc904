"""The writes dedup makes for every article, built once (see :mod:`dedup.reads`).

Written as Core statements on the session's connection where the session holds nothing
unflushed of the row: an ORM flush costs more than the statement it emits.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, update

from storage import models as m

_A = cast(Table, m.Article.__table__)

#: an article's fingerprint and content hash
SET_FINGERPRINT = (
    update(_A)
    .where(_A.c.id == bindparam("article_id"))
    .values(fingerprint=bindparam("fp_bytes"), content_hash=bindparam("digest"))
)
