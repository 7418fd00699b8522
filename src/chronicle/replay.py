"""Replay: a pure fold of a briefing's stored events into the revisions they record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import CorruptArchive
from .model import Origin, Revision
from .store import StoredEvent, revision_sha256


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


def replay(events: Iterable[StoredEvent]) -> list[RevisionState]:
    """Fold events in order, checking sequence numbers and the hash chain as it goes."""
    states: list[RevisionState] = []
    previous_sha: str | None = None
    for stored in events:
        event = stored.event
        expected = len(states) + 1
        if event.sequence != expected:
            raise CorruptArchive(f"{stored.path}: sequence {event.sequence}, expected {expected}")
        if event.previous_sha256 != previous_sha:
            raise CorruptArchive(f"{stored.path}: hash chain broken (previous_sha256 mismatch)")
        if revision_sha256(event.revision) != event.content_sha256:
            raise CorruptArchive(f"{stored.path}: content does not match its content_sha256")
        states.append(
            RevisionState(
                briefing=event.briefing,
                sequence=event.sequence,
                event_id=event.event_id,
                recorded_at=event.recorded_at,
                observed_at=event.observed_at,
                origin=event.origin,
                revision=event.revision,
                path=stored.path,
            )
        )
        previous_sha = hashlib.sha256(stored.raw).hexdigest()
    return states


def revision_json(revision: Revision) -> str:
    """The revision as `parse --json` and `show --json` print it."""
    return json.dumps(revision.model_dump(mode="json"), indent=2, ensure_ascii=False)
