"""vnfeeds dedup / review / users on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from domain.registry import Registry
from storage.db import Store
from storage.repository import sync_registry
from tests.conftest import NewDbUrl
from tests.dedup.conftest import SEED, edited_copy_body, make_article, notice, seed_body
from vnfeeds.cli import cli


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return res.exit_code, res.output


def test_dedup_compare(tmp_path: Path) -> None:
    a = {"url": "https://a.vn/1", "title": SEED.title, "lead": SEED.lead, "body_text": seed_body()}
    b = {
        "url": "https://b.vn/1",
        "title": "Hoà Bình: " + SEED.title,
        "body_text": edited_copy_body(),
    }
    n9, n10 = notice(9, 12, "Nguyễn Văn An"), notice(10, 10, "Lê Văn Cường")
    for name, obj in (("a", a), ("b", b), ("n9", n9), ("n10", n10)):
        (tmp_path / f"{name}.json").write_text(
            json.dumps(obj, ensure_ascii=False), encoding="utf-8"
        )
    code, out = run("dedup", "compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    got = json.loads(out)
    assert (
        code == 0 and set(got) == {"score", "verdict", "reasons"} and got["verdict"] == "duplicate"
    )
    code, out = run("dedup", "compare", str(tmp_path / "n9.json"), str(tmp_path / "n10.json"))
    assert json.loads(out)["verdict"] == "distinct"
    # thresholds from the environment
    code, out = run(
        "dedup",
        "compare",
        str(tmp_path / "a.json"),
        str(tmp_path / "b.json"),
        env={"VNFEEDS_DEDUP_HIGH": "1.0"},
    )
    assert json.loads(out)["verdict"] == "review"
    (tmp_path / "bad.json").write_text("[1]", encoding="utf-8")
    res = CliRunner().invoke(
        cli, ["dedup", "compare", str(tmp_path / "a.json"), str(tmp_path / "bad.json")]
    )
    assert res.exit_code != 0 and "expected one JSON object" in res.output


def test_users_review_and_run(new_db_url: NewDbUrl, registry: Registry) -> None:
    db = new_db_url("cli")
    store = Store(db)
    with store.session() as s:
        sync_registry(s, registry)
        make_article(s, "hoabinh-soct", 1, lead=SEED.lead)
        make_article(
            s,
            "phutho-soct",
            1,
            title="Tin từ cơ sở: " + SEED.title,
            body=edited_copy_body(),
            hours=2,
        )
    store.dispose()
    code, out = run("--db", db, "users", "add", "ed", "--password", "mot-mat-khau-dai")
    assert code == 0 and "added ed" in out
    code, out = run("--db", db, "users", "list", "--json")
    assert [u["username"] for u in json.loads(out)] == ["ed"]
    res = CliRunner().invoke(
        cli, ["--db", db, "users", "add", "ed", "--password", "mot-mat-khau-dai"]
    )
    assert res.exit_code != 0 and "exists" in res.output

    env = {"VNFEEDS_DEDUP_HIGH": "0.99", "VNFEEDS_DEDUP_LOW": "0.5"}
    code, out = run("--db", db, "dedup", "run", env=env)
    assert code == 0 and json.loads(out) == {"articles": 2, "duplicate": 0, "review": 1}
    code, out = run("--db", db, "review", "list", "--json")
    (pair,) = json.loads(out)
    assert pair["status"] == "pending" and {pair["a"]["unit"], pair["b"]["unit"]} == {
        "hoabinh-soct",
        "phutho-soct",
    }
    code, out = run("--db", db, "review", "show", str(pair["id"]))
    assert json.loads(out)["a"]["body_text"]
    code, out = run("--db", db, "review", "decide", str(pair["id"]), "duplicate", "--editor", "ed")
    decision = json.loads(out)
    assert code == 0 and decision["action"] == "duplicate"
    code, out = run("--db", db, "review", "list", "--status", "duplicate", "--json")
    assert json.loads(out)[0]["decided_by"] == "ed"
    # re-running the engine keeps the editor's decision
    run("--db", db, "dedup", "run", env={"VNFEEDS_DEDUP_HIGH": "1.0", "VNFEEDS_DEDUP_LOW": "0.99"})
    code, out = run("--db", db, "review", "list", "--status", "duplicate", "--json")
    assert len(json.loads(out)) == 1
    code, out = run("--db", db, "review", "undo", str(decision["decision"]), "--editor", "ed")
    assert code == 0
    code, out = run("--db", db, "review", "log")
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["undo", "duplicate"]
    code, out = run("--db", db, "users", "remove", "ed")
    assert code == 0 and "removed" in out
