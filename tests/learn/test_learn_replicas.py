"""`sites learn` on pages it was never shown: every replica site (six platforms, custom
markup, traps) is learned from its list page alone, and the learned unit reads every
sample in agreement with its list entry, with a body and without generic fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawlers.fetch import FetchError
from crawlers.learn import learn_site
from domain.registry import Registry, load_registry
from replicas.server import ReplicaServer


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    server = ReplicaServer(port=0).start()
    try:
        yield load_registry(server.write_units(tmp_path_factory.mktemp("rep") / "units.toml"))
    finally:
        server.stop()


def test_every_replica_site_is_learned(replicas: Registry) -> None:
    learned_any = 0
    moved: list[str] = []
    for uid, unit in sorted(replicas.units.items()):
        if unit.platform == "feed":
            continue  # a feed has no article template to learn
        try:
            learned = learn_site(unit.start[0].url, samples=4, allow_private=True)
        except FetchError as exc:
            # A site that moved to its successor's host: learning it says so rather than
            # follow a redirect into another private host (the allowance is per host).
            assert unit.successor and "redirected to" in str(exc), (uid, str(exc))
            moved.append(uid)
            continue
        for key in ("list_links", "title", "body"):
            assert key in learned.selectors, (uid, key, learned.notes)
        assert len(learned.samples) >= 3, (uid, learned.notes)
        for x in learned.samples:
            a = x.article
            assert not x.verdict.mismatch, (uid, a.url, a.problems)
            assert not a.fallback, (uid, a.url, a.problems)
            assert len(a.body_text) >= 200, (uid, a.url, a.body_text[:100])
            assert a.published is not None, (uid, a.url)
            assert a.title not in a.body_text[: len(a.title) + 40], (uid, "title repeated")
        learned_any += 1
    assert learned_any >= 10
    assert moved == ["hoabinh-stc"]
