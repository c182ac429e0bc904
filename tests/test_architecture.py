"""The layers hold: no import points up, no import cycle, and the picture is current."""

from __future__ import annotations

from collections import Counter

from tools import architecture as arch


def test_no_import_points_up_and_no_cycles() -> None:
    graph = arch.import_graph()
    edges = arch.package_edges(graph)
    assert arch.upward(edges) == []
    assert arch.cycles(graph) == []


def test_the_check_catches_an_upward_import_and_a_cycle() -> None:
    assert arch.upward(Counter({("storage", "crawlers"): 1})) == [
        "storage -> crawlers (1 imports) points up or sideways"
    ]
    assert arch.upward(Counter({("replicas", "crawlers"): 2}))
    assert arch.upward(Counter({("crawlers", "replicas"): 1}))
    assert arch.upward(Counter({("vnfeeds", "replicas"): 1, ("crawlers", "domain"): 3})) == []
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert arch.cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_relative_and_submodule_imports_are_followed() -> None:
    graph = arch.import_graph()
    # ``from crawlers.platforms import common`` is an import of the module, not the package.
    assert "crawlers.platforms.common" in graph["crawlers.platforms.feed"]
    assert all(not dst.startswith("crawlers") for dst in graph["domain.registry"])


def test_domain_core_imports_nothing_of_ours() -> None:
    edges = arch.package_edges(arch.import_graph())
    assert [b for (a, b) in edges if a == "domain"] == []


def test_the_picture_in_the_docs_is_generated_from_the_code() -> None:
    text = arch.DOC.read_text(encoding="utf-8")
    expected = arch.render_doc(text, arch.picture(arch.package_edges(arch.import_graph())))
    assert text == expected, "run: python -m tools.architecture --write"
