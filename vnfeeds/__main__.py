"""``python -m vnfeeds`` runs the CLI (the scheduler starts crawls this way)."""

from __future__ import annotations

from vnfeeds.cli import run

run()
