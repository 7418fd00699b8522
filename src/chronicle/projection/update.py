"""Keeping the projection up to date: catching up from git, rebuilding, and appends.

What changed is found by comparing git trees, not by walking commits: the projection
keeps the tree id of ``briefings/``, of each ``briefings/<aa>/`` bucket and of each
briefing's folder, and each event file's blob id. A briefing whose folder tree differs
gained events (its stored blobs are a prefix of the folder's: only the new events are
read and walked on from the last one) or was rewritten (anything else: a sync that
re-sequenced it, a hand edit: it is built again from its events). This holds whatever
moved the branch: appends, a sync's fast-forward or rebase, a reset.

A briefing whose events cannot be read (a damaged or hostile archive) gets no rows and a
line in ``unreadable``; commands about it answer from the events, which report the
problem as they always have.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ChronicleError
from ..gitobjects import fsync_dir, object_sha
from ..layout import ROOT, briefing_folder, event_path, sha256_hex
from ..model import Origin
from ..replay import RevisionState
from .catchup import CatchUp, NewEvent, Progress, forget
from .database import (
    Meta,
    Unavailable,
    add_indexes,
    connect,
    meta_at,
    path_of,
    projection_lock,
    read_meta,
    remove_files,
    reset,
    wanted_meta,
    write_meta,
)
from .parallel import derive_ahead
from .rows import (
    extractor_key,
)
from .schema import FILE_NAME

if TYPE_CHECKING:
    from ..append import NewRevision, Prior
    from ..store import Archive



# ----- bringing it up to date ---------------------------------------------------------------
def up_to_date(archive: Archive, on_progress: Progress | None = None) -> Meta:
    """Bring the projection of ``archive`` to its branch tip (catching up or rebuilding) and
    return its meta; Unavailable if it cannot be kept here."""
    repository = archive.repository
    path = path_of(repository)
    wanted = wanted_meta(repository, extractor_key(None), create=True)
    current = _current_meta(path, wanted, archive.head())
    if current is not None:
        return current
    with projection_lock(repository, wait=True), writable(path) as db:
        head = archive.head()
        meta = read_meta(db)
        if meta is not None and meta.trusted(wanted) and meta.tip == head:
            return meta
        db.execute("BEGIN IMMEDIATE")
        try:
            rebuilding = meta is None or not meta.trusted(wanted)
            if rebuilding:
                reset(db, indexes=False)
            if head is not None:
                _catch_up(CatchUp(archive, db, on_progress), head)
            if rebuilding:
                add_indexes(db)
            done = replace(wanted, tip=head)
            write_meta(db, done)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return done


def _catch_up(catch_up: CatchUp, head: str) -> None:
    """Run ``catch_up`` to ``head``, with the rows of the short briefings it builds from
    nothing (all of them in a build from nothing) derived in worker processes while this
    one stores them."""
    with derive_ahead(catch_up, catch_up.archive.tree(head)) as catch_up.prepared:
        catch_up.run(head)
    catch_up.prepared = None


@contextlib.contextmanager
def writable(path: Path) -> Iterator[sqlite3.Connection]:
    """A writable connection to the projection at ``path`` (under the lock). One made from
    nothing is made as ``NAME.new`` and renamed into place once closed (its WAL folded in):
    a kill never leaves a half-made projection, only a leftover that the next one replaces."""
    if path.exists():
        db = _open(path)
        try:
            yield db
        finally:
            db.close()
        return
    fresh = path.with_name(path.name + ".new")
    remove_files(fresh)
    db = _open(fresh)
    # Built without a WAL, no other connection let in: every commit is in the file itself.
    # (In WAL mode a whole build sat in the WAL until the closing checkpoint, which a full
    # disk or another reader of the file could stop without a word: the file renamed into
    # place then lacked its rows, its meta left behind in NAME.new-wal, and every later
    # command built it again or answered from the events.)
    db.execute("PRAGMA journal_mode = MEMORY")
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    # No syncs while it is made: the file is fsynced once before it is renamed into place,
    # and a kill before that leaves only NAME.new, which the next build replaces.
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN EXCLUSIVE")  # taken now and kept until it is closed
    db.execute("COMMIT")
    try:
        yield db
        db.execute("PRAGMA journal_mode = WAL")  # as the file's later users open it
    except BaseException:
        db.close()
        remove_files(fresh)
        raise
    db.close()
    if _wal_frames(fresh):  # pragma: no cover - the WAL above holds no transaction
        remove_files(fresh)
        raise Unavailable(f"{fresh}: its WAL could not be folded into it")
    if fresh.exists():
        with open(fresh, "rb+") as made:
            os.fsync(made.fileno())
        os.replace(fresh, path)
        fsync_dir(path.parent)


def _wal_frames(path: Path) -> bool:
    """Does ``path`` have a WAL holding any frame (more than its 32-byte header)?"""
    try:
        return (path.parent / f"{path.name}-wal").stat().st_size > 32
    except FileNotFoundError:
        return False


def _current_meta(path: Any, wanted: Meta, head: str | None) -> Meta | None:
    """The meta, if the projection at ``path`` is current for ``head`` (no lock taken)."""
    meta = meta_at(path)
    return meta if meta is not None and meta.trusted(wanted) and meta.tip == head else None


def _open(path: Any) -> sqlite3.Connection:
    """A writable connection, replacing a file that is not a database (under the lock)."""
    try:
        db = connect(path)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError as error:
        raise Unavailable(f"{path}: {error}") from None
    except sqlite3.DatabaseError:
        remove_files(path)
    try:
        return connect(path)
    except sqlite3.Error as error:
        raise Unavailable(f"{path}: {error}") from None


def discard(archive: Archive) -> None:
    """Remove a damaged projection: the next command builds a new one."""
    repository = archive.repository
    with projection_lock(repository, wait=True):
        remove_files(path_of(repository))


@contextlib.contextmanager
def scratch(archive: Archive) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """A projection of ``archive`` built in a temporary folder (for an export where none
    can be kept), with a read-only connection to it; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="chronicle-read-model-") as folder:
        path = Path(folder) / FILE_NAME
        db = connect(path)
        try:
            db.execute("BEGIN")
            reset(db, indexes=False)
            head = archive.head()
            if head is not None:
                CatchUp(archive, db).run(head)
            add_indexes(db)
            db.execute("COMMIT")
        finally:
            db.close()
        reader = connect(path, read_only=True)
        try:
            yield path, reader
        finally:
            reader.close()


# ----- appends --------------------------------------------------------------------------------
class AppendObserver:
    """Told of each event an append writes and of each branch move: adds the moved events
    to the projection from memory (no event is read back from git) in one transaction
    after the branch has moved. Never fails the append: if the projection cannot be
    updated now (another process is updating it, it cannot be written), it stays behind
    and the next command catches it up from git."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.pending: list[tuple[NewRevision, dict[str, Any], bytes, Prior | None]] = []
        self.problem: str | None = None  # why the last update was skipped, for tests

    def added(self, item: NewRevision, document: dict[str, Any], data: bytes,
              previous: Prior | None) -> None:
        self.pending.append((item, document, data, previous))

    def flushed(self, start: str | None, tip: str) -> None:
        """The branch moved to ``tip``, whose commits build on ``start``."""
        pending, self.pending = self.pending, []
        try:
            self._apply(start, tip, pending)
            self.problem = None
        except (Unavailable, sqlite3.Error, OSError, ChronicleError) as error:
            self.problem = str(error)

    def _apply(self, start: str | None, tip: str,
               pending: list[tuple[NewRevision, dict[str, Any], bytes, Prior | None]]) -> None:
        repository = self.archive.repository
        path = path_of(repository)
        wanted = wanted_meta(repository, extractor_key(None), create=True)
        if not self._worth_keeping(path, wanted, start):
            return
        with projection_lock(repository, wait=False) as held:
            if not held:
                self.problem = "another process is updating the projection"
                return
            with writable(path) as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    self._apply_in(db, wanted, start, tip, pending)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise

    def _worth_keeping(self, path: Path, wanted: Meta, start: str | None) -> bool:
        """Whether this append keeps the projection: one this code trusts, or none yet in
        an archive without events. Building one for a whole archive (minutes at 100,000
        events) is left to the next command that reads it, so appends stay flat."""
        meta = meta_at(path)
        if meta is not None and meta.trusted(wanted):
            return True
        return start is None or not self.archive.tree(start).entries(ROOT)

    def _apply_in(self, db: sqlite3.Connection, wanted: Meta, start: str | None, tip: str,
                  pending: list[tuple[NewRevision, dict[str, Any], bytes, Prior | None]]
                  ) -> None:
        meta = read_meta(db)
        if meta is None or not meta.trusted(wanted):
            reset(db)
            meta = None
        catch_up = CatchUp(self.archive, db)
        if (meta is None or meta.tip != start) and start is not None:
            catch_up.run(start)
        by_briefing: dict[str, list[tuple[NewRevision, dict[str, Any], bytes,
                                          Prior | None]]] = {}
        for entry in pending:
            by_briefing.setdefault(entry[0].briefing, []).append(entry)
        for name, entries in by_briefing.items():
            if not self._extend(catch_up, name, entries):  # read it from git instead
                forget(db, name)
                catch_up.briefing(self.archive.tree(tip), name, _folder(name))
        catch_up.note_trees(tip, by_briefing)
        write_meta(db, replace(wanted, tip=tip))

    def _extend(self, catch_up: CatchUp, name: str,
                entries: list[tuple[NewRevision, dict[str, Any], bytes, Prior | None]]) -> bool:
        """Add a briefing's new events from memory; False if they do not continue its
        stored rows (then it is brought up to date from git)."""
        db = catch_up.db
        first_document = entries[0][1]
        count = int(first_document["sequence"]) - 1
        last = db.execute("SELECT event_sha256, event_id, recorded_at, observed_at, source, "
                          "source_format, source_sha256, source_size FROM revisions WHERE "
                          "briefing = ? AND sequence = ?", (name, count)).fetchone()
        stored = db.execute("SELECT revisions FROM briefings WHERE id = ?", (name,)).fetchone()
        if count == 0:
            if stored is not None:
                return False
            events = self._events(entries)
            if not catch_up.build(name, [events], reread=False):
                forget(db, name)
                catch_up.build(name, [events], reread=True)
            return True
        previous = entries[0][3]
        if last is None or stored is None or stored[0] != count or previous is None or \
                last[0] != first_document["previous_sha256"]:
            return False
        origin = Origin(name=last[4], format=last[5], sha256=last[6], size=last[7])

        def prior() -> RevisionState:
            assert previous is not None
            return RevisionState(name, count, last[1], last[2], last[3], origin,
                                 previous.revision, event_path(name, count), previous.extractor)

        return catch_up.extend(name, [self._events(entries)], prior)

    @staticmethod
    def _events(entries: list[tuple[NewRevision, dict[str, Any], bytes, Prior | None]]
                ) -> list[NewEvent]:
        events = []
        for item, document, data, _ in entries:
            sequence = int(document["sequence"])
            state = RevisionState(item.briefing, sequence, str(document["event_id"]),
                                  str(document["recorded_at"]), str(document["observed_at"]),
                                  item.origin, item.revision, event_path(item.briefing, sequence),
                                  item.extractor)
            events.append(NewEvent(state, str(document["content_sha256"]), sha256_hex(data),
                                   object_sha(b"blob", data).hex()))
        return events


def _folder(briefing: str) -> str:
    return briefing_folder(briefing)
