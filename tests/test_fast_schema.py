"""The store validates each new event with jsonschema-rs (Rust, ~1000x faster than
jsonschema); it must give jsonschema's verdict on every document.

Checked here on the example's events and on 400 random mutations (all ~16,000 with
CHRONICLE_SCHEMA_MUTATIONS=20000) of them (a value
replaced by one of another type, a key deleted, an unknown key or item added), so any
keyword of schema/event.schema.json that jsonschema-rs ignored or read differently from
JSON Schema 2020-12 shows up as a disagreement."""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chronicle.append import _fast_event_validator, validate_event
from chronicle.errors import SchemaViolation
from chronicle.schemas import schema_problems

MUTATIONS = int(os.environ.get("CHRONICLE_SCHEMA_MUTATIONS", "400"))
ODD_VALUES: list[Any] = [None, 0, -1, 1.5, "", "x" * 300, "abc", [], {}, True, False, "0" * 64,
                         "zz", [1], {"a": 1}, "2024-01-01T00:00:00Z", 10**12]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _mutate(document: dict[str, Any], path: tuple[Any, ...], mode: str,
            rng: random.Random) -> Any:
    mutated = copy.deepcopy(document)
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if mode == "set":
        parent[key] = rng.choice(ODD_VALUES)
    elif isinstance(parent, dict):
        if mode == "delete":
            del parent[key]
        else:
            parent[f"extra_{key}"] = rng.choice(ODD_VALUES)
    elif mode == "delete":
        parent.pop(key)
    else:
        parent.append(rng.choice(ODD_VALUES))
    return mutated


def _fast_ok(document: Any) -> bool:
    return _fast_event_validator()(document)


@pytest.mark.slow
def test_jsonschema_rs_and_jsonschema_agree_on_events(example_archive: Path) -> None:
    events = sorted(example_archive.glob("briefings/*/*/*.json"))
    documents = [json.loads(p.read_text()) for p in events]
    rng = random.Random(20261126)
    checked = rejected = 0
    for document in documents:
        assert _fast_ok(document) and not schema_problems(document, "event")
    where = [(document, path, mode) for document in documents
             for path in list(_paths(document))[1:] for mode in ("set", "delete", "add")]
    for document, path, mode in rng.sample(where, min(len(where), MUTATIONS)):
        mutated = _mutate(document, path, mode, rng)
        reference = not schema_problems(mutated, "event", 1)
        assert _fast_ok(mutated) == reference, json.dumps(mutated)[:300]
        checked += 1
        rejected += not reference
    assert checked >= min(MUTATIONS, 400) and rejected > checked // 2


def test_a_bad_new_event_is_refused_with_jsonschemas_message(example_archive: Path) -> None:
    [first, *_] = sorted(example_archive.glob("briefings/*/*/*.json"))
    document = json.loads(first.read_text())
    document["sequence"] = "one"
    with pytest.raises(SchemaViolation, match=r"at \$\.sequence"):
        validate_event(document, "briefings/x/1.json")
