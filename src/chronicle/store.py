"""The git-backed event log: one immutable JSON file and one commit per revision.

Layout of an archive (a git repository):
    chronicle.json                                   marks the folder as an archive
    briefings/<aa>/<briefing>/<000001>.json          one event per file; <aa> spreads
                                                     briefings over 256 folders
Writers hold ``.git/chronicle.lock`` (flock: released by the kernel when a process dies),
write objects directly, and move the branch with a compare-and-swap ``git update-ref``.
The working tree and index are a convenience copy brought up to date after each write.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .errors import ArchiveError, ConcurrentWrite, CorruptArchive, NotAnArchive, UnknownBriefing
from .gitobjects import Identity, ObjectWriter, TreeBuilder, commit_bytes, git, update_ref
from .model import Event, Origin, Revision
from .validation import check_briefing_id

MARKER = "chronicle.json"
ROOT = "briefings"
BRANCH = "refs/heads/main"
LOCK_NAME = "chronicle.lock"
SYNCED_NAME = "chronicle-synced"
GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock", "refs/heads/main.lock")
DEFAULT_IDENTITY = Identity("chronicle", "chronicle@localhost")
FLUSH_EVERY = 256  # commits per ref move in a bulk append

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


def encode_event(event: Event) -> bytes:
    return canonical_json(event.model_dump(mode="json"))


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


class Archive:
    """A chronicle archive: a git repository holding one file per event."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git_dir = path / ".git"
        if not path.is_dir():
            raise NotAnArchive(path, "no such folder")
        if not (self.git_dir / "HEAD").is_file():
            raise NotAnArchive(path, "not a git repository")
        self.objects = ObjectWriter(self.git_dir)
        if self.head() is None or MARKER not in TreeBuilder(self.objects, self._root_tree()).entries(""):
            raise NotAnArchive(path, f"no {MARKER} on its main branch")

    # ----- creating ---------------------------------------------------------------------
    @classmethod
    def init(cls, path: Path) -> Archive:
        """Create an archive at ``path`` (a new or empty folder); idempotent on an archive."""
        if (path / ".git").exists():
            return cls(path)
        if path.exists() and any(path.iterdir()):
            raise ArchiveError(f"{path}: folder exists and is not empty; choose a new folder")
        path.mkdir(parents=True, exist_ok=True)
        git_dir = path / ".git"
        result = git(git_dir, "init", "-q", "-b", "main", str(path))
        if result.returncode != 0:
            raise ArchiveError(f"{path}: git init failed: {result.stderr.decode().strip()}")
        for key, value in (("core.fsync", "committed"), ("core.fsyncMethod", "fsync"),
                           ("gc.auto", "0"), ("core.logAllRefUpdates", "true")):
            git(git_dir, "config", key, value)
        builder = TreeBuilder(ObjectWriter(git_dir), None)
        marker = canonical_json({"format": "chronicle-archive", "layout": 1})
        builder.add_file(MARKER, marker)
        builder.add_file(".gitignore", b"# derived data, rebuilt by chronicle\n/.chronicle/\n")
        root = builder.add_file("README.md", _ARCHIVE_README.encode())
        commit = builder.objects.write(
            b"commit", commit_bytes(root, None, DEFAULT_IDENTITY, "chronicle: create archive\n")
        )
        if not update_ref(git_dir, BRANCH, commit.hex(), "", "chronicle init"):
            raise ArchiveError(f"{path}: could not create the main branch")
        archive = cls(path)
        archive._sync_worktree()
        return archive

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
        check_briefing_id(briefing)
        tree = tree or TreeBuilder(self.objects, self._root_tree())
        folder = briefing_folder(briefing)
        entries = tree.entries(folder)
        if not entries:
            raise UnknownBriefing(briefing, self.path)
        return [self._read_event(f"{folder}/{name}", entries[name][1]) for name in sorted(entries)]

    def raw_event_files(self) -> Iterator[tuple[str, str, bytes]]:
        """(briefing, path, bytes) of every event file on the main branch, in order."""
        tree = TreeBuilder(self.objects, self._root_tree())
        for bucket in sorted(tree.entries(ROOT)):
            for briefing in sorted(tree.entries(f"{ROOT}/{bucket}")):
                folder = f"{ROOT}/{bucket}/{briefing}"
                entries = tree.entries(folder)
                for name in sorted(entries):
                    yield briefing, f"{folder}/{name}", self.objects.read(entries[name][1])

    def _read_event(self, path: str, binsha: bytes) -> StoredEvent:
        raw = self.objects.read(binsha)
        try:
            event = Event.model_validate_json(raw)
        except ValueError as error:
            raise CorruptArchive(f"{self.path}/{path}: not a valid event ({_first_line(error)})") from None
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

    @contextmanager
    def write_lock(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the archive's writer lock; recover what a killed writer left behind."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.git_dir / LOCK_NAME), timeout=timeout)
        try:
            with lock:
                self._recover()
                yield
        except Timeout:
            raise ArchiveError(
                f"{self.path}: another chronicle process has held the archive lock for "
                f"{timeout:.0f}s; nothing was written, try again"
            ) from None

    def _recover(self) -> None:
        """Remove git locks a killed writer left; bring the working copy up to date.

        Called with the chronicle lock held: every chronicle writer holds it while git
        runs for it, so a git lock found now belongs to a process that is gone.
        """
        for name in GIT_LOCKS:
            stale = self.git_dir / name
            if stale.exists():
                stale.unlink()
        synced = self.git_dir / SYNCED_NAME
        if not synced.is_file() or synced.read_text().strip() != self.head():
            self._sync_worktree()

    def _sync_worktree(self) -> None:
        """Make the working tree and index match the branch tip (adds files, never deletes)."""
        head = self.head()
        if head is None:
            return
        result = git(self.git_dir, f"--work-tree={self.path}", "read-tree", head)
        if result.returncode != 0:
            raise ArchiveError(f"{self.path}: cannot update the git index: {result.stderr.decode().strip()}")
        git(self.git_dir, f"--work-tree={self.path}", "checkout-index", "-a")
        git(self.git_dir, f"--work-tree={self.path}", "update-index", "-q", "--refresh")
        _atomic_write(self.git_dir / SYNCED_NAME, head.encode())

    def write_files(self, files: dict[str, bytes], head: str) -> None:
        """Put freshly committed event files in the working tree and the index."""
        for path, data in files.items():
            _atomic_write(self.path / path, data)
        lines = "".join(
            f"100644 {hashlib.sha1(b'blob %d' % len(d) + bytes(1) + d).hexdigest()}\t{p}\n"
            for p, d in files.items()
        )
        result = git(self.git_dir, f"--work-tree={self.path}", "update-index", "--index-info",
                     stdin=lines.encode())
        if result.returncode != 0:
            self._sync_worktree()
            return
        git(self.git_dir, f"--work-tree={self.path}", "update-index", "-q", "--refresh")
        _atomic_write(self.git_dir / SYNCED_NAME, head.encode())


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
        self.identity = DEFAULT_IDENTITY

    def run(self, items: Iterable[NewRevision]) -> list[AppendResult]:
        results = []
        for item in items:
            result = self.append(item)
            results.append(result)
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()
            if self.on_result:
                self.on_result(result)
        self.flush()
        return results

    def state(self, briefing: str) -> _BriefingState:
        if briefing not in self.states:
            state = _BriefingState()
            if briefing in self.tree.entries(f"{ROOT}/{shard(briefing)}"):
                for stored in self.archive.events(briefing, self.tree):
                    state.sequence = stored.event.sequence
                    state.last_sha256 = stored.sha256
                    state.last_revision = stored.event.revision
                    state.content.setdefault(stored.event.content_sha256, state.sequence)
            self.states[briefing] = state
        return self.states[briefing]

    def append(self, item: NewRevision) -> AppendResult:
        from .schemas import validate

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
        validate(document, "event", f"event {path}")
        data = canonical_json(document)
        commit = self.commit(path, data, event, state.last_revision)
        state.sequence, state.last_sha256 = sequence, hashlib.sha256(data).hexdigest()
        state.last_revision = item.revision
        state.content[content] = sequence
        return AppendResult("recorded", item.briefing, sequence, path, event.event_id, commit,
                            item.origin.name)

    def commit(self, path: str, data: bytes, event: Event, previous: Revision | None) -> str:
        root = self.tree.add_file(path, data)
        text = self.message(event.briefing, event.sequence, previous, event.revision, event.origin)
        text += _trailers(event, path)
        parent = bytes.fromhex(self.tip) if self.tip else None
        sha = self.archive.objects.write(b"commit", commit_bytes(root, parent, self.identity, text))
        self.tip = sha.hex()
        self.pending[path] = data
        return self.tip

    def flush(self) -> None:
        """Move the branch from where this session found it to the new tip (CAS)."""
        if self.tip == self.base:
            return
        assert self.tip is not None
        if not update_ref(self.archive.git_dir, BRANCH, self.tip, self.base or "",
                          f"chronicle: append {len(self.pending)} event(s)"):
            raise ArchiveError(
                f"{self.archive.path}: the main branch moved while chronicle held its lock "
                "(another program writes to this archive?); nothing was written"
            )
        self.base = self.tip
        self.archive.write_files(self.pending, self.tip)
        self.pending = {}


def _trailers(event: Event, path: str) -> str:
    return (
        f"\n\nChronicle-Event: {event.event_id}\n"
        f"Chronicle-Briefing: {event.briefing}\n"
        f"Chronicle-Sequence: {event.sequence}\n"
        f"Chronicle-Content-Sha256: {event.content_sha256}\n"
        f"Chronicle-File: {path}\n"
    )


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


_ARCHIVE_README = """# chronicle archive

Every revision of every briefing is one immutable JSON event under `briefings/`,
added by one commit. Do not edit these files: `chronicle verify` reports any change.
"""
