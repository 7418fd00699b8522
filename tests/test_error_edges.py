"""Errors at the edges (issue 12 items 14 and 16, issue 16): internal errors, broken pipes,
exit codes, a watch state of the wrong types, odd names, UTF-16, Windows device names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from archive_tools import CHRONICLE, write_variants
from chronicle import cli as cli_module
from chronicle.errors import ChronicleError
from conftest import REVISIONS, cli, run_chronicle
from test_hostile import Untouched


# ----- a bug is one line, not a traceback --------------------------------------------------
@pytest.fixture
def buggy_command() -> str:
    """A command that fails the way a bug would (registered for this test only)."""

    @cli_module.main.command(name="explode")
    def explode() -> None:
        {}["missing"]

    yield "explode"
    cli_module.main.commands.pop("explode")


def test_an_internal_error_is_one_line_asking_for_a_report(buggy_command: str) -> None:
    result = cli(buggy_command)
    assert result.exit_code == 70
    assert result.stderr == ("chronicle: internal error: KeyError: 'missing' (a bug in "
                             "chronicle: please report it with the command that caused it; "
                             "CHRONICLE_DEBUG=1 shows the traceback)\n")


def test_chronicle_debug_shows_the_traceback(buggy_command: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHRONICLE_DEBUG", "1")
    with pytest.raises(KeyError):
        cli(buggy_command)


def test_an_internal_error_in_a_real_process(archive: Path) -> None:
    """A RecursionError deep in a library (here forced with a tiny recursion limit) ends in
    the one line and exit 70, in the installed executable."""
    code = ("import sys; from chronicle.cli import main; sys.setrecursionlimit(60); "
            "main(['list', '--archive', sys.argv[1]])")
    done = subprocess.run([sys.executable, "-c", code, str(archive)], capture_output=True,
                          text=True, check=False)
    assert "Traceback" not in done.stderr
    if done.returncode != 0:  # the limit bit somewhere: it must be the one line
        assert done.returncode == 70 and done.stderr.startswith("chronicle: internal error: ")


# ----- broken pipes: one rule ----------------------------------------------------------------
def big_archive(archive: Path, tmp_path: Path) -> Path:
    assert cli("ingest", *map(str, write_variants(tmp_path / "v", list(range(40)))), "-b",
               "many", "--archive", str(archive)).exit_code == 0
    return archive


@pytest.mark.parametrize("command", [["export"], ["log", "many"], ["show", "many"],
                                     ["show", "many", "--json"], ["blame", "many"]])
@pytest.mark.slow
def test_a_reader_closing_the_pipe_early_is_exit_0_and_silent(archive: Path, tmp_path: Path,
                                                              command: list[str]) -> None:
    """`export | head -1` exited 1 while `log | head` exited 0: now both exit 0, quietly."""
    big_archive(archive, tmp_path)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: every write is EPIPE
    done = subprocess.run([CHRONICLE, *command, "--archive", str(archive)], stdout=write,
                          stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    os.close(write)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.slow
def test_export_into_head_in_a_shell(archive: Path, tmp_path: Path) -> None:
    big_archive(archive, tmp_path)
    done = subprocess.run(["bash", "-o", "pipefail", "-c",
                           f"{CHRONICLE} export --archive {archive} | head -1"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["table"] == "briefings"


# ----- exit codes ------------------------------------------------------------------------------
def test_every_exit_code_is_listed_in_help() -> None:
    text = cli("--help").stdout
    for code, words in ((0, "success"), (1, "validate/verify/review found problems"),
                        (2, "usage error"), (3, "bad input"), (4, "archive problem"),
                        (5, "network"),
                        (6, "corrupt archive"), (7, "output"), (70, "internal error")):
        assert f"{code:>2}  {words}" in text or f"{code}  {words}" in text, (code, words)


def test_exit_codes_are_distinct_per_class() -> None:
    from chronicle import errors

    codes = {name: getattr(errors, name).exit_code for name in
             ("InputError", "ArchiveError", "FetchError", "CorruptArchive", "OutputError")}
    assert codes == {"InputError": 3, "ArchiveError": 4, "FetchError": 5, "CorruptArchive": 6,
                     "OutputError": 7}


def test_library_errors_use_no_cli_words() -> None:
    """InputError('--observed-at', ...) named a CLI flag: the library speaks its own terms,
    and the CLI adds its flags through hints."""
    from chronicle.api import normalise_time
    from chronicle.readers import parse_file

    with pytest.raises(ChronicleError) as caught:
        normalise_time("yesterday")
    assert "--" not in str(caught.value)
    big = Path(__file__)
    with pytest.raises(ChronicleError) as caught:
        parse_file(big, max_bytes=10)
    assert "--" not in str(caught.value) and caught.value.hint == "max_bytes"
    shown = cli("ingest", str(big), "-b", "x", "--max-bytes", "10", "--archive", "/nonexistent")
    assert shown.exit_code in (3, 4)


def test_the_source_has_no_flag_in_an_error_message() -> None:
    """No library module words an error with a CLI flag (cli.py alone may)."""
    import re

    source = Path(cli_module.__file__).parent
    pattern = re.compile(r"(Error|Archive|Problem)\([^)]*[\"'][^\"']*--[a-z]")
    offenders = [f"{path.name}: {line.strip()}" for path in source.rglob("*.py")
                 if path.name != "cli.py"
                 for line in path.read_text("utf-8").splitlines() if pattern.search(line)]
    assert offenders == []


# ----- the watch state -------------------------------------------------------------------------
@pytest.mark.parametrize("state", [
    [], "text", {"feeds": []}, {"entries": {"http://x/a": "b"}},
    {"entries": {"http://x/a": {"etag": 5}}}, {"feeds": {"http://x/f": {"last_modified": []}}},
    {"entries": {"http://x/a": {"sequence": "3"}}}, {"entries": {"http://x/a": {"sequence": -1}}},
])
def test_a_watch_state_of_the_wrong_types_is_one_line(archive: Path, state: object) -> None:
    folder = archive / ".chronicle"
    folder.mkdir()
    (folder / "watch.json").write_text(json.dumps(state), "utf-8")
    result = cli("watch", "http://127.0.0.1:9/feed.xml", "--once", "--archive", str(archive))
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith(f"chronicle: error: {folder / 'watch.json'}: watch state ")
    assert "delete it to start over" in result.stderr and result.stderr.count("\n") == 1


def test_a_symlinked_state_folder_is_refused(archive: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (archive / ".chronicle").symlink_to(elsewhere)
    result = cli("watch", "http://127.0.0.1:9/feed.xml", "--once", "--archive", str(archive))
    assert result.exit_code == 4 and "is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


# ----- names and encodings ----------------------------------------------------------------------
@pytest.mark.parametrize("briefing", ["con", "aux", "nul", "prn", "lpt1", "com9", "lpt0"])
def test_windows_device_names_are_refused_as_ids(archive: Path, briefing: str) -> None:
    result = cli("ingest", str(REVISIONS[0]), "-b", briefing, "--archive", str(archive))
    assert result.exit_code == 3
    assert result.stderr == (f"chronicle: error: invalid briefing id {briefing!r}: it is a "
                             "device name on Windows (con, aux, nul, lpt1 ...), so such an "
                             "archive could not be checked out there\n")
    assert cli("ingest", str(REVISIONS[0]), "-b", f"{briefing}-report",
               "--archive", str(archive)).exit_code == 0


def test_watch_never_picks_a_device_name() -> None:
    from chronicle.watch import slug_for_url

    slug = slug_for_url("https://example.org/con")
    assert slug.startswith("con-") and len(slug) > 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_text_is_read(archive: Path, tmp_path: Path, encoding: str) -> None:
    """UTF-16 was called 'binary (NUL bytes)'; with a BOM (or, for UTF-16, plain ASCII-range
    text without one) it is read as the same briefing as its UTF-8 original."""
    path = tmp_path / "r1.txt"
    path.write_bytes(REVISIONS[0].read_text("utf-8").encode(encoding))
    parsed = cli("parse", str(path), "--json")
    original = cli("parse", str(REVISIONS[0]), "--json")
    assert parsed.exit_code == 0, parsed.stderr
    assert json.loads(parsed.stdout) == json.loads(original.stdout)


@pytest.mark.slow
def test_a_tree_folder_or_file_named_in_invalid_utf8(archive: Path, tmp_path: Path) -> None:
    """A briefing folder named with invalid UTF-8 gave UnicodeEncodeError; a file so named
    broke the store. Now: the folder is a bad id (one line), the file's name is stored with
    U+FFFD."""
    tree = tmp_path / "tree"
    bad = Path(os.fsdecode(bytes(tree) + b"/bad\xff"))
    bad.mkdir(parents=True)
    (bad / "r1.txt").write_text(REVISIONS[0].read_text("utf-8"), "utf-8")
    before = Untouched(archive)
    done = run_chronicle("ingest", "--tree", str(tree), "--archive", str(archive))
    assert done.returncode == 3 and done.stderr.count("\n") == 1
    assert "invalid briefing id 'bad\\udcff'" in done.stderr
    before.check()
    good = Path(os.fsdecode(bytes(tree) + b"/good"))
    bad.rename(good)
    (good / "r1.txt").rename(Path(os.fsdecode(bytes(good) + b"/r\xff.txt")))
    done = run_chronicle("ingest", "--tree", str(tree), "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    assert "r\ufffd.txt" in json.loads(cli("log", "good", "--json", "--archive", str(archive))
                                       .stdout)["revisions"][0]["source"]


def test_click_usage_errors_still_exit_2() -> None:
    assert cli("show").exit_code == 2
    assert isinstance(click.UsageError("x"), click.ClickException)
