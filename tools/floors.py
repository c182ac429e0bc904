"""Print a pip constraints file pinning every runtime dependency to its declared floor.

``python -m tools.floors > floors.txt; pip install -c floors.txt -e ".[test]"`` installs
the lowest versions ``pyproject.toml`` allows, so CI can prove the floors are true.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def floors(pyproject: Path = PYPROJECT) -> list[str]:
    """``name==floor`` for each runtime dependency with a ``>=`` bound."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = []
    for dep in deps:
        req = Requirement(dep)
        low = [s.version for s in req.specifier if s.operator == ">="]
        if low:
            out.append(f"{req.name}=={low[0]}")
    return out


if __name__ == "__main__":
    print("\n".join(floors()))
