"""JSON revisions: a document that matches schema/revision.schema.json, as `parse --json` prints.

Ids are not taken on trust: every claim, key point and quote id must be the one chronicle
makes from its text (``<c|k|q><10 hex of sha256>``, ``-n`` on a repeat), so a claim that
keeps its id while its text changes is an input error rather than a change the diff cannot
see; ids must be unique, and figures and sections must point at items that exist.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
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
    if _text_depth(text) > MAX_DEPTH:
        raise InputError(source, f"JSON is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(document, dict):
        raise InputError(source, "a JSON revision must be an object")
    validate(document, "revision", source)
    check_ids(document, source)
    return document


_ID = re.compile(r"^(?P<base>[ckq][0-9a-f]{10})(?:-(?P<repeat>[2-9]|[1-9][0-9]+))?$")


def check_ids(document: dict[str, Any], source: str) -> None:
    """InputError naming the first id that is repeated, wrong for its text, or points nowhere."""
    items: dict[str, str] = {}
    for key, prefix, what in (("key_points", "k", "key point"), ("claims", "c", "claim"),
                              ("quotes", "q", "quote")):
        for item in document.get(key, []):
            item_id, text = item["id"], item["text"]
            if item_id in items:
                raise InputError(source, f"{what} id {item_id!r} is used twice")
            expected = stable_base(prefix, text)
            match = _ID.match(item_id)
            if match is None or match.group("base") != expected:
                raise InputError(source, f"{what} id {item_id!r} does not match its text "
                                 f"(chronicle makes {expected!r} from it)")
            items[item_id] = what
    sections = document.get("sections", [])
    for item in document.get("claims", []):
        section = item.get("section")
        if section is not None and not 0 <= section < len(sections):
            raise InputError(source, f"claim {item['id']!r} names section {section}, but there "
                             f"are {len(sections)}")
    for number, section in enumerate(sections):
        for paragraph in section["paragraphs"]:
            for item_id in paragraph:
                if item_id not in items:
                    raise InputError(source, f"section {number} lists {item_id!r}, which is "
                                     "no claim or quote of the revision")
    for quote in document.get("quotes", []):
        inside = quote.get("claim")
        if inside is not None and items.get(inside) != "claim":
            raise InputError(source, f"quote {quote['id']!r} sits in {inside!r}, which is no "
                             "claim of the revision")
    figures: set[str] = set()
    for figure in document.get("figures", []):
        if figure["id"] in figures:
            raise InputError(source, f"figure id {figure['id']!r} is used twice")
        figures.add(figure["id"])
        if figure["claim"] not in items:
            raise InputError(source, f"figure {figure['id']!r} sits in {figure['claim']!r}, "
                             "which is no claim, key point or quote of the revision")


def stable_base(prefix: str, text: str) -> str:
    """The id chronicle gives a text's first occurrence (chronicle.extract.stable_id)."""
    from ..extract import stable_id

    return stable_id(prefix, text, {})


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _text_depth(text: str) -> int:
    """Nesting depth of valid JSON text, from its brackets outside strings: regex speed on a
    10 MB array of millions of items, where walking the parsed value takes many seconds."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)

