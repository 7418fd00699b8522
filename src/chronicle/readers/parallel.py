"""Parsing many files at once: in a process pool across the machine's cores, results in
input order, the first bad file (in input order) reported as the one error.

Parsing and extraction are pure Python (a few ms per 4 KB briefing), so threads would not
help; worker processes each import chronicle once and parse chunks of files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..errors import ArchiveError, ChronicleError
from . import DEFAULT_MAX_BYTES, Format, Parsed, parse_file

WORKERS_ENV = "CHRONICLE_WORKERS"
MIN_FILES_FOR_POOL = 16  # below this, starting workers costs more than it saves
CHUNK = 8


def worker_count() -> int:
    """$CHRONICLE_WORKERS, else the cores this process may use (1: parse in this process)."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise ArchiveError(f"{WORKERS_ENV}={text!r}: expected a whole number of workers")
        return int(text)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def _parse_one(job: tuple[Path, Format | None, int]) -> Parsed | ChronicleError:
    path, fmt, max_bytes = job
    try:
        return parse_file(path, fmt, max_bytes)
    except ChronicleError as error:  # returned, not raised: the caller reports it in order
        return error


def parse_files(paths: Sequence[Path], fmt: Format | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES,
                on_parsed: Callable[[int], None] | None = None) -> list[Parsed]:
    """Every file parsed, in order; the first bad one (in order) raises its ChronicleError.
    ``on_parsed(index)`` is called as each file is parsed (in order)."""
    jobs = [(path, fmt, max_bytes) for path in paths]
    workers = min(worker_count(), max(1, len(jobs) // CHUNK))
    if workers <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        results = map(_parse_one, jobs)
        return _collect(results, on_parsed)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return _collect(pool.map(_parse_one, jobs, chunksize=CHUNK), on_parsed)


def _collect(results: Iterable[Parsed | ChronicleError],
             on_parsed: Callable[[int], None] | None) -> list[Parsed]:
    parsed: list[Parsed] = []
    for index, result in enumerate(results):
        if isinstance(result, ChronicleError):
            raise result
        parsed.append(result)
        if on_parsed is not None:
            on_parsed(index)
    return parsed
