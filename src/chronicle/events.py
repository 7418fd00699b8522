"""Stored events: the bytes of an event file, and how they become today's domain event.

Stored events (what is in git: a path and its bytes) are kept apart from domain events
(``model.Event``, the current version). Decoding checks what is stored, never a re-dump
of today's model: bytes -> JSON -> content hash by the rule of the document's own schema
version -> upcasters -> model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .errors import CorruptArchive, NewerSchema
from .invariants import model_problem, revision_problems
from .layout import content_sha256, load_json, sha256_hex
from .model import Event
from .upcast import stored_version, upcast_event


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back from git: its path, its exact bytes, and the decoded event."""

    event: Event
    path: str
    raw: bytes
    schema_version: int  # the version it was written in (``event`` is the current one)

    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.raw)


def load_event_json(raw: bytes, where: str) -> dict[str, Any]:
    """The JSON object of an event file; CorruptArchive if it is not one."""
    return load_event(raw, where)[0]


def load_event(raw: bytes, where: str) -> tuple[dict[str, Any], bool]:
    """The JSON object of an event file and whether its numbers are tame (layout.load_json);
    CorruptArchive if it is not a JSON object."""
    try:
        document, tame = load_json(raw)
    except RecursionError:
        raise CorruptArchive(f"{where}: not a valid event (JSON nested too deeply)") from None
    except ValueError as error:
        raise CorruptArchive(f"{where}: not a valid event ({_first_line(error)})") from None
    if not isinstance(document, dict):
        raise CorruptArchive(f"{where}: not a valid event (not a JSON object)")
    return document, tame


def stored_content_problem(document: dict[str, Any], version: int,
                           tame: bool = False) -> str | None:
    """Why the stored revision does not match its ``content_sha256``, or None if it does."""
    try:
        actual = content_sha256(document.get("revision"), version, tame)
    except (ValueError, TypeError) as error:
        return f"revision cannot be hashed ({_first_line(error)})"
    if actual != document.get("content_sha256"):
        return "content does not match its content_sha256"
    return None


def decode_event(path: str, raw: bytes, where: str | None = None) -> StoredEvent:
    """An event file's bytes as a StoredEvent; CorruptArchive if it is not a valid event,
    NewerSchema if a newer chronicle wrote it. ``where`` names the file in messages."""
    where = where or path
    document, tame = load_event(raw, where)
    try:
        version = stored_version(document)
    except NewerSchema as error:
        raise NewerSchema(error.version, where) from None
    except ValueError as error:
        raise CorruptArchive(f"{where}: not a valid event ({error})") from None
    problem = stored_content_problem(document, version, tame)
    if problem is not None:
        raise CorruptArchive(f"{where}: {problem}")
    try:
        event = Event.model_validate(upcast_event(document))
    except (ValueError, KeyError, TypeError) as error:
        raise CorruptArchive(f"{where}: not a valid event ({model_problem(error)})") from None
    # a hostile archive: chronicle.invariants
    problems = revision_problems(event.revision, encodable=_no_surrogates(raw))
    if problems:
        raise CorruptArchive(f"{where}: not a usable revision ({problems[0]})")
    return StoredEvent(event, path, raw, version)


# "\ud800" and the like: a JSON escape that can stand for half of a surrogate pair
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _no_surrogates(raw: bytes) -> bool:
    """Whether JSON text ``raw`` cannot hold a lone surrogate: strict UTF-8 (which has none)
    and no escape that could write one."""
    if _SURROGATE_ESCAPE.search(raw) is not None:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
