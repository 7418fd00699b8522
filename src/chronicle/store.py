"""The git-backed event log: one immutable JSON file and one commit per revision.

Layout of an archive (a git repository):
    chronicle.json                                   marks the folder as an archive
    briefings/<aa>/<briefing>/<000001>.json          one event per file; <aa> spreads
                                                     briefings over 256 folders
Writers hold ``.git/chronicle.lock`` (an flock: the kernel releases it when the process
and the git processes it started are gone), write objects directly (gitobjects.py), note
the batch in the ledger (ledger.py), and move the branch with a compare-and-swap
``git update-ref NEW OLD``. The working tree and index are a convenience copy brought
up to date after each write, and rebuilt by recovery if a writer died mid-way.

What a writer killed at any instant leaves behind, and who cleans it (see _recover):
    .git/chronicle-tmp/*            half-written packs or working-tree files: deleted
    objects/pack/pack-*.idx without its .pack    killed between the two renames: deleted
    objects not named by any ref    a complete pack, dangling: harmless, git gc prunes them
    .git/index.lock, refs/heads/main.lock, ...   git's own locks of a killed git: deleted
    a 'begin' without 'done' in the ledger       closed as done or abort
    .git/chronicle-dirty            says the above may exist: a thorough check is due
    index / working tree behind the branch       rebuilt from the branch tip
The branch itself only ever moves in one step, to a commit whose objects are all
written and fsynced (one pack per batch), so it names either the old tip or the new one:
never a half event.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from .errors import ArchiveError, ConcurrentWrite, CorruptArchive, NotAnArchive, UnknownBriefing
from .gitobjects import (
    TEMP_DIR,
    Identity,
    ObjectWriter,
    TreeBuilder,
    commit_bytes,
    git,
    remove_orphan_indexes,
    update_ref,
)
from .invariants import model_problem, revision_problems
from .ledger import LEDGER_NAME, Ledger, Recorded
from .model import Event, Origin, Revision
from .validation import check_briefing_id

MARKER = "chronicle.json"
ROOT = "briefings"
BRANCH = "refs/heads/main"
LOCK_NAME = "chronicle.lock"
SYNCED_NAME = "chronicle-synced"
DIRTY_NAME = "chronicle-dirty"
# git's own lock files a killed git (or a git whose chronicle parent was killed) can leave
GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock", "refs/heads/main.lock",
             "config.lock")
DEFAULT_IDENTITY = Identity("chronicle", "chronicle@localhost")
FLUSH_EVERY = 256  # commits per ref move in a bulk append
DEFAULT_LOCK_TIMEOUT = 60.0
LOCK_TIMEOUT_ENV = "CHRONICLE_LOCK_TIMEOUT"
LEDGER_CONFIG = "chronicle.ledger"  # in .git/config: this archive keeps a ledger
# git config set by init. pack.window 250 (git's default: 10) lets a plain `git gc` find a
# briefing's previous revision as delta base (git orders candidates by a hash of the file
# name's end, and 000010.json / 000011.json differ exactly there): see docs/benchmarks.md.
ARCHIVE_CONFIG = (("core.fsync", "committed"), ("core.fsyncMethod", "fsync"), ("gc.auto", "0"),
                  ("core.logAllRefUpdates", "true"), ("pack.window", "250"))

Status = Literal["recorded", "unchanged", "duplicate"]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shard(briefing: str) -> str:
    return hashlib.sha256(briefing.encode()).hexdigest()[:2]


def briefing_folder(briefing: str) -> str:
    return f"{ROOT}/{shard(briefing)}/{briefing}"


def event_path(briefing: str, sequence: int) -> str:
    return f"{briefing_folder(briefing)}/{sequence:06d}.json"


def canonical_json(document: Any) -> bytes:
    """Stable key order, one field per line: the bytes an event file holds."""
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def revision_sha256(revision: Revision) -> str:
    compact = json.dumps(
        revision.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(compact.encode()).hexdigest()



@dataclass(frozen=True)
class StoredEvent:
    """An event as read back from git, with the exact bytes of its file."""

    event: Event
    path: str
    raw: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True)
class NewRevision:
    """What a caller asks to append."""

    briefing: str
    revision: Revision
    origin: Origin
    observed_at: str | None = None
    expected_sequence: int | None = None


@dataclass(frozen=True)
class AppendResult:
    status: Status
    briefing: str
    sequence: int
    path: str
    event_id: str | None = None
    commit: str | None = None
    origin: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class _BriefingState:
    """What an append needs to know of a briefing's existing events."""

    sequence: int = 0
    last_sha256: str | None = None
    last_revision: Revision | None = None
    content: dict[str, int] = field(default_factory=dict)


CommitMessage = Callable[[str, int, Revision | None, Revision, Origin], str]


class WriterLock:
    """An exclusive flock on ``.git/chronicle.lock``, waited for up to a timeout.

    flock belongs to the open file description, not to a pid: the kernel releases it
    when the last descriptor is closed, which happens when the holder exits for any
    reason, SIGKILL included. The descriptor is handed to every git process a writer
    starts (``pass_fds``), so if chronicle is killed while git runs, the lock stays held
    until that git has finished too. The lock file itself is never deleted (deleting it
    would let two writers lock two different inodes).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; False if another process still holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            else:
                self.fd = fd
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.close(fd)
                return False
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.05)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # drops the flock (git children have exited by now)
            self.fd = None


def lock_timeout() -> float:
    """Seconds a writer waits for the archive lock: $CHRONICLE_LOCK_TIMEOUT or 60."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also rejects nan
        raise ArchiveError(f"{LOCK_TIMEOUT_ENV}={text!r}: expected a number of seconds")
    return value


class Archive:
    """A chronicle archive: a git repository holding one file per event."""

    def __init__(self, path: Path, *, recover: bool = True) -> None:
        self._setup(path)
        root = TreeBuilder(self.objects, self._root_tree())
        if self.head() is None or MARKER not in root.entries(""):
            raise NotAnArchive(path, f"no {MARKER} on its main branch")
        if recover:
            self.recover_if_needed()

    def _setup(self, path: Path) -> None:
        self.path = path
        self.git_dir = path / ".git"
        if not path.is_dir():
            raise NotAnArchive(path, "not a folder" if path.exists() else "no such folder")
        if not (self.git_dir / "HEAD").is_file():
            raise NotAnArchive(path, "not a git repository")
        self.objects = ObjectWriter(self.git_dir)
        self.ledger = Ledger(self.git_dir)
        self._lock_fd: int | None = None
        self._dirty = False

    # ----- creating ---------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path) -> Archive:
        """Create an archive at ``path`` (a new or empty folder); idempotent on an archive.

        An init killed half-way (a .git without a main branch, nothing else in the
        folder) is finished by running init again.
        """
        git_dir = path / ".git"
        if git_dir.exists() and not _unfinished_init(path):
            archive = cls(path)
            if not archive.ledger.exists():  # start a ledger from the history as it stands
                with archive._locked():
                    if not archive.ledger.exists():
                        archive._adopt(archive.head() or "")
            return archive
        if path.exists() and not git_dir.exists() and any(path.iterdir()):
            raise ArchiveError(f"{path}: folder exists and is not empty; choose a new folder")
        path.mkdir(parents=True, exist_ok=True)
        if not (git_dir / "HEAD").is_file():
            # absolute: git resolves a relative folder after entering it
            result = git(git_dir.resolve(), "init", "-q", "-b", "main", str(path.resolve()))
            if result.returncode != 0:
                raise ArchiveError(f"{path}: git init failed: {result.stderr.decode().strip()}")
        for key, value in (*ARCHIVE_CONFIG, (LEDGER_CONFIG, "true")):
            git(git_dir, "config", key, value)
        archive = cls.__new__(cls)
        archive._setup(path)
        with archive._locked():
            if archive.head() is None:
                archive._create_root_commit()
        return cls(path)

    def _create_root_commit(self) -> None:
        self.mark_dirty()
        builder = TreeBuilder(self.objects, None)
        builder.add_file(MARKER, canonical_json({"format": "chronicle-archive", "layout": 1}))
        builder.add_file(".gitignore", b"# derived data, rebuilt by chronicle\n/.chronicle/\n")
        root = builder.add_file("README.md", _ARCHIVE_README.encode())
        commit = self.objects.write(
            b"commit", commit_bytes(root, None, DEFAULT_IDENTITY, "chronicle: create archive\n")
        ).hex()
        self.objects.sync()
        self.ledger.begin(None, commit, [], utc_now())
        if not update_ref(self.git_dir, BRANCH, commit, "", "chronicle init", self._pass_fds()):
            self.ledger.abort(commit, self.head())
            raise ArchiveError(f"{self.path}: could not create the main branch")
        self.ledger.done(commit)
        self._sync_worktree(thorough=False)

    # ----- reading ----------------------------------------------------------------------
    def head(self) -> str | None:
        """The sha of the main branch's tip, read without starting git."""
        loose = self.git_dir / BRANCH
        if loose.is_file():
            return loose.read_text().strip() or None
        packed = self.git_dir / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + BRANCH):
                    return line.split()[0]
        return None

    def _root_tree(self, commit: str | None = None) -> bytes | None:
        commit = commit or self.head()
        if commit is None:
            return None
        header = self.objects.read(bytes.fromhex(commit)).split(b"\n", 1)[0]
        return bytes.fromhex(header.split()[1].decode())

    def briefings(self) -> list[str]:
        tree = TreeBuilder(self.objects, self._root_tree())
        names: list[str] = []
        for bucket in tree.entries(ROOT):
            names.extend(tree.entries(f"{ROOT}/{bucket}"))
        return sorted(names)

    def has_briefing(self, briefing: str) -> bool:
        tree = TreeBuilder(self.objects, self._root_tree())
        return briefing in tree.entries(f"{ROOT}/{shard(briefing)}")

    def events(self, briefing: str, tree: TreeBuilder | None = None) -> list[StoredEvent]:
        """Every event of ``briefing`` in file order, parsed; UnknownBriefing if none."""
        return [self.parse_event(path, raw) for path, raw in self.raw_events(briefing, tree)]

    def raw_events(self, briefing: str,
                   tree: TreeBuilder | None = None) -> list[tuple[str, bytes]]:
        """(path, bytes) of every event file of ``briefing`` in order; UnknownBriefing if none."""
        check_briefing_id(briefing)
        tree = tree or TreeBuilder(self.objects, self._root_tree())
        folder = briefing_folder(briefing)
        entries = tree.entries(folder)
        if not entries:
            raise UnknownBriefing(briefing, self.path)
        names = sorted(entries)
        raws = self.objects.read_many(entries[name][1] for name in names)
        return [(f"{folder}/{name}", raw) for name, raw in zip(names, raws, strict=True)]

    def raw_event_files(self) -> Iterator[tuple[str, str, bytes]]:
        """(briefing, path, bytes) of every event file on the main branch, in order."""
        tree = TreeBuilder(self.objects, self._root_tree())
        for bucket in sorted(tree.entries(ROOT)):
            for briefing in sorted(tree.entries(f"{ROOT}/{bucket}")):
                folder = f"{ROOT}/{bucket}/{briefing}"
                entries = tree.entries(folder)
                names = sorted(entries)
                raws = self.objects.read_many(entries[name][1] for name in names)
                for name, raw in zip(names, raws, strict=True):
                    yield briefing, f"{folder}/{name}", raw

    def close(self) -> None:
        """Stop the git process reading objects, if any (also done at exit)."""
        self.objects.close()

    def _read_event(self, path: str, binsha: bytes) -> StoredEvent:
        return self.parse_event(path, self.objects.read(binsha))

    def parse_event(self, path: str, raw: bytes) -> StoredEvent:
        """An event file's bytes as a StoredEvent; CorruptArchive if it is not a valid event."""
        try:
            event = Event.model_validate_json(raw)
        except ValueError as error:
            raise CorruptArchive(
                f"{self.path}/{path}: not a valid event ({model_problem(error)})") from None
        problems = revision_problems(event.revision)  # hostile archive: chronicle.invariants
        if problems:
            raise CorruptArchive(f"{self.path}/{path}: not a usable revision ({problems[0]})")
        return StoredEvent(event, path, raw)

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
        with self.write_lock():
            return _Appender(self, message, on_result).run(items)

    def compact(self) -> tuple[int, int]:
        """Repack with a full delta search; return the object store's bytes before and after.

        The store writes one pack per batch without deltas, and a plain ``git gc`` reuses
        packed objects as they are, so it finds no deltas between revisions; ``-f`` makes
        git look for them (consecutive revisions of a briefing differ by a few lines).
        """
        objects = self.git_dir / "objects"
        before = _folder_bytes(objects)
        steps = (
            ("repack", "-a", "-d", "-f", "-q", "--window=250", "--depth=50"),
            ("prune-packed",),
            ("commit-graph", "write", "--reachable", "--changed-paths"),
        )
        with self.write_lock():
            for step in steps:
                result = self._git(*step)
                if result.returncode != 0:
                    problem = result.stderr.decode(errors="replace").strip()
                    raise ArchiveError(f"{self.path}: git {step[0]} failed: {problem}")
        return before, _folder_bytes(objects)

    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the archive's writer lock; recover what a killed writer left behind.

        Waits up to ``timeout`` seconds (default: $CHRONICLE_LOCK_TIMEOUT, else 60),
        then raises ArchiveError having written nothing.
        """
        with self._locked(timeout):
            self._check_ledger()
            yield

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        wait = lock_timeout() if timeout is None else timeout
        lock = WriterLock(self.git_dir / LOCK_NAME)
        if not lock.acquire(wait):
            raise ArchiveError(
                f"{self.path}: another chronicle process held the archive lock for {wait:g}s; "
                f"nothing was written, try again (set {LOCK_TIMEOUT_ENV} to wait longer)"
            )
        self._lock_fd = lock.fd
        try:
            self._recover()
            yield
            self._clear_dirty()  # only on a clean exit: after an error, recovery is due
        finally:
            self._lock_fd = None
            lock.release()

    def ledger_expected(self) -> bool:
        """Did chronicle keep a ledger here? (set by init/adopt in .git/config; not cloned)"""
        result = git(self.git_dir, "config", "--type=bool", "--get", LEDGER_CONFIG)
        return result.stdout.strip() == b"true"

    def _check_ledger(self) -> None:
        """Before a write: adopt the history of a clone, refuse if this archive lost its ledger."""
        head = self.head()
        if self.ledger.exists() or head is None:
            return
        if self.ledger_expected():
            raise ArchiveError(
                f"{self.path}: the ledger .git/{LEDGER_NAME} is missing, so chronicle can no "
                "longer tell its own history from a rewritten one; nothing was written. Run "
                "'chronicle verify', then 'chronicle init' to start a new ledger from the "
                "history as it stands"
            )
        self._adopt(head)  # a clone or an archive from before the ledger: trust on first use

    def _pass_fds(self) -> tuple[int, ...]:
        return () if self._lock_fd is None else (self._lock_fd,)

    def _git(self, *args: str, stdin: bytes | None = None) -> Any:
        return git(self.git_dir, f"--work-tree={self.path}", *args, stdin=stdin,
                   pass_fds=self._pass_fds())

    def mark_dirty(self) -> None:
        """Note that this session is about to change things (lock held)."""
        if not self._dirty:
            (self.git_dir / DIRTY_NAME).write_text(f"{os.getpid()}\n")
            self._dirty = True

    def _clear_dirty(self) -> None:
        if self._dirty:
            (self.git_dir / DIRTY_NAME).unlink(missing_ok=True)
            self._dirty = False

    # ----- recovery ---------------------------------------------------------------------
    def needs_recovery(self) -> bool:
        """Cheap signs that a writer died mid-way (a few stats and one small read)."""
        if (self.git_dir / DIRTY_NAME).exists():
            return True
        if any((self.git_dir / name).exists() for name in GIT_LOCKS):
            return True
        temp = self.git_dir / TEMP_DIR
        if temp.is_dir() and any(temp.iterdir()):
            return True
        return self._behind()

    def _behind(self) -> bool:
        """Is the working copy chronicle keeps here behind the branch? (A clone or checkout
        chronicle never wrote into has no marker: its index is the user's, left alone.)"""
        synced = self._synced()
        return synced is not None and synced != self.head()

    def recover_if_needed(self) -> bool:
        """Called by every command: clean up after a killed writer if no writer is running.

        Tries the lock without waiting: if another process holds it, what looks
        unfinished is that live writer's work in progress and is left alone.
        """
        if not self.needs_recovery():
            return False
        lock = WriterLock(self.git_dir / LOCK_NAME)
        try:
            if not lock.acquire(0):
                return False
        except OSError:
            return False  # read-only archive: nothing can be cleaned, reads still work
        self._lock_fd = lock.fd
        try:
            self._recover()
        finally:
            self._lock_fd = None
            lock.release()
        return True

    def _recover(self) -> None:
        """Remove what a killed writer left; bring the ledger, index and working tree up to date.

        Runs only with the chronicle lock held. Why deleting lock and temporary files is
        safe then: every chronicle writer holds the lock for as long as it or any git it
        started runs (the descriptor is passed to git), so a git lock file or a file in
        .git/chronicle-tmp seen now was left by a process that no longer exists. (git
        commands run by hand in the archive while chronicle writes are not covered: do not
        run git commands that write in an archive while chronicle is writing to it.)
        """
        dirty = (self.git_dir / DIRTY_NAME).exists()
        stale = False
        for name in GIT_LOCKS:
            lock_file = self.git_dir / name
            if lock_file.exists():
                lock_file.unlink()
                stale = True
        temp = self.git_dir / TEMP_DIR
        if temp.is_dir():
            for leftover in temp.iterdir():
                leftover.unlink()
        if dirty:
            remove_orphan_indexes(self.git_dir)
        head = self.head()
        if self.ledger.exists() and (dirty or self.ledger.pending()):
            self.ledger.resolve(head)
        if head is not None and (dirty or stale or self._behind()):
            self._sync_worktree(thorough=dirty or stale)
        if dirty:
            (self.git_dir / DIRTY_NAME).unlink(missing_ok=True)

    def _adopt(self, head: str) -> None:
        """No ledger (a clone, or an older archive): record the history as it stands now."""
        from .history import added_events

        events = [Recorded(briefing, sequence, hashlib.sha256(raw).hexdigest(), commit, path)
                  for path, briefing, sequence, commit, raw in added_events(self)]
        self.ledger.adopt(head, events, utc_now())
        git(self.git_dir, "config", LEDGER_CONFIG, "true")

    def _synced(self) -> str | None:
        synced = self.git_dir / SYNCED_NAME
        return synced.read_text().strip() if synced.is_file() else None

    def _sync_worktree(self, thorough: bool) -> None:
        """Make the index and working tree match the branch tip (adds files, never deletes).

        ``thorough`` also rewrites event files a killed git left half-written.
        """
        head = self.head()
        if head is None:
            return
        result = self._git("read-tree", head)
        if result.returncode != 0:
            raise ArchiveError(f"{self.path}: cannot update the git index: "
                               f"{result.stderr.decode().strip()}")
        self._git("checkout-index", "-a", "-u")  # missing files only; existing ones are kept
        self._git("update-index", "-q", "--refresh")
        if thorough:
            changed = self._git("diff-files", "--name-only", "-z").stdout
            if changed:
                self._git("checkout-index", "-f", "-u", "-z", "--stdin", stdin=changed)
        self._atomic_write(self.git_dir / SYNCED_NAME, head.encode())

    def write_files(self, files: dict[str, bytes], head: str) -> None:
        """Put freshly committed event files in the working tree and the index."""
        for path, data in files.items():
            self._atomic_write(self.path / path, data)
        lines = "".join(
            f"100644 {hashlib.sha1(b'blob %d' % len(d) + bytes(1) + d).hexdigest()}\t{p}\n"
            for p, d in files.items()
        )
        result = self._git("update-index", "--index-info", stdin=lines.encode())
        if result.returncode != 0:
            self._sync_worktree(thorough=True)
            return
        self._git("update-index", "-q", "--refresh")
        self._atomic_write(self.git_dir / SYNCED_NAME, head.encode())

    def _atomic_write(self, path: Path, data: bytes) -> None:
        """Write via .git/chronicle-tmp so a killed writer leaves no partial file in place."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.git_dir / TEMP_DIR
        temp.mkdir(exist_ok=True)
        temporary = temp / f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        temporary.write_bytes(data)
        os.replace(temporary, path)


def _unfinished_init(path: Path) -> bool:
    """A .git with no main branch and nothing else in the folder: an init that was killed."""
    git_dir = path / ".git"
    if (git_dir / BRANCH).exists() or (git_dir / "packed-refs").exists():
        return False
    return all(child.name == ".git" for child in path.iterdir())


class _Appender:
    """One locked append session: builds events and commits, moves the branch in steps."""

    def __init__(self, archive: Archive, message: CommitMessage,
                 on_result: Callable[[AppendResult], None] | None) -> None:
        self.archive = archive
        self.message = message
        self.on_result = on_result
        self.base = archive.head()
        self.tip = self.base
        self.tree = TreeBuilder(archive.objects, archive._root_tree(self.base))
        self.states: dict[str, _BriefingState] = {}
        self.pending: dict[str, bytes] = {}
        self.recorded: list[Recorded] = []
        self.identity = DEFAULT_IDENTITY

    def run(self, items: Iterable[NewRevision]) -> list[AppendResult]:
        """Append every item; results are reported once the branch holds them, not before."""
        results: list[AppendResult] = []
        reported = 0
        for item in items:
            results.append(self.append(item))
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()
                reported = self.report(results, reported)
        self.flush()
        self.report(results, reported)
        return results

    def report(self, results: list[AppendResult], reported: int) -> int:
        if self.on_result:
            for result in results[reported:]:
                self.on_result(result)
        return len(results)

    def state(self, briefing: str) -> _BriefingState:
        if briefing not in self.states:
            state = _BriefingState()
            entries = self.tree.entries(briefing_folder(briefing))
            names = sorted(entries)
            earlier = self.archive.objects.read_many(entries[name][1] for name in names[:-1])
            for name, raw in zip(names[:-1], earlier, strict=True):  # only their content hash
                try:
                    document = json.loads(raw)
                    state.content.setdefault(str(document["content_sha256"]),
                                             int(document["sequence"]))
                except (ValueError, KeyError, TypeError):
                    raise CorruptArchive(f"{self.archive.path}/{briefing_folder(briefing)}/"
                                         f"{name}: not a valid event") from None
            if names:
                last = self.archive._read_event(f"{briefing_folder(briefing)}/{names[-1]}",
                                                entries[names[-1]][1])
                state.sequence = last.event.sequence
                state.last_sha256 = last.sha256
                state.last_revision = last.event.revision
                state.content.setdefault(last.event.content_sha256, state.sequence)
            self.states[briefing] = state
        return self.states[briefing]

    def append(self, item: NewRevision) -> AppendResult:
        check_briefing_id(item.briefing)
        state = self.state(item.briefing)
        if item.expected_sequence is not None and item.expected_sequence != state.sequence:
            raise ConcurrentWrite(item.briefing, item.expected_sequence, state.sequence)
        content = revision_sha256(item.revision)
        if content in state.content:
            seen = state.content[content]
            status: Status = "unchanged" if seen == state.sequence else "duplicate"
            path = event_path(item.briefing, seen)
            return AppendResult(status, item.briefing, seen, path, origin=item.origin.name)
        sequence = state.sequence + 1
        now = utc_now()
        event = Event(
            event_id=uuid.uuid4().hex, briefing=item.briefing, sequence=sequence,
            recorded_at=now, observed_at=item.observed_at or now, content_sha256=content,
            previous_sha256=state.last_sha256, origin=item.origin, revision=item.revision,
        )
        document = event.model_dump(mode="json")
        path = event_path(item.briefing, sequence)
        validate_event(document, path)
        data = canonical_json(document)
        commit = self.commit(path, data, event, state.last_revision)
        state.sequence, state.last_sha256 = sequence, hashlib.sha256(data).hexdigest()
        state.last_revision = item.revision
        state.content[content] = sequence
        self.recorded.append(Recorded(item.briefing, sequence, state.last_sha256, commit, path))
        return AppendResult("recorded", item.briefing, sequence, path, event.event_id, commit,
                            item.origin.name)

    def commit(self, path: str, data: bytes, event: Event, previous: Revision | None) -> str:
        self.archive.mark_dirty()
        root = self.tree.add_file(path, data)
        text = self.message(event.briefing, event.sequence, previous, event.revision, event.origin)
        text += _trailers(event, path)
        parent = bytes.fromhex(self.tip) if self.tip else None
        sha = self.archive.objects.write(b"commit", commit_bytes(root, parent, self.identity, text))
        self.tip = sha.hex()
        self.pending[path] = data
        return self.tip

    def flush(self) -> None:
        """Move the branch from where this session found it to the new tip (CAS).

        Order: objects durable, ledger 'begin' durable, branch moved, ledger 'done',
        working copy updated. A kill between any two steps is finished by _recover.
        """
        if self.tip == self.base:
            return
        assert self.tip is not None
        archive = self.archive
        archive.objects.sync()
        archive.ledger.begin(self.base, self.tip, self.recorded, utc_now())
        moved = update_ref(archive.git_dir, BRANCH, self.tip, self.base or "",
                           f"chronicle: append {len(self.pending)} event(s)", archive._pass_fds())
        if not moved and archive.head() != self.tip:
            archive.ledger.abort(self.tip, archive.head())
            raise ArchiveError(
                f"{archive.path}: the main branch moved while chronicle held its lock "
                f"(another program writes to this archive?); {len(self.pending)} revision(s) "
                "were not written"
            )
        archive.ledger.done(self.tip)
        self.base = self.tip
        archive.write_files(self.pending, self.tip)
        self.pending = {}
        self.recorded = []


@cache
def _fast_event_validator() -> Callable[[Any], Any]:
    """schema/event.schema.json compiled to Python by fastjsonschema (~70 ms, once)."""
    import fastjsonschema

    from .schemas import load_schema

    return fastjsonschema.compile(load_schema("event"))


def validate_event(document: Any, path: str) -> None:
    """Check a new event against schema/event.schema.json before it is written.

    fastjsonschema (the schema compiled to Python, ~2 ms per event) accepts; only a
    document it rejects goes to jsonschema (the reference validator, ~22 ms per event),
    which raises SchemaViolation listing the problems. The two give the same verdicts on
    our schema: tests/test_schemas.py checks it on thousands of mutated events.
    """
    import fastjsonschema

    try:
        _fast_event_validator()(document)
    except fastjsonschema.JsonSchemaException as error:
        from .errors import SchemaViolation
        from .schemas import validate

        validate(document, "event", f"event {path}")  # raises, with every problem listed
        raise SchemaViolation(f"event {path}", "schema/event.schema.json",  # a disagreement
                              [f"fastjsonschema: {_first_line(error)}"]) from None


def _trailers(event: Event, path: str) -> str:
    return (
        f"\n\nChronicle-Event: {event.event_id}\n"
        f"Chronicle-Briefing: {event.briefing}\n"
        f"Chronicle-Sequence: {event.sequence}\n"
        f"Chronicle-Content-Sha256: {event.content_sha256}\n"
        f"Chronicle-File: {path}\n"
    )


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


_ARCHIVE_README = """# chronicle archive

Every revision of every briefing is one immutable JSON event under `briefings/`,
added by one commit. Do not edit these files: `chronicle verify` reports any change.
"""
