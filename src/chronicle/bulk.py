"""Bulk ingest (`ingest --tree`, `ingest a b c`): files parsed in worker processes, each with
its commit message's summary of the change from the file before it made there too, so the
process that writes does little more than write.

Files go to the workers in chunks of consecutive files (a briefing is split only when it has
more than CHUNK_FILES); within a chunk each file is compared with the one before it of the
same briefing, and that alignment comes back with the revisions (the read model reuses it).
The store uses a message made ahead only when the revision it finds before the new one is
that very file's (AheadMessages); otherwise (the briefing's stored last revision, a file
before it that was a duplicate) it makes the message itself, as it always did. Either way
the message is views.revision_message's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .align import Alignment, align_revisions, remember
from .append import NewRevision, Prior
from .derive import comparable_pair
from .errors import ChronicleError
from .readers import DEFAULT_MAX_BYTES, Format, Parsed, parse_file
from .readers.parallel import MIN_FILES_FOR_POOL, worker_count
from .views import revision_message, revision_message_body

CHUNK_FILES = 16  # files per worker task: enough to share one briefing's work, few enough to spread
File = tuple[str, Path]  # (briefing id, the file of one revision)
Job = tuple[list[File], Format | None, int]


@dataclass(frozen=True)
class Prepared:
    """One file parsed; with the file before it in its chunk (same briefing), what the store
    would make of the two: the commit message after 'BRIEFING rN: ' and the alignment."""

    parsed: Parsed
    body: str | None = None
    alignment: Alignment | None = None


def chunks(files: Sequence[File], size: int = CHUNK_FILES) -> list[range]:
    """Runs of consecutive files, at most ``size`` each, splitting only briefings longer than
    ``size`` (their own files, in pieces of ``size``)."""
    found: list[range] = []
    start = end = 0
    for run in _briefing_runs(files):
        if end > start and (len(run) > size or run.stop - start > size):
            found.append(range(start, end))
            start = run.start
        end = run.stop
        if len(run) > size:
            found += [range(i, min(i + size, run.stop)) for i in range(run.start, run.stop, size)]
            start = run.stop
    if end > start:
        found.append(range(start, end))
    return found


def _briefing_runs(files: Sequence[File]) -> Iterator[range]:
    start = 0
    for n in range(1, len(files) + 1):
        if n == len(files) or files[n][0] != files[start][0]:
            yield range(start, n)
            start = n


def prepare(files: Sequence[File], fmt: Format | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES,
            on_parsed: Callable[[int], None] | None = None) -> list[Prepared]:
    """Every file parsed and prepared, in order, in a process pool when there are many; the
    first bad file (in order) raises its ChronicleError. ``on_parsed(index)`` as each is."""
    jobs: list[Job] = [([files[i] for i in run], fmt, max_bytes) for run in chunks(files)]
    workers = min(worker_count(), len(jobs))
    if workers <= 1 or len(files) < MIN_FILES_FOR_POOL:
        return _collect(map(_prepare_chunk, jobs), on_parsed)
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        return _collect(pool.map(_prepare_chunk, jobs), on_parsed)
    finally:
        pool.shutdown(cancel_futures=True)  # after an error, parse no more


def _collect(results: Iterable[list[Prepared] | ChronicleError],
             on_parsed: Callable[[int], None] | None) -> list[Prepared]:
    prepared: list[Prepared] = []
    for result in results:
        if isinstance(result, ChronicleError):
            raise result
        for ready in result:
            prepared.append(ready)
            if on_parsed is not None:
                on_parsed(len(prepared) - 1)
    return prepared


def _prepare_chunk(job: Job) -> list[Prepared] | ChronicleError:
    """A chunk's files parsed (in a worker), or the error of the first bad one."""
    files, fmt, max_bytes = job
    prepared: list[Prepared] = []
    for n, (briefing, path) in enumerate(files):
        try:
            parsed = parse_file(path, fmt, max_bytes)
        except ChronicleError as error:  # returned, not raised: the caller reports it in order
            return error
        before = prepared[-1].parsed if n and files[n - 1][0] == briefing else None
        prepared.append(_ahead(briefing, parsed, before))
    return prepared


def _ahead(briefing: str, parsed: Parsed, before: Parsed | None) -> Prepared:
    """``parsed`` with its message body and alignment against ``before``, if any."""
    if before is None:
        return Prepared(parsed)
    item = NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor)
    prior = Prior(before.revision, before.extractor)
    body = revision_message_body(item, 1, prior)  # the body names no sequence
    old, new = comparable_pair((before.revision, before.extractor),
                               (parsed.revision, parsed.extractor))
    if old is not before.revision or new is not parsed.revision:
        return Prepared(parsed, body)  # compared as re-read: nothing the store could reuse
    # its diffs are keyed by the ids of this process's objects: never sent
    return Prepared(parsed, body, replace(align_revisions(old, new), diffs={}))


class AheadMessages:
    """A store.CommitMessage: revision_message, taken from a body made ahead when the
    revision the store finds before the new one is the one the body was made against."""

    def __init__(self) -> None:
        self._ahead: dict[int, tuple[NewRevision, NewRevision, str]] = {}

    def add(self, item: NewRevision, before: NewRevision, body: str) -> None:
        self._ahead[id(item)] = (item, before, body)

    def __call__(self, item: NewRevision, sequence: int, prior: Prior | None) -> str:
        known = self._ahead.get(id(item))
        if known is not None and known[0] is item and prior is not None and \
                prior.revision is known[1].revision and prior.extractor == known[1].extractor:
            return f"{item.briefing} r{sequence}: {known[2]}"
        return revision_message(item, sequence, prior)


def new_revisions(briefings: Sequence[str], prepared: Sequence[Prepared],
                  observed_at: str | None = None, expected_sequence: int | None = None
                  ) -> tuple[list[NewRevision], AheadMessages]:
    """What to append (``expected_sequence`` on the first only) and the messages to use."""
    items: list[NewRevision] = []
    messages = AheadMessages()
    for n, (briefing, ready) in enumerate(zip(briefings, prepared, strict=True)):
        parsed = ready.parsed
        item = NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor,
                           observed_at, expected_sequence if n == 0 else None)
        if ready.body is not None:
            messages.add(item, items[-1], ready.body)
        if ready.alignment is not None:
            remember(items[-1].revision, item.revision, ready.alignment)
        items.append(item)
    return items, messages
