"""Bad input: one clear line naming the file and the problem, non-zero exit, archive untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REVISIONS, cli, snapshot


def ingest(archive: Path, *args: str) -> tuple[int, str, str]:
    result = cli("ingest", *args, "--archive", str(archive))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "binary file (contains NUL bytes), not a text briefing",
        ),
        (b"", "empty file: nothing to read"),
        (b"  \n\n\t ", "empty file: nothing to read"),
        (b"caf\xe9 au lait\n", "not UTF-8 text (invalid byte 0xe9 at offset 3)"),
    ],
)
def test_unreadable_files_are_refused(
    example_archive: Path, tmp_path: Path, content: bytes, problem: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = snapshot(example_archive)
    code, _, stderr = ingest(example_archive, str(bad), "-b", "nato-ukraine")
    assert code == 3
    assert stderr == f"chronicle: error: {bad}: {problem}\n"
    assert snapshot(example_archive) == before


def test_schema_invalid_json_revision_is_refused(example_archive: Path, tmp_path: Path) -> None:
    document = json.loads(cli("parse", str(REVISIONS[0]), "--json").stdout)
    document["figures"][0]["value"] = "a lot"
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps(document))
    before = snapshot(example_archive)
    code, _, stderr = ingest(example_archive, str(bad), "-b", "nato-ukraine")
    assert code == 3
    assert stderr.startswith(
        f"chronicle: error: {bad}: does not match schema/revision.v2.schema.json: "
    )
    assert "$.figures[0].value" in stderr
    assert stderr.count("\n") == 1
    assert snapshot(example_archive) == before


def test_json_revision_round_trips_through_ingest(archive: Path, tmp_path: Path) -> None:
    good = tmp_path / "r1.json"
    good.write_text(cli("parse", str(REVISIONS[0]), "--json").stdout)
    code, _, stderr = ingest(archive, str(good), "-b", "from-json")
    assert code == 0, stderr
    shown = cli("show", "from-json", "--json", "--archive", str(archive)).stdout
    assert json.loads(shown) == json.loads(good.read_text())


def test_one_bad_file_among_good_ones_writes_nothing(example_archive: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    before = snapshot(example_archive)
    code, _, stderr = ingest(example_archive, str(REVISIONS[0]), str(empty), "-b", "other")
    assert code == 3 and "empty file" in stderr
    assert snapshot(example_archive) == before


def test_missing_file(example_archive: Path, tmp_path: Path) -> None:
    code, _, stderr = ingest(example_archive, str(tmp_path / "nope.txt"), "-b", "x")
    assert code == 3
    assert stderr == f"chronicle: error: {tmp_path / 'nope.txt'}: no such file\n"


@pytest.mark.parametrize(
    "briefing",
    [
        "../x",
        "a b",
        "Nato",
        "NATO-ukraine",
        "a..b",
        "x.lock",
        "a/b",
        "-x",
        "x-",
        "a--b",
        "@{x}",
        "$(rm -rf)",
        "",
        "a" * 65,
    ],
)
def test_unsafe_briefing_ids_are_refused(example_archive: Path, briefing: str) -> None:
    before = snapshot(example_archive)
    code, _, stderr = ingest(example_archive, str(REVISIONS[0]), "-b", briefing)
    assert code == 3
    assert stderr.startswith(f"chronicle: error: invalid briefing id {briefing!r}")
    assert stderr.count("\n") == 1
    assert snapshot(example_archive) == before


def test_unknown_briefing(example_archive: Path) -> None:
    for command in (["log", "nope"], ["show", "nope"], ["diff", "nope"]):
        result = cli(*command, "--archive", str(example_archive))
        assert result.exit_code == 4
        assert result.stderr == (
            f"chronicle: error: {example_archive}: no briefing named 'nope' "
            "(see 'chronicle list')\n"
        )


def test_unknown_revision(example_archive: Path) -> None:
    result = cli("show", "nato-ukraine", "--rev", "7", "--archive", str(example_archive))
    assert result.exit_code == 4
    assert (
        result.stderr
        == "chronicle: error: briefing 'nato-ukraine' has no revision 7 (revisions 1..3)\n"
    )


def test_not_an_archive(tmp_path: Path) -> None:
    result = cli("log", "x", "--archive", str(tmp_path))
    assert result.exit_code == 4
    assert result.stderr == (
        f"chronicle: error: {tmp_path}: not a chronicle archive (not a git "
        "repository); run 'chronicle init' first\n"
    )
    missing = cli("list", "--archive", str(tmp_path / "none"))
    assert missing.exit_code == 4 and "no such folder" in missing.stderr


def test_too_large_input_is_refused(example_archive: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("A sentence. " * 200)
    code, _, stderr = ingest(example_archive, str(big), "-b", "big", "--max-bytes", "1000")
    assert code == 3
    assert "larger than the 1,000-byte limit (raise it with --max-bytes)" in stderr
