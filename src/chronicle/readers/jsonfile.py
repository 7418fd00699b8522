"""JSON revisions: a revision document in any published schema version, as `parse --json`
prints it, checked against the schema of its own version (schema/revision.vN.schema.json).

Ids are not taken on trust: they are derived data, so every claim, key point and quote id
is made again from its text, as chronicle makes it for any other input (``<c|k|q><10 hex
of sha256>``, ``-n`` on a repeat), and the sections, inline quotes and figures that name an
item follow it. A claim that kept its id while its text changed gets the id of its new
text, like any edited claim. A revision whose ids repeat is left as it is, for
chronicle.invariants to refuse by name (exit 3).
"""

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
        revision = Revision.model_validate(document)
    except ValidationError as error:
        raise InputError(source, f"not a valid revision: {model_problem(error)}") from None
    return with_ids_from_text(revision)


def with_ids_from_text(revision: Revision) -> Revision:
    """``revision`` with every claim, key point and quote id made from its text, in the
    order chronicle.extract makes them, and every reference to an id following it."""
    from ..extract import stable_id

    old_ids = [*(k.id for k in revision.key_points), *(c.id for c in revision.claims),
               *(q.id for q in revision.quotes)]
    if len(set(old_ids)) != len(old_ids):
        return revision  # repeated ids: chronicle.invariants names them
    texts = revision.text_by_id()
    inline: dict[str, list[str]] = {}
    for quote in revision.quotes:
        if quote.claim is not None:
            inline.setdefault(quote.claim, []).append(quote.id)
    kinds = {**{k.id: "k" for k in revision.key_points}, **{c.id: "c" for c in revision.claims},
             **{q.id: "q" for q in revision.quotes}}
    order = [k.id for k in revision.key_points]
    for section in revision.sections:
        for paragraph in section.paragraphs:
            for item in paragraph:
                order += [item, *inline.get(item, [])]
    order += [i for i in old_ids if i not in set(order)]  # what no section lists
    taken: dict[str, int] = {}
    new: dict[str, str] = {}
    for item in order:
        if item in kinds and item not in new:
            new[item] = stable_id(kinds[item], texts[item], taken)
    if all(new[i] == i for i in old_ids):
        return revision

    def figure_id(old_figure: str, old_item: str) -> str:
        tail = old_figure[len(old_item):] if old_figure.startswith(old_item + ".") else None
        return f"{new.get(old_item, old_item)}{tail}" if tail else old_figure

    return revision.model_copy(update={
        "key_points": tuple(k.model_copy(update={"id": new[k.id]}) for k in revision.key_points),
        "claims": tuple(c.model_copy(update={"id": new[c.id]}) for c in revision.claims),
        "quotes": tuple(q.model_copy(update={
            "id": new[q.id], "claim": None if q.claim is None else new.get(q.claim, q.claim)})
            for q in revision.quotes),
        "sections": tuple(s.model_copy(update={"paragraphs": tuple(
            tuple(new.get(i, i) for i in paragraph) for paragraph in s.paragraphs)})
            for s in revision.sections),
        "figures": tuple(f.model_copy(update={
            "id": figure_id(f.id, f.claim), "claim": new.get(f.claim, f.claim)})
            for f in revision.figures),
    })


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _text_depth(text: str) -> int:
    """Nesting depth of valid JSON text, from its brackets outside strings: regex speed on a
    10 MB array of millions of items, where walking the parsed value takes many seconds."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)

