"""JSON revisions: ids are made again from the text, so the diff cannot be blinded by an id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REVISIONS, cli, snapshot


def parsed(path: Path) -> dict[str, Any]:
    result = cli("parse", str(path), "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def write(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def ingest(archive: Path, path: Path) -> Any:
    return cli("ingest", str(path), "-b", "json-input", "--archive", str(archive))


def test_parse_json_output_ingests_and_diffs_like_the_text(archive: Path, tmp_path: Path) -> None:
    first = write(tmp_path, "r1.json", parsed(REVISIONS[0]))
    second = write(tmp_path, "r2.json", parsed(REVISIONS[1]))
    assert ingest(archive, first).exit_code == 0
    assert ingest(archive, second).exit_code == 0
    from_json = json.loads(cli("diff", "json-input", "--json", "--archive", str(archive)).stdout)
    other = archive.parent / "text-archive"
    cli("init", "--archive", str(other))
    cli("ingest", str(REVISIONS[0]), str(REVISIONS[1]), "-b", "json-input", "--archive",
        str(other))
    from_text = json.loads(cli("diff", "json-input", "--json", "--archive", str(other)).stdout)
    assert from_json == from_text


def test_a_claim_that_keeps_its_id_while_its_text_changes_is_an_edit(archive: Path,
                                                                     tmp_path: Path) -> None:
    first = parsed(REVISIONS[0])
    second = parsed(REVISIONS[0])
    claim = second["claims"][3]
    old_id, claim["text"] = claim["id"], claim["text"].replace("a", "the", 1)
    assert ingest(archive, write(tmp_path, "r1.json", first)).exit_code == 0
    assert ingest(archive, write(tmp_path, "r2.json", second)).exit_code == 0
    diff = json.loads(cli("diff", "json-input", "--json", "--archive", str(archive)).stdout)
    [edit] = diff["claims"]["edited"]
    assert edit["after"]["text"] == claim["text"] and edit["after"]["id"] != old_id
    shown = json.loads(cli("show", "json-input", "--json", "--archive", str(archive)).stdout)
    ids = {c["id"] for c in shown["claims"]}
    assert edit["after"]["id"] in ids and old_id not in ids
    assert all(f["claim"] in ids | {k["id"] for k in shown["key_points"]}
               | {q["id"] for q in shown["quotes"]} for f in shown["figures"])
    assert all(f["id"].startswith(f["claim"] + ".f") for f in shown["figures"])


@pytest.mark.parametrize(
    "break_it, says",
    [
        (lambda d: (d["claims"].append(dict(d["claims"][0])) or d, d["claims"][0]["id"]),
         "is used twice"),
        (lambda d: (d["claims"][1].update(id=d["claims"][0]["id"]) or d, d["claims"][0]["id"]),
         "is used twice"),
        (lambda d: (d["figures"].append(dict(d["figures"][0])) or d, d["figures"][0]["id"]),
         "is used twice"),
        (lambda d: (d["figures"][0].update(claim="c0000000000") or d, "c0000000000"),
         "does not exist"),
        (lambda d: (d["claims"][0].update(section=-5) or d, d["claims"][0]["id"]),
         "names section -5"),
    ],
    ids=["duplicate-claim", "one-id-for-two-texts", "duplicate-figure", "figure-nowhere",
         "section-out-of-range"],
)
def test_a_bad_id_is_an_input_error_naming_it(archive: Path, tmp_path: Path, break_it: Any,
                                              says: str) -> None:
    assert ingest(archive, write(tmp_path, "r1.json", parsed(REVISIONS[0]))).exit_code == 0
    before = snapshot(archive)
    document, named = break_it(parsed(REVISIONS[1]))
    path = write(tmp_path, "bad.json", document)
    result = ingest(archive, path)
    assert result.exit_code == 3
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert str(path) in message and named in message and says in message
    assert snapshot(archive) == before
