"""JSON revisions: a document that matches schema/revision.schema.json, as `parse --json` prints."""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from ..schemas import validate

MAX_DEPTH = 64


def read_json_revision(text: str, source: str) -> dict[str, Any]:
    """The revision document in ``text``, checked against the revision schema."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise InputError(
            source, f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if _depth(document) > MAX_DEPTH:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(document, dict):
        raise InputError(source, "a JSON revision must be an object")
    validate(document, "revision", source)
    return document


def _depth(value: Any) -> int:
    """Nesting depth, computed without recursion so hostile input cannot overflow."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest
