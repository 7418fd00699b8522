"""JSON revisions: a revision document in any published schema version, as `parse --json`
prints it, checked against the schema of its own version (schema/revision.vN.schema.json)."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from ..errors import InputError, NewerSchema
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
    if _text_depth(text) > MAX_DEPTH:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(document, dict):
        raise InputError(source, "a JSON revision must be an object")
    try:
        validate(document, "revision", source)
    except NewerSchema as error:
        raise NewerSchema(error.version, source) from None
    return document


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _text_depth(text: str) -> int:
    """Nesting depth of valid JSON text, from its brackets outside strings: regex speed on a
    10 MB array of millions of items, where walking the parsed value takes many seconds."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)

