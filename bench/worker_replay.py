"""CPU time of the parse worker's job, replayed from one real crawl of the replica sites.

    python -m bench.worker_replay record [--out DIR] [--seed 1]
    python -m bench.worker_replay replay [--out DIR] [--rounds 5] [--parts P,…] [--dump F] [--check F]

``record`` serves the replica sites on loopback, runs ``vnfeeds crawl --full`` against them
in this process (``VNFEEDS_PARSE_WORKERS=0``) and saves the exact arguments each page's
:func:`crawlers.parsing.extract_prepared` call would receive (body, url, platform,
overrides, encoding, dedup shape) to ``DIR/calls.pickle``. The recording patches
``ParsePool.extract`` of this process only; the crawl itself is the product's.

``replay`` runs every recorded call through :func:`~crawlers.parsing.extract_prepared`
for ``--rounds`` rounds, each starting with our ``functools`` caches empty (as a fresh
worker does; :func:`bench.extraction.clear_caches`), and prints the best round's CPU
seconds (``time.process_time``) per page: the whole call, and its two parts
(``extract_page``, ``dedup.prepared.prepare``) timed in a separate pass each.
``--dump`` writes every output (article fields, content hash, fingerprint, view fields,
title/lead form) to a pickle; ``--check`` compares them with an earlier dump and says
which pages differ. A script that prints figures; it judges nothing but equality.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.extraction import clear_caches

DEFAULT_DIR = Path(tempfile.gettempdir()) / "worker_replay"
Call = dict[str, Any]


def _recording_child(calls_path: Path, argv: list[str]) -> None:
    """In the crawl process: record each page's arguments, then run the CLI."""
    from crawlers.parsing import ParsePool
    from dedup.config import DedupConfig

    cfg = DedupConfig.from_env()
    shape = (cfg.shingle, cfg.num_perm)  # what ParsePool.from_crawler passes with dedup on
    calls: list[Call] = []
    original = ParsePool.extract

    async def extract(self: ParsePool, body: bytes, url: str, **kw: Any) -> Any:
        calls.append({"body": body, "url": url, **kw, "shape": shape})
        return await original(self, body, url, **kw)

    ParsePool.extract = extract  # type: ignore[method-assign]
    sys.argv = ["vnfeeds", *argv]
    try:
        from vnfeeds.cli import main

        main()
    except SystemExit:
        pass
    finally:
        calls_path.write_bytes(pickle.dumps(calls))


def record(out: Path, seed: int) -> int:
    """Crawl the replicas once and save the calls."""
    from replicas.server import ReplicaServer

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(0, seed=seed) as srv:
        units = srv.write_units(Path(tmp) / "units")
        argv = [
            "--db", str(Path(tmp) / "db.sqlite3"), "--sites", str(units),
            "crawl", "--full", "--no-lock", "-q",
            "--set=AUTOTHROTTLE_ENABLED=False", "--set=DOWNLOAD_DELAY=0",
        ]  # fmt: skip
        env = {**os.environ, "VNFEEDS_SCRAPY_LOG_LEVEL": "ERROR", "VNFEEDS_PARSE_WORKERS": "0"}
        code = (
            "import sys; from pathlib import Path; from bench.worker_replay import _recording_child;"
            f" _recording_child(Path({str(out / 'calls.pickle')!r}), sys.argv[1:])"
        )
        subprocess.run([sys.executable, "-c", code, *argv], env=env, check=False)
    calls = pickle.loads((out / "calls.pickle").read_bytes())
    print(f"recorded {len(calls)} pages to {out / 'calls.pickle'}")
    return 0 if calls else 1


def _output(parsed: Any) -> dict[str, Any]:
    """Everything a call returns, as plain comparable values."""
    art = dataclasses.asdict(parsed.article)
    out: dict[str, Any] = {"article": art, "packed": dataclasses.astuple(parsed.packed)}
    p = parsed.prepared
    if p is not None:
        view = {k: v for k, v in p.view.__dict__.items() if k != "shingle_keys"}
        out["prepared"] = {
            "content_hash": p.content_hash,
            "fingerprint": p.fingerprint,
            "title_lead_form": p.title_lead_form,
            "view": view,
            "shingle_keys": p.view.__dict__["shingle_keys"].tobytes(),
            "view.text": p.view.text,
        }
    return out


def _best(rounds: int, fn: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        clear_caches()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def replay(out: Path, rounds: int, dump: Path | None, check: Path | None, parts: list[str]) -> int:
    """Time the recorded calls; dump or compare their outputs."""
    from crawlers.extract import extract_page
    from crawlers.parsing import extract_prepared
    from dedup.fingerprint import Fingerprinter
    from dedup.prepared import prepare

    calls: list[Call] = pickle.loads((out / "calls.pickle").read_bytes())
    clear_caches()
    results = [_output(extract_prepared(**c)) for c in calls]  # also warms imports
    arts = [extract_page(c["body"], c["url"], platform=c["platform"], overrides=c["overrides"],
                         encoding=c["encoding"]) for c in calls]  # fmt: skip
    fps = [Fingerprinter(num_perm=c["shape"][1], k=c["shape"][0]) for c in calls]

    def whole() -> None:
        for c in calls:
            extract_prepared(**c)

    def extract_only() -> None:
        for c in calls:
            extract_page(c["body"], c["url"], platform=c["platform"], overrides=c["overrides"],
                         encoding=c["encoding"])  # fmt: skip

    def prepare_only() -> None:
        for a, fp in zip(arts, fps, strict=True):
            prepare(a.title, a.lead, a.body_text, fp)

    n = len(calls)
    print(f"{n} pages, best of {rounds} rounds, caches emptied before each round (CPU time)")
    timed = {"extract_prepared": whole, "extract_page": extract_only, "prepare": prepare_only}
    for name in parts:
        s = _best(rounds, timed[name])
        print(f"{name:<18} {s:8.3f} s/round {1000 * s / n:8.3f} ms/page")
    if dump is not None:
        dump.write_bytes(pickle.dumps(results))
        print(f"outputs written to {dump}")
    if check is not None:
        before = pickle.loads(check.read_bytes())
        bad = [c["url"] for c, a, b in zip(calls, results, before, strict=True) if a != b]
        print(f"outputs vs {check}: {n - len(bad)}/{n} identical")
        for url in bad[:10]:
            print(f"  differs: {url}")
        return 1 if bad or len(before) != n else 0
    return 0


def main(argv: list[str] | None = None) -> int:
    """Record or replay."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.worker_replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("mode", choices=("record", "replay"))
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="folder of calls.pickle")
    parser.add_argument("--seed", type=int, default=1, help="replica corpus seed (record)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (replay)")
    parser.add_argument("--dump", type=Path, help="write the outputs here (replay)")
    parser.add_argument("--check", type=Path, help="compare the outputs with this dump (replay)")
    parser.add_argument(
        "--parts",
        default="extract_prepared,extract_page,prepare",
        help="what to time, comma-separated (replay; default all three)",
    )
    args = parser.parse_args(argv)
    if args.mode == "record":
        return record(args.out, args.seed)
    return replay(args.out, args.rounds, args.dump, args.check, args.parts.split(","))


if __name__ == "__main__":
    sys.exit(main())
