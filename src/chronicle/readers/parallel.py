"""How many worker processes parse at once (chronicle.bulk parses many files in a process
pool; the read model derives rows in one).

Parsing and extraction are pure Python (a few ms per 4 KB briefing), so threads would not
help; worker processes each import chronicle once and parse chunks of files.
"""

from __future__ import annotations

import os

from ..errors import ArchiveError

WORKERS_ENV = "CHRONICLE_WORKERS"
MIN_FILES_FOR_POOL = 16  # below this, starting workers costs more than it saves


def worker_count() -> int:
    """$CHRONICLE_WORKERS, else the cores this process may use (1: parse in this process)."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise ArchiveError(f"{WORKERS_ENV}={text!r}: expected a whole number of workers")
        return int(text)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
