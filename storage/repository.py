"""The queries the rest of the code may use (registry sync, units, runs)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.registry import Registry
from storage import models as m


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


def moved_units(session: Session) -> list[m.Unit]:
    """Units whose site answered with a permanent redirect to a new host."""
    return list(
        session.scalars(select(m.Unit).where(m.Unit.moved_to.is_not(None)).order_by(m.Unit.id))
    )
