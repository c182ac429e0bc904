"""The corpus: determinism, coverage and the ground-truth labels."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from domain.platforms import PLATFORM_NAMES as PLATFORMS
from domain.registry import load_registry
from replicas.corpus import Corpus, write_labels
from replicas.server import ReplicaServer
from tests.replicas.conftest import fetch


def _dump(c: Corpus) -> list[dict]:
    return [asdict(s) for uid in sorted(c.stories) for s in c.stories[uid]]


def test_same_seed_same_corpus() -> None:
    assert _dump(Corpus(1)) == _dump(Corpus(1))
    assert _dump(Corpus(1)) != _dump(Corpus(2))


def test_coverage() -> None:
    c = Corpus(1)
    # every platform has a replica, except LacViet: it is read from the real pages in
    # tests/fixtures/lacviet (shared/realsites) instead
    assert {u.platform for u in c.units} == set(PLATFORMS) - {"lacviet"}
    assert len({u.province for u in c.units}) >= 4
    assert sum(1 for u in c.units if u.platform == "liferay_cmsview") >= 2
    for uid, stories in c.stories.items():
        u = c.unit(uid)
        assert len(u.categories) >= 2
        assert len(stories) >= 30
        for s in stories:
            assert 2022 <= s.published.year <= 2025
            offset = s.published.utcoffset()
            assert offset is not None and offset.total_seconds() == 7 * 3600
            for text in (s.title, s.lead, *s.paragraphs):
                assert unicodedata.is_normalized("NFC", text)
    archive = c.unit("vinhphuc-stttt")
    assert (
        archive.archived
        and max(s.published for s in c.stories[archive.id]).date() <= archive.last_day
    )


def test_labels_ground_truth_shape() -> None:
    c = Corpus(1)
    base = {u.id: f"http://h{u.host}" for u in c.units}
    labels = c.labels(base)
    kinds = Counter((x["label"], x["kind"]) for x in labels)
    assert kinds["distinct", "templated-notice"] >= 15
    assert kinds["duplicate", "exact-copy"] >= 3
    assert kinds["duplicate", "mirror"] >= 1
    groups = [g for g in c.groups if len({m.unit for m in g.members}) >= 3]
    assert len(groups) >= 15
    seed_units = {m.unit for m in c.groups[0].members}
    assert {"hoabinh-soct", "phutho-soct", "bct-xttm"} <= seed_units
    assert c.groups[0].members[0] is c.seed_story()
    edited = [m for g in c.groups for m in g.members[1:] if not m.exact]
    for m in edited:
        assert m.copy_of is not None
        assert m.title != c.story(*m.copy_of).title
    assert any(p.startswith("Nguồn: ") for m in edited for p in m.paragraphs)
    for a, b in c.notice_pairs:
        assert a.title != b.title and a.unit == b.unit
        assert a.title.split()[:3] == b.title.split()[:3]
        assert a.paragraphs[-1] == b.paragraphs[-1] or a.paragraphs != b.paragraphs
    assert any("Lịch tiếp công dân" in a.title for a, _ in c.notice_pairs)
    assert any("Thông báo tuyển dụng" in a.title for a, _ in c.notice_pairs)


def test_labels_point_at_pages_the_server_serves(tmp_path: Path) -> None:
    with ReplicaServer(0) as srv:
        labels = srv.labels()
        for url in sorted({x[k] for x in labels for k in ("a", "b")}):
            assert fetch(url)[0] == 200, url
        out = write_labels(tmp_path / "labels.json", srv.base_urls())
        assert json.loads(out.read_text(encoding="utf-8")) == labels


def test_units_file_validates(tmp_path: Path) -> None:
    with ReplicaServer(0) as srv:
        path = srv.write_units(tmp_path / "replica-units.toml")
        reg = load_registry(path)
        assert reg.problems == []
        ids = {u.id for u in srv.corpus.units}
        assert ids <= set(reg.units)
        assert reg.units["hoabinh-stc"].successor == "phutho-stc"
        assert reg.units["phutho-stc"].predecessors == ["hoabinh-stc"]
        assert reg.units["vinhphuc-stttt"].archived
        assert reg.units["bct-xttm"].feed_url == srv.base_url("bct-xttm") + "/rss.xml"
        sel = reg.units["phutho-skhcn"].selectors.as_dict()
        assert {"list_links", "title", "body", "date", "date_format", "next_page"} <= set(sel)
        for uid in ids:
            unit = reg.units[uid]
            assert unit.allow_private and unit.politeness.download_delay == 0
            for start in unit.start:
                assert start.category in unit.topics
                status = fetch(start.url)[0]
                assert status == (301 if uid == "hoabinh-stc" else 200), start.url
