"""The spine end to end: init, ingest, log, show, parse, list, validate, through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import REVISIONS, cli, git_head, run_chronicle, snapshot


def git_log(path: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(path), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def test_three_revisions_make_three_commits(example_archive: Path) -> None:
    subjects = git_log(example_archive)
    assert subjects[-1] == "chronicle: create archive"
    assert [s.split(":")[0] for s in subjects[:3]] == [
        "nato-ukraine r3",
        "nato-ukraine r2",
        "nato-ukraine r1",
    ]
    assert subjects[1] == (
        "nato-ukraine r2: 1 claim added, 1 removed, 1 edited; 3 figures changed, 1 added; "
        "1 source added"
    )


def test_commit_carries_trailers_tying_it_to_the_event(example_archive: Path) -> None:
    body = subprocess.run(
        ["git", "-C", str(example_archive), "log", "-1", "--format=%B"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    trailers = dict(
        line.split(": ", 1) for line in body.splitlines() if line.startswith("Chronicle-")
    )
    assert trailers["Chronicle-Briefing"] == "nato-ukraine"
    assert trailers["Chronicle-Sequence"] == "3"
    event = json.loads((example_archive / trailers["Chronicle-File"]).read_text())
    assert event["event_id"] == trailers["Chronicle-Event"]
    assert event["content_sha256"] == trailers["Chronicle-Content-Sha256"]


def test_reingesting_latest_writes_nothing_and_exits_0(example_archive: Path) -> None:
    before = snapshot(example_archive)
    result = cli(
        "ingest", str(REVISIONS[2]), "-b", "nato-ukraine", "--archive", str(example_archive)
    )
    assert result.exit_code == 0
    assert "identical to the latest revision r3; nothing written" in result.stdout
    assert snapshot(example_archive) == before


def test_reingesting_an_earlier_revision_is_detected(example_archive: Path) -> None:
    head = git_head(example_archive)
    result = cli(
        "ingest",
        str(REVISIONS[0]),
        "-b",
        "nato-ukraine",
        "--archive",
        str(example_archive),
        "--json",
    )
    assert result.exit_code == 0
    [found] = json.loads(result.stdout)["results"]
    assert (found["status"], found["sequence"]) == ("duplicate", 1)
    assert git_head(example_archive) == head


def test_show_json_of_each_revision_matches_parse_json(example_archive: Path) -> None:
    for number, path in enumerate(REVISIONS, start=1):
        shown = cli(
            "show",
            "nato-ukraine",
            "--rev",
            str(number),
            "--json",
            "--archive",
            str(example_archive),
        )
        parsed = cli("parse", str(path), "--json")
        assert shown.exit_code == parsed.exit_code == 0
        assert json.loads(shown.stdout) == json.loads(parsed.stdout)
        assert shown.stdout == parsed.stdout


def test_validate_and_verify_pass_on_the_example(example_archive: Path) -> None:
    for command in ("validate", "verify"):
        result = cli(command, "--archive", str(example_archive), "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report == {"ok": True, "checked": 3, "problems": []}


def test_log_lists_revisions_with_summaries(example_archive: Path) -> None:
    result = cli("log", "nato-ukraine", "--archive", str(example_archive), "--json")
    revisions = json.loads(result.stdout)["revisions"]
    assert [r["sequence"] for r in revisions] == [1, 2, 3]
    assert revisions[0]["summary"].startswith("first revision: ")
    assert revisions[1]["counts"]["figures_changed"] == 3
    assert revisions[2]["counts"]["headline_changed"] == 1
    human = cli("log", "nato-ukraine", "--archive", str(example_archive))
    assert "r2" in human.stdout and "3 figures changed" in human.stdout


def test_list_and_archive_from_environment(example_archive: Path, tmp_path: Path) -> None:
    result = run_chronicle(
        "list", "--json", cwd=tmp_path, env={"CHRONICLE_ARCHIVE": str(example_archive)}
    )
    assert result.returncode == 0, result.stderr
    [summary] = json.loads(result.stdout)["briefings"]
    assert summary["id"] == "nato-ukraine" and summary["revisions"] == 3
    assert summary["headline"].startswith("NATO allies step up arms deliveries")
    assert summary["last_recorded"].endswith("Z")


def test_parse_reads_stdin() -> None:
    result = cli("parse", "-", "--json", input=REVISIONS[0].read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["headline"].startswith("NATO members unite")


@pytest.mark.slow
def test_real_process_flow_and_json_only_on_stdout(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    assert run_chronicle("init", "--archive", archive).returncode == 0
    result = run_chronicle(
        "ingest", *map(str, REVISIONS), "-b", "nato-ukraine", "--archive", archive, "--json"
    )
    assert result.returncode == 0, result.stderr
    statuses = [r["status"] for r in json.loads(result.stdout)["results"]]
    assert statuses == ["recorded"] * 3
    shown = run_chronicle("show", "nato-ukraine", "--rev", "-1", "--json", "--archive", archive)
    assert json.loads(shown.stdout)["headline"].startswith("NATO allies step up")


def test_every_command_has_help_and_json() -> None:
    from chronicle.cli import main

    for name, command in main.commands.items():
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert command.help, f"{name} has no help text"
        assert "--json" in result.stdout, f"{name} has no --json"


def test_help_documents_exit_codes_and_version() -> None:
    assert "Exit codes:" in cli("--help").stdout
    assert cli("--version").stdout.startswith("chronicle ")


def test_init_is_idempotent_and_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "stuff"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = cli("init", "--archive", str(folder))
    assert result.exit_code == 4
    assert "not empty" in result.stderr
    assert (folder / "notes.txt").read_text() == "mine"
    archive = tmp_path / "a"
    assert cli("init", "--archive", str(archive)).exit_code == 0
    head = git_head(archive)
    assert cli("init", "--archive", str(archive)).exit_code == 0
    assert git_head(archive) == head


def test_gc_packs_the_archive_smaller_and_keeps_it_valid(example_archive: Path) -> None:
    result = cli("gc", "--json", "--archive", str(example_archive))
    assert result.exit_code == 0, result.output
    sizes = json.loads(result.stdout)
    assert 0 < sizes["objects_bytes_after"] < sizes["objects_bytes_before"]
    assert cli("verify", "--archive", str(example_archive)).exit_code == 0
    fsck = subprocess.run(["git", "-C", str(example_archive), "fsck", "--full", "--strict"],
                          capture_output=True, text=True, check=False)
    assert fsck.returncode == 0, fsck.stderr
    assert (example_archive / ".git/objects/info/commit-graph").is_file()
    again = cli("ingest", str(REVISIONS[0]), "-b", "after-gc", "--archive", str(example_archive))
    assert again.exit_code == 0
