"""The git-backed event log: one immutable JSON file and one commit per revision.

This module is the facade the rest of chronicle uses (``Archive``): open or create an
archive, read its events, append revisions, pack it. The pieces behind it, each with its
own job: layout.py (paths and bytes), repository.py (where things live, set-up),
locking.py (the writer lock and session), recovery.py (cleaning up after a killed
writer), worktree.py (the optional working copy), append.py (building and committing
events), events.py (decoding stored events).

The branch only ever moves in one step, by compare-and-swap, to a commit whose objects are
all written and fsynced (one pack per batch), so it names either the old tip or the new
one: never a half event. Reads never need the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ArchiveError, ChronicleError, NotAnArchive, UnknownBriefing
from .gitlog import walk
from .gitobjects import RefMove, commit_bytes, update_ref
from .layout import (
    ARCHIVE_README,
    GITIGNORE,
    MARKER,
    MAX_EVENT_BYTES,
    ROOT,
    archive_marker_bytes,
    briefing_folder,
    check_briefing_id,
    parse_event_path,
    sha256_hex,
    shard,
    utc_now,
)
from .ledger import Ledger, Recorded
from .locking import Session, acquire
from .publedger import LEDGER_REF, batch_commit, ledger_tip
from .recovery import recover, try_recover
from .repository import (
    ArchiveTree,
    Repository,
    create_embedded,
    create_repository,
    open_repository,
    operation_in_progress,
    unfinished_init,
)
from .signing import signer_for
from .worktree import NoWorkingCopy, working_copy

if TYPE_CHECKING:
    from .append import (
        FLUSH_EVERY,
        AppendObserver,
        AppendResult,
        CommitMessage,
        NewRevision,
        Prior,
        validate_event,
    )
    from .events import StoredEvent

__all__ = ["FLUSH_EVERY", "AppendResult", "Archive", "CommitMessage", "NewRevision", "Prior",
           "StoredEvent", "validate_event"]

# The writing half (append.py, and the event model it validates with) is loaded when first
# used: commands that answer from the read model never import pydantic's models.
_APPEND_NAMES = frozenset({"FLUSH_EVERY", "AppendResult", "CommitMessage", "NewRevision",
                           "Prior", "validate_event"})


def __getattr__(name: str) -> Any:
    if name in _APPEND_NAMES:
        from . import append

        return getattr(append, name)
    if name == "StoredEvent":
        from .events import StoredEvent

        return StoredEvent
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Archive:
    """A chronicle archive: a git repository holding one file per event."""

    def __init__(self, path: Path, *, recover: bool = True) -> None:
        self._open(open_repository(path))
        if self.head() is None or MARKER not in self.tree().entries(""):
            raise NotAnArchive(path, f"no {MARKER} on its main branch")
        self.recovery_problem: str | None = None
        if recover:
            self.recover_if_needed()

    def _open(self, repository: Repository) -> None:
        self.repository = repository
        self.path = repository.path
        self.git_dir = repository.git_dir
        self.objects = repository.objects
        self.ledger = Ledger(repository.ledger_path.parent, repository.ledger_path.name)
        self.copy: NoWorkingCopy = working_copy(repository)
        # made for each append and told what it writes (api.py sets it: the read model)
        self.append_observer: Callable[[Archive], AppendObserver] | None = None

    @property
    def bare(self) -> bool:
        return self.repository.bare

    # ----- creating ---------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path, bare: bool = True, in_repo: bool = False) -> Archive:
        """Create an archive at ``path`` (a new or empty folder); on an existing archive, do
        nothing but start a ledger if it has none. ``bare``: no working tree (the default);
        ``in_repo``: a folder inside an existing repository, committed to its branch.

        An init killed half-way (a repository without a branch, nothing else in the folder)
        is finished by running init again.
        """
        if in_repo:
            return cls._init_embedded(path)
        if unfinished_init(path):
            repository = open_repository(path)
        elif path.is_dir() and any(path.iterdir()):
            return cls._existing(path)
        else:
            repository = create_repository(path, bare)
        archive = cls.__new__(cls)
        archive._open(repository)
        with archive.write_lock(check_ledger=False) as session:
            if archive.head() is None:
                archive._create_root_commit(session)
        return cls(path)

    @classmethod
    def _init_embedded(cls, path: Path) -> Archive:
        if path.is_dir() and (path / MARKER).is_file():
            return cls._existing(path)
        archive = cls.__new__(cls)
        archive._open(create_embedded(path))
        with archive.write_lock(check_ledger=False) as session:
            archive._create_root_commit(session)
        return cls(path)

    @classmethod
    def _existing(cls, path: Path) -> Archive:
        """init on a folder that is not empty: an archive (start a ledger if it has none)."""
        try:
            archive = cls(path)
        except NotAnArchive:
            try:
                open_repository(path)
            except NotAnArchive:
                raise ArchiveError(f"{path}: folder exists and is not empty; choose a new "
                                   "folder") from None
            raise
        if not archive.ledger.exists():  # start a ledger from the history as it stands
            with archive.write_lock(check_ledger=False) as session:
                if not archive.ledger.exists():
                    archive._adopt(archive.head() or "", session)
        return archive

    def _create_root_commit(self, session: Session) -> None:
        """The archive's first commit: its own files (on top of the branch, if embedded)."""
        session.mark_dirty()
        base = self.head()
        files = {MARKER: archive_marker_bytes(), ".gitignore": GITIGNORE.encode(),
                 "README.md": ARCHIVE_README.encode()}
        tree = self.tree(base)
        for name, data in files.items():
            root = tree.add_file(name, data)
        parent = bytes.fromhex(base) if base else None
        message = f"chronicle: create archive {self.repository.prefix}".rstrip() + "\n"
        from .append import DEFAULT_IDENTITY

        body = commit_bytes(root, parent, DEFAULT_IDENTITY, message)
        signer = signer_for(self.repository)
        commit = self.objects.write(b"commit", signer.sign(body) if signer else body).hex()
        also: tuple[RefMove, ...] = ()
        if not self.repository.embedded:
            also = ((LEDGER_REF, batch_commit(self.objects, None, base, commit, []), ""),)
        self.objects.sync()
        self.ledger.begin(base, commit, [], utc_now())
        moved = update_ref(self.git_dir, self.repository.branch, commit, base or "",
                           "chronicle init", session.pass_fds, also)
        if not moved:
            self.ledger.abort(commit, self.head())
            raise ArchiveError(f"{self.path}: could not create the archive's first commit "
                               f"({moved.problem})")
        self.ledger.done(commit)
        if self.repository.embedded:
            self.copy.write_files(files, commit, session)
        else:
            self.copy.sync(session, thorough=False)

    # ----- reading ----------------------------------------------------------------------
    def head(self) -> str | None:
        """The sha of the main branch's tip, read without starting git."""
        return self.repository.head()

    def tree(self, commit: str | None = None) -> ArchiveTree:
        """The files of ``commit`` (default: the branch tip), read lazily."""
        return self.repository.tree(commit)

    def briefings(self, tree: ArchiveTree | None = None) -> list[str]:
        tree = tree or self.tree()
        names: list[str] = []
        for bucket in tree.entries(ROOT):
            names.extend(tree.entries(f"{ROOT}/{bucket}"))
        return sorted(names)

    def has_briefing(self, briefing: str) -> bool:
        return briefing in self.tree().entries(f"{ROOT}/{shard(briefing)}")

    def events(self, briefing: str, tree: ArchiveTree | None = None) -> list[StoredEvent]:
        """Every event of ``briefing`` in file order, parsed; UnknownBriefing if none."""
        return [self.parse_event(path, raw) for path, raw in self.raw_events(briefing, tree)]

    def raw_events(self, briefing: str,
                   tree: ArchiveTree | None = None) -> list[tuple[str, bytes]]:
        """(path, bytes) of every event file of ``briefing`` in order; UnknownBriefing if none."""
        check_briefing_id(briefing)
        tree = tree or self.tree()
        folder = briefing_folder(briefing)
        entries = tree.entries(folder)
        if not entries:
            raise UnknownBriefing(briefing, self.path)
        names = sorted(entries)
        raws = self.objects.read_many((entries[name][1] for name in names), MAX_EVENT_BYTES)
        return [(f"{folder}/{name}", raw) for name, raw in zip(names, raws, strict=True)]

    def raw_event_files(self, tree: ArchiveTree | None = None) -> Iterator[tuple[str, str, bytes]]:
        """(briefing, path, bytes) of every event file of ``tree`` (default: the branch tip)."""
        tree = tree or self.tree()
        for bucket in sorted(tree.entries(ROOT)):
            for briefing in sorted(tree.entries(f"{ROOT}/{bucket}")):
                folder = f"{ROOT}/{bucket}/{briefing}"
                entries = tree.entries(folder)
                names = sorted(entries)
                raws = self.objects.read_many((entries[name][1] for name in names),
                                              MAX_EVENT_BYTES)
                for name, raw in zip(names, raws, strict=True):
                    yield briefing, f"{folder}/{name}", raw

    def parse_event(self, path: str, raw: bytes) -> StoredEvent:
        """An event file's bytes as a StoredEvent; CorruptArchive if it is not a valid event,
        NewerSchema if a newer chronicle wrote it."""
        from .events import decode_event

        return decode_event(path, raw, f"{self.path}/{path}")

    def close(self) -> None:
        """Stop the git process reading objects, if any (also done at exit)."""
        self.repository.close()

    # ----- writing ----------------------------------------------------------------------
    def append(self, item: NewRevision, message: CommitMessage) -> AppendResult:
        return self.append_many([item], message)[0]

    def append_many(
        self,
        items: Iterable[NewRevision],
        message: CommitMessage,
        on_result: Callable[[AppendResult], None] | None = None,
    ) -> list[AppendResult]:
        """Append revisions in order, one commit each; identical revisions are skipped."""
        from .append import Appender

        with self.write_lock() as session:
            appender = Appender(self.repository, self.copy, self.ledger, session, message,
                                on_result, observer=self._observer())
            return appender.run(items)

    def _observer(self) -> AppendObserver | None:
        return self.append_observer(self) if self.append_observer is not None else None

    def rebase_onto(self, session: Session, items: Iterable[NewRevision], commit: str,
                    ledger: str | None, message: CommitMessage) -> list[AppendResult]:
        """Append ``items`` on top of ``commit`` (and the published ledger ``ledger``) rather
        than the branch tip, in a session already holding the lock (a sync rebasing its
        unpublished events); the branch still moves only by CAS from where it is."""
        from .append import Appender

        appender = Appender(self.repository, self.copy, self.ledger, session, message,
                            onto=(commit, ledger), observer=self._observer())
        return appender.run(items)

    def compact(self) -> tuple[int, int]:
        """Repack with a full delta search; return the object store's bytes before and after."""
        from .compact import compact

        with self.write_lock() as session:
            return compact(self.repository, session)

    @contextmanager
    def write_lock(self, timeout: float | None = None,
                   check_ledger: bool = True) -> Iterator[Session]:
        """Hold the archive's writer lock; recover what a killed writer left behind.

        Waits up to ``timeout`` seconds (default: $CHRONICLE_LOCK_TIMEOUT, else 60), then
        raises ArchiveError having written nothing. On a clean exit the session's dirty
        marker is cleared; after an error it stays, and recovery is due.
        """
        if self.repository.branch == "HEAD":
            raise ArchiveError(f"{self.repository.work_tree}: HEAD is detached; check out the "
                               "branch the archive lives on (nothing was written)")
        busy = operation_in_progress(self.repository)
        if busy:
            raise ArchiveError(f"{self.repository.work_tree}: the repository is in the middle of "
                               f"{busy}; finish it first (nothing was written)")
        lock = acquire(self.repository.state_dir, self.path, timeout)
        assert lock.fd is not None
        try:
            session = Session(self.repository.state_dir, lock.fd)
            try:
                recover(self.repository, self.copy, self.ledger, session)
                self.objects.refresh()  # a pack may have been written or repacked meanwhile
                if check_ledger:
                    self._check_ledger(session)
                yield session
            except OSError as error:
                raise ArchiveError(f"{self.path}: cannot write to the archive "
                                   f"({error.strerror}); nothing more was written") from None
            session.clear_dirty()
        finally:
            lock.release()

    def ledger_expected(self) -> bool:
        """Did chronicle keep a ledger here? (set by init/adopt in the git config; not cloned)"""
        return self.repository.keeps_ledger()

    def _check_ledger(self, session: Session) -> None:
        """Before a write: adopt the history of a clone, refuse if this archive lost its ledger."""
        head = self.head()
        if self.ledger.exists() or head is None:
            return
        if self.ledger_expected():
            raise ArchiveError(
                f"{self.path}: the ledger {self.repository.ledger_where()} is "
                "missing, so chronicle can no longer tell its own history from a rewritten "
                "one; nothing was written. Run 'chronicle verify', then 'chronicle init' to "
                "start a new ledger from the history as it stands"
            )
        self._adopt(head)  # a clone or an archive from before the ledger: trust on first use

    def _adopt(self, head: str, publish: Session | None = None) -> None:
        """No ledger (a clone, or an older archive): record the history as it stands now.
        ``publish`` (`chronicle init` deciding to trust it): the published ledger says so
        too, in a batch later checks start from."""
        history = walk(self.repository)
        events = [Recorded(briefing, parse_event_path(path)[1] or 0, sha256_hex(raw),
                           history.added.get(path, (head, ""))[0], path)
                  for briefing, path, raw in self.raw_event_files()]
        self.ledger.adopt(head, events, utc_now())
        self.repository.git("config", self.repository.ledger_config, "true")
        if publish is not None and not self.repository.embedded:
            old = ledger_tip(self.git_dir)
            batch = batch_commit(self.objects, old, head, head, events, adopted=True)
            self.objects.sync()
            moved = update_ref(self.git_dir, LEDGER_REF, batch, old or "",
                               "chronicle init: adopt", publish.pass_fds)
            if not moved:
                raise ArchiveError(f"{self.path}: could not update {LEDGER_REF} "
                                   f"({moved.problem})")

    # ----- recovery ---------------------------------------------------------------------
    def recover_if_needed(self) -> bool:
        """Called by every command: clean up after a killed writer if no writer is running.
        When the clean-up itself fails (a full disk, a damaged working copy), reads go on
        and ``recovery_problem`` says why; writes will try again under the lock."""
        try:
            return try_recover(self.repository, self.copy, self.ledger)
        except (ChronicleError, OSError) as error:
            self.recovery_problem = str(error)
            return False
