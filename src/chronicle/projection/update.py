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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..derive import is_current
from ..errors import ChronicleError, CorruptArchive
from ..gitobjects import fsync_dir, object_sha
from ..layout import MAX_EVENT_BYTES, ROOT, briefing_folder, event_path, sha256_hex
from ..model import Origin
from ..replay import RevisionState, replay
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
from .rows import (
    Carry,
    Dates,
    Facts,
    Rows,
    Run,
    add_step,
    comparable_state,
    extractor_key,
    walk_on,
)
from .schema import FILE_NAME, PUBLIC, TABLE

if TYPE_CHECKING:
    from ..append import NewRevision, Prior
    from ..repository import ArchiveTree
    from ..store import Archive

CHUNK = 128  # revisions decoded and walked at a time: memory stays flat on long briefings
Progress = Callable[[int], None]  # events done so far


@dataclass(frozen=True)
class NewEvent:
    """An event to add: its replayed state and what its row records of the stored file."""

    state: RevisionState
    content_sha256: str
    event_sha256: str
    event_blob: str


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
                CatchUp(archive, db, on_progress).run(head)
            if rebuilding:
                add_indexes(db)
            done = replace(wanted, tip=head)
            write_meta(db, done)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return done


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


# ----- catching up from git -----------------------------------------------------------------
class CatchUp:
    """One transaction's worth of bringing the stored rows to a commit's tree."""

    def __init__(self, archive: Archive, db: sqlite3.Connection,
                 on_progress: Progress | None = None) -> None:
        self.archive = archive
        self.db = db
        self.on_progress = on_progress
        self.done = 0
        self.current = extractor_key(None)
        self.unreadable = {row[0] for row in db.execute("SELECT briefing FROM unreadable")}

    def run(self, commit: str) -> None:
        tree = self.archive.tree(commit)
        root = _tree_id(tree.entries(""), ROOT)
        if root == self._stored_tree(ROOT):
            return
        now = {name: sha.hex() for name, (_, sha) in tree.entries(ROOT).items()}
        then = self._children(ROOT)
        for bucket in sorted(now.keys() | then.keys()):
            if now.get(bucket) != then.get(bucket):
                self._bucket(tree, bucket, now.get(bucket))
        self._set_tree(ROOT, "", root)

    def _bucket(self, tree: ArchiveTree, bucket: str, sha: str | None) -> None:
        folder = f"{ROOT}/{bucket}"
        now = {name: s.hex() for name, (_, s) in tree.entries(folder).items()} if sha else {}
        then = self._children(folder)
        for name in sorted(now.keys() | then.keys()):
            if now.get(name) == then.get(name):
                continue
            if name in now:
                self.briefing(tree, name, f"{folder}/{name}")
            else:
                forget(self.db, name)
            self._set_tree(f"{folder}/{name}", folder, now.get(name))
        self._set_tree(folder, ROOT, sha)

    def briefing(self, tree: ArchiveTree, name: str, folder: str) -> None:
        """Bring one briefing's rows to its folder in ``tree``."""
        entries = tree.entries(folder)
        names = sorted(entries)
        blobs = [entries[n][1] for n in names]
        stored = self.db.execute("SELECT event_blob FROM revisions WHERE briefing = ? "
                                 "ORDER BY sequence", (name,)).fetchall()
        count = len(stored)
        try:
            if not names:
                raise CorruptArchive(f"{self.archive.path}/{folder}: not a briefing's folder "
                                     "of events")
            same = count <= len(names) and all(
                row[0] == blob.hex() for row, blob in zip(stored, blobs, strict=False))
            if not (count and same and self._extend_from_git(name, folder, names, blobs, count)):
                if count:
                    forget(self.db, name)
                self._build_from_git(name, folder, names, blobs)
            if name in self.unreadable:
                self.db.execute("DELETE FROM unreadable WHERE briefing = ?", (name,))
        except ChronicleError as error:  # the events say what is wrong when asked
            forget(self.db, name)
            self.db.execute("INSERT OR REPLACE INTO unreadable VALUES (?, ?)", (name, str(error)))

    # ----- events from git
    def _events(self, folder: str, names: list[str], blobs: list[bytes], start: int,
                chain: tuple[int, str | None]) -> Iterator[list[NewEvent]]:
        """The events from index ``start`` on, decoded and chain-checked, CHUNK at a time."""
        after, previous = chain
        for low in range(start, len(names), CHUNK):
            chunk = range(low, min(low + CHUNK, len(names)))
            raws = self.archive.objects.read_many((blobs[i] for i in chunk), MAX_EVENT_BYTES)
            stored = [self.archive.parse_event(f"{folder}/{names[i]}", raw)
                      for i, raw in zip(chunk, raws, strict=True)]
            states = replay(stored, after, previous)
            yield [NewEvent(state, event.event.content_sha256, event.sha256, blobs[i].hex())
                   for i, state, event in zip(chunk, states, stored, strict=True)]
            after, previous = states[-1].sequence, stored[-1].sha256

    def _build_from_git(self, name: str, folder: str, names: list[str],
                        blobs: list[bytes]) -> None:
        def events() -> Iterator[list[NewEvent]]:
            return self._events(folder, names, blobs, 0, (0, None))

        if not self.build(name, events(), reread=False):
            forget(self.db, name)
            self.build(name, events(), reread=True)

    def _extend_from_git(self, name: str, folder: str, names: list[str], blobs: list[bytes],
                         count: int) -> bool:
        """Add the events after the ``count`` stored ones; False if it must be rebuilt."""
        if count == len(names):
            return True
        last = self.db.execute("SELECT event_sha256 FROM revisions WHERE briefing = ? AND "
                               "sequence = ?", (name, count)).fetchone()
        if last is None:
            return False

        def prior() -> RevisionState:
            path = f"{folder}/{names[count - 1]}"
            [raw] = self.archive.objects.read_many([blobs[count - 1]], MAX_EVENT_BYTES)
            return _decoded(self.archive, path, raw)

        chunks = self._events(folder, names, blobs, count, (count, last[0]))
        return self.extend(name, chunks, prior)

    # ----- rows
    def build(self, name: str, chunks: Iterable[list[NewEvent]], reread: bool) -> bool:
        """Rows for a briefing from its first event; False if its events name different
        extractors and ``reread`` is off (it must be built again, rereading)."""
        carry: Carry | None = None
        extractors: set[str] = set()
        first: RevisionState | None = None
        last: RevisionState | None = None
        known: set[str] = set()
        for chunk in chunks:
            extractors.update(extractor_key(e.state.extractor) for e in chunk)
            if len(extractors) > 1 and not reread:
                return False
            carry = self._add(chunk, carry, reread, known)
            first = first or chunk[0].state
            last = chunk[-1].state
        assert first is not None and last is not None
        recorded_by = next(iter(extractors)) if len(extractors) == 1 else None
        self.db.execute("INSERT INTO briefings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            name, last.sequence, last.revision.headline, first.observed_at, last.observed_at,
            first.recorded_at, last.recorded_at, recorded_by))
        return True

    def extend(self, name: str, chunks: Iterable[list[NewEvent]],
               prior: Callable[[], RevisionState]) -> bool:
        """Add events after the stored ones, walking on from the last stored revision;
        False if the briefing must be built again instead (it now mixes extractors and
        its rows were not today's reading)."""
        row = self.db.execute("SELECT recorded_by FROM briefings WHERE id = ?",
                              (name,)).fetchone()
        if row is None:
            return False
        recorded_by: str | None = row[0]
        carry: Carry | None = None
        last: RevisionState | None = None
        for chunk in chunks:
            keys = {extractor_key(e.state.extractor) for e in chunk}
            if recorded_by is not None and keys != {recorded_by}:
                if recorded_by != self.current:
                    return False  # the stored rows are not today's reading: read all again
                recorded_by = None  # from now on mixed; the stored rows are today's already
            reread = recorded_by is None
            if carry is None:
                carry = load_carry(self.db, name, comparable_state(prior(), reread))
            carry = self._add(chunk, carry, reread, set(carry.figures.values()))
            last = chunk[-1].state
        if last is not None:
            self.db.execute(
                "UPDATE briefings SET revisions = ?, headline = ?, last_observed_at = ?, "
                "last_recorded_at = ?, recorded_by = ? WHERE id = ?",
                (last.sequence, last.revision.headline, last.observed_at, last.recorded_at,
                 recorded_by, name))
        return True

    def _add(self, chunk: list[NewEvent], carry: Carry | None, reread: bool,
             known: set[str]) -> Carry:
        states = [comparable_state(e.state, reread) for e in chunk]
        rows = Rows()
        previous = carry.state if carry else None
        for (step, after), event in zip(walk_on(carry, states), chunk, strict=True):
            facts = Facts(event.content_sha256, event.event_sha256, event.event_blob,
                          extractor_key(event.state.extractor),
                          reread and not is_current(event.state.extractor))
            add_step(rows, step, after, previous, facts, known)
            previous, carry = step.state, after
        insert(self.db, rows)
        self.done += len(chunk)
        if self.on_progress is not None:
            self.on_progress(self.done)
        assert carry is not None
        return carry

    # ----- trees
    def _stored_tree(self, path: str) -> str | None:
        row = self.db.execute("SELECT tree FROM git_trees WHERE path = ?", (path,)).fetchone()
        return None if row is None else str(row[0])

    def _children(self, parent: str) -> dict[str, str]:
        rows = self.db.execute("SELECT path, tree FROM git_trees WHERE parent = ?", (parent,))
        return {path.rsplit("/", 1)[1]: tree for path, tree in rows}

    def _set_tree(self, path: str, parent: str, sha: str | None) -> None:
        if sha is None:
            self.db.execute("DELETE FROM git_trees WHERE path = ?", (path,))
        else:
            self.db.execute("INSERT OR REPLACE INTO git_trees VALUES (?, ?, ?)",
                            (path, parent, sha))

    def note_trees(self, commit: str, briefings: Iterable[str]) -> None:
        """Record the trees of ``commit`` on the paths to ``briefings`` (after an append
        that changed only those)."""
        tree = self.archive.tree(commit)
        self._set_tree(ROOT, "", _tree_id(tree.entries(""), ROOT))
        for name in briefings:
            folder = briefing_folder(name)
            bucket = folder.rsplit("/", 1)[0]
            buckets = tree.entries(ROOT)
            self._set_tree(bucket, ROOT, _tree_id(buckets, bucket.rsplit("/", 1)[1]))
            self._set_tree(folder, bucket, _tree_id(tree.entries(bucket), name))


def _decoded(archive: Archive, path: str, raw: bytes) -> RevisionState:
    """One event's state, decoded in full (the revision a catch-up walks on from)."""
    stored = archive.parse_event(path, raw)
    event = stored.event
    return RevisionState(event.briefing, event.sequence, event.event_id, event.recorded_at,
                         event.observed_at, event.origin, event.revision, path, event.extractor)


def _tree_id(entries: dict[str, tuple[int, bytes]], name: str) -> str | None:
    """The id an entry names (a tree, or whatever a damaged archive put there)."""
    entry = entries.get(name)
    return None if entry is None else entry[1].hex()


def insert(db: sqlite3.Connection, rows: Rows) -> None:
    for table, values in rows.tables().items():
        if not values:
            continue
        marks = ", ".join("?" * len(TABLE[table].columns))
        # a run already stored grows: its row is replaced with the longer one
        verb = {"figure_lineages": "INSERT OR IGNORE",
                "figure_runs": "INSERT OR REPLACE"}.get(table, "INSERT")
        db.executemany(f"{verb} INTO {table} VALUES ({marks})", values)


def forget(db: sqlite3.Connection, briefing: str) -> None:
    """Every row of ``briefing`` gone (within the caller's transaction)."""
    for table in reversed(PUBLIC):  # rows that refer to others first; briefings last
        column = "id" if table == "briefings" else "briefing"
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (briefing,))


def load_carry(db: sqlite3.Connection, briefing: str, state: RevisionState) -> Carry:
    """Where a briefing's next revision walks on from: its last revision's stored lineages
    and blame dates, with ``state`` (that revision, as compared)."""
    key = (briefing, state.sequence)
    claims, quotes = {}, {}
    claim_dates: dict[str, Dates] = {}
    quote_dates: dict[str, Dates] = {}
    for item, lineage, text, introduced, changed in db.execute(
            "SELECT id, lineage, text, introduced, changed FROM claims WHERE briefing = ? AND "
            "sequence = ? ORDER BY position", key):
        claims[item] = lineage
        claim_dates[item] = Dates(introduced, changed, (text, None))
    for item, lineage, text, speaker, introduced, changed in db.execute(
            "SELECT id, lineage, text, speaker, introduced, changed FROM quotes WHERE "
            "briefing = ? AND sequence = ? ORDER BY position", key):
        quotes[item] = lineage
        quote_dates[lineage] = Dates(introduced, changed, (text, speaker))
    figures = dict(db.execute("SELECT id, lineage FROM figures WHERE briefing = ? AND "
                              "sequence = ?", key).fetchall())
    runs = {lineage: Run(start, until, (text, value, value_max, unit, qualifier, claim))
            for lineage, start, until, text, value, value_max, unit, qualifier, claim in
            db.execute("SELECT lineage, start, until, text, value, value_max, unit, qualifier, "
                       "claim FROM figure_runs WHERE briefing = ? AND until = ?", key)}
    return Carry(state, claims, quotes, figures, claim_dates, quote_dates, runs)


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
