"""Archives outlive upgrades: hashes over what is stored, upcasting by schema version, the
extractor recorded, old derivations re-derived before they are compared, newer archives
refused. The frozen archive written by chronicle 0.1.0 must pass these forever."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_tools import git
from chronicle.extract import CURRENT_EXTRACTOR, EXTRACTOR_VERSION
from chronicle.layout import (
    NotCanonical,
    _python_load_json,
    canonical_bytes,
    content_sha256,
    event_file_bytes,
    load_json,
    python_canonical_bytes,
    python_event_file_bytes,
    sha256_hex,
)
from chronicle.schemas import schema_problems
from chronicle.upcast import event_v1_to_v2, stored_version, upcast_event, upcast_revision
from conftest import CRIPPLED, EXAMPLE, REVISIONS, ROOT, cli, snapshot

JQ = shutil.which("jq")
needs_jq = pytest.mark.skipif(
    JQ is None and os.environ.get("CI") != "true",
    reason="jq is not installed (apt-get install jq); CI installs it and requires this test",
)
FROZEN_BRIEFINGS = {"nato-ukraine": 3, "quake": 2, "city-budget": 2, "nato-json": 2}


def event_files(archive: Path, briefing: str) -> list[Path]:
    return sorted(archive.glob(f"briefings/*/{briefing}/*.json"))


def jq(*args: str, stdin: bytes | None = None) -> bytes:
    assert JQ is not None, "jq is required here (apt-get install jq)"
    return subprocess.run([JQ, *args], input=stdin, capture_output=True, check=True).stdout


# ----- 1. hashes over the stored bytes, re-checkable with standard tools --------------------
@needs_jq
def test_a_third_party_rechecks_the_archive_with_jq_and_sha256sum(example_archive: Path) -> None:
    """docs/archive-format.md: `jq -S -c .revision FILE | sha256sum` is content_sha256, and
    `sha256sum FILE` is the next event's previous_sha256."""
    files = event_files(example_archive, "nato-ukraine")
    assert len(files) == 3
    previous = None
    for file in files:
        document = json.loads(file.read_bytes())
        script = f"{JQ} -S -c .revision {file} | sha256sum"
        rechecked = subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                                   check=True).stdout.split()[0]
        assert rechecked == document["content_sha256"]
        assert document["previous_sha256"] == previous
        previous = subprocess.run(["sha256sum", str(file)], capture_output=True, text=True,
                                  check=True).stdout.split()[0]


json_values = st.recursive(
    st.none() | st.booleans() | st.text(max_size=12)
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != 0 or str(x) == "0.0"),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12,
)


@pytest.mark.slow
@needs_jq
@settings(max_examples=60, deadline=None)
@given(st.lists(json_values, min_size=1, max_size=25))
def test_canonical_bytes_are_what_jq_prints(values: list[Any]) -> None:
    """The canonical form is jq -S -c's output for any JSON chronicle can store."""
    lines = jq("-S", "-c", ".[]", stdin=json.dumps(values).encode()).splitlines(keepends=True)
    assert [canonical_bytes(v) for v in values] == lines


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_fast_encoders_give_the_reference_bytes(value: Any) -> None:
    """orjson (C) where the numbers are tame, Python's C encoder where no number could be
    printed otherwise, the reference otherwise: always the same bytes."""
    document = {"revision": value, "list": [value, 1.0, 0.5]}
    try:
        reference = python_canonical_bytes(document)
    except NotCanonical:
        with pytest.raises(NotCanonical):
            canonical_bytes(document)
        return
    assert canonical_bytes(document) == reference
    assert event_file_bytes(document) == python_event_file_bytes(document)
    raw = python_event_file_bytes(document)
    loaded, tame = load_json(raw)
    if tame:
        assert canonical_bytes(loaded, tame=True) == reference
        assert event_file_bytes(loaded, tame=True) == raw


def _typed(value: Any) -> Any:
    """The value with each number tagged by its type (1 == 1.0 in Python, not in JSON)."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


number_literals = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["NaN", "Infinity", '"\\ud800"', '"3.0"', "0.00009", "1.50", "2.00"]),
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.lists(number_literals, max_size=6))
def test_the_fast_reader_agrees_with_python(value: Any, literals: list[str]) -> None:
    """load_json's orjson path gives Python's value and Python's tameness verdict."""
    compact = f'{{"a":{literals[0]}}}' if literals else "{}"
    for raw in (json.dumps(value, indent=2).encode(), f"[{', '.join(literals)}]".encode(),
                json.dumps(value, separators=(",", ":")).encode(), compact.encode()):
        expected = _python_load_json(raw)
        actual = load_json(raw)
        assert repr((_typed(actual[0]), actual[1])) == repr((_typed(expected[0]), expected[1]))


def test_tameness_is_read_off_the_number_literals() -> None:
    assert load_json(b'{"a": [1, 0.25, "3.0", 9007199254740991]}')[1]
    for wild in (b"[3.0]", b"[1e-07]", b"[0.00001]", b"[1e16]", b"[9007199254740993]",
                 b"[NaN]", b"[-0.0]"):
        assert not load_json(wild)[1], wild


def test_the_fast_encoders_give_the_reference_bytes_on_real_events(
        example_archive: Path, frozen_archive: Path) -> None:
    files = [*example_archive.glob("briefings/*/*/*.json"), *_frozen_event_files(frozen_archive)]
    assert len(files) >= 12
    for raw in files:
        document = json.loads(raw if isinstance(raw, bytes) else raw.read_bytes())
        assert canonical_bytes(document) == python_canonical_bytes(document)
        assert event_file_bytes(document) == python_event_file_bytes(document)


def _frozen_event_files(archive: Path) -> list[bytes]:
    from chronicle.store import Archive

    return [raw for _, _, raw in Archive(archive).raw_event_files()]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.0, 10**400, [1, -0.0],
                                   "\ud800"])
def test_values_without_a_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises(NotCanonical):
        canonical_bytes(value)
    with pytest.raises(NotCanonical):
        event_file_bytes({"value": value})


def test_an_integer_jq_would_read_as_another_number_is_not_stored() -> None:
    assert canonical_bytes(2**53 + 1) == b"9007199254740992\n"  # as jq prints it
    with pytest.raises(NotCanonical):
        event_file_bytes({"start": 2**53 + 1})  # writing it would change it


def test_event_files_hold_numbers_in_canonical_form(example_archive: Path) -> None:
    file = event_files(example_archive, "nato-ukraine")[0]
    document = json.loads(file.read_bytes())
    assert file.read_bytes() == event_file_bytes(document)
    aid = next(f for f in document["revision"]["figures"] if f["text"] == "over $56.2 billion")
    assert '"value": 56200000000,' in file.read_text()  # not 56200000000.0
    assert aid["value"] == 56.2e9
    assert content_sha256(document["revision"], 2) == document["content_sha256"]


def test_each_new_event_names_its_schema_and_extractor(example_archive: Path,
                                                       tmp_path: Path) -> None:
    document = json.loads(event_files(example_archive, "nato-ukraine")[0].read_bytes())
    assert document["schema_version"] == 2 and document["revision"]["schema_version"] == 2
    assert document["extractor"] == {"name": "chronicle", "version": EXTRACTOR_VERSION}
    given = tmp_path / "r.json"
    given.write_text(cli("parse", str(REVISIONS[1]), "--json").stdout)
    assert cli("ingest", str(given), "-b", "given", "--archive", str(example_archive)
               ).exit_code == 0
    document = json.loads(event_files(example_archive, "given")[0].read_bytes())
    assert document["extractor"] == {"name": "json", "version": "given"}


# ----- 2. upcasting by schema version ---------------------------------------------------------
def test_upcasting_a_v1_event_adds_its_extractor_and_leaves_the_stored_document_alone(
        frozen_archive: Path) -> None:
    stored = json.loads(event_files(frozen_archive, "nato-ukraine")[0].read_bytes())
    before = json.dumps(stored, sort_keys=True)
    assert stored_version(stored) == 1 and "extractor" not in stored
    assert schema_problems(stored, "event") == []  # against schema/event.v1.schema.json
    current = upcast_event(stored)
    assert json.dumps(stored, sort_keys=True) == before  # upcasters never mutate
    assert current["schema_version"] == 2 and current["revision"]["schema_version"] == 2
    assert current["extractor"] == {"name": "chronicle", "version": "1"}
    assert schema_problems(current, "event") == []  # against schema/event.v2.schema.json
    assert {k: v for k, v in current.items() if k not in ("schema_version", "extractor",
                                                           "revision")} == \
        {k: v for k, v in stored.items() if k not in ("schema_version", "revision")}
    given = json.loads(event_files(frozen_archive, "nato-json")[0].read_bytes())
    assert event_v1_to_v2(given)["extractor"] == {"name": "json", "version": "given"}


def test_upcasting_the_current_version_changes_nothing(example_archive: Path) -> None:
    document = json.loads(event_files(example_archive, "nato-ukraine")[0].read_bytes())
    assert upcast_event(document) == document
    assert upcast_revision(document["revision"]) == document["revision"]


def test_a_v1_revision_document_is_accepted_as_input(frozen_archive: Path, archive: Path,
                                                      tmp_path: Path) -> None:
    """`parse --json` output of 0.1.0 (a v1 revision) ingests into a new archive."""
    v1 = json.loads(event_files(frozen_archive, "nato-ukraine")[1].read_bytes())["revision"]
    assert v1["schema_version"] == 1
    given = tmp_path / "old.json"
    given.write_text(json.dumps(v1))
    result = cli("ingest", str(given), "-b", "old", "--archive", str(archive), "--json")
    assert result.exit_code == 0, result.output
    assert cli("verify", "--archive", str(archive)).exit_code == 0


# ----- 4. the frozen archive of 0.1.0 ------------------------------------------------------------
@pytest.mark.slow
def test_the_frozen_archive_verifies_validates_and_replays(frozen_archive: Path) -> None:
    verify = cli("verify", "--archive", str(frozen_archive), "--json")
    assert verify.exit_code == 0, verify.output
    assert json.loads(verify.stdout)["checked"] == sum(FROZEN_BRIEFINGS.values())
    assert cli("validate", "--archive", str(frozen_archive)).exit_code == 0
    listed = json.loads(cli("list", "--archive", str(frozen_archive), "--json").stdout)
    assert sorted(b["id"] for b in listed["briefings"]) == sorted(FROZEN_BRIEFINGS)
    for briefing, count in FROZEN_BRIEFINGS.items():
        log = cli("log", briefing, "--archive", str(frozen_archive), "--json")
        assert log.exit_code == 0, log.output
        assert [r["sequence"] for r in json.loads(log.stdout)["revisions"]] == \
            list(range(1, count + 1))
        for sequence in range(1, count + 1):
            for flag in ((), ("--as-recorded",)):
                shown = cli("show", briefing, "--rev", str(sequence), "--json", *flag,
                            "--archive", str(frozen_archive))
                assert shown.exit_code == 0, shown.output
        for command in ("timeline", "blame", "diff"):
            assert cli(command, briefing, "--archive", str(frozen_archive)).exit_code == 0


def test_the_frozen_archive_takes_new_revisions(frozen_archive: Path, tmp_path: Path) -> None:
    r4 = tmp_path / "r4.txt"
    r4.write_text((EXAMPLE / "r3.txt").read_text().replace("250 kilometers", "300 kilometers"))
    args = ("--archive", str(frozen_archive))
    same = cli("ingest", str(EXAMPLE / "r3.txt"), "-b", "nato-ukraine", *args, "--json")
    assert json.loads(same.stdout)["results"][0]["status"] == "unchanged"  # same input bytes
    added = cli("ingest", str(r4), "-b", "nato-ukraine", *args, "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["results"][0]["sequence"] == 4
    assert cli("verify", *args).exit_code == 0
    diff = json.loads(cli("diff", "nato-ukraine", *args, "--json").stdout)  # r3 (0.1.0) -> r4
    assert [(c["before"]["text"], c["after"]["text"]) for c in diff["figures"]["changed"]] == \
        [("250 kilometers", "300 kilometers")]
    assert diff["figures"]["added"] == diff["figures"]["removed"] == []
    assert diff["claims"]["added"] == diff["claims"]["removed"] == diff["claims"]["edited"] == []
    assert diff["quotes"] == {"added": [], "removed": [], "changed": []}
    message = git(frozen_archive, "log", "-1", "--format=%s").stdout.decode().strip()
    assert message == "nato-ukraine r4: 1 figure changed"


def _release_with_one_more_field(tmp_path: Path) -> Path:
    """A copy of this release whose Revision gained an optional field (as every next release
    will): the folder to put on PYTHONPATH."""
    site = tmp_path / "next-release"
    shutil.copytree(ROOT / "src" / "chronicle", site / "chronicle")
    shutil.copytree(ROOT / "schema", site / "schema")  # schemas.py's repository fallback
    shutil.move(site / "schema", tmp_path / "schema")  # parents[2] of site/chronicle/x.py
    model = site / "chronicle" / "model.py"
    text = model.read_text()
    anchor = '    url: str | None = None\n\n    def claim_by_id'
    assert anchor in text
    model.write_text(text.replace(anchor, '    url: str | None = None\n'
                                  '    language: str | None = None\n\n    def claim_by_id'))
    return site


@pytest.mark.slow
def test_a_release_whose_revision_gained_a_field_reads_old_events(frozen_archive: Path,
                                                                   tmp_path: Path) -> None:
    site = _release_with_one_more_field(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        code = "import sys; from chronicle.cli import main; sys.argv[0] = 'chronicle'; main()"
        return subprocess.run([sys.executable, "-c", code, *args, "--archive",
                               str(frozen_archive)], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120, check=False)

    probe = subprocess.run([sys.executable, "-c", "import chronicle.model as m; "
                            "print('language' in m.Revision.model_fields, m.__file__)"],
                           capture_output=True, text=True, env=env, check=True)
    assert probe.stdout.startswith("True " + str(site))
    verified = run("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    diff = run("diff", "nato-ukraine", "--from", "1", "--to", "2", "--json")
    assert diff.returncode == 0, diff.stderr
    changed = json.loads(diff.stdout)["figures"]["changed"]
    assert [c["after"]["text"] for c in changed] == \
        ["over $61.4 billion", "250 kilometers", "over $61.4 billion"]
    assert run("log", "quake").returncode == 0


# ----- 3. derived data compared like with like ------------------------------------------------
def test_show_reads_again_and_as_recorded_keeps_what_was_derived(mixed_archive: Path) -> None:
    args = ("nato-ukraine", "--rev", "1", "--json", "--archive", str(mixed_archive))
    recorded = json.loads(cli("show", *args, "--as-recorded").stdout)
    current = json.loads(cli("show", *args).stdout)
    parsed = json.loads(cli("parse", str(REVISIONS[0]), "--json").stdout)
    assert recorded["figures"] == [] and current["figures"] != []
    assert current == parsed  # today's extractor on the stored text = parsing the file now
    text = cli("show", "nato-ukraine", "--rev", "1", "--archive", str(mixed_archive)).stdout
    assert f"extracted by {CURRENT_EXTRACTOR.name} {CURRENT_EXTRACTOR.version}" in text
    text = cli("show", "nato-ukraine", "--rev", "1", "--as-recorded", "--archive",
               str(mixed_archive)).stdout
    assert f"extracted by {CRIPPLED[0]} {CRIPPLED[1]}" in text


def test_timeline_blame_log_and_export_compare_like_with_like(mixed_archive: Path,
                                                              example_archive: Path,
                                                              tmp_path: Path) -> None:
    """An archive whose revisions were extracted by different extractors answers exactly as
    one extracted by today's extractor throughout (the example_archive)."""
    for command in (("log",), ("timeline",), ("blame",), ("blame", "--rev", "2")):
        mixed = json.loads(cli(*command[:1], "nato-ukraine", *command[1:], "--json",
                               "--archive", str(mixed_archive)).stdout)
        fresh = json.loads(cli(*command[:1], "nato-ukraine", *command[1:], "--json",
                               "--archive", str(example_archive)).stdout)
        if command == ("log",):
            for entry in (*mixed["revisions"], *fresh["revisions"]):
                entry.pop("recorded_at"), entry.pop("observed_at"), entry.pop("source")
        assert mixed == fresh, command
    rows = {}
    for name, path in (("mixed", mixed_archive), ("fresh", example_archive)):
        out = tmp_path / f"{name}.jsonl"
        assert cli("export", "-o", str(out), "--archive", str(path)).exit_code == 0
        rows[name] = [r for r in map(json.loads, out.read_text().splitlines())
                      if r["table"] in ("figures", "claims", "quotes")]
    assert rows["mixed"] == rows["fresh"]


# ----- newer archives are refused, untouched --------------------------------------------------
def _newer_event(archive: Path) -> Path:
    """Commit an r4 written 'by a newer chronicle' (schema v3) into the example archive."""
    last = event_files(archive, "nato-ukraine")[-1]
    document = json.loads(last.read_bytes())
    document.update(schema_version=3, sequence=4, previous_sha256=sha256_hex(last.read_bytes()))
    newer = last.with_name("000004.json")
    newer.write_bytes(event_file_bytes(document))
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "from the future")
    cli("list", "--archive", str(archive))  # lets recovery note the commit made by hand
    return newer


@pytest.mark.parametrize("command", [
    ("log", "nato-ukraine"), ("show", "nato-ukraine"), ("diff", "nato-ukraine"),
    ("ingest", str(REVISIONS[0]), "-b", "nato-ukraine"), ("verify",), ("validate",),
])
@pytest.mark.slow
def test_an_event_from_a_newer_chronicle_is_refused(example_archive: Path,
                                                    command: tuple[str, ...]) -> None:
    newer = _newer_event(example_archive)
    before = snapshot(example_archive)
    result = cli(*command, "--archive", str(example_archive))
    assert result.exit_code == 4, result.output
    relative = newer.relative_to(example_archive)
    assert result.stderr.startswith("chronicle: error: "), result.stderr
    assert str(relative) in result.stderr
    assert result.stderr.rstrip().endswith(
        "written by a newer chronicle (schema v3); upgrade chronicle")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(example_archive) == before


def test_a_revision_file_from_a_newer_chronicle_is_refused(archive: Path, tmp_path: Path) -> None:
    document = json.loads(cli("parse", str(REVISIONS[0]), "--json").stdout)
    document["schema_version"] = 7
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))
    before = snapshot(archive)
    for command in (("ingest", str(newer), "-b", "x"), ("validate", str(newer))):
        result = cli(*command, "--archive", str(archive))
        assert result.exit_code == 4
        assert result.stderr == (f"chronicle: error: {newer}: written by a newer chronicle "
                                 "(schema v7); upgrade chronicle\n")
    assert snapshot(archive) == before


@pytest.mark.slow
def test_re_deriving_a_revision_from_its_stored_text_gives_it_back(tmp_path: Path) -> None:
    """What derive.py reads again (headline, key points and their nesting, headings,
    paragraphs, table rows, block quotes, sources) is enough to derive every claim, quote
    and figure again: today's extractor on a stored revision's text gives that revision."""
    from chronicle.derive import rederive
    from chronicle.readers import parse_file

    table = tmp_path / "table.md"
    table.write_text("# Aid by donor\n\n## At a Glance\n\n- Regional exposure:\n"
                     "  - Germany pledged €2.5 billion.\n  - France pledged €1.2 billion.\n"
                     "- Aid rose by a third.\n  - Most of it came in May.\n\n"
                     "## Pledges\n\n| Donor | 2023 | 2024 |\n|---|---|---|\n"
                     "| Germany | €1.2 billion | €2.5 billion |\n| France | €0.8 billion | "
                     "€1.2 billion |\n\n> “We will keep going.” – Olaf Scholz\n")
    inputs = [*sorted((ROOT / "examples").rglob("r*.txt")), table,
              *sorted((ROOT / "tests" / "data" / "budget").glob("*.md")),
              *sorted((ROOT / "eval" / "realpairs").glob("*/r[12].txt"))]
    parsed = parse_file(table).revision
    assert any(c.labels is not None for c in parsed.claims)  # the table rows are rows ...
    assert any(c.parent for c in parsed.key_points)  # ... and the nested items nested
    mismatched = [p.name for p in inputs
                  if rederive(parse_file(p).revision) != parse_file(p).revision]
    assert mismatched == []
