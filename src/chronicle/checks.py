"""`validate` and `verify`: find every problem and report it by name; never stop at the first."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ChronicleError
from .invariants import document_problems
from .schemas import schema_problems
from .store import Archive, event_path, revision_sha256


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named so a person can find it."""

    where: str
    problem: str
    briefing: str | None = None
    sequence: int | None = None
    commit: str | None = None
    kind: str = "problem"  # a stable code for scripts, e.g. 'chain-broken', 'history-rewritten'

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        named = f" [briefing {self.briefing} r{self.sequence}]" if self.briefing else ""
        commit = f" (commit {self.commit[:12]})" if self.commit else ""
        return f"{self.where}{named}{commit}: {self.problem}"


def validate_file(path: Path) -> tuple[str, list[Problem]]:
    """Check one file: an event or revision JSON against its schema, or a briefing parses."""
    from .readers import parse_file

    if path.suffix.lower() == ".json":
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError) as error:
            return "json", [Problem(str(path), f"not readable JSON: {_first_line(error)}",
                                    kind="not-json")]
        kind = "event" if isinstance(document, dict) and "event_id" in document else "revision"
        found = [Problem(str(path), f"{kind} schema: {p}", kind="schema")
                 for p in schema_problems(document, kind)]
        revision = document.get("revision") if kind == "event" else document
        if not found:
            found = [Problem(str(path), p, kind="invariant") for p in document_problems(revision)]
        return kind, found
    try:
        parsed = parse_file(path)
    except ChronicleError as error:
        return "briefing", [Problem(str(path), error.message, kind="bad-input")]
    problems = schema_problems(parsed.revision.model_dump(mode="json"), "revision")
    return "briefing", [Problem(str(path), f"revision schema: {p}", kind="schema")
                        for p in problems]


def validate_archive(archive: Archive) -> tuple[int, list[Problem]]:
    """Every event file on the main branch against schema/event.schema.json."""
    problems: list[Problem] = []
    count = 0
    for briefing, path, raw in archive.raw_event_files():
        count += 1
        problems += _event_schema_problems(briefing, path, raw)
    return count, problems


def _event_schema_problems(briefing: str, path: str, raw: bytes) -> list[Problem]:
    sequence = _sequence_of(path)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        return [Problem(path, f"not valid JSON: {_first_line(error)}", briefing, sequence,
                        kind="not-json")]
    found = [Problem(path, f"event schema: {p}", briefing, sequence, kind="schema")
             for p in schema_problems(document, "event")]
    if not found:  # chronicle.invariants: what the schema cannot say
        found = [Problem(path, p, briefing, sequence, kind="invariant")
                 for p in document_problems(document["revision"])]
    return found


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


def _sequence_of(path: str) -> int | None:
    stem = path.rsplit("/", 1)[-1].removesuffix(".json")
    return int(stem) if stem.isdigit() else None


def verify_archive(archive: Archive) -> tuple[int, list[Problem]]:
    """Schema, content hash, hash chain, contiguous sequences, git history and the ledger."""
    from .history import history_problems

    count = 0
    problems: list[Problem] = []
    by_briefing: dict[str, list[tuple[str, bytes]]] = {}
    current: dict[str, bytes] = {}
    for briefing, path, raw in archive.raw_event_files():
        count += 1
        by_briefing.setdefault(briefing, []).append((path, raw))
        current[path] = raw
    for briefing, files in by_briefing.items():
        problems += _chain_problems(briefing, files)
    problems += history_problems(archive, current)
    return count, problems


def _chain_problems(briefing: str, files: list[tuple[str, bytes]]) -> list[Problem]:
    problems: list[Problem] = []
    previous: str | None = None
    for expected, (path, raw) in enumerate(files, start=1):
        schema = _event_schema_problems(briefing, path, raw)
        problems += schema
        sequence = _sequence_of(path)
        if path != event_path(briefing, expected):
            problems.append(Problem(path, f"expected sequence {expected} here (gap, deletion or "
                                          "inserted event)", briefing, sequence,
                                    kind="sequence-gap"))
        if not any(p.kind in ("schema", "not-json") for p in schema):
            document = json.loads(raw)
            problems += _event_problems(briefing, path, document, expected, previous)
        previous = hashlib.sha256(raw).hexdigest()
    return problems


def _event_problems(briefing: str, path: str, document: dict[str, Any], expected: int,
                    previous: str | None) -> list[Problem]:
    from .model import Revision

    found: list[tuple[str, str]] = []
    if document["briefing"] != briefing:
        found.append(("wrong-briefing", f"names briefing {document['briefing']!r} but is filed "
                      f"under {briefing!r}"))
    if document["sequence"] != expected:
        found.append(("wrong-sequence",
                      f"says sequence {document['sequence']}, expected {expected}"))
    if document["previous_sha256"] != previous:
        found.append(("chain-broken",
                      "hash chain broken: previous_sha256 is not the sha256 of the event before"))
    broken = document_problems(document["revision"])  # reported with the schema's problems
    if not broken and (revision_sha256(Revision.model_validate(document["revision"]))
                       != document["content_sha256"]):
        found.append(("content-changed", "content changed: revision does not match content_sha256"))
    return [Problem(path, text, briefing, expected, kind=kind) for kind, text in found]
