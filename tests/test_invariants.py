"""Schema-valid JSON revisions that broke later commands (issue 12 items 13 and 14):
chronicle.invariants refuses them at ingest (exit 3, archive untouched) and names them in
validate; hostile archives holding them are covered by test_hostile_corpus.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from chronicle.invariants import revision_problems
from chronicle.model import Revision
from conftest import cli
from hostile_corpus import broken_revisions, raw_json_inputs, valid_extremes
from test_hostile import Untouched
from test_replay import raw_revisions
from test_replay import revisions as random_revisions

BROKEN = broken_revisions()
RAW = raw_json_inputs()
EXPECTED = {
    "section-negative": "names section -5, but the revision has sections 0..",
    "section-out-of-range": "names section 999, but the revision has sections 0..",
    "duplicate-claim": "is used twice",
    "duplicate-figure": "is used twice",
    "duplicate-quote": "is used twice",
    "start-huge": "spans characters 1000000000000000000000000000000..",
    "figure-in-nothing": "sits in 'no-such-claim', which does not exist",
    "nan": "NaN is not a JSON number",
    "infinity": "Infinity is not a JSON number",
    "minus-infinity": "-Infinity is not a JSON number",
    "overflow": "number 1e999 is too large for a float",
    "long-int": "a whole number of more than 4,300 digits",
    "deep": "nested deeper than 64 levels",
    "surrogate": "lone surrogate U+D800",
}


def write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    text = RAW[name] if name in RAW else json.dumps(BROKEN[name])
    path.write_text(text, "utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXPECTED))
def test_ingest_refuses_a_revision_that_would_break_later_commands(example_archive: Path,
                                                                   tmp_path: Path,
                                                                   name: str) -> None:
    path = write(tmp_path, name)
    before = Untouched(example_archive)
    result = cli("ingest", str(path), "-b", "nato-ukraine", "--archive", str(example_archive))
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith(f"chronicle: error: {path}: ")
    assert EXPECTED[name] in result.stderr and result.stderr.count("\n") == 1
    before.check()
    assert not (example_archive / ".git" / "chronicle-dirty").exists()
    for command in (["diff", "nato-ukraine"], ["blame", "nato-ukraine"]):  # still work
        assert cli(*command, "--archive", str(example_archive)).exit_code == 0


@pytest.mark.parametrize("name", list(EXPECTED))
def test_validate_names_the_problem(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name)
    result = cli("validate", str(path), "--json")
    assert result.exit_code == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert problems and all(p["where"] == str(path) for p in problems)


@pytest.mark.parametrize("name", ["value-huge", "value-negative-huge", "value-tiny"])
def test_extreme_but_valid_values_are_kept(archive: Path, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(valid_extremes()[name]), "utf-8")
    assert cli("ingest", str(path), "-b", "extreme", "--archive", str(archive)).exit_code == 0
    for command in (["show", "extreme"], ["timeline", "extreme"], ["export"],
                    ["export", "--format", "sqlite", "-o", str(tmp_path / "x.db")]):
        result = cli(*command, "--archive", str(archive))
        assert result.exit_code == 0, (command, result.stderr)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(random_revisions)
def test_every_coherent_revision_holds_the_invariants(revision: Revision) -> None:
    assert revision_problems(revision) == []


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(raw_revisions)
def test_the_check_never_raises_and_finds_broken_ids(revision: Revision) -> None:
    problems = revision_problems(revision)
    assert isinstance(problems, list) and len(problems) <= 20
    ids = [c.id for c in (*revision.key_points, *revision.claims, *revision.quotes)]
    if len(ids) != len(set(ids)):
        assert any("is used twice" in p for p in problems)
