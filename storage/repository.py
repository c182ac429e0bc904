"""The queries the rest of the code may use (registry sync, units, runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.registry import Registry
from storage import models as m

if TYPE_CHECKING:
    from storage.db import Store


def sync_registry(session: Session, reg: Registry) -> None:
    """Upsert provinces, topics and units from the registry (state is kept)."""
    for p in reg.provinces.values():
        row = session.get(m.Province, p.id) or m.Province(id=p.id)
        row.name, row.successor_id, row.merged_on = p.name, p.successor, p.merged_on
        session.add(row)
    for t in reg.topics.values():
        trow = session.get(m.Topic, t.slug) or m.Topic(slug=t.slug)
        trow.name = t.name
        session.add(trow)
    for u in reg.units.values():
        urow = session.get(m.Unit, u.id)
        if urow is None:
            urow = m.Unit(id=u.id, state="new", failures=0, paused=False)
        urow.name, urow.province_id, urow.platform = u.name, u.province, u.platform
        urow.homepage, urow.enabled = u.homepage, u.enabled
        session.add(urow)
    session.flush()


def sync_registry_in(store: Store, reg: Registry, attempts: int = 3) -> None:
    """:func:`sync_registry` in its own transaction, retried when another process inserted
    the same rows first (processes starting together on a new database)."""
    for attempt in range(attempts):
        try:
            with store.session() as s:
                sync_registry(s, reg)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def moved_units(session: Session) -> list[m.Unit]:
    """Units whose site answered with a permanent redirect to a new host."""
    return list(
        session.scalars(select(m.Unit).where(m.Unit.moved_to.is_not(None)).order_by(m.Unit.id))
    )
