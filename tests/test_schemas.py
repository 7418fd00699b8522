"""The published schemas agree with the models, validate what is written, and ship in the wheel."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chronicle.schemas import (
    SCHEMA_FILES,
    current_version,
    generated_schemas,
    load_schema,
    published_versions,
    schema_dir,
    schema_file_name,
)
from conftest import ROOT

# sha256 of every published schema file. A published version never changes: a change to
# the models is a new version (a new file and an upcaster), never an edit of an old file.
PUBLISHED = {
    "revision.v1.schema.json": "791baa94c8175598b103f5eb023ad22156ca72b6ab3fb73d75aad6c9abc37442",
    "event.v1.schema.json": "62245e4f3f5186c53b3bd40faef6e9494705478b404cac6fcf92aaa992b6500b",
    "diff.v1.schema.json": "72fc0c3a4bccdd722d639f921880dc13abb656ac2ff179d0e49b3a6dd13cf321",
}


def test_schema_files_are_what_the_models_generate() -> None:
    generated = generated_schemas()
    assert sorted(generated) == sorted(SCHEMA_FILES)
    for name, schema in generated.items():
        for file in (schema_file_name(name), f"{name}.schema.json"):
            on_disk = json.loads((ROOT / "schema" / file).read_text())
            assert on_disk == schema, f"schema/{file} is stale: python -m chronicle.schemas --write"


def test_published_versions_never_change() -> None:
    for file, digest in PUBLISHED.items():
        assert hashlib.sha256((ROOT / "schema" / file).read_bytes()).hexdigest() == digest, file
    for name in SCHEMA_FILES:  # every version from 1 to the current one is kept
        assert published_versions(name) == list(range(1, current_version(name) + 1))


def test_schemas_are_2020_12_with_ids() -> None:
    from jsonschema import Draft202012Validator

    for name in SCHEMA_FILES:
        for version in published_versions(name):
            schema = load_schema(name, version)
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            assert schema["$id"] == f"urn:chronicle:schema:{name}:{version}"
            Draft202012Validator.check_schema(schema)


def test_stored_events_validate_and_a_broken_one_does_not(example_archive: Path) -> None:
    from chronicle.schemas import schema_problems

    files = sorted(example_archive.glob("briefings/*/nato-ukraine/*.json"))
    assert len(files) == 3
    for file in files:
        assert schema_problems(json.loads(file.read_text()), "event") == []
    broken = json.loads(files[0].read_text())
    broken["sequence"] = 0
    del broken["content_sha256"]
    problems = schema_problems(broken, "event")
    assert any("content_sha256" in p for p in problems)
    assert any("$.sequence" in p for p in problems)


def test_event_files_have_stable_key_order_one_field_per_line(example_archive: Path) -> None:
    file = sorted(example_archive.glob("briefings/*/nato-ukraine/*.json"))[0]
    text = file.read_text()
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert list(document) == sorted(document)


def test_validate_command_checks_single_files(tmp_path: Path, example_archive: Path) -> None:
    from conftest import cli

    event = sorted(example_archive.glob("briefings/*/nato-ukraine/*.json"))[0]
    assert cli("validate", str(event)).exit_code == 0
    bad = tmp_path / "event.json"
    document = json.loads(event.read_text())
    document["briefing"] = "../etc"
    bad.write_text(json.dumps(document))
    result = cli("validate", str(bad), "--json")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["where"] == str(bad) and "$.briefing" in problem["problem"]


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CHRONICLE_SKIP_WHEEL") == "1", reason="asked to skip")
def test_wheel_carries_the_schemas_and_finds_them_outside_the_repo(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("chronicle-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for name in SCHEMA_FILES:
            assert f"chronicle/schema/{name}.schema.json" in names
            for version in published_versions(name):
                assert f"chronicle/schema/{schema_file_name(name, version)}" in names
        archive.extractall(tmp_path / "site")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chronicle.schemas import schema_dir, load_schema;"
            "print(schema_dir()); load_schema('event')",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == str(tmp_path / "site" / "chronicle" / "schema")
    assert schema_dir() == ROOT / "schema"  # this checkout reads the repository's own files
