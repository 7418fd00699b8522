"""The first hour of a new user: init PATH, finding the archive, r2, typos, small cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chronicle.errors import closest_name
from conftest import REVISIONS, cli, run_chronicle, snapshot


def test_init_takes_a_path_like_git_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init", "myarchive")
    assert result.exit_code == 0, result.output
    assert result.stdout == "archive ready at myarchive (bare)\n"
    assert (tmp_path / "myarchive" / "HEAD").is_file()
    assert cli("init", "--archive", "other").exit_code == 0  # --archive still works
    clash = cli("init", "one", "--archive", "two")
    assert clash.exit_code == 2 and "give the folder once" in clash.stderr


def test_commands_find_the_archive_from_inside_it(
    example_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = example_archive / "briefings"
    monkeypatch.chdir(deep)
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [b["id"] for b in json.loads(listed.stdout)["briefings"]] == ["nato-ukraine"]
    assert cli("log", "nato-ukraine").exit_code == 0
    before = snapshot(example_archive)
    again = cli("init")  # inside an archive: that archive, nothing nested
    assert again.exit_code == 0
    assert again.stdout == f"archive ready at {example_archive} (with a working tree)\n"
    assert snapshot(example_archive) == before
    assert not (deep / "archive").exists()


def test_a_bare_archive_is_found_from_inside_it(
    bare_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--archive", str(bare_archive))
    monkeypatch.chdir(bare_archive / "refs")
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [b["id"] for b in json.loads(listed.stdout)["briefings"]] == ["nato-ukraine"]


def test_inside_an_archive_the_error_never_advises_init(
    example_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_archive)
    result = cli("list", "--archive", "archive")
    assert result.exit_code == 4
    assert "run 'chronicle init'" not in result.stderr
    assert f"inside the archive {example_archive}" in result.stderr
    nested = cli("init", "inner")
    assert nested.exit_code == 4 and "inside the archive" in nested.stderr
    assert not (example_archive / "inner").exists()


def test_outside_any_archive_the_default_is_dot_archive(tmp_path: Path) -> None:
    result = run_chronicle("list", cwd=tmp_path)
    assert result.returncode == 4
    assert result.stderr == ("chronicle: error: archive: not a chronicle archive (no such "
                             "folder); run 'chronicle init' first\n")


@pytest.mark.parametrize("spelling", ["2", "r2", "R2", " r2 "])
def test_revisions_as_printed_or_as_numbers(example_archive: Path, spelling: str) -> None:
    shown = cli("show", "nato-ukraine", "--rev", spelling, "--archive", str(example_archive))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("nato-ukraine r2 ")


def test_diff_and_blame_take_r_numbers(example_archive: Path) -> None:
    archive = str(example_archive)
    named = cli("diff", "nato-ukraine", "--from", "r1", "--to", "r3", "--archive", archive)
    plain = cli("diff", "nato-ukraine", "--from", "1", "--to", "3", "--archive", archive)
    assert named.exit_code == 0 and named.stdout == plain.stdout
    assert cli("blame", "nato-ukraine", "-r", "r-1", "--archive", archive).exit_code == 2
    wrong = cli("show", "nato-ukraine", "--rev", "two", "--archive", archive)
    assert wrong.exit_code == 2 and "'two' is not a revision: give r3 or 3" in wrong.stderr
    backwards = cli("diff", "nato-ukraine", "--from", "r3", "--to", "r1", "--archive", archive)
    assert backwards.exit_code == 4 and "r3 comes after r1" in backwards.stderr


def test_a_misspelt_briefing_gets_a_suggestion(example_archive: Path) -> None:
    result = cli("show", "nato-ukriane", "--archive", str(example_archive))
    assert result.exit_code == 4
    assert result.stderr.endswith("no briefing named 'nato-ukriane' (did you mean nato-ukraine?)\n")
    far = cli("log", "budget", "--archive", str(example_archive))
    assert far.exit_code == 4 and "see 'chronicle list'" in far.stderr
    exported = cli("export", "nato-ukrain", "--archive", str(example_archive))
    assert "did you mean nato-ukraine?" in exported.stderr


def test_closest_name_needs_a_near_miss() -> None:
    names = ["nato-ukraine", "city-budget", "quake"]
    assert closest_name("nato-ukraien", names) == "nato-ukraine"
    assert closest_name("city-budgte", names) == "city-budget"
    assert closest_name("weather", names) is None
    assert closest_name("x", []) is None


def test_diff_of_a_single_revision_says_so(archive: Path) -> None:
    cli("ingest", str(REVISIONS[0]), "-b", "solo", "--archive", str(archive))
    result = cli("diff", "solo", "--archive", str(archive))
    assert result.exit_code == 0
    assert result.stdout == "solo has only one revision (r1): nothing to compare yet\n"
    assert json.loads(cli("diff", "solo", "--json", "--archive", str(archive)).stdout)["to"] == 1


def test_expect_names_the_count_that_differs(example_archive: Path) -> None:
    before = snapshot(example_archive)
    result = cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--expect", "5",
                 "--archive", str(example_archive))
    assert result.exit_code == 4
    assert result.stderr == ("chronicle: error: briefing 'nato-ukraine' has 3 revision(s), "
                             "not the 5 expected; nothing was written\n")
    assert "another writer" not in result.stderr
    assert snapshot(example_archive) == before


def test_list_shows_revisions_last_change_and_headline(example_archive: Path) -> None:
    cli("ingest", str(REVISIONS[0]), "-b", "a-copy", "--archive", str(example_archive))
    result = cli("list", "--archive", str(example_archive))
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["a-copy", "nato-ukraine"]
    assert "  1 revision  " in lines[0] and "  3 revisions  " in lines[1]
    assert lines[1].endswith("NATO allies step up arms deliveries to Ukraine after the first "
                             "ATACMS strikes inside Russia.")


@pytest.mark.parametrize("command", ["list", "log", "show", "diff", "init", "export", "watch"])
def test_dash_h_is_help_everywhere(command: str) -> None:
    result = cli(command, "-h")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")
    assert "Exit codes:" in cli("-h").stdout


@pytest.mark.slow
def test_no_color_drops_bold_underline_and_dim(example_archive: Path) -> None:
    args = ("show", "nato-ukraine", "--archive", str(example_archive))
    styled = run_chronicle(*args, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[1m" in styled.stdout  # a forced terminal gets bold
    plain = run_chronicle(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.returncode == 0 and "\x1b[" not in plain.stdout
