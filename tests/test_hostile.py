"""Hostile and broken input: one clear line on stderr, a non-zero exit, the archive untouched.

"Untouched" is checked on every file under the archive, .git and .git/objects included
(sha256 of each), plus HEAD and every ref. Most cases run in-process through click's
CliRunner; the ones about reading limits, stdin and exit codes also run the real executable.
The readers are fuzzed with hypothesis: random bytes and text never raise anything but a
ChronicleError (CHRONICLE_FUZZ_EXAMPLES raises the number of examples, default 60).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_tools import CHRONICLE, git_out, refs, tree_snapshot, write_variants
from chronicle.errors import ChronicleError
from chronicle.readers import FORMATS, parse_bytes
from conftest import REVISIONS, cli, run_chronicle

LIMIT_MESSAGE = "larger than the 10,485,760-byte limit (raise it with --max-bytes)"
ID_RULE = ("use 1-64 lowercase letters, digits and single hyphens, starting with a letter or "
           "digit (e.g. nato-ukraine)")
FUZZ_EXAMPLES = int(os.environ.get("CHRONICLE_FUZZ_EXAMPLES", "60"))


class Untouched:
    """Snapshot of an archive; ``check()`` asserts nothing changed, down to .git/objects."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.files = tree_snapshot(archive)
        self.head = git_out(archive, "rev-parse", "HEAD")
        self.refs = refs(archive)

    def check(self) -> None:
        assert tree_snapshot(self.archive) == self.files
        assert git_out(self.archive, "rev-parse", "HEAD") == self.head
        assert refs(self.archive) == self.refs


def rejected(archive: Path, *args: str, code: int, message: str) -> None:
    """Run ingest in-process; exactly one stderr line 'chronicle: error: <message>'."""
    before = Untouched(archive)
    result = cli("ingest", *args, "--archive", str(archive))
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr == f"chronicle: error: {message}\n"
    before.check()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the example's three revisions, shared: every test leaves it as is."""
    from chronicle.api import ingest, init_archive

    archive = init_archive(tmp_path_factory.mktemp("hostile") / "archive")
    ingest(archive, "nato-ukraine", REVISIONS)
    return archive.path


# ----- files that are not briefings --------------------------------------------------------
def test_binary_file(seeded: Path, tmp_path: Path) -> None:
    image = tmp_path / "photo.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    rejected(seeded, str(image), "-b", "nato-ukraine", code=3,
             message=f"{image}: binary file (contains NUL bytes), not a text briefing")


@pytest.mark.parametrize("content", [b"", b"\n\n   \n\t\n", b"\xef\xbb\xbf", b"\x07\x1b\x0c"])
def test_empty_file(seeded: Path, tmp_path: Path, content: bytes) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    rejected(seeded, str(empty), "-b", "nato-ukraine", code=3,
             message=f"{empty}: empty file: nothing to read")


def test_not_utf8(seeded: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\u00e9 ouvert\n".encode("latin-1"))
    rejected(seeded, str(latin), "-b", "nato-ukraine", code=3,
             message=f"{latin}: not UTF-8 text (invalid byte 0xe9 at offset 3)")


@pytest.mark.slow
def test_a_200_mb_file_is_refused_without_reading_it(seeded: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: 200 MB that take no disk
        handle.truncate(200 * 1024 * 1024)
    before = Untouched(seeded)
    started = time.monotonic()
    result = run_chronicle("ingest", str(big), "-b", "nato-ukraine", "--archive", str(seeded))
    seconds = time.monotonic() - started
    assert result.returncode == 3
    assert result.stderr == f"chronicle: error: {big}: {LIMIT_MESSAGE}\n"
    assert seconds < 20  # startup included; reading 200 MB is not
    before.check()
    # the limit can be lowered, and is counted in bytes
    small = tmp_path / "small.txt"
    small.write_text("Headline\nA sentence with 3 figures.\n" * 10)
    rejected(seeded, str(small), "-b", "nato-ukraine", "--max-bytes", "100", code=3,
             message=f"{small}: larger than the 100-byte limit (raise it with --max-bytes)")


@pytest.mark.slow
def test_an_endless_file_or_stdin_is_read_only_up_to_the_limit(seeded: Path) -> None:
    """/dev/zero never ends: finishing at all proves chronicle stops at --max-bytes."""
    before = Untouched(seeded)
    endless = run_chronicle("ingest", "/dev/zero", "-b", "x", "--archive", str(seeded))
    assert endless.returncode == 3
    assert endless.stderr == f"chronicle: error: /dev/zero: {LIMIT_MESSAGE}\n"
    with open("/dev/zero", "rb") as zeros:
        piped = subprocess.run([CHRONICLE, "ingest", "-", "-b", "x", "--archive", str(seeded)],
                               stdin=zeros, capture_output=True, text=True, timeout=120,
                               check=False)
    assert (piped.returncode, piped.stderr) == (3, f"chronicle: error: -: {LIMIT_MESSAGE}\n")
    before.check()


def test_reading_stops_at_the_limit(seeded: Path, tmp_path: Path) -> None:
    """Count what chronicle reads: a pipe offers 50 MB, chronicle takes --max-bytes + 1."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    offered = 0

    def feed() -> None:
        nonlocal offered
        chunk = b"x" * 65536
        try:
            with fifo.open("wb") as pipe:
                while offered < 50 * 1024 * 1024:
                    pipe.write(chunk)
                    offered += len(chunk)
        except BrokenPipeError:
            pass  # the reader stopped and closed: what we want

    writer = threading.Thread(target=feed)
    writer.start()
    rejected(seeded, str(fifo), "-b", "nato-ukraine", "--max-bytes", "1000000", code=3,
             message=f"{fifo}: larger than the 1,000,000-byte limit (raise it with --max-bytes)")
    writer.join(timeout=60)
    assert offered < 1_000_000 + 4 * 65536 + 1024 * 1024  # limit + pipe buffer, not 50 MB


def test_deeply_nested_json(seeded: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    rejected(seeded, str(deep), "-b", "nato-ukraine", code=3,
             message=f"{deep}: JSON is nested deeper than 64 levels")
    just_over = tmp_path / "65.json"
    just_over.write_text('{"headline": "x", "sources": ' + "[" * 64 + "]" * 64 + "}")  # 65
    rejected(seeded, str(just_over), "-b", "nato-ukraine", code=3,
             message=f"{just_over}: JSON is nested deeper than 64 levels")


@pytest.mark.slow
def test_huge_json_is_refused_quickly(seeded: Path, tmp_path: Path) -> None:
    """10 MB of wrong items: millions of schema errors, reported as the first and 'more'."""
    huge = tmp_path / "huge.json"
    items = (10 * 1024 * 1024 - 40) // 2
    huge.write_text('{"headline": "x", "claims": [' + ",".join(["0"] * items) + "]}")
    assert huge.stat().st_size <= 10 * 1024 * 1024
    started = time.monotonic()
    rejected(seeded, str(huge), "-b", "nato-ukraine", code=3,
             message=f"{huge}: does not match schema/revision.v2.schema.json: at $.claims[0]: 0 is "
                     "not of type 'object' (and more than 19 more)")
    assert time.monotonic() - started < 30
    over = tmp_path / "over.json"
    over.write_text('{"headline": "' + "x" * (10 * 1024 * 1024) + '"}')
    rejected(seeded, str(over), "-b", "nato-ukraine", code=3, message=f"{over}: {LIMIT_MESSAGE}")


@pytest.mark.parametrize(("document", "problem"), [
    ('{"headline": 5}', "does not match schema/revision.v2.schema.json: at $.headline: 5 is not "
                        "valid under any of the given schemas"),
    ('{"headline": "x", "extra": 1}', "does not match schema/revision.v2.schema.json: at $: "
                                      "Additional properties are not allowed ('extra' was "
                                      "unexpected)"),
    ("[1, 2]", "a JSON revision must be an object"),
    ('{"headline": "x",', "not valid JSON: Expecting property name enclosed in double quotes at "
                          "line 1 column 18"),
])
def test_schema_invalid_or_broken_json(seeded: Path, tmp_path: Path, document: str,
                                       problem: str) -> None:
    bad = tmp_path / "revision.json"
    bad.write_text(document)
    rejected(seeded, str(bad), "-b", "nato-ukraine", code=3, message=f"{bad}: {problem}")


def test_one_bad_file_among_good_ones_writes_nothing(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xffbad")  # (\xff\xfe would be a UTF-16 byte-order mark)
    rejected(archive, *map(str, REVISIONS), str(bad), "-b", "nato-ukraine", code=3,
             message=f"{bad}: not UTF-8 text (invalid byte 0xff at offset 0)")


@pytest.mark.parametrize("name", ["missing.txt", "folder"])
def test_missing_file_or_folder(seeded: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    problem = "no such file" if name == "missing.txt" else "is a directory, not a file"
    rejected(seeded, str(tmp_path / name), "-b", "nato-ukraine", code=3,
             message=f"{tmp_path / name}: {problem}")


@pytest.mark.parametrize(("when", "problem"), [
    ("yesterday", "not an ISO 8601 time: 'yesterday'"),
    ("0001-01-01T00:00:00+05:00", "'0001-01-01T00:00:00+05:00' falls outside years 1-9999 in UTC"),
    ("9999-12-31T23:00:00-05:00", "'9999-12-31T23:00:00-05:00' falls outside years 1-9999 in UTC"),
])
def test_bad_observed_at(seeded: Path, when: str, problem: str) -> None:
    """The library names the observed time, not the CLI flag; years past 9999 or before 1
    once in UTC are one line, not an OverflowError."""
    rejected(seeded, str(REVISIONS[0]), "-b", "nato-ukraine", "--observed-at", when,
             code=3, message=f"observed time: {problem}")


def test_observed_at_before_the_year_1000_is_stored_as_four_digits(archive: Path) -> None:
    result = cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--observed-at",
                 "0999-01-01T00:00:00", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    shown = cli("log", "nato-ukraine", "--json", "--archive", str(archive))
    assert json.loads(shown.stdout)["revisions"][0]["observed_at"] == "0999-01-01T00:00:00.000000Z"


# ----- briefing ids ----------------------------------------------------------------------------
BAD_IDS = ["../x", "x/../../etc", "/abs", "a..b", "x.lock", "main@{1}", "@{", "a b", "Upper",
           "$(touch pwned)", "`id`", "a;b", "a|b", "x&", "'", '"', "a\nb", "a\x00b", "", "-",
           "a-", "a--b", "é", "x" * 65, ".hidden", "refs/heads/main", "HEAD~1", "a:b", "*", "?"]


@pytest.mark.slow
@pytest.mark.parametrize("briefing", BAD_IDS)
def test_bad_briefing_ids(seeded: Path, briefing: str) -> None:
    rejected(seeded, str(REVISIONS[0]), f"--briefing={briefing}", code=3,
             message=f"invalid briefing id {briefing!r}: {ID_RULE}")


def test_bad_briefing_id_in_a_real_process_runs_no_shell(seeded: Path, tmp_path: Path) -> None:
    before = Untouched(seeded)
    result = run_chronicle("ingest", str(REVISIONS[0]), "-b", "$(touch pwned)", "--archive",
                           str(seeded), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr == f"chronicle: error: invalid briefing id '$(touch pwned)': {ID_RULE}\n"
    assert not (tmp_path / "pwned").exists()
    before.check()
    assert cli("log", "../x", "--archive", str(seeded)).exit_code == 3


def test_shell_metacharacters_and_spaces_in_file_names_are_just_names(
    archive: Path, tmp_path: Path
) -> None:
    odd = tmp_path / "$(touch pwned); rm -rf x & `id` 'q' \"d\" r1.txt"
    odd.write_bytes(REVISIONS[0].read_bytes())
    result = cli("ingest", str(odd), "-b", "nato-ukraine", "--archive", str(archive), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["origin"] == str(odd)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


# ----- text that needs cleaning, symlinks -----------------------------------------------------
def test_control_characters_are_stripped(archive: Path, tmp_path: Path) -> None:
    text = REVISIONS[0].read_text()
    dirty = tmp_path / "dirty.txt"
    dirty.write_text("\x1b[31m" + text.replace("Biden", "Bi\x07den\x0b", 1).replace("\n", "\r\n"))
    assert cli("ingest", str(dirty), "-b", "clean", "--archive", str(archive)).exit_code == 0
    shown = cli("show", "clean", "--archive", str(archive), "--json").stdout
    revision = json.loads(shown)
    strings = json.dumps(revision, ensure_ascii=False)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in json.loads(json.dumps(strings)))
    everything = "".join(c["text"] for c in revision["claims"] + revision["key_points"])
    assert not any(ord(c) < 32 or ord(c) == 127 for c in everything)
    assert "Biden" in everything


def test_a_symlinked_input_is_read_as_the_file_it_points_to(archive: Path, tmp_path: Path) -> None:
    link = tmp_path / "latest.txt"
    link.symlink_to(REVISIONS[0])
    result = cli("ingest", str(link), "-b", "nato-ukraine", "--archive", str(archive), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"][0]["origin"] == str(link)  # named as given
    again = cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--archive", str(archive),
                "--json")
    assert json.loads(again.stdout)["results"][0]["status"] == "unchanged"  # same content


@pytest.mark.parametrize("kind", ["dangling", "loop", "to-folder"])
def test_broken_symlinks(seeded: Path, tmp_path: Path, kind: str) -> None:
    link = tmp_path / "link.txt"
    if kind == "dangling":
        link.symlink_to(tmp_path / "gone.txt")
        problem = "no such file"
    elif kind == "loop":
        other = tmp_path / "other.txt"
        link.symlink_to(other)
        other.symlink_to(link)
        problem = "cannot read: Too many levels of symbolic links"
    else:
        link.symlink_to(tmp_path)
        problem = "is a directory, not a file"
    rejected(seeded, str(link), "-b", "nato-ukraine", code=3, message=f"{link}: {problem}")


# ----- archives that are not archives ---------------------------------------------------------
def test_archive_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_chronicle("ingest", str(REVISIONS[0]), "-b", "x", "--archive", str(missing))
    assert result.returncode == 4
    assert result.stderr == (f"chronicle: error: {missing}: not a chronicle archive (no such "
                             "folder); run 'chronicle init' first\n")
    assert not missing.exists()
    for command in (["verify"], ["log", "x"], ["list"]):
        assert cli(*command, "--archive", str(missing)).exit_code == 4
    assert not missing.exists()


@pytest.mark.parametrize("kind", ["empty folder", "plain folder", "file", "git repository",
                                  "git repository with commits"])
def test_archive_that_is_not_an_archive(tmp_path: Path, kind: str) -> None:
    place = tmp_path / "place"
    why = "not a git repository"
    if kind == "file":
        place.write_text("not a folder\n")
        why = "not a folder"
    else:
        place.mkdir()
    if kind == "plain folder":
        (place / "notes.txt").write_text("hello\n")
    if kind.startswith("git repository"):
        subprocess.run(["git", "init", "-q", str(place)], check=True)
        why = "no chronicle.json on its main branch"
    if kind == "git repository with commits":
        (place / "a.txt").write_text("a\n")
        subprocess.run(["git", "-C", str(place), "add", "a.txt"], check=True)
        subprocess.run(["git", "-C", str(place), "-c", "user.name=t", "-c", "user.email=t@t",
                        "commit", "-q", "-m", "a"], check=True)
        subprocess.run(["git", "-C", str(place), "branch", "-M", "main"], check=True)
    before = tree_snapshot(tmp_path)
    for command in (["ingest", str(REVISIONS[0]), "-b", "x"], ["verify"], ["log", "x"]):
        result = cli(*command, "--archive", str(place))
        assert result.exit_code == 4, (command, result.output)
        assert result.stderr == (f"chronicle: error: {place}: not a chronicle archive ({why}); "
                                 "run 'chronicle init' first\n")
    assert tree_snapshot(tmp_path) == before


def test_relative_archive_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["init"], ["ingest", str(REVISIONS[0]), "-b", "rel"], ["verify"]):
        result = cli(*command, "--archive", "arch")
        assert result.exit_code == 0, result.output
    assert (tmp_path / "arch" / "chronicle-ledger.jsonl").exists()  # bare: the folder is .git


# ----- the readers, fuzzed --------------------------------------------------------------------
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
FRAGMENTS = st.sampled_from([
    "# ", "## ", "- ", "* ", "> ", "\n", "\n\n", "“", "”", '"', " – ", " - ", "$", "€", "%",
    "1,000", "56.2", "billion", "troops", "km", "kg", "2024", "February 2022", "<p>", "</p>",
    "<h1>", "<li>", "<blockquote>", "<html><body>", "&amp;", "{", "}", "[", "]", ":", ",",
    "Sources:", "At a Glance", "said", "NATO", "U.S.", "…", "\t", "\u200b", "\ufeff", "0x",
    "1e308", "-", "½", "٣", "🙂",
])
BRIEFING_LIKE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)


def must_only_raise_chronicle_errors(data: bytes, fmt: str) -> None:
    with contextlib.suppress(ChronicleError):
        parse_bytes(data, "fuzz", fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.binary(max_size=400))
def test_readers_on_random_bytes(fmt: str, data: bytes) -> None:
    must_only_raise_chronicle_errors(data, fmt)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(text=st.one_of(BRIEFING_LIKE, st.text(max_size=300)))
def test_readers_on_random_text(fmt: str, text: str) -> None:
    must_only_raise_chronicle_errors(text.encode("utf-8", "surrogatepass"), fmt)


@FUZZ
@given(document=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["headline", "claims", "figures", "sections", "id", "text", "value",
                         "kind", "claim", "start", "end", "unit", "schema_version", "x"]),
        inner, max_size=5),
    max_leaves=30))
def test_json_reader_on_random_documents(document: object) -> None:
    must_only_raise_chronicle_errors(json.dumps(document).encode(), "json")


def test_variants_helper_makes_distinct_revisions(tmp_path: Path) -> None:
    files = write_variants(tmp_path, [1, 2])
    assert files[0].read_text() != files[1].read_text()
