"""Editors' decisions on duplicate candidates: the queue, decide, make canonical, undo.

The web pages (``web/review.py``) and the CLI (``vnfeeds review``) are thin shells
over these functions.  Every decision writes a ``Decision`` row (the audit trail; its
``at`` is part of the feeds' data version) holding what it replaced, so it can be
undone, and moves ``changed_at`` of the articles whose feed view changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dedup.clusters import recluster, touch
from storage import models as m
from storage.models import utcnow

__all__ = [
    "ACTIONS",
    "QUEUE_STATUSES",
    "ReviewError",
    "audit_trail",
    "decide",
    "make_canonical",
    "queue",
    "queue_count",
    "undo",
]

Action = Literal["duplicate", "distinct", "canonical"]
#: accepted spellings of the three decisions
ACTIONS: dict[str, Action] = {
    "duplicate": "duplicate",
    "dup": "duplicate",
    "distinct": "distinct",
    "not-duplicate": "distinct",
    "not_duplicate": "distinct",
    "canonical": "canonical",
}
#: statuses the queue can show; "pending" is the grey band awaiting an editor
QUEUE_STATUSES = ("pending", "auto", "duplicate", "distinct", "cleared", "all")


class ReviewError(ValueError):
    """A decision that cannot be applied (unknown id, bad action, undo out of order)."""


@dataclass
class _ClusterState:
    cluster_id: int | None
    canonical_id: int | None
    manual: bool


def _status_filter(status: str) -> Any:
    if status not in QUEUE_STATUSES:
        raise ReviewError(f"unknown status {status!r}; one of {', '.join(QUEUE_STATUSES)}")
    return True if status == "all" else m.DuplicateCandidate.status == status


def queue(
    session: Session, status: str = "pending", limit: int = 50, offset: int = 0
) -> list[m.DuplicateCandidate]:
    """Candidates with ``status``, highest score first."""
    stmt = (
        select(m.DuplicateCandidate)
        .where(_status_filter(status))
        .order_by(m.DuplicateCandidate.score.desc(), m.DuplicateCandidate.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def queue_count(session: Session, status: str = "pending") -> int:
    """How many candidates have ``status``."""
    stmt = select(func.count()).select_from(m.DuplicateCandidate).where(_status_filter(status))
    return int(session.scalar(stmt) or 0)


def _candidate(session: Session, candidate_id: int) -> m.DuplicateCandidate:
    cand = session.get(m.DuplicateCandidate, candidate_id)
    if cand is None:
        raise ReviewError(f"no duplicate candidate {candidate_id}")
    return cand


def _cluster_state(session: Session, article_id: int) -> _ClusterState:
    a = session.get(m.Article, article_id)
    if a is None or a.cluster_id is None:
        return _ClusterState(None, None, False)
    c = session.get(m.Cluster, a.cluster_id)
    return _ClusterState(a.cluster_id, c.canonical_id if c else None, bool(c and c.manual))


def _set_canonical(session: Session, article_id: int, now: datetime) -> int | None:
    """Make an article its cluster's canonical (manual); return the previous canonical."""
    a = session.get(m.Article, article_id)
    if a is None or a.cluster_id is None:
        raise ReviewError(f"article {article_id} is in no cluster")
    c = session.get(m.Cluster, a.cluster_id)
    assert c is not None
    prev = c.canonical_id
    c.canonical_id, c.manual = article_id, True
    session.flush()
    touch(
        session,
        session.scalars(select(m.Article.id).where(m.Article.cluster_id == c.id)),
        now,
    )
    return prev


def decide(
    session: Session,
    candidate_id: int,
    action: str,
    editor: str,
    canonical_id: int | None = None,
) -> m.Decision:
    """Apply an editor's decision to a candidate pair and record it.

    ``duplicate`` links the pair, ``distinct`` ("not duplicate") keeps it apart for
    good, ``canonical`` links it and makes ``canonical_id`` (one of the pair) the
    cluster's canonical article.
    """
    act = ACTIONS.get(action.strip().lower())
    if act is None:
        raise ReviewError(f"unknown decision {action!r}; use duplicate, distinct or canonical")
    cand = _candidate(session, candidate_id)
    if act == "canonical" and canonical_id not in (cand.a_id, cand.b_id):
        raise ReviewError("canonical must be one of the pair's two articles")
    now = utcnow()
    detail: dict[str, Any] = {
        "prev_status": cand.status,
        "prev_decided_by": cand.decided_by,
        "prev_decided_at": cand.decided_at.isoformat() if cand.decided_at else None,
        "a_id": cand.a_id,
        "b_id": cand.b_id,
    }
    cand.status = "distinct" if act == "distinct" else "duplicate"
    cand.decided_by, cand.decided_at = editor, now
    recluster(session, {cand.a_id, cand.b_id}, now)
    if act == "canonical":
        assert canonical_id is not None
        state = _cluster_state(session, canonical_id)
        detail["prev_canonical"] = state.canonical_id
        detail["prev_manual"] = state.manual
        _set_canonical(session, canonical_id, now)
    touch(session, (cand.a_id, cand.b_id), now)
    dec = m.Decision(
        candidate_id=cand.id,
        article_id=canonical_id if act == "canonical" else None,
        action=act,
        editor=editor,
        at=now,
        detail=detail,
    )
    session.add(dec)
    session.flush()
    return dec


def make_canonical(session: Session, article_id: int, editor: str) -> m.Decision:
    """Make an article the canonical one of its cluster (from the cluster view)."""
    now = utcnow()
    state = _cluster_state(session, article_id)
    prev = _set_canonical(session, article_id, now)
    dec = m.Decision(
        article_id=article_id,
        action="canonical",
        editor=editor,
        at=now,
        detail={
            "prev_canonical": prev,
            "prev_manual": state.manual,
            "cluster_id": state.cluster_id,
        },
    )
    session.add(dec)
    session.flush()
    return dec


def undo(session: Session, decision_id: int, editor: str) -> m.Decision:
    """Undo an editor's decision (the latest one on its pair); record the undo."""
    dec = session.get(m.Decision, decision_id)
    if dec is None or dec.editor == "auto" or dec.action == "undo":
        raise ReviewError(f"no editor decision {decision_id} to undo")
    if dec.undone:
        raise ReviewError(f"decision {decision_id} is already undone")
    scope = (
        m.Decision.candidate_id == dec.candidate_id
        if dec.candidate_id is not None
        else m.Decision.article_id == dec.article_id
    )
    later = session.scalar(
        select(m.Decision.id).where(
            scope,
            m.Decision.id > dec.id,
            m.Decision.undone.is_(False),
            m.Decision.editor != "auto",
            m.Decision.action != "undo",
        )
    )
    if later is not None:
        raise ReviewError(f"undo decision {later} first: it is later on the same pair")
    now = utcnow()
    d = dec.detail or {}
    touched: set[int] = set()
    if dec.candidate_id is not None:
        cand = _candidate(session, dec.candidate_id)
        cand.status = d.get("prev_status") or "pending"
        cand.decided_by = d.get("prev_decided_by")
        prev_at = d.get("prev_decided_at")
        cand.decided_at = datetime.fromisoformat(prev_at) if prev_at else None
        touched |= {cand.a_id, cand.b_id}
        recluster(session, touched, now)
    if dec.action == "canonical" and dec.article_id is not None:
        a = session.get(m.Article, dec.article_id)
        c = session.get(m.Cluster, a.cluster_id) if a and a.cluster_id else None
        if c is not None and c.canonical_id == dec.article_id:
            prev = d.get("prev_canonical")
            members = set(session.scalars(select(m.Article.id).where(m.Article.cluster_id == c.id)))
            c.manual = bool(d.get("prev_manual")) and prev in members
            if prev in members:
                c.canonical_id = prev
            else:
                c.manual = False
                recluster(session, members, now)
            touched |= members
    dec.undone = True
    touch(session, touched, now)
    out = m.Decision(
        candidate_id=dec.candidate_id,
        article_id=dec.article_id,
        action="undo",
        editor=editor,
        at=now,
        detail={"undid": dec.id, "action": dec.action},
    )
    session.add(out)
    session.flush()
    return out


def audit_trail(
    session: Session, limit: int = 100, offset: int = 0, include_auto: bool = False
) -> list[m.Decision]:
    """Decisions, newest first (automatic link changes only when asked)."""
    stmt = select(m.Decision).order_by(m.Decision.at.desc(), m.Decision.id.desc())
    if not include_auto:
        stmt = stmt.where(m.Decision.editor != "auto")
    return list(session.scalars(stmt.limit(limit).offset(offset)))
