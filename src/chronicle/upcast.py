"""Upcasting: stored documents of older schema versions turned into the current version.

Reading an event goes: stored bytes -> JSON -> upcasters (v1 -> v2 -> ...) -> today's
model. Events on disk are never rewritten; an upcaster works on the parsed JSON only.
Adding, renaming or re-representing a field is one upcaster here plus its test
(tests/test_upcast.py), and a new ``schema/<name>.v<N>.schema.json`` from
``python -m chronicle.schemas --write``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import NewerSchema
from .layout import SCHEMA_VERSION

Document = dict[str, Any]

# The extractor of every event written before events named theirs (chronicle 0.1.0).
FIRST_EXTRACTOR = {"name": "chronicle", "version": "1"}
JSON_EXTRACTOR = {"name": "json", "version": "given"}


def stored_version(document: Any, default: int | None = None) -> int:
    """A stored document's ``schema_version``; NewerSchema if this release cannot read it.

    A missing or malformed version is returned as ``default`` (the schema check then names
    the problem); ValueError when there is no default.
    """
    version = document.get("schema_version") if isinstance(document, dict) else None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        if default is None:
            raise ValueError(f"schema_version {version!r} is not a version number")
        return default
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    return version


def revision_v1_to_v2(revision: Document) -> Document:
    """v2 only widened what v1 could say (more figure kinds): the data stays as it was."""
    return {**revision, "schema_version": 2}


def event_v1_to_v2(event: Document) -> Document:
    """v2 events name the extractor that derived their claims and figures."""
    return {**event, "schema_version": 2, "extractor": extractor_of(event),
            "revision": revision_v1_to_v2(event["revision"])}


def extractor_of(event: Document) -> Document:
    """The extractor an event of any version names (v1 events name none: see event_v1_to_v2)."""
    if stored_version(event) >= 2:
        extractor: Document = event["extractor"]
        return extractor
    origin = event.get("origin") or {}
    return dict(JSON_EXTRACTOR if origin.get("format") == "json" else FIRST_EXTRACTOR)


# version N -> the function that turns a version-N document into version N + 1
EVENT_UPCASTERS: dict[int, Callable[[Document], Document]] = {1: event_v1_to_v2}
REVISION_UPCASTERS: dict[int, Callable[[Document], Document]] = {1: revision_v1_to_v2}


def upcast_event(document: Document) -> Document:
    """An event document of any published version, as the current version."""
    return _upcast(document, EVENT_UPCASTERS)


def upcast_revision(document: Document) -> Document:
    """A revision document (a JSON input, an event's revision) as the current version."""
    return _upcast(document, REVISION_UPCASTERS)


def _upcast(document: Document, steps: dict[int, Callable[[Document], Document]]) -> Document:
    version = stored_version(document)
    while version < SCHEMA_VERSION:
        document = steps[version](document)
        version += 1
    return document
