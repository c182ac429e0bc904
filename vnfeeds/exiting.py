"""Ending a finished command without tearing the interpreter down.

After a crawl the process holds a large heap (parsers, caches, the near-duplicate index);
letting CPython free it object by object at exit took 0.5-0.7 s of every crawl process
(measured: last atexit handler to the parent's ``wait``, 2-core VM), time a scheduler
waits for and nobody uses. :func:`exit_now` does what a normal exit does that matters
(``atexit`` handlers: logging's flush and close, multiprocessing's joins; stdio flushed)
and then ends with :func:`os._exit`. When a thread that is not a daemon is still running,
the interpreter's own exit (which waits for it) is used instead.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn


def _others_running() -> bool:
    """True while a non-daemon thread besides this one runs (a normal exit would join it)."""
    me = threading.current_thread()
    return any(t is not me and t.is_alive() and not t.daemon for t in threading.enumerate())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once exit handlers ran and stdio is flushed."""
    if _others_running() or threading.current_thread() is not threading.main_thread():
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):  # a closed pipe (``| head``): nothing left to say
                pass
        os._exit(code)
