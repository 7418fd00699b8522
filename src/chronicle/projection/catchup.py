"""Catching the projection up from git: the rows of every briefing whose folder tree
differs from the one stored, read from its events (see chronicle.projection.update for
when and how a catch-up runs).

What changed is found by comparing git trees, not by walking commits: the projection
keeps the tree id of ``briefings/``, of each ``briefings/<aa>/`` bucket and of each
briefing's folder, and each event file's blob id. A briefing whose folder tree differs
gained events (its stored blobs are a prefix of the folder's: only the new events are
read and walked on from the last one) or was rewritten (anything else: it is built again
from its events). A briefing whose events cannot be read gets no rows and a line in
``unreadable``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..derive import is_current
from ..errors import ChronicleError, CorruptArchive
from ..layout import MAX_EVENT_BYTES, ROOT, briefing_folder
from ..replay import RevisionState, replay
from .rows import (
    Carry,
    Dates,
    Facts,
    Rows,
    Run,
    add_step,
    comparable_state,
    extractor_key,
    listing_entry,
    walk_on,
)
from .schema import PUBLIC, TABLE

if TYPE_CHECKING:
    from ..repository import ArchiveTree
    from ..store import Archive
    from .parallel import Prepared

CHUNK = 128  # revisions decoded and walked at a time: memory stays flat on long briefings
Progress = Callable[[int], None]  # events done so far


@dataclass(frozen=True)
class NewEvent:
    """An event to add: its replayed state and what its row records of the stored file."""

    state: RevisionState
    content_sha256: str
    event_sha256: str
    event_blob: str


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
        self.prepared: Prepared | None = None  # rows derived ahead (projection.parallel)

    def run(self, commit: str) -> None:
        """Bring the rows to ``commit`` (taking rows derived ahead from ``prepared``)."""
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

    def changed_folders(self, tree: ArchiveTree) -> Iterator[tuple[str, str]]:
        """(name, folder) of every briefing of ``tree`` whose folder tree differs from the
        one stored, in the order ``run`` visits them."""
        if _tree_id(tree.entries(""), ROOT) == self._stored_tree(ROOT):
            return
        now = {name: sha.hex() for name, (_, sha) in tree.entries(ROOT).items()}
        then = self._children(ROOT)
        for bucket in sorted(b for b in now if now[b] != then.get(b)):
            folder = f"{ROOT}/{bucket}"
            inside = {name: s.hex() for name, (_, s) in tree.entries(folder).items()}
            stored = self._children(folder)
            yield from ((name, f"{folder}/{name}") for name in sorted(inside)
                        if inside[name] != stored.get(name))

    def has_rows(self, name: str) -> bool:
        """Whether ``name`` has revisions stored."""
        return self.db.execute("SELECT 1 FROM revisions WHERE briefing = ? LIMIT 1",
                               (name,)).fetchone() is not None

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
                if count or not self._built_elsewhere(name):
                    self.build_briefing(name, folder, names, blobs)
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

    def build_briefing(self, name: str, folder: str, names: list[str],
                       blobs: list[bytes]) -> None:
        """Rows for a briefing from its first event (read again if its events mix
        extractors)."""
        def events() -> Iterator[list[NewEvent]]:
            return self._events(folder, names, blobs, 0, (0, None))

        if not self.build(name, events(), reread=False):
            self._forget(name)
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
        self._store_briefing((
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
            note_listing(self.db, name)
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
        self._store_rows(rows)
        assert carry is not None
        return carry

    # ----- where rows go (a worker of projection.parallel keeps them instead)
    def _store_rows(self, rows: Rows) -> None:
        insert(self.db, rows)
        self.done += len(rows)
        if self.on_progress is not None:
            self.on_progress(self.done)

    def _store_briefing(self, row: tuple[Any, ...]) -> None:
        self.db.execute("INSERT INTO briefings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        note_listing(self.db, row[0])

    def _forget(self, name: str) -> None:
        forget(self.db, name)

    def _built_elsewhere(self, name: str) -> bool:
        """Whether ``name``'s rows were derived ahead, in parallel (and are now stored)."""
        if self.prepared is None:
            return False
        found = self.prepared.take(name)
        if found is None:
            return False
        if isinstance(found, ChronicleError):
            raise found
        for rows in found.rows:
            self._store_rows(rows)
        self._store_briefing(found.briefing)
        return True

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
    db.execute("DELETE FROM listing WHERE briefing = ?", (briefing,))


def note_listing(db: sqlite3.Connection, briefing: str) -> None:
    """``briefing``'s entry of `list --json`, made from its row of ``briefings``."""
    row = db.execute("SELECT revisions, last_recorded_at, last_observed_at, headline FROM "
                     "briefings WHERE id = ?", (briefing,)).fetchone()
    db.execute("INSERT OR REPLACE INTO listing VALUES (?, ?)",
               (briefing, listing_entry(briefing, *row)))


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


