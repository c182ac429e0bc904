"""domain.mojibake against ftfy's own check on real lines: agreement and speed.

    python -m bench.mojibake [--realsites DIR]

Reads every non-ASCII line of the fixture pages (``tests/fixtures``) and of the saved real
sites (``--realsites``, default ``$VNFEEDS_REALSITES`` or ``/work/shared/realsites``, when
present), and prints how many lines ``may_be_bad`` and ``ftfy.badness.is_bad`` answer alike
and the seconds each takes over them. A script that prints figures; it judges nothing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ftfy.badness import is_bad

from domain.mojibake import may_be_bad

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
REALSITES = Path(os.environ.get("VNFEEDS_REALSITES", "/work/shared/realsites"))


def lines(folders: list[Path]) -> list[str]:
    """The non-ASCII lines of every HTML page (plain or gzipped) under ``folders``."""
    out: list[str] = []
    for folder in folders:
        for path in sorted(folder.rglob("*.htm*")):
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            out += [ln for ln in raw.decode("utf-8", "replace").split("\n") if not ln.isascii()]
    return out


def seconds(fn: Callable[[str], bool], texts: list[str]) -> float:
    """Seconds ``fn`` takes over ``texts``."""
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    ap = argparse.ArgumentParser(prog="python -m bench.mojibake", description=__doc__)
    ap.add_argument("--realsites", type=Path, default=REALSITES)
    args = ap.parse_args(argv)
    folders = [FIXTURES] + ([args.realsites] if args.realsites.is_dir() else [])
    texts = lines(folders)
    same = sum(may_be_bad(t) == is_bad(t) for t in texts)
    ftfy_s, ours_s = seconds(is_bad, texts), seconds(may_be_bad, texts)
    print(f"lines: {len(texts)} non-ASCII lines from {', '.join(map(str, folders))}")
    print(f"same answer as ftfy: {same} of {len(texts)}")
    print(f"ftfy is_bad: {ftfy_s:.3f} s   may_be_bad: {ours_s:.3f} s   ({ftfy_s / ours_s:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
