"""JSON revisions: a revision document in any published schema version, as `parse --json`
prints it, checked against the schema of its own version (schema/revision.vN.schema.json)."""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from ..errors import InputError, NewerSchema
from ..invariants import model_problem
from ..model import Revision
from ..schemas import validate

MAX_DEPTH = 64


def read_json_revision(text: str, source: str) -> dict[str, Any]:
    """The revision document in ``text``, checked against the revision schema."""
    document = load_json(text, source)
    if _text_depth(text) > MAX_DEPTH:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(document, dict):
        raise InputError(source, "a JSON revision must be an object")
    try:
        validate(document, "revision", source)
    except NewerSchema as error:
        raise NewerSchema(error.version, source) from None
    return document


def load_json(text: str | bytes, source: str) -> Any:
    """Strict JSON: NaN, Infinity and numbers too large for a float (1e999) are refused,
    like too deep nesting and integers of thousands of digits; InputError names ``source``."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise InputError(
            source, f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except ValueError as error:  # _finite, _no_constant, or int() of over 4,300 digits
        words = str(error).splitlines()[0]
        if "integer string conversion" in words:
            words = "a whole number of more than 4,300 digits"
        raise InputError(source, f"not valid JSON: {words}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is too large for a float")
    return value


def revision_model(document: dict[str, Any], source: str) -> Revision:
    """The schema-valid ``document`` as a Revision; InputError if the model refuses it."""
    from pydantic import ValidationError

    try:
        return Revision.model_validate(document)
    except ValidationError as error:
        raise InputError(source, f"not a valid revision: {model_problem(error)}") from None


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _text_depth(text: str) -> int:
    """Nesting depth of valid JSON text, from its brackets outside strings: regex speed on a
    10 MB array of millions of items, where walking the parsed value takes many seconds."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)

