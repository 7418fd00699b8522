"""replay_some: what `show` and `diff` run. Every event's sequence and hash chain is checked
(on raw bytes), only the revisions shown are parsed and content-checked; it must agree with
replay() on what it returns and refuse what replay() refuses in the chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chronicle import api
from chronicle.errors import CorruptArchive
from chronicle.layout import chain_header, event_file_bytes
from chronicle.replay import replay, replay_some
from chronicle.store import Archive


def test_replay_some_returns_what_replay_returns(example_archive: Path) -> None:
    archive = Archive(example_archive)
    full = replay(archive.events("nato-ukraine"))
    raws = archive.raw_events("nato-ukraine")
    for wanted in ({1}, {2, 3}, {1, 2, 3}, set()):
        found = replay_some(raws, wanted, archive.parse_event)
        assert found == {n: full[n - 1] for n in wanted}
    assert api.revision_at(archive, "nato-ukraine", -2) == full[1]
    assert all(chain_header(raw) is not None for _, raw in raws)  # the store writes canonical


def _with(raw: bytes, **changes: object) -> bytes:
    document = json.loads(raw)
    document.update(changes)
    return event_file_bytes(document)


def test_an_event_not_shown_is_still_chain_checked(example_archive: Path) -> None:
    archive = Archive(example_archive)
    raws = archive.raw_events("nato-ukraine")
    (p1, r1), (p2, r2), (p3, r3) = raws
    # r2 edited (content hash left alone): r3's previous_sha256 no longer matches
    edited = _with(r2, observed_at="2030-01-01T00:00:00.000000Z")
    with pytest.raises(CorruptArchive, match=f"{p3}: hash chain broken"):
        replay_some([(p1, r1), (p2, edited), (p3, r3)], {3}, archive.parse_event)
    with pytest.raises(CorruptArchive, match="sequence 3, expected 2"):
        replay_some([(p1, r1), (p3, r3)], {1}, archive.parse_event)
    forged = _with(r2, previous_sha256="0" * 64)
    with pytest.raises(CorruptArchive, match=f"{p2}: hash chain broken"):
        replay_some([(p1, r1), (p2, forged)], {1}, archive.parse_event)


def test_a_non_canonical_event_is_parsed_and_checked_in_full(example_archive: Path) -> None:
    archive = Archive(example_archive)
    (p1, r1), (p2, r2) = archive.raw_events("nato-ukraine")[:2]
    compact = json.dumps(json.loads(r1), separators=(",", ":")).encode()
    assert chain_header(compact) is None
    # replay_some falls back to the full check: r2's chain names the original bytes of r1
    with pytest.raises(CorruptArchive, match="hash chain broken"):
        replay_some([(p1, compact), (p2, r2)], {2}, archive.parse_event)
    # ... and the full check includes the content hash
    document = json.loads(r1)
    document["revision"]["headline"] = "Forged"
    forged = json.dumps(document).encode()
    with pytest.raises(CorruptArchive, match="does not match its content_sha256"):
        replay_some([(p1, forged)], set(), archive.parse_event)
    duplicated = r1.replace(b'\n  "sequence": 1,\n', b'\n  "sequence": 1,\n  "sequence": 5,\n')
    assert chain_header(duplicated) is None
