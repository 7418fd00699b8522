"""The store's promises: idempotent by content hash, arrival order, durable objects, the ledger."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

import chronicle.append as append
import chronicle.gitobjects as gitobjects
import chronicle.locking as locking
import chronicle.store as store
from archive_tools import fsck_problems, git, git_out, tree_snapshot, write_variants
from chronicle.errors import CorruptArchive
from chronicle.layout import event_path
from chronicle.ledger import Ledger
from chronicle.store import Archive
from conftest import REVISIONS, cli


# ----- idempotence ---------------------------------------------------------------------------
def test_reingesting_an_earlier_revision_is_reported_and_not_stored(example_archive: Path) -> None:
    before = tree_snapshot(example_archive)
    result = cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--archive",
                 str(example_archive))
    assert result.exit_code == 0
    assert result.stdout == (f"nato-ukraine: {REVISIONS[0]} is identical to earlier revision r1; "
                             "nothing written\n")
    assert tree_snapshot(example_archive) == before  # not a byte changed, .git included


def test_identity_is_the_content_not_the_bytes(example_archive: Path, tmp_path: Path) -> None:
    """The same briefing with CRLF line endings and a BOM is the same revision."""
    crlf = tmp_path / "r2-windows.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + REVISIONS[1].read_bytes().replace(b"\n", b"\r\n"))
    head = git_out(example_archive, "rev-parse", "HEAD")
    result = cli("ingest", str(crlf), "-b", "nato-ukraine", "--archive", str(example_archive),
                 "--json")
    [found] = json.loads(result.stdout)["results"]
    assert (found["status"], found["sequence"]) == ("duplicate", 2)
    assert git_out(example_archive, "rev-parse", "HEAD") == head


def test_duplicates_inside_one_batch(archive: Path) -> None:
    result = cli("ingest", str(REVISIONS[0]), str(REVISIONS[1]), str(REVISIONS[0]),
                 str(REVISIONS[1]), "-b", "b", "--archive", str(archive), "--json")
    statuses = [(r["status"], r["sequence"]) for r in json.loads(result.stdout)["results"]]
    assert statuses == [("recorded", 1), ("recorded", 2), ("duplicate", 1), ("unchanged", 2)]
    assert git_out(archive, "rev-list", "--count", "HEAD") == "3"


def test_same_content_in_two_briefings_is_two_events(archive: Path) -> None:
    for briefing in ("one", "two"):
        result = cli("ingest", str(REVISIONS[0]), "-b", briefing, "--archive", str(archive))
        assert result.exit_code == 0
    assert git_out(archive, "rev-list", "--count", "HEAD") == "3"


# ----- ordering ------------------------------------------------------------------------------
def test_late_observations_are_appended_in_arrival_order(archive: Path) -> None:
    args = ["-b", "late", "--archive", str(archive)]
    for revision, observed in ((REVISIONS[0], "2024-11-20T10:00:00Z"),
                               (REVISIONS[1], "2024-11-18T09:30:00+01:00")):
        assert cli("ingest", str(revision), *args, "--observed-at", observed).exit_code == 0
    assert cli("ingest", str(REVISIONS[2]), *args).exit_code == 0
    log = json.loads(cli("log", "late", "--archive", str(archive), "--json").stdout)["revisions"]
    assert [(e["sequence"], e["observed_at"]) for e in log[:2]] == [
        (1, "2024-11-20T10:00:00.000000Z"), (2, "2024-11-18T08:30:00.000000Z")]
    assert log[2]["observed_at"] == log[2]["recorded_at"]  # default: observed when recorded
    text = cli("log", "late", "--archive", str(archive)).stdout
    assert "(observed 2024-11-20T10:00:00)" in text and "(observed 2024-11-18T08:30:00)" in text
    assert ("note: observed order differs from sequence order (r2 was observed before r1); "
            "revisions are numbered as recorded") in text


def test_log_says_nothing_about_order_when_it_agrees(example_archive: Path) -> None:
    text = cli("log", "nato-ukraine", "--archive", str(example_archive)).stdout
    assert "observed order" not in text


# ----- durability ----------------------------------------------------------------------------
def test_objects_are_durable_before_the_branch_names_them(archive: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's objects are one pack: the pack and its index are fsynced (with the bytes
    they have in objects/pack/), objects/pack/ is fsynced after the renames, and the ledger
    line is written, before `git update-ref` runs (git then fsyncs the ref itself:
    core.fsync=committed)."""
    synced: set[str] = set()
    synced_bytes: set[str] = set()  # sha256 of each file's content when it was fsynced
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        path = os.readlink(f"/proc/self/fd/{fd}")
        synced.add(path)
        if os.path.isfile(path):
            synced_bytes.add(hashlib.sha256(Path(path).read_bytes()).hexdigest())

    checked: list[int] = []
    real_update_ref = append.update_ref

    def update_ref(git_dir: Path, ref: str, new: str, old: str, *rest: object) -> object:
        pack_dir = git_dir / "objects" / "pack"
        assert str(pack_dir) in synced, "objects/pack/ not fsynced after the renames"
        packed: set[str] = set()
        for index in pack_dir.glob("pack-*.idx"):
            pack = index.with_suffix(".pack")
            names = {line.split()[1] for line in subprocess.run(
                ["git", "show-index"], stdin=index.open("rb"), capture_output=True, text=True,
                check=True).stdout.splitlines()}
            if new in names:  # the batch's pack: its two files were fsynced as they are now
                for part in (index, pack):
                    assert hashlib.sha256(part.read_bytes()).hexdigest() in synced_bytes, part
                packed |= names
        reachable = git_out(archive, "rev-list", "--objects", new, f"^{old}").split()
        shas = {line.split()[0] for line in reachable if len(line) >= 40}
        assert shas and shas <= packed, "objects the new commit needs are not in the pack"
        last = (git_dir / "chronicle-ledger.jsonl").read_text().splitlines()[-1]
        assert json.loads(last)["op"] == "begin" and json.loads(last)["tip"] == new
        checked.append(len(reachable))
        return real_update_ref(git_dir, ref, new, old, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(gitobjects.os, "fsync", fsync)
    monkeypatch.setattr(append, "update_ref", update_ref)
    files = write_variants(tmp_path / "in", [1, 2, 3])
    result = cli("ingest", *map(str, files), "-b", "durable", "--archive", str(archive))
    assert result.exit_code == 0
    assert checked == [checked[0]]  # the branch moved once, after the checks above
    temp_names = {p for p in synced if "/chronicle-tmp/" in p}
    assert {Path(p).suffix for p in temp_names} == {".pack", ".idx"}, "fsynced before rename"
    assert (archive / ".git/config").read_text().count("fsync = committed") == 1
    assert fsck_problems(archive) == []


def test_a_kill_between_the_two_pack_renames_is_cleaned_up(archive: Path,
                                                           tmp_path: Path) -> None:
    """The .idx is renamed in first: an .idx without its .pack is removed by recovery, and
    git, gitdb and the next write never see half a pack."""
    files = write_variants(tmp_path / "in", [1, 2])
    assert cli("ingest", str(files[0]), "-b", "k", "--archive", str(archive)).exit_code == 0
    pack_dir = archive / ".git/objects/pack"
    orphan = pack_dir / ("pack-" + "ab" * 20 + ".idx")
    orphan.write_bytes(next(pack_dir.glob("pack-*.idx")).read_bytes())
    (archive / ".git/chronicle-dirty").write_text("1\n")  # the killed writer's marker
    assert fsck_problems(archive) == []  # git ignores an .idx without its .pack
    assert cli("ingest", str(files[1]), "-b", "k", "--archive", str(archive)).exit_code == 0
    assert not orphan.exists()
    assert cli("verify", "--archive", str(archive)).exit_code == 0
    assert fsck_problems(archive) == []


def test_a_missing_object_is_reported_as_a_corrupt_archive(archive: Path, tmp_path: Path) -> None:
    files = write_variants(tmp_path / "in", [1])
    assert cli("ingest", str(files[0]), "-b", "m", "--archive", str(archive)).exit_code == 0
    opened = store.Archive(archive)
    try:
        with pytest.raises(CorruptArchive, match="is missing"):
            list(opened.objects.read_many([bytes(20)]))
        with pytest.raises(CorruptArchive, match="is missing"):
            opened.objects.read(bytes(20))
        assert len(opened.events("m")) == 1  # the reader still works after the miss
    finally:
        opened.close()


def test_archive_config(archive: Path) -> None:
    config = {key: git_out(archive, "config", "--get", key) for key in
              ("core.fsync", "core.fsyncMethod", "core.logAllRefUpdates", "gc.auto",
               "chronicle.ledger")}
    assert config == {"core.fsync": "committed", "core.fsyncMethod": "fsync",
                      "core.logAllRefUpdates": "true", "gc.auto": "0", "chronicle.ledger": "true"}
    # no wide pack.window: git would search it for every fetch the archive serves
    assert git(archive, "config", "--get", "pack.window", check=False).returncode == 1


def test_objects_written_by_chronicle_are_what_git_writes(archive: Path) -> None:
    assert cli("ingest", str(REVISIONS[0]), "-b", "x", "--archive", str(archive)).exit_code == 0
    event = archive / event_path("x", 1)
    assert git_out(archive, "hash-object", str(event)) == git_out(
        archive, "rev-parse", f"HEAD:{event_path('x', 1)}")
    assert fsck_problems(archive) == []
    assert not any((archive / ".git/chronicle-tmp").iterdir())


# ----- ledger --------------------------------------------------------------------------------
def test_ledger_records_every_branch_move(example_archive: Path) -> None:
    lines = [json.loads(x) for x in
             (example_archive / ".git/chronicle-ledger.jsonl").read_text().splitlines()]
    assert [x["op"] for x in lines] == ["begin", "done", "begin", "done"]
    events = lines[2]["events"]
    assert [(e["briefing"], e["sequence"]) for e in events] == [
        ("nato-ukraine", n) for n in (1, 2, 3)]
    head = git_out(example_archive, "rev-parse", "HEAD")
    assert lines[2]["tip"] == events[-1]["commit"] == head
    for event in events:
        raw = (example_archive / event["path"]).read_bytes()
        assert __import__("hashlib").sha256(raw).hexdigest() == event["sha256"]


def test_ledger_drops_a_torn_last_line_and_closes_a_pending_batch(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.begin(None, "a" * 40, [], "t")
    ledger.done("a" * 40)
    ledger.begin("a" * 40, "b" * 40, [], "t")
    with ledger.path.open("ab") as handle:
        handle.write(b'{"op":"do')  # cut short
    assert ledger.pending()
    assert ledger.resolve("b" * 40)[0] == "done"
    ops = [json.loads(x)["op"] for x in ledger.path.read_text().splitlines()]
    assert ops == ["begin", "done", "begin", "done"]
    ledger.begin("b" * 40, "c" * 40, [], "t")
    assert ledger.resolve("b" * 40)[0] == "abort"  # the branch never got there
    contents = ledger.read()
    assert [b.state for b in contents.batches] == ["done", "done", "abort"]
    assert contents.problems == []
    assert ledger.resolve("b" * 40) == (None, None)


# ----- the lock ------------------------------------------------------------------------------
def test_lock_file_is_never_removed_and_the_lock_is_exclusive(archive: Path) -> None:
    first = locking.WriterLock(archive / ".git/chronicle.lock")
    second = locking.WriterLock(archive / ".git/chronicle.lock")
    assert first.acquire(1)
    assert not second.acquire(0.1)
    first.release()
    assert second.acquire(0)
    second.release()
    assert (archive / ".git/chronicle.lock").exists()


def test_a_read_does_not_clean_up_under_a_live_writer(archive: Path) -> None:
    """With the lock held by someone else, git lock files may be theirs: left alone."""
    from archive_tools import hold_lock

    index_lock = archive / ".git/index.lock"
    holder = hold_lock(archive)
    try:
        index_lock.write_bytes(b"")
        assert cli("list", "--archive", str(archive)).exit_code == 0
        assert index_lock.exists()
    finally:
        os.close(holder)
    assert cli("list", "--archive", str(archive)).exit_code == 0
    assert not index_lock.exists()  # now it is provably stale, and cleaned


def test_failed_write_leaves_the_dirty_marker_for_recovery(archive: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.errors import ArchiveError

    def failing(*args: object, **kwargs: object) -> bool:
        raise ArchiveError("disk on fire")

    monkeypatch.setattr(append, "update_ref", failing)
    [revision] = write_variants(tmp_path / "in", [1])
    assert cli("ingest", str(revision), "-b", "x", "--archive", str(archive)).exit_code == 4
    assert (archive / ".git/chronicle-dirty").exists()
    monkeypatch.undo()
    assert Archive(archive).head()  # opening recovers
    assert not (archive / ".git/chronicle-dirty").exists()
    ops = [json.loads(x)["op"] for x in
           (archive / ".git/chronicle-ledger.jsonl").read_text().splitlines()]
    assert ops[-2:] == ["begin", "abort"]
    assert cli("verify", "--archive", str(archive)).exit_code == 0
