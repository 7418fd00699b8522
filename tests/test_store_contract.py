"""The store's contract, at library level, run against every store configuration (in the
manner of dulwich's ObjectStoreTests and eventsourcing's recorder test cases): append,
unchanged, duplicate; the expected-sequence check; a branch moved under the lock; recovery
after a kill at each write step; and every reader agreeing on what is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archive_tools import git, git_out, lock_is_held, write_variants
from chronicle.api import ingest
from chronicle.checks import verify_archive
from chronicle.errors import ArchiveError, ConcurrentWrite
from chronicle.gitlog import walk
from chronicle.layout import sha256_hex
from chronicle.readers import parse_file
from chronicle.replay import replay
from chronicle.review import review
from chronicle.store import Archive, NewRevision
from chronicle.views import revision_message

# every set-up an archive can have
CONFIGURATIONS = ["bare", "worktree", "embedded"]


def new_archive(configuration: str, folder: Path) -> Archive:
    if configuration != "embedded":
        return Archive.init(folder / "archive", bare=configuration == "bare")
    project = folder / "project"  # a repository with files of its own around the archive
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / "code.py").write_text("print('hello')\n")
    git(project, "add", "code.py")
    git(project, "commit", "-q", "-m", "the project's own first commit")
    return Archive.init(project / "archive", in_repo=True)


@pytest.fixture(params=CONFIGURATIONS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    return new_archive(request.param, tmp_path)


def revisions(folder: Path, numbers: list[int]) -> list[NewRevision]:
    items = []
    for path in write_variants(folder, numbers):
        parsed = parse_file(path)
        items.append(NewRevision("b", parsed.revision, parsed.origin, parsed.extractor))
    return items


def test_append_then_unchanged_then_duplicate(store: Archive, tmp_path: Path) -> None:
    first, second = revisions(tmp_path / "in", [1, 2])
    results = store.append_many([first, second], revision_message)
    assert [(r.status, r.sequence) for r in results] == [("recorded", 1), ("recorded", 2)]
    again = store.append_many([second, first], revision_message)
    assert [(r.status, r.sequence) for r in again] == [("unchanged", 2), ("duplicate", 1)]
    assert [s.sequence for s in replay(store.events("b"))] == [1, 2]
    assert verify_archive(store)[1] == []


def test_the_expected_sequence_is_checked(store: Archive, tmp_path: Path) -> None:
    first, second = revisions(tmp_path / "in", [1, 2])
    store.append(first, revision_message)
    head = store.head()
    late = NewRevision(second.briefing, second.revision, second.origin, second.extractor,
                       expected_sequence=0)
    with pytest.raises(ConcurrentWrite, match=r"has 1 revision\(s\), not the 0 expected"):
        store.append(late, revision_message)
    assert store.head() == head
    on_time = NewRevision(second.briefing, second.revision, second.origin, second.extractor,
                          expected_sequence=1)
    assert store.append(on_time, revision_message).sequence == 2


def test_a_branch_moved_under_the_lock_is_never_overwritten(store: Archive,
                                                            tmp_path: Path) -> None:
    first, second = revisions(tmp_path / "in", [1, 2])
    store.append(first, revision_message)
    intruder = git_out(store.path, "commit-tree", "-p", "refs/heads/main", "-m", "intruder",
                       "refs/heads/main^{tree}")

    def message_moving_the_branch(*args: object) -> str:
        git_out(store.path, "update-ref", "refs/heads/main", intruder)
        return revision_message(*args)  # type: ignore[arg-type]

    with pytest.raises(ArchiveError, match="the main branch moved while chronicle held its lock"):
        store.append(second, message_moving_the_branch)
    assert store.head() == intruder
    assert not lock_is_held(store.path)


@pytest.mark.slow
def test_every_reader_agrees(store: Archive, tmp_path: Path) -> None:
    """Event reads, the whole-archive read, the history walk, the ledger and review see the
    same events, with the same bytes."""
    items = revisions(tmp_path / "in", [1, 2, 3])
    store.append_many(items, revision_message)
    other = revisions(tmp_path / "other", [7])[0]
    store.append(NewRevision("c", other.revision, other.origin, other.extractor),
                 revision_message)
    by_events = {e.path: e.raw for name in ("b", "c") for e in store.events(name)}
    by_files = {path: raw for _, path, raw in store.raw_event_files()}
    assert by_events == by_files and len(by_files) == 4
    history = walk(store.repository)
    assert set(history.added) == set(by_files)
    for path, (commit, blob) in history.added.items():
        full = store.repository.full_path(path)
        assert git_out(store.path, "rev-parse", f"{commit}:{full}") == blob
    recorded = [json.loads(line) for line in
                store.repository.ledger_path.read_text().splitlines()]
    ledger = {e["path"]: e["sha256"] for r in recorded for e in r.get("events", [])}
    assert ledger == {path: sha256_hex(raw) for path, raw in by_files.items()}
    created = git_out(store.path, "log", "--format=%H", "--diff-filter=A", "main", "--",
                      "chronicle.json")
    reviewed = review(store.path, f"{created}..main")
    assert reviewed.problems == 0
    assert {c.file for c in reviewed.commits} == set(by_files)


def test_a_bare_archive_keeps_no_event_files(tmp_path: Path) -> None:
    archive = Archive.init(tmp_path / "bare")
    ingest(archive, "b", write_variants(tmp_path / "in", [1, 2]))
    assert archive.bare and not (tmp_path / "bare" / "briefings").exists()
    assert git(tmp_path / "bare", "rev-parse", "--is-bare-repository").stdout.strip() == b"true"
    assert git_out(tmp_path / "bare", "log", "--format=%s", "main") .splitlines()[0].startswith(
        "b r2: ")


# ----- recovery after a kill at each write step, in every configuration ---------------------
Kill = Callable[[Path, list[Path]], None]


@pytest.mark.slow
@pytest.mark.parametrize("configuration", CONFIGURATIONS)
@pytest.mark.parametrize("point", ["while writing an object", "objects written, before the ledger",
                                   "ledger begun, before the branch moves",
                                   "branch moved, before the ledger says done",
                                   "everything written, before the dirty marker is cleared"])
def test_recovery_after_a_kill_at_each_step(configuration: str, point: str,
                                            tmp_path: Path) -> None:
    from test_crash import CRASH_POINTS, die_during_ingest

    archive = new_archive(configuration, tmp_path)
    first = write_variants(tmp_path / "in", [1])
    ingest(archive, "crash", first)
    patch, committed, _ = CRASH_POINTS[point]
    batch = write_variants(tmp_path / "in", [2, 3])
    die_during_ingest(patch, archive.path, batch, "crash")
    reopened = Archive(archive.path)  # every command recovers on opening
    assert verify_archive(reopened)[1] == []
    assert len(reopened.events("crash")) == (3 if committed else 1)
    again = ingest(reopened, "crash", batch)
    assert [r.status for r in again] == (["duplicate", "unchanged"] if committed
                                         else ["recorded", "recorded"])
    assert verify_archive(Archive(archive.path))[1] == []
