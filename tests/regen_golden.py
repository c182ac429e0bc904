"""Rewrite golden fixtures' expected JSON from the current parsers.

    python -m tests.regen_golden [PLATFORM …]      # rewrite expected JSON
    python -m tests.regen_golden --check           # only list what would change
    python -m tests.regen_golden --capture [PLATFORM …]  # re-save replica pages first

Run it only when a parser change is intended, then read ``git diff tests/fixtures``
line by line before committing: a golden file is a claim about the right answer.
Fixtures of real pages (``"hand": true`` in their meta) are hand-written and only checked.
"""

from __future__ import annotations

import argparse
import sys

from tests.platforms.golden import differences, dump, fixtures, run


def main(argv: list[str] | None = None) -> int:
    """Regenerate (or check) the expected JSON of the named platforms' fixtures."""
    parser = argparse.ArgumentParser(prog="python -m tests.regen_golden", description=__doc__)
    parser.add_argument("platforms", nargs="*", help="fixture folders (default: all)")
    parser.add_argument("--check", action="store_true", help="list changes, write nothing")
    parser.add_argument(
        "--capture", action="store_true", help="first save fresh pages from the replica sites"
    )
    args = parser.parse_args(argv)
    if args.capture:
        from tests.platforms.replica_capture import capture

        for path in capture(args.platforms or None):
            print(f"captured {path}")
    changed = 0
    for fx in fixtures(args.platforms or None):
        if fx.hand:  # written by a person from the page: report, never rewrite
            for problem in differences(fx, run(fx)):
                print(f"{fx.id} (hand-written, not rewritten): {problem}")
            continue
        new = dump(run(fx))
        old = fx.expected_path.read_text(encoding="utf-8") if fx.expected_path.exists() else None
        if new == old:
            continue
        changed += 1
        print(f"{'would change' if args.check else 'wrote'} {fx.expected_path}")
        if not args.check:
            fx.expected_path.write_text(new, encoding="utf-8")
    print(f"{changed} expected file(s) {'differ' if args.check else 'rewritten'}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
