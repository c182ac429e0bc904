"""Scrapyd nodes on loopback for tests and benchmarks, and deploying to them.

``build_egg`` runs ``scrapyd-deploy --build-egg`` in the project (its ``scrapy.cfg``
and ``setup.py``); ``deploy`` runs ``scrapyd-deploy -a --egg`` from a folder whose
``scrapy.cfg`` names every node as a ``[deploy:NAME]`` target.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def scrapyd_missing() -> str | None:
    """Why Scrapyd nodes cannot be run here, or None."""
    for tool in ("scrapyd", "scrapyd-deploy"):
        if not (BIN / tool).exists() and shutil.which(tool) is None:
            return f"{tool} is not installed (pip install -e '.[dist]')"
    return None


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else name


class ScrapydNode:
    """One ``scrapyd`` process in its own folder and session, on a free loopback port."""

    def __init__(self, home: Path, *, max_proc: int = 2, env: dict[str, str] | None = None):
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (home / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            f"max_proc = {max_proc}\n"
            "poll_interval = 0.2\n"
            "finished_to_keep = 5000\n"
            "jobs_to_keep = 5000\n"
            f"eggs_dir = {home / 'eggs'}\n"
            f"logs_dir = {home / 'logs'}\n"
            f"dbs_dir = {home / 'dbs'}\n"
            "items_dir =\n",
            encoding="utf-8",
        )
        self.log = (home / "scrapyd.out").open("wb")
        full_env = {**os.environ, **(env or {})}
        full_env.pop("SCRAPY_SETTINGS_MODULE", None)
        self.proc = subprocess.Popen(
            [_tool("scrapyd")],
            cwd=home,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=full_env,
            start_new_session=True,  # killing the node kills its crawls too
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30) -> ScrapydNode:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"scrapyd exited: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/daemonstatus.json", timeout=2) as r:
                    r.read()
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"scrapyd did not start: {self.output()}")

    def output(self) -> str:
        return (self.home / "scrapyd.out").read_text("utf-8", "replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL the node and every crawl it runs (the machine died)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self.log.close()


def build_egg(out: Path) -> Path:
    """Build the project's egg with scrapyd-deploy (in the project folder)."""
    subprocess.run(
        [_tool("scrapyd-deploy"), "--build-egg", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def deploy(egg: Path, nodes: Sequence[ScrapydNode], folder: Path) -> None:
    """Deploy ``egg`` as project vnfeeds to every node with ``scrapyd-deploy -a``."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = "".join(
        f"[deploy:node{i}]\nurl = {n.url}/\nproject = vnfeeds\n\n" for i, n in enumerate(nodes)
    )
    (folder / "scrapy.cfg").write_text(
        "[settings]\ndefault = ops.scrapy_settings\n\n" + targets, encoding="utf-8"
    )
    res = subprocess.run(
        [_tool("scrapyd-deploy"), "-a", "-p", "vnfeeds", "--egg", str(egg)],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if res.returncode != 0 or '"status": "ok"' not in res.stdout + res.stderr:
        raise RuntimeError(f"scrapyd-deploy failed: {res.stdout} {res.stderr}")
