"""`validate` and `verify`: find every problem and report it by name; never stop at the first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ChronicleError, NewerSchema
from .events import stored_content_problem
from .gitlog import walk
from .history import history_problems
from .invariants import document_problems
from .layout import event_path, load_json, parse_event_path, sha256_hex
from .problems import Problem
from .schemas import schema_problems
from .signing import SignatureReport, event_signatures
from .store import Archive
from .upcast import stored_version

__all__ = ["Problem", "validate_archive", "validate_file", "verify_archive"]


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
                 for p in _schema_problems(document, kind, str(path))]
        revision = document.get("revision") if kind == "event" else document
        if not found:  # chronicle.invariants: what the schema cannot say
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
        problems += _event_schema_problems(briefing, path, raw)[0]
    return count, problems


def _schema_problems(document: Any, name: str, where: str) -> list[str]:
    """schema_problems against the document's own version; NewerSchema names ``where``."""
    try:
        return schema_problems(document, name)
    except NewerSchema as error:
        raise NewerSchema(error.version, where) from None


def _event_schema_problems(briefing: str, path: str,
                           raw: bytes) -> tuple[list[Problem], dict[str, Any] | None, bool]:
    """The event's schema problems, and its JSON (None if it has none) with its tameness."""
    sequence = parse_event_path(path)[1]
    try:
        document, tame = load_json(raw)
    except (ValueError, RecursionError) as error:
        problem = f"not valid JSON: {_first_line(error)}"
        return [Problem(path, problem, briefing, sequence, kind="not-json")], None, False
    problems = [Problem(path, f"event schema: {p}", briefing, sequence, kind="schema")
                for p in _schema_problems(document, "event", path)]
    if not problems:  # chronicle.invariants: what the schema cannot say
        problems = [Problem(path, p, briefing, sequence, kind="invariant")
                    for p in document_problems(document["revision"])]
    return problems, document, tame


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


@dataclass
class Checked:
    """What check_archive found: events checked, problems, and (if asked) signatures."""

    count: int
    problems: list[Problem]
    signatures: SignatureReport | None = None


def verify_archive(archive: Archive) -> tuple[int, list[Problem]]:
    """(events checked, problems): check_archive without the signatures."""
    checked = check_archive(archive)
    return checked.count, checked.problems


def check_archive(archive: Archive, signatures: bool = False) -> Checked:
    """Schema, content hash, hash chain, contiguous sequences, git history and the ledger,
    all of one commit: the branch tip as it was when verify began (writers may go on);
    with ``signatures``, who signed each event's commit, from the same history walk."""
    count = 0
    problems: list[Problem] = []
    by_briefing: dict[str, list[tuple[str, bytes]]] = {}
    current: dict[str, bytes] = {}
    head = archive.head()
    if archive.recovery_problem:
        problems.append(Problem(str(archive.path), "recovery after a killed writer could not "
                                f"finish: {archive.recovery_problem}", kind="recovery-failed"))
    for briefing, path, raw in archive.raw_event_files(archive.tree(head)):
        count += 1
        by_briefing.setdefault(briefing, []).append((path, raw))
        current[path] = raw
    for briefing, files in by_briefing.items():
        problems += _chain_problems(briefing, files)
    history = walk(archive.repository, tip=head)
    problems += history_problems(archive, current, head, history)
    if not signatures:
        return Checked(count, problems)
    report = event_signatures(archive.repository, history.added)
    return Checked(count, problems + report.problems(), report)


def _chain_problems(briefing: str, files: list[tuple[str, bytes]]) -> list[Problem]:
    problems: list[Problem] = []
    previous: str | None = None
    for expected, (path, raw) in enumerate(files, start=1):
        schema, document, tame = _event_schema_problems(briefing, path, raw)
        problems += schema
        sequence = parse_event_path(path)[1]
        if path != event_path(briefing, expected):
            problems.append(Problem(path, f"expected sequence {expected} here (gap, deletion or "
                                          "inserted event)", briefing, sequence,
                                    kind="sequence-gap"))
        if document is not None and not any(p.kind in ("schema", "not-json") for p in schema):
            problems += _event_problems(briefing, path, document, tame, expected, previous)
        previous = sha256_hex(raw)
    return problems


def _event_problems(briefing: str, path: str, document: dict[str, Any], tame: bool,
                    expected: int, previous: str | None) -> list[Problem]:
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
    if not broken and stored_content_problem(document, stored_version(document), tame):
        found.append(("content-changed", "content changed: revision does not match content_sha256"))
    return [Problem(path, text, briefing, expected, kind=kind) for kind, text in found]
