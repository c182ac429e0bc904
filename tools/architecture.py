"""The layers of vnfeeds, read from the code's own imports.

``python -m tools.architecture`` prints every import that points up a layer and every
import cycle (between packages or between modules of one package), exit 1 if any;
``--write`` regenerates the picture in ``docs/architecture.md`` from the imports, so the
picture cannot drift from the code (``tests/test_architecture.py`` checks both).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Top to bottom: a package may import only packages below it.
LAYERS: tuple[str, ...] = (
    "vnfeeds",
    "web",
    "ops",
    "feeds",
    "crawlers",
    "dedup",
    "storage",
    "domain",
)
#: Beside the house: what each may import, and who may import it.
BESIDE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "replicas": (frozenset({"domain"}), frozenset({"vnfeeds"})),
}
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- imports:begin -->", "<!-- imports:end -->"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the house (migrations' version scripts excluded), by dotted name."""
    out: dict[str, Path] = {}
    for pkg in (*LAYERS, *BESIDE):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "versions" not in path.parts:
                out[_module_name(path)] = path
    return out


def _targets(node: ast.AST, here: str, known: dict[str, Path]) -> list[str]:
    """The modules of ours an import statement loads (``from p import m`` loads ``p.m``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] in known_tops(known)]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        pkg = here.split(".")
        pkg = pkg[: len(pkg) - node.level + (1 if _is_package(here, known) else 0)]
        base = ".".join([*pkg, base] if base else pkg)
    if base.split(".")[0] not in known_tops(known):
        return []
    found = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
    return found or [base]


def known_tops(known: dict[str, Path]) -> set[str]:
    """The top-level package names of the house."""
    return {name.split(".")[0] for name in known}


def _is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def import_graph() -> dict[str, set[str]]:
    """Module -> modules of ours it imports (at any depth of the file, type-only too)."""
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for target in _targets(node, name, known):
                while target not in known and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in known and target != name:
                    graph[name].add(target)
        graph.setdefault(name, set())
    return dict(graph)


def package_edges(graph: dict[str, set[str]]) -> Counter[tuple[str, str]]:
    """(importing package, imported package) -> number of module imports."""
    edges: Counter[tuple[str, str]] = Counter()
    for src, dsts in graph.items():
        for dst in dsts:
            a, b = src.split(".")[0], dst.split(".")[0]
            if a != b:
                edges[(a, b)] += 1
    return edges


def upward(edges: Counter[tuple[str, str]]) -> list[str]:
    """Package imports that break the layering."""
    bad = []
    for a, b in sorted(edges):
        if a in BESIDE:
            ok = b in BESIDE[a][0]
        elif b in BESIDE:
            ok = a in BESIDE[b][1]
        else:
            ok = LAYERS.index(b) > LAYERS.index(a)
        if not ok:
            bad.append(f"{a} -> {b} ({edges[(a, b)]} imports) points up or sideways")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def picture(edges: Counter[tuple[str, str]]) -> str:
    """A Mermaid diagram of the packages and which imports which (top layer first)."""
    lines = ["```mermaid", "flowchart TD"]
    lines += [f"    {pkg}" for pkg in (*LAYERS, *BESIDE)]
    lines += [f"    {a} --> {b}" for a, b in sorted(edges)]
    lines.append("```")
    return "\n".join(lines)


def render_doc(text: str, pic: str) -> str:
    """``text`` with the generated picture between the markers."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{pic}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Check the layers; with ``--write``, regenerate the picture in docs/architecture.md."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--write", action="store_true", help="regenerate docs/architecture.md's picture"
    )
    args = ap.parse_args(argv)
    graph = import_graph()
    edges = package_edges(graph)
    problems = upward(edges) + [" <-> ".join(c) + " import each other" for c in cycles(graph)]
    if args.write:
        DOC.write_text(render_doc(DOC.read_text(encoding="utf-8"), picture(edges)), "utf-8")
    for p in problems:
        print(p)
    print(
        f"{len(graph)} modules, {sum(edges.values())} imports between packages, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
