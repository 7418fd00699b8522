"""The ledger: chronicle's own append-only record of every commit it put on the branch.

``.git/chronicle-ledger.jsonl`` lives outside the working tree and is never committed.
Each time a writer moves ``main`` it appends, one JSON object per line:

    {"op": "begin", "base": B, "tip": T, "at": ..., "events": [{briefing, sequence,
                                                      sha256, commit, path}, ...]}
    ... then, once ``git update-ref T B`` succeeded:
    {"op": "done", "tip": T}
    ... or, if the branch did not move:
    {"op": "abort", "tip": T, "head": H}

The ``begin`` line is fsynced before the branch moves (write-ahead), so a batch whose
commits are on the branch is always in the ledger. A writer killed between the two
lines leaves a "pending" batch; the next writer resolves it under the lock: ``done`` if
the branch is at its tip, ``abort`` if not. Readers resolve it the same way without
writing. ``{"op": "adopt", ...}`` records an existing history taken on trust: by the
first write to an archive that never had a ledger here (a ``git clone`` of one, or one
made before the ledger existed), or by ``chronicle init`` run on an archive whose ledger
was lost. ``chronicle.ledger = true`` in ``.git/config`` says this copy keeps a ledger:
where it is set, a missing ledger is a problem for verify and writes are refused.

``chronicle verify`` checks every recorded commit is still on ``main`` and every recorded
event file is byte-identical (sha256), and that every event on ``main`` was recorded: a
rewritten history (amended, rebuilt, reset) or an event added with plain git shows up
even when the event files themselves are consistent. The ledger is only as safe as the
``.git`` folder: someone who can rewrite history *and* this file consistently is not
detected; keep a copy of the ledger (or of ``main``'s sha) elsewhere for that.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

LEDGER_NAME = "chronicle-ledger.jsonl"
TAIL_CHUNK = 64 * 1024

BatchState = Literal["done", "abort", "pending", "adopted"]


@dataclass(frozen=True)
class Recorded:
    """One event as chronicle committed it."""

    briefing: str
    sequence: int
    sha256: str
    commit: str
    path: str

    def as_dict(self) -> dict[str, Any]:
        return {"briefing": self.briefing, "sequence": self.sequence, "sha256": self.sha256,
                "commit": self.commit, "path": self.path}


@dataclass
class Batch:
    """One move of the branch (or one adoption), with its outcome."""

    line: int
    base: str | None
    tip: str
    events: list[Recorded]
    state: BatchState


@dataclass
class LedgerContents:
    batches: list[Batch] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, what)
    replaced: set[str] = field(default_factory=set)  # commits a sync rebased away, unpublished

    def confirmed(self, head: str | None) -> list[Batch]:
        """Batches on the branch; a trailing pending batch counts if the branch reached it."""
        out = [b for b in self.batches if b.state in ("done", "adopted")]
        if self.batches and self.batches[-1].state == "pending" and self.batches[-1].tip == head:
            out.append(self.batches[-1])
        return out


class Ledger:
    def __init__(self, folder: Path, name: str = LEDGER_NAME) -> None:
        self.path = folder / name

    def exists(self) -> bool:
        return self.path.is_file()

    # ----- writing (with the chronicle lock held) ----------------------------------------
    def begin(self, base: str | None, tip: str, events: list[Recorded], at: str,
              published: tuple[str, str | None] | None = None) -> None:
        """``published``: (the published ledger's new commit, its old one), which move with
        the branch; recovery puts that ref where the branch says (git's two-ref
        transactions are atomic against other writers, not against a kill mid-way)."""
        record: dict[str, Any] = {"op": "begin", "base": base, "tip": tip, "at": at,
                                  "events": [e.as_dict() for e in events]}
        if published is not None:
            record["published"], record["published_base"] = published
        self._append(record)

    def done(self, tip: str) -> None:
        self._append({"op": "done", "tip": tip})

    def abort(self, tip: str, head: str | None) -> None:
        self._append({"op": "abort", "tip": tip, "head": head})

    def replace(self, tip: str, replaced: list[str], at: str) -> None:
        """A sync rebased these unpublished commits onto the remote's (now at ``tip``)."""
        self._append({"op": "replace", "tip": tip, "at": at, "replaced": replaced})

    def adopt(self, tip: str, events: list[Recorded], at: str) -> None:
        self._append({"op": "adopt", "tip": tip, "at": at, "events": [e.as_dict() for e in events]})

    def _append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    def resolve(self, head: str | None) -> tuple[str | None, dict[str, Any] | None]:
        """Finish what a killed writer left: drop a torn last line, close a pending batch.

        Returns what was done ('done', 'abort', 'torn', or None) and the batch's 'begin'
        record when it closed one. Lock must be held.
        """
        if not self.exists():
            return None, None
        torn = self._drop_torn_tail()
        last = self._last_record()
        if last is None or last.get("op") != "begin":
            return ("torn" if torn else None), None
        if last.get("tip") == head:
            self.done(str(last["tip"]))
            return "done", last
        self.abort(str(last.get("tip")), head)
        return "abort", last

    def _drop_torn_tail(self) -> bool:
        """Cut a last line without its newline (a write cut short, e.g. by a power cut)."""
        with self.path.open("rb+") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return False
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return False
            end = _last_newline_before(handle, size)
            handle.truncate(end)
            os.fsync(handle.fileno())
            return True

    # ----- reading -----------------------------------------------------------------------
    def pending(self) -> bool:
        """Does the ledger end in a batch that was begun and never closed (cheap: tail only)?"""
        if not self.exists():
            return False
        last = self._last_record()
        return last is not None and last.get("op") == "begin"

    def _last_record(self) -> dict[str, Any] | None:
        with self.path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return None
            handle.seek(size - 1)
            end = size if handle.read(1) == b"\n" else _last_newline_before(handle, size)
            if end == 0:
                return None
            start = _last_newline_before(handle, end - 1)
            handle.seek(start)
            line = handle.read(end - start)
        try:
            record = json.loads(line)
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def read(self) -> LedgerContents:
        contents = LedgerContents()
        if not self.exists():
            return contents
        open_batch: Batch | None = None
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        elif lines:
            lines.pop()  # torn last line: a write in progress or cut short; not a record
        for number, raw in enumerate(lines, start=1):
            record = _parse(raw)
            if record is None:
                contents.problems.append((number, "not a ledger record"))
                continue
            op = record["op"]
            if op == "replace":
                contents.replaced.update(record["replaced"])
                continue
            if op in ("begin", "adopt"):
                if open_batch is not None:
                    contents.problems.append((open_batch.line, "batch begun and never closed"))
                    open_batch.state = "abort"
                batch = Batch(number, record.get("base"), record["tip"],
                              [Recorded(**e) for e in record["events"]],
                              "adopted" if op == "adopt" else "pending")
                contents.batches.append(batch)
                open_batch = batch if op == "begin" else None
            elif open_batch is not None and record.get("tip") == open_batch.tip:
                open_batch.state = "done" if op == "done" else "abort"
                open_batch = None
            else:
                contents.problems.append((number, f"'{op}' closes no open batch"))
        return contents


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    ops = ("begin", "done", "abort", "adopt", "replace")
    if not isinstance(record, dict) or record.get("op") not in ops:
        return None
    if record["op"] == "replace" and not (isinstance(record.get("replaced"), list) and
                                          all(isinstance(c, str) for c in record["replaced"])):
        return None
    if not isinstance(record.get("tip"), str):
        return None
    if record["op"] in ("begin", "adopt"):
        events = record.get("events")
        if not isinstance(events, list) or not all(_is_event(e) for e in events):
            return None
    return record


def _is_event(value: Any) -> bool:
    keys = ("briefing", "sha256", "commit", "path")
    return (isinstance(value, dict) and set(value) == {"sequence", *keys}
            and isinstance(value["sequence"], int) and all(isinstance(value[k], str) for k in keys))


def _last_newline_before(handle: BinaryIO, end: int) -> int:
    """Offset just after the last b'\\n' before ``end`` (0 if none)."""
    position = end
    while position > 0:
        start = max(0, position - TAIL_CHUNK)
        handle.seek(start)
        chunk = handle.read(position - start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0
