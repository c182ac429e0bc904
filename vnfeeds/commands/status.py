"""`vnfeeds status|runs|pause|resume`: operations surfaces."""

from __future__ import annotations

from vnfeeds.commands._pending import pending

cli = pending("status", "Table of units: state, last run, new items, last error, next run", 7)
runs_cli = pending("runs", "Crawl run history of one unit", 7)
pause_cli = pending("pause", "Pause scheduled crawls of a unit", 7)
resume_cli = pending("resume", "Resume scheduled crawls of a unit", 7)
