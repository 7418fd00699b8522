"""Catching up in parallel: worker processes derive the rows of the short briefings that a
catch-up builds from their first event (every briefing of a build from nothing, the new
briefings of a catch-up: decode, replay, align, rows, pure Python and most of the time)
while the building process stores them in order, in its one transaction.

Workers are spawned, not forked: a forked child would carry the builder's open SQLite
connection, which it must never touch. Each opens the archive read-only and returns rows
(or the message of the ChronicleError that makes a briefing unreadable, raised again
here as CorruptArchive: the error's own class may not survive pickling). At most a
few chunks are in flight, so memory stays flat however far ahead the workers run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ChronicleError, CorruptArchive
from ..readers.parallel import worker_count
from .catchup import CHUNK, CatchUp
from .rows import Rows, extractor_key

if TYPE_CHECKING:
    from ..repository import ArchiveTree
    from ..store import Archive

MIN_EVENTS = 256  # below this, starting workers costs more than it saves
EVENTS_PER_TASK = 32  # a task holds briefings until it has this many events
IN_FLIGHT = 4  # tasks queued per worker

Job = tuple[str, str, list[str], list[bytes]]  # name, folder, event file names, blob ids


@dataclass(frozen=True)
class Derived:
    """A briefing's rows, as CatchUp.build would have stored them."""

    rows: list[Rows]
    briefing: tuple[Any, ...]


class Prepared:
    """Derived briefings handed out in the order the catch-up asks for them."""

    def __init__(self, names: set[str], results: Iterator[tuple[str, Derived | ChronicleError]]):
        self._names = names
        self._results = results
        self._early: dict[str, Derived | ChronicleError] = {}

    def take(self, name: str) -> Derived | ChronicleError | None:
        """``name``'s rows, or None if it was not derived ahead (build it here)."""
        if name not in self._names:
            return None
        self._names.discard(name)
        if name in self._early:
            return self._early.pop(name)
        for found, result in self._results:
            if found == name:
                return result
            self._early[found] = result
        return None  # pragma: no cover - every name asked for was a job


@contextlib.contextmanager
def derive_ahead(catch_up: CatchUp, tree: ArchiveTree) -> Iterator[Prepared | None]:
    """Rows of the short briefings that ``catch_up`` will build from nothing to reach
    ``tree``, derived in workers (None: too few events, or one core)."""
    jobs = _jobs(catch_up, tree)
    events = sum(len(job[2]) for job in jobs)
    workers = min(worker_count(), 1 + events // (EVENTS_PER_TASK * IN_FLIGHT))
    if events < MIN_EVENTS or workers < 2:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                             initargs=(catch_up.archive.path,)) as pool:
        try:
            yield Prepared({job[0] for job in jobs}, _results(pool, _tasks(jobs), workers))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _jobs(catch_up: CatchUp, tree: ArchiveTree) -> list[Job]:
    """Every changed briefing of one chunk of events or fewer with no rows stored yet (it is
    built from its first event), in the order CatchUp walks them."""
    jobs: list[Job] = []
    for name, folder in catch_up.changed_folders(tree):
        entries = tree.entries(folder)
        if 0 < len(entries) <= CHUNK and not catch_up.has_rows(name):
            names = sorted(entries)
            jobs.append((name, folder, names, [entries[n][1] for n in names]))
    return jobs


def _tasks(jobs: list[Job]) -> Iterator[list[Job]]:
    """The jobs in order, cut into tasks of about EVENTS_PER_TASK events."""
    task: list[Job] = []
    events = 0
    for job in jobs:
        task.append(job)
        events += len(job[2])
        if events >= EVENTS_PER_TASK:
            yield task
            task, events = [], 0
    if task:
        yield task


def _results(pool: ProcessPoolExecutor, tasks: Iterator[list[Job]], workers: int
             ) -> Iterator[tuple[str, Derived | ChronicleError]]:
    """Results in job order, with at most IN_FLIGHT tasks per worker queued."""
    pending: deque[Future[list[tuple[str, Derived | ChronicleError]]]] = deque()
    for task in tasks:
        pending.append(pool.submit(_derive_all, task))
        if len(pending) >= workers * IN_FLIGHT:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


# ----- in a worker --------------------------------------------------------------------------
_ARCHIVE: list[Archive] = []


def _start(path: Path) -> None:
    import signal

    from ..store import Archive

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the builder's to handle
    _ARCHIVE.append(Archive(path))


def _derive_all(task: list[Job]) -> list[tuple[str, Derived | ChronicleError]]:
    return [(job[0], _derive(_ARCHIVE[0], job)) for job in task]


def _derive(archive: Archive, job: Job) -> Derived | ChronicleError:
    name, folder, names, blobs = job
    collector = _Collector(archive)
    try:
        collector.build_briefing(name, folder, names, blobs)
    except ChronicleError as error:  # returned: the builder records the briefing unreadable
        return CorruptArchive(str(error))
    assert collector.summary_row is not None
    return Derived(collector.rows, collector.summary_row)


class _Collector(CatchUp):
    """CatchUp's derivation, keeping the rows instead of storing them."""

    def __init__(self, archive: Archive) -> None:  # no database here
        self.archive = archive
        self.on_progress = None
        self.done = 0
        self.current = extractor_key(None)
        self.unreadable = set()
        self.prepared = None
        self.rows: list[Rows] = []
        self.summary_row: tuple[Any, ...] | None = None

    def _store_rows(self, rows: Rows) -> None:
        self.rows.append(rows)

    def _store_briefing(self, row: tuple[Any, ...]) -> None:
        self.summary_row = row

    def _forget(self, name: str) -> None:
        self.rows, self.summary_row = [], None
