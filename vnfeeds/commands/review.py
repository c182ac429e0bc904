"""`vnfeeds review`: the editors' duplicate queue from the terminal."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from vnfeeds.context import AppContext, pass_app


def _pair_json(s: Any, c: Any) -> dict[str, Any]:
    from storage import models as m

    out: dict[str, Any] = {
        "id": c.id,
        "score": round(c.score, 4),
        "verdict": c.verdict,
        "status": c.status,
        "reasons": c.reasons,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
    }
    for side, aid in (("a", c.a_id), ("b", c.b_id)):
        a = s.get(m.Article, aid)
        assert a is not None
        cl = s.get(m.Cluster, a.cluster_id) if a.cluster_id else None
        out[side] = {
            "id": a.id,
            "unit": a.unit_id,
            "title": a.title,
            "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "cluster_id": a.cluster_id,
            "canonical": bool(cl and cl.canonical_id == a.id),
        }
    return out


@click.group()
def cli() -> None:
    """Review duplicate candidates: list, show, decide, undo, log."""


@cli.command("list")
@click.option(
    "--status",
    default="pending",
    show_default=True,
    help="pending|auto|duplicate|distinct|cleared|all",
)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_cmd(app: AppContext, status: str, limit: int, as_json: bool) -> None:
    """The queue, highest score first."""
    from dedup import review as rv

    try:
        with app.store().session() as s:
            rows = [_pair_json(s, c) for c in rv.queue(s, status, limit)]
    except rv.ReviewError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(
            f"#{r['id']}\t{r['score']:.2f}\t{r['status']}\t{r['a']['unit']}: {r['a']['title']}"
        )
        click.echo(f"\t\t\t{r['b']['unit']}: {r['b']['title']}")
    if not rows:
        click.echo(f"no {status} candidates", err=True)


@cli.command("show")
@click.argument("candidate_id", type=int)
@pass_app
def show_cmd(app: AppContext, candidate_id: int) -> None:
    """One candidate pair as JSON, with both articles' text."""
    from storage import models as m

    with app.store().session() as s:
        c = s.get(m.DuplicateCandidate, candidate_id)
        if c is None:
            raise click.ClickException(f"no duplicate candidate {candidate_id}")
        out = _pair_json(s, c)
        for side, aid in (("a", c.a_id), ("b", c.b_id)):
            a = s.get(m.Article, aid)
            assert a is not None
            out[side]["lead"], out[side]["body_text"], out[side]["source"] = (
                a.lead,
                a.body_text,
                a.source,
            )
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _editor(editor: str | None) -> str:
    return editor or os.environ.get("VNFEEDS_EDITOR") or os.environ.get("USER") or "cli"


@cli.command("decide")
@click.argument("candidate_id", type=int)
@click.argument(
    "action", type=click.Choice(["duplicate", "distinct", "not-duplicate", "canonical"])
)
@click.option(
    "--canonical",
    "canonical_id",
    type=int,
    help="With 'canonical': the article id (one of the pair).",
)
@click.option("--editor", help="Who decides (default VNFEEDS_EDITOR or $USER).")
@pass_app
def decide_cmd(
    app: AppContext, candidate_id: int, action: str, canonical_id: int | None, editor: str | None
) -> None:
    """Decide a pair: duplicate, distinct (not-duplicate), or canonical --canonical ID."""
    from dedup import review as rv

    try:
        with app.store().session() as s:
            d = rv.decide(s, candidate_id, action, _editor(editor), canonical_id)
            out = {
                "decision": d.id,
                "candidate": candidate_id,
                "action": d.action,
                "editor": d.editor,
            }
    except rv.ReviewError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(out))


@cli.command("undo")
@click.argument("decision_id", type=int)
@click.option("--editor", help="Who undoes (default VNFEEDS_EDITOR or $USER).")
@pass_app
def undo_cmd(app: AppContext, decision_id: int, editor: str | None) -> None:
    """Undo a decision (see 'vnfeeds review log' for ids)."""
    from dedup import review as rv

    try:
        with app.store().session() as s:
            d = rv.undo(s, decision_id, _editor(editor))
            out = {"decision": d.id, "undid": decision_id}
    except rv.ReviewError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(out))


@cli.command("log")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--auto", "include_auto", is_flag=True, help="Include the engine's automatic links.")
@pass_app
def log_cmd(app: AppContext, limit: int, include_auto: bool) -> None:
    """The audit trail, newest first, as JSON lines."""
    from dedup import review as rv

    with app.store().session() as s:
        for d in rv.audit_trail(s, limit, include_auto=include_auto):
            click.echo(
                json.dumps(
                    {
                        "id": d.id,
                        "at": d.at.isoformat(),
                        "editor": d.editor,
                        "action": d.action,
                        "candidate": d.candidate_id,
                        "article": d.article_id,
                        "undone": d.undone,
                        "detail": d.detail,
                    },
                    ensure_ascii=False,
                )
            )
