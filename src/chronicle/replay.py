"""Replay: a pure fold of a briefing's stored events into the revisions they record.

No git here: the events come in decoded (events.decode_event, which checks each content
hash on the stored bytes and upcasts old versions); the fold checks sequence and chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .errors import CorruptArchive
from .events import StoredEvent
from .layout import chain_header, sha256_hex
from .model import Extractor, Origin, Revision


@dataclass(frozen=True)
class RevisionState:
    """One revision of a briefing as replayed from its event."""

    briefing: str
    sequence: int
    event_id: str
    recorded_at: str
    observed_at: str
    origin: Origin
    revision: Revision
    path: str
    extractor: Extractor | None = None  # None: not known (a revision never stored)


def replay(events: Iterable[StoredEvent]) -> list[RevisionState]:
    """Fold events in order, checking sequence numbers and the hash chain as it goes."""
    states: list[RevisionState] = []
    previous_sha: str | None = None
    for stored in events:
        states.append(_checked(stored, len(states) + 1, previous_sha))
        previous_sha = stored.sha256
    return states


def replay_some(events: Sequence[tuple[str, bytes]], wanted: set[int],
                parse: Callable[[str, bytes], StoredEvent]) -> dict[int, RevisionState]:
    """The revisions numbered in ``wanted``, with every event's sequence and hash chain checked.

    For what a command does not show, the check runs on the raw bytes: the sha256 of the
    file, and its top-level ``"sequence"`` and ``"previous_sha256"`` lines as the store
    writes them (canonical JSON: top-level keys are the only lines indented by two
    spaces). An event not in that form is parsed and checked in full, like a wanted one
    (schema via the model, sequence, chain, content hash). The same errors as replay().
    """
    found: dict[int, RevisionState] = {}
    previous_sha: str | None = None
    for number, (path, raw) in enumerate(events, start=1):
        header = None if number in wanted else chain_header(raw)
        if header is None:
            state = _checked(parse(path, raw), number, previous_sha)
            if number in wanted:
                found[number] = state
        else:
            sequence, previous = header
            if sequence != number:
                raise CorruptArchive(f"{path}: sequence {sequence}, expected {number}")
            if previous != previous_sha:
                raise CorruptArchive(f"{path}: hash chain broken (previous_sha256 mismatch)")
        previous_sha = sha256_hex(raw)
    return found


def _checked(stored: StoredEvent, expected: int, previous_sha: str | None) -> RevisionState:
    event = stored.event
    if event.sequence != expected:
        raise CorruptArchive(f"{stored.path}: sequence {event.sequence}, expected {expected}")
    if event.previous_sha256 != previous_sha:
        raise CorruptArchive(f"{stored.path}: hash chain broken (previous_sha256 mismatch)")
    # the content hash was checked on the stored bytes when the event was decoded
    return RevisionState(
        briefing=event.briefing,
        sequence=event.sequence,
        event_id=event.event_id,
        recorded_at=event.recorded_at,
        observed_at=event.observed_at,
        origin=event.origin,
        revision=event.revision,
        path=stored.path,
        extractor=event.extractor,
    )

