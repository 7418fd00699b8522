"""Every command against every hostile archive and input of tests/hostile_corpus.py.

Nothing may escape as a traceback or an 'internal error'; every exit code is one the
--help lists; stdout never carries a raw control, bidi or zero-width character; and a
command that only reads leaves the archive byte-identical (ingest too, when it refuses).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from archive_tools import write_variants
from conftest import cli, run_chronicle
from hostile_corpus import BRIEFING, Corpus, build
from test_hostile import Untouched

pytestmark = pytest.mark.slow  # every command on every hostile archive: CI runs them

KNOWN_EXITS = {0, 1, 2, 3, 4, 5, 6, 7}
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
READ_COMMANDS = [
    ["list"], ["log", BRIEFING], ["show", BRIEFING], ["show", BRIEFING, "--json"],
    ["diff", BRIEFING], ["diff", BRIEFING, "--json"], ["timeline", BRIEFING],
    ["blame", BRIEFING], ["blame", BRIEFING, "--json"], ["validate"], ["verify"],
    ["verify", "--json"], ["export"], ["review", "HEAD~1..HEAD"],
    ["review", "HEAD~2..HEAD", "--markdown"], ["review", "HEAD~2..HEAD", "--json"],
]
HOSTILE_ARCHIVES = ["bad-section", "dup-figure", "huge-offset", "nan-value", "deep-event",
                    "terminal-text", "fake-log-row"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    built = build(tmp_path_factory.mktemp("hostile-corpus"))
    for archive in built.archives.values():
        # The tampering commits were made by git: chronicle's first command brings its
        # working-tree bookkeeping (.git/chronicle-synced) up to date, once. From then on
        # a reading command must change nothing.
        cli("list", "--archive", str(archive))
    return built


def clean(result_stderr: str, stdout: str, code: int, what: str) -> None:
    assert "Traceback" not in result_stderr, what
    assert "internal error" not in result_stderr, (what, result_stderr)
    assert code in KNOWN_EXITS, (what, code, result_stderr)
    assert len(result_stderr.splitlines()) <= 1 or code in (0, 1), (what, result_stderr)
    assert not RAW.search(stdout.replace("\t", "")), (what, RAW.findall(stdout)[:5])


@pytest.mark.parametrize("name", HOSTILE_ARCHIVES)
def test_every_reading_command_on_a_hostile_archive(corpus: Corpus, tmp_path: Path,
                                                    name: str) -> None:
    archive = corpus.archives[name]
    before = Untouched(archive)
    outputs = [["export", "--format", "csv", "-o", str(tmp_path / "csv")],
               ["export", "--format", "sqlite", "-o", str(tmp_path / "x.db")],
               ["report", BRIEFING, "-o", str(tmp_path / "r.html")]]
    for command in [*READ_COMMANDS, *outputs]:
        result = cli(*command, "--archive", str(archive))
        clean(result.stderr, result.stdout, result.exit_code, f"{name}: {command}")
    before.check()


@pytest.mark.parametrize("name", HOSTILE_ARCHIVES)
def test_ingest_into_a_hostile_archive_writes_nothing_or_works(corpus: Corpus, tmp_path: Path,
                                                               name: str) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(corpus.archives[name], copy, symlinks=True)
    before = Untouched(copy)
    new = write_variants(tmp_path / "in", [7])[0]
    result = cli("ingest", str(new), "-b", BRIEFING, "--archive", str(copy))
    clean(result.stderr, result.stdout, result.exit_code, f"{name}: ingest")
    if result.exit_code != 0:
        assert result.exit_code == 6, result.stderr  # the archive is corrupt: say so
        before.check()
        assert not (copy / ".git" / "chronicle-dirty").exists()


@pytest.mark.parametrize("name", HOSTILE_ARCHIVES[:5])
def test_commands_that_read_a_broken_event_say_corrupt_with_exit_6(corpus: Corpus,
                                                                   name: str) -> None:
    for command in (["show", BRIEFING], ["diff", BRIEFING], ["blame", BRIEFING], ["export"]):
        result = cli(*command, "--archive", str(corpus.archives[name]))
        assert result.exit_code == 6, (command, result.stderr)
        assert result.stderr.startswith("chronicle: error: ") and "000003.json" in result.stderr


@pytest.mark.parametrize("name", HOSTILE_ARCHIVES[:5])
def test_verify_and_validate_name_the_broken_event(corpus: Corpus, name: str) -> None:
    for command in ("verify", "validate"):
        result = cli(command, "--json", "--archive", str(corpus.archives[name]))
        assert result.exit_code == 1
        assert "000003.json" in result.stdout
        assert '"kind": "schema"' in result.stdout or '"kind": "invariant"' in result.stdout \
            or '"kind": "not-json"' in result.stdout


def test_every_input_command_on_every_hostile_input(corpus: Corpus, archive: Path) -> None:
    for name, path in corpus.inputs.items():
        for command in (["parse", str(path)], ["parse", str(path), "--json"],
                        ["validate", str(path)]):
            result = cli(*command)
            clean(result.stderr, result.stdout, result.exit_code, f"{name}: {command}")
        before = Untouched(archive)
        result = cli("ingest", str(path), "-b", "hostile", "--archive", str(archive))
        clean(result.stderr, result.stdout, result.exit_code, f"{name}: ingest")
        if result.exit_code != 0:
            before.check()


def test_a_real_process_prints_no_traceback_either(corpus: Corpus, tmp_path: Path) -> None:
    """The same, through the installed executable, for a few of each kind."""
    for name in ("bad-section", "deep-event", "terminal-text"):
        for command in (["show", BRIEFING], ["verify"], ["export"]):
            done = run_chronicle(*command, "--archive", str(corpus.archives[name]))
            clean(done.stderr, done.stdout, done.returncode, f"{name}: {command}")
    for name in ("deep", "nan", "section-negative", "surrogate", "name-not-utf8"):
        done = run_chronicle("validate", str(corpus.inputs[name]))
        clean(done.stderr, done.stdout, done.returncode, f"{name}: validate")
