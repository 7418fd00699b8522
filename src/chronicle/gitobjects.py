"""Writing git objects directly and moving a ref by compare-and-swap.

GitPython's index path (index.add + index.commit) rewrites the whole index per commit
and moves refs without an old-value check; this module builds blobs, trees and commits
in memory and lets ``git update-ref NEW OLD`` move the branch only if nobody else did.

Loose objects are written the way git writes them, crash-safely: compressed into a
temporary file under ``.git/chronicle-tmp/``, fsynced, then renamed into
``objects/xx/``. A killed writer leaves at most a temporary file (removed by the next
writer) or a complete object nothing points at (a dangling object, harmless). Before
the branch is moved to a new commit, :meth:`ObjectWriter.sync` fsyncs the folders
the new objects were renamed into, so a ref git has made durable (``core.fsync``
includes refs) never names an object that a power cut could lose. Objects are read
through gitdb, which finds packed objects too.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from gitdb.db import GitDB

TREE_MODE = 0o40000
BLOB_MODE = 0o100644
ZERO_SHA = "0" * 40
TEMP_DIR = "chronicle-tmp"  # under .git; only a writer holding the chronicle lock uses it


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def signature(self, when: float) -> bytes:
        return f"{self.name} <{self.email}> {int(when)} +0000".encode()


class ObjectWriter:
    """Stores loose objects crash-safely; reads through gitdb so packed objects are found too."""

    def __init__(self, git_dir: Path, durable: bool = True) -> None:
        self.objects_dir = git_dir / "objects"
        self.temp_dir = git_dir / TEMP_DIR
        self.reader = GitDB(str(self.objects_dir))
        self.durable = durable
        self._unsynced_dirs: set[Path] = set()
        self.written = 0
        self.fsync_seconds = 0.0

    def write(self, kind: bytes, data: bytes) -> bytes:
        """Store one object (unless git already has it loose); return its binary sha."""
        header = b"%s %d\0" % (kind, len(data))
        digest = hashlib.sha1(header)
        digest.update(data)
        binsha = digest.digest()
        hexsha = binsha.hex()
        folder = self.objects_dir / hexsha[:2]
        target = folder / hexsha[2:]
        if target.is_file():
            self._unsynced_dirs.add(folder)  # may be a killed writer's object, not yet durable
            return binsha
        self.temp_dir.mkdir(exist_ok=True)
        temporary = self.temp_dir / f"obj-{os.getpid()}-{uuid.uuid4().hex}"
        compressed = zlib.compress(header + data)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o444)
        try:
            _write_all(fd, compressed)
            if self.durable:
                started = time.perf_counter()
                os.fsync(fd)
                self.fsync_seconds += time.perf_counter() - started
        finally:
            os.close(fd)
        folder.mkdir(exist_ok=True)
        os.replace(temporary, target)  # same content whoever wins a race: sha1 names it
        self._unsynced_dirs.add(folder)
        self.written += 1
        return binsha

    def sync(self) -> None:
        """Make the renames of every object written so far durable (fsync their folders)."""
        if self.durable:
            started = time.perf_counter()
            for folder in sorted(self._unsynced_dirs):
                fsync_dir(folder)
            self.fsync_seconds += time.perf_counter() - started
        self._unsynced_dirs.clear()

    def read(self, binsha: bytes) -> bytes:
        data: bytes = self.reader.stream(binsha).read()
        return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def parse_tree(data: bytes) -> dict[str, tuple[int, bytes]]:
    """Tree entries as {name: (mode, binsha)}."""
    entries: dict[str, tuple[int, bytes]] = {}
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = int(data[pos:space], 8)
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        entries[name] = (mode, data[nul + 1 : nul + 21])
        pos = nul + 21
    return entries


def serialize_tree(entries: dict[str, tuple[int, bytes]]) -> bytes:
    """Git's tree encoding: entries sorted as git sorts them (a subtree as 'name/')."""

    def order(name: str) -> bytes:
        suffix = "/" if entries[name][0] == TREE_MODE else ""
        return (name + suffix).encode("utf-8", "surrogateescape")

    out = bytearray()
    for name in sorted(entries, key=order):
        mode, binsha = entries[name]
        out += b"%o %s\0" % (mode, name.encode("utf-8", "surrogateescape")) + binsha
    return bytes(out)


@dataclass
class TreeBuilder:
    """A root tree edited in memory; only the trees on a changed path are rewritten."""

    objects: ObjectWriter
    root: bytes | None
    _cache: dict[str, dict[str, tuple[int, bytes]]] = field(default_factory=dict)

    def entries(self, folder: str) -> dict[str, tuple[int, bytes]]:
        """Entries of ``folder`` ('' is the root) as they stand in this builder."""
        if folder not in self._cache:
            self._cache[folder] = self._load(folder)
        return self._cache[folder]

    def _load(self, folder: str) -> dict[str, tuple[int, bytes]]:
        if not folder:
            return parse_tree(self.objects.read(self.root)) if self.root else {}
        parent, _, name = folder.rpartition("/")
        entry = self.entries(parent).get(name)
        if entry is None or entry[0] != TREE_MODE:
            return {}
        return parse_tree(self.objects.read(entry[1]))

    def add_file(self, path: str, data: bytes) -> bytes:
        """Add a blob at ``path`` and rewrite the trees above it; return the new root sha."""
        blob = self.objects.write(b"blob", data)
        folder, _, name = path.rpartition("/")
        self.entries(folder)[name] = (BLOB_MODE, blob)
        while folder:
            sha = self.objects.write(b"tree", serialize_tree(self.entries(folder)))
            folder, _, name = folder.rpartition("/")
            self.entries(folder)[name] = (TREE_MODE, sha)
        self.root = self.objects.write(b"tree", serialize_tree(self.entries("")))
        return self.root

    def blob_sha(self, path: str) -> bytes:
        folder, _, name = path.rpartition("/")
        return self.entries(folder)[name][1]


def commit_bytes(
    tree: bytes, parent: bytes | None, author: Identity, message: str, when: float | None = None
) -> bytes:
    when = time.time() if when is None else when
    lines = [b"tree " + tree.hex().encode()]
    if parent:
        lines.append(b"parent " + parent.hex().encode())
    lines.append(b"author " + author.signature(when))
    lines.append(b"committer " + author.signature(when))
    return b"\n".join(lines) + b"\n\n" + message.encode("utf-8")


def git(git_dir: Path, *args: str, stdin: bytes | None = None,
        pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    """Run git on this repository without reading the user's environment overrides.

    ``pass_fds`` hands the writer's lock descriptor to git, so the chronicle lock stays
    held until git exits even if chronicle itself is killed while git runs.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=stdin, capture_output=True, env=env,
        check=False, pass_fds=pass_fds,
    )


def update_ref(git_dir: Path, ref: str, new: str, old: str, reason: str,
               pass_fds: tuple[int, ...] = ()) -> bool:
    """Compare-and-swap: move ``ref`` to ``new`` only if it still points at ``old``."""
    result = git(git_dir, "update-ref", "-m", reason, ref, new, old or ZERO_SHA, pass_fds=pass_fds)
    return result.returncode == 0
