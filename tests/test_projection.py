"""The read model (chronicle.projection): every answer equals a full replay's, however the
archive got where it is; it catches up, rebuilds and steps aside as it should."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from archive_tools import can_mount_read_only, read_only_run
from chronicle import api
from chronicle.errors import CorruptArchive
from chronicle.lineage import walk
from chronicle.projection import reading
from chronicle.store import Archive
from chronicle.views import log_entries, revision_message
from projection_tools import (
    EDITS,
    Spec,
    briefing_text,
    differences,
    new_revision,
    projection_file,
)
from test_store_contract import CONFIGURATIONS, new_archive

# ----- random archives ------------------------------------------------------------------------
# an append: which briefing, the edits that make its next revision, which extractor it
# claims (None: today's; "3": an older release's, so the briefing mixes extractors), and
# whether it goes through the API (the projection is told) or the store alone (the next
# read catches it up from git)
edits = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 5),
                           st.sampled_from([2, 3, 5, 40, 41, 1200, 61])), min_size=1, max_size=3)
appends = st.tuples(st.sampled_from(["floods", "floods", "budget"]), edits,
                    st.sampled_from([None, None, None, None, "3"]), st.booleans())
plans = st.tuples(st.lists(appends, min_size=5, max_size=14),
                  st.sets(st.integers(0, 13), max_size=3),  # drop the projection before
                  st.sets(st.integers(0, 13), max_size=3))  # compare before


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("CHRONICLE_PROJECTION_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(configuration=st.sampled_from(CONFIGURATIONS), plan=plans)
# Found by 150 examples: figure matching broke ties by where objects sat in memory, so the
# rebuild and the replay linked a figure differently in about half of the runs.
@example(configuration="bare", plan=(
    [("floods", [("source", 3, 3), ("split", 1, 5)], None, False),
     ("floods", [("source", 2, 3)], None, True),
     ("budget", [("figure", 4, 2), ("source", 0, 3), ("split", 4, 1200)], "3", False),
     ("budget", [("source", 3, 3)], None, True),
     ("floods", [("merge", 0, 5), ("source", 4, 5)], None, False),
     ("floods", [("quote", 4, 5), ("point figure", 3, 61), ("drop", 3, 2)], None, True),
     ("floods", [("add", 4, 3)], "3", False),
     ("floods", [("add", 3, 5), ("add", 1, 2), ("drop", 0, 3)], None, False),
     ("floods", [("merge", 1, 3)], None, True),
     ("floods", [("merge", 4, 5), ("add", 2, 61)], None, True),
     ("floods", [("merge", 4, 5)], None, True)], {9}, {9}))
def test_every_answer_equals_a_full_replay(
        tmp_path_factory: pytest.TempPathFactory, configuration: str,
        plan: tuple[list[tuple[str, list[tuple[str, int, int]], str | None, bool]], set[int],
                    set[int]]) -> None:
    folder = tmp_path_factory.mktemp("random")
    archive = new_archive(configuration, folder)
    told = api.with_read_model(Archive(archive.path))
    specs: dict[str, Spec] = {}
    todo, drops, checks = plan
    for number, (briefing, changes, extractor, through_api) in enumerate(todo):
        if number in drops:
            shutil.rmtree(archive.path / ".chronicle", ignore_errors=True)
        if number in checks and archive.briefings():
            assert differences(told) == []
        spec = specs.setdefault(briefing, Spec())
        for change in changes:
            spec.edit(*change)
        item = new_revision(briefing, spec.text(), f"{briefing}-{number}.txt", extractor)
        (told if through_api else archive).append_many([item], revision_message)
    event(f"revisions {max(len(archive.events(b)) for b in archive.briefings())}")
    groups = any(len(before) > 1 for b in archive.briefings()
                 for step in walk(api.history(archive, b)) for before in step.predecessors.values())
    event(f"a split or merge: {groups}")
    assert differences(told) == []


# ----- how it is kept -------------------------------------------------------------------------
def fill(archive: Archive, briefing: str, numbers: list[int], extractor: str | None = None
         ) -> None:
    items = [new_revision(briefing, briefing_text(n % 3, [(0, 4 + n % 2)],
                                                  [[(1, 40 + n), (2, 1200)], [(5, n)]], n % 2, 1),
                          f"{briefing}-{n}.txt", extractor) for n in numbers]
    archive.append_many(items, revision_message)


@pytest.fixture(params=CONFIGURATIONS)
def kept(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    """An archive of each set-up whose appends are told to the projection, with two
    briefings of a few revisions."""
    archive = api.with_read_model(new_archive(request.param, tmp_path))
    fill(archive, "floods", [1, 2, 3])
    fill(archive, "budget", [5, 6])
    return archive


def meta_of(archive: Archive) -> dict[str, str]:
    db = sqlite3.connect(projection_file(archive))
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    finally:
        db.close()


def test_appends_one_by_one_walk_on_from_the_stored_rows(tmp_path: Path) -> None:
    archive = api.with_read_model(new_archive("bare", tmp_path))
    spec = Spec()
    for number, change in enumerate([("figure", 0, 41), ("add", 0, 5), ("figure", 1, 3),
                                     ("drop", 0, 1), ("figure", 0, 61), ("quote", 0, 0)]):
        spec.edit(*change)
        archive.append_many([new_revision("floods", spec.text(), f"f{number}.txt")],
                            revision_message)
        assert meta_of(archive)["tip"] == archive.head()  # each append kept it current
    assert differences(archive) == []


@pytest.mark.slow
def test_an_append_updates_it_in_place(kept: Archive) -> None:
    assert meta_of(kept)["tip"] == kept.head()
    assert (projection_file(kept).parent / "projection.sqlite").is_file()
    assert differences(kept) == []
    db = sqlite3.connect(projection_file(kept))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_it_lives_where_git_ignores_it(kept: Archive) -> None:
    if kept.repository.work_tree is not None:
        status = kept.repository.git("status", "--porcelain", "--ignored=no").stdout.decode()
        assert ".chronicle" not in status
    assert projection_file(kept).parent == kept.path / ".chronicle"


@pytest.mark.slow
def test_appends_it_was_not_told_of_are_caught_up(kept: Archive) -> None:
    plain = Archive(kept.path)  # no observer: the store alone
    fill(plain, "floods", [4, 5])
    fill(plain, "rain", [7])
    assert meta_of(kept)["tip"] != kept.head()
    assert [e.sequence for e in api.log(kept, "floods")] == [1, 2, 3, 4, 5]
    assert meta_of(kept)["tip"] == kept.head()
    assert differences(kept) == []


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["missing", "not a database", "older format",
                                    "other extractor", "other code", "copied from elsewhere"])
def test_it_is_rebuilt_when_it_cannot_be_trusted(kept: Archive, damage: str) -> None:
    path = projection_file(kept)
    if damage == "missing":
        path.unlink()
    elif damage == "not a database":
        for name in ("projection.sqlite-wal", "projection.sqlite-shm"):
            (path.parent / name).unlink(missing_ok=True)
        path.write_bytes(b"this is not SQLite" * 100)
    else:
        key, value = {"older format": ("format", "0"),
                      # (a release with another extractor is other code as well: the
                      # builder compares the extractor too, under the projection's lock)
                      "other extractor": ("extractor", "chronicle/1"),
                      "other code": ("derivation", "0" * 32),
                      "copied from elsewhere": ("token", "f" * 32)}[damage]
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        if damage == "other extractor":
            db.execute("UPDATE meta SET value = ? WHERE key = 'derivation'", ("1" * 32,))
        db.execute("UPDATE revisions SET summary = 'forged'")  # would show if trusted
        db.commit()
        db.close()
    assert all(e.summary != "forged" for e in api.log(kept, "floods"))
    assert meta_of(kept)["tip"] == kept.head()
    assert differences(kept) == []


@pytest.mark.slow
def test_a_rewritten_briefing_is_built_again(kept: Archive, tmp_path: Path) -> None:
    """The branch moved to a history where a briefing's events differ (a sync's rebase,
    a reset): its rows follow the events, not the old rows."""
    api.log(kept, "floods")
    before = kept.head()
    fill(kept, "floods", [8])
    repository = kept.repository
    parent = repository.git("rev-parse", f"{before}~1").stdout.decode().strip()
    repository.git("update-ref", repository.branch, parent)  # budget r2 is gone
    fresh = api.with_read_model(Archive(kept.path))
    fill(fresh, "budget", [9])
    assert [e.source for e in api.log(fresh, "budget")] == ["budget-5.txt", "budget-9.txt"]
    assert [e.sequence for e in api.log(fresh, "floods")] == [1, 2, 3]
    assert differences(fresh) == []


@pytest.mark.slow
def test_briefings_that_mix_extractors_compare_like_with_like(kept: Archive) -> None:
    fill(kept, "older", [1, 2], extractor="3")  # as recorded: one extractor did both
    assert differences(kept) == []
    fill(kept, "older", [3])  # now mixed: the two older ones are read again
    assert differences(kept) == []
    db = sqlite3.connect(projection_file(kept))
    rows = db.execute("SELECT sequence, extractor, reread FROM revisions WHERE briefing = "
                      "'older' ORDER BY sequence").fetchall()
    assert [r[2] for r in rows] == [1, 1, 0]
    assert db.execute("SELECT recorded_by FROM briefings WHERE id = 'older'").fetchone() == (None,)
    db.close()


def test_commands_answer_from_it(kept: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the projection current, no event is replayed to answer."""
    import chronicle.api

    def no_replay(*_: object) -> None:
        raise AssertionError("replayed the events")

    monkeypatch.setattr(chronicle.api, "history", no_replay)
    monkeypatch.setattr(chronicle.api, "replayed_summaries", no_replay)
    assert [s.id for s in api.briefing_summaries(kept)] == ["budget", "floods"]
    assert len(api.log(kept, "floods")) == 3
    assert api.timeline(kept, "floods", "billion")
    assert api.blame(kept, "floods", 2)


def test_an_unreadable_briefing_is_reported_by_its_events(tmp_path: Path) -> None:
    """A hostile archive: one briefing's event is not valid. Its commands fail as they
    always did (the events name the problem); the others answer from the projection."""
    archive = api.with_read_model(new_archive("worktree", tmp_path))
    fill(archive, "floods", [1])
    fill(archive, "budget", [2])
    work = archive.path
    target = next((work / "briefings").glob("*/budget/000001.json"))
    target.write_text(target.read_text().replace('"sequence": 1', '"sequence": 7'))
    repository = archive.repository
    repository.git("add", "-A")
    repository.git("commit", "-q", "-m", "hand edit")
    fresh = api.with_read_model(Archive(work))
    with pytest.raises(CorruptArchive):
        api.log(fresh, "budget")
    with pytest.raises(CorruptArchive):
        api.briefing_summaries(fresh)
    assert len(api.log(fresh, "floods")) == 1
    db = sqlite3.connect(projection_file(fresh))
    assert [r[0] for r in db.execute("SELECT briefing FROM unreadable")] == ["budget"]
    db.close()


@pytest.mark.slow
@pytest.mark.skipif(not can_mount_read_only(), reason="root here may not mount read-only")
def test_without_write_access_commands_answer_from_the_events(kept: Archive) -> None:
    shutil.rmtree(kept.path / ".chronicle", ignore_errors=True)
    result = read_only_run(kept.path, "log", "floods", "--json", "--archive", str(kept.path))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["revisions"]) == 3


def test_a_reader_sees_the_old_state_or_the_new(kept: Archive) -> None:
    """WAL: a reader holding a snapshot is not blocked by an append, nor sees half of it."""
    with reading(kept) as db:
        db.execute("BEGIN")
        count = db.execute("SELECT count(*) FROM revisions").fetchone()[0]
        fill(kept, "floods", [11, 12])
        assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == count
        db.execute("COMMIT")
        assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == count + 2


def test_a_build_from_nothing_is_read_by_the_next_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: a projection built from nothing holds its rows and meta in the file that
    is renamed into place, whatever stops the closing WAL checkpoint (a full disk, or as
    here another process reading the new file during the build): the next command reads
    it, it neither builds it again nor answers from the events."""
    import chronicle.api
    from chronicle.projection import up_to_date, update

    archive = new_archive("bare", tmp_path)  # its appends keep no projection
    fill(archive, "floods", [1, 2])
    fill(archive, "budget", [5])
    fresh = projection_file(archive).with_name("projection.sqlite.new")
    peeks: list[sqlite3.Connection] = []

    def peek(_: int) -> None:  # a reader of the file being built, open until the end
        if not peeks:
            db = sqlite3.connect(fresh, timeout=0, isolation_level=None)
            peeks.append(db)
            with contextlib.suppress(sqlite3.OperationalError):  # refused: it is locked
                db.execute("BEGIN")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()

    try:
        up_to_date(archive, peek)
        assert peeks
        builds: list[object] = []
        real_reset = update.reset
        monkeypatch.setattr(update, "reset", lambda *a, **k: (builds.append(a),
                                                              real_reset(*a, **k)))

        def no_replay(*_: object) -> None:
            raise AssertionError("replayed the events")

        monkeypatch.setattr(chronicle.api, "replayed_summaries", no_replay)
        assert [s.id for s in api.briefing_summaries(archive)] == ["budget", "floods"]
        assert builds == []
        assert meta_of(archive)["tip"] == archive.head()
    finally:
        for db in peeks:
            db.close()


def test_a_build_from_nothing_in_workers_gives_the_same_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows derived in spawned workers (projection.parallel) answer as a full replay does,
    for briefings of one extractor, of mixed extractors and an unreadable one."""
    from chronicle.projection import parallel

    archive = api.with_read_model(new_archive("worktree", tmp_path))
    for n, name in enumerate(["floods", "budget", "quake", "storm", "fires"]):
        fill(archive, name, [n, n + 1, n + 2][: 1 + n % 3])
    fill(archive, "older", [1, 2], extractor="3")
    fill(archive, "older", [3])
    target = next((archive.path / "briefings").glob("*/budget/000001.json"))
    target.write_text(target.read_text().replace('"sequence": 1', '"sequence": 7'))
    archive.repository.git("add", "-A")
    archive.repository.git("commit", "-q", "-m", "hand edit")
    projection_file(archive).unlink()
    monkeypatch.setattr(parallel, "MIN_EVENTS", 1)
    monkeypatch.setattr(parallel, "EVENTS_PER_TASK", 2)
    monkeypatch.setattr(parallel, "IN_FLIGHT", 1)
    handed = _count_handed_briefings(monkeypatch)
    fresh = api.with_read_model(Archive(archive.path))
    with pytest.raises(CorruptArchive):
        api.briefing_summaries(fresh)  # budget's events say what is wrong, as before
    assert sorted(handed) == ["budget", "fires", "floods", "older", "quake", "storm"]
    db = sqlite3.connect(projection_file(fresh))
    assert [r[0] for r in db.execute("SELECT briefing FROM unreadable")] == ["budget"]
    assert db.execute("SELECT recorded_by FROM briefings WHERE id = 'older'").fetchone() == (None,)
    db.close()
    for name in ["floods", "quake", "storm", "fires", "older"]:
        assert [e.as_dict() for e in api.log(fresh, name)] == [
            e.as_dict() for e in log_entries(api.history(fresh, name))]


def _count_handed_briefings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two spawned workers; the names of the briefings they hand back, as they come."""
    from chronicle.projection import parallel

    monkeypatch.setenv("CHRONICLE_WORKERS", "2")
    handed: list[str] = []
    take = parallel.Prepared.take

    def counted(self: parallel.Prepared, name: str) -> object:
        found = take(self, name)
        if found is not None:
            handed.append(name)
        return found

    monkeypatch.setattr(parallel.Prepared, "take", counted)
    return handed


def test_a_catch_up_derives_new_briefings_in_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catch-up builds the briefings that are new to it in spawned workers; one that
    gained events walks on from its stored rows here; the answers are a full replay's."""
    from chronicle.projection import parallel

    archive = api.with_read_model(new_archive("bare", tmp_path))
    fill(archive, "floods", [1, 2])
    plain = Archive(archive.path)  # the store alone: the projection is not told
    fill(plain, "floods", [3])
    for n, name in enumerate(["budget", "quake", "storm"]):
        fill(plain, name, [n, n + 1, n + 2])
    monkeypatch.setattr(parallel, "MIN_EVENTS", 1)
    monkeypatch.setattr(parallel, "EVENTS_PER_TASK", 2)
    handed = _count_handed_briefings(monkeypatch)
    assert [s.id for s in api.briefing_summaries(archive)] == ["budget", "floods", "quake",
                                                               "storm"]
    assert sorted(handed) == ["budget", "quake", "storm"]
    assert meta_of(archive)["tip"] == archive.head()
    assert differences(archive) == []


def test_list_json_is_joined_from_stored_entries_as_it_was_written(kept: Archive) -> None:
    """`list --json` from the stored entries is byte for byte what the summaries give,
    hidden characters escaped; an entry orjson could not write falls back to them."""
    from chronicle.projection import queries
    from chronicle.render import to_json_bytes

    fill(kept, "storm", [4])
    db = sqlite3.connect(projection_file(kept))
    db.execute("UPDATE briefings SET headline = 'Flood\u202e — “zone” 2' WHERE id = 'storm'")
    db.execute("DELETE FROM listing WHERE briefing = 'storm'")
    from chronicle.projection.catchup import note_listing

    note_listing(db, "storm")
    db.commit()
    summaries = [s.as_dict() for s in api.briefing_summaries(kept)]
    assert api.briefing_listing_json(kept) == to_json_bytes({"briefings": summaries})
    assert b"\\u202e" in (api.briefing_listing_json(kept) or b"")
    db.execute("UPDATE listing SET entry = NULL WHERE briefing = 'storm'")
    db.commit()
    with reading(kept) as reader:
        assert queries.listing_json(reader) is None
    db.close()


def test_verify_names_each_difference_and_rebuild_mends_it(kept: Archive) -> None:
    db = sqlite3.connect(projection_file(kept))
    db.execute("UPDATE claims SET lineage = 'x' WHERE briefing = 'floods' AND sequence = 2 "
               "AND position = 0")
    db.execute("UPDATE listing SET entry = x'00' WHERE briefing = 'budget'")
    db.commit()
    db.close()
    found = [str(p) for p in api.verify(kept, rebuild=True).problems]
    assert any("claims row floods r2" in p and "lineage is 'x' in the read model" in p
               for p in found), found
    assert any("budget" in p and "briefing list" in p for p in found), found
    assert api.verify(kept).problems == []


def test_a_projection_of_the_format_before_is_built_again(kept: Archive) -> None:
    db = sqlite3.connect(projection_file(kept))
    db.execute("UPDATE meta SET value = '2' WHERE key = 'format'")
    db.execute("DROP TABLE listing")  # format 2 had none
    db.commit()
    db.close()
    assert [s.id for s in api.briefing_summaries(kept)] == ["budget", "floods"]
    assert meta_of(kept)["format"] == "3"
    assert api.briefing_listing_json(kept) is not None
    assert differences(kept) == []
