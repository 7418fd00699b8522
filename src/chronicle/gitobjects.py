"""Writing git objects directly and moving a ref by compare-and-swap.

GitPython's index path (index.add + index.commit) rewrites the whole index per commit
and moves refs without an old-value check; this module builds blobs, trees and commits
in memory and lets ``git update-ref NEW OLD`` move the branch only if nobody else did.

New objects are kept in memory until :meth:`ObjectWriter.sync`, which writes them all
as one pack, crash-safely: the pack and its index are written under
``.git/chronicle-tmp/``, fsynced, renamed into ``objects/pack/`` (the ``.idx`` first, the
``.pack`` last: git and gitdb only use a pack whose ``.pack`` is there, and git only one
that also has its ``.idx``), and then ``objects/pack/`` itself is fsynced. Only after that
does the caller move the branch, so a ref git has made durable (``core.fsync`` includes
refs) never names an object that a power cut could lose. A killed writer leaves at most
temporary files (removed by the next writer), an ``.idx`` without its ``.pack`` (removed
by the next writer: :func:`remove_orphan_indexes`) or a complete pack nothing points at
(dangling objects, harmless; ``git gc`` drops them).

Single objects (commits, trees) are read through gitdb; many objects at once (the event
files of a briefing, of the archive) through one long-lived ``git cat-file --batch``
process, which resolves delta chains in C (gitdb does it in Python: ~14 ms per event
after ``git gc``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO

from gitdb.db import GitDB
from gitdb.exc import BadObject

from .errors import CorruptArchive

TREE_MODE = 0o40000
BLOB_MODE = 0o100644
ZERO_SHA = "0" * 40
TEMP_DIR = "chronicle-tmp"  # under .git; only a writer holding the chronicle lock uses it
PACK_COMPRESSION = zlib.Z_DEFAULT_COMPRESSION


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def signature(self, when: float) -> bytes:
        return f"{self.name} <{self.email}> {int(when)} +0000".encode()


def object_sha(kind: bytes, data: bytes) -> bytes:
    """The binary id git gives an object of ``kind`` (b"blob", b"tree", ...) holding ``data``."""
    digest = hashlib.sha1(b"%s %d\0" % (kind, len(data)), usedforsecurity=False)
    digest.update(data)
    return digest.digest()


class ObjectWriter:
    """Stores a batch of new objects as one fsynced pack; reads packed and loose objects."""

    def __init__(self, git_dir: Path, durable: bool = True) -> None:
        self.git_dir = git_dir
        self.objects_dir = git_dir / "objects"
        self.temp_dir = git_dir / TEMP_DIR
        self.reader = GitDB(str(self.objects_dir))
        self.durable = durable
        self._new: dict[bytes, tuple[bytes, bytes]] = {}  # binsha -> (kind, data), unsynced
        self._batch: CatFile | None = None
        self.written = 0
        self.fsync_seconds = 0.0

    def write(self, kind: bytes, data: bytes) -> bytes:
        """Keep one object for the next pack; return its binary sha.

        Every object written since the last :meth:`sync` goes into that pack, even if git
        already has it (it may be a killed writer's object that was never made durable).
        """
        binsha = object_sha(kind, data)
        if binsha not in self._new:
            self._new[binsha] = (kind, data)
            self.written += 1
        return binsha

    def sync(self) -> None:
        """Write every object kept since the last sync as one pack, durably (see module doc)."""
        if not self._new:
            return
        from gitdb.base import OStream
        from gitdb.pack import PackEntity

        self.temp_dir.mkdir(exist_ok=True)
        pack_dir = self.objects_dir / "pack"
        pack_dir.mkdir(parents=True, exist_ok=True)
        stem = self.temp_dir / f"pack-{os.getpid()}-{uuid.uuid4().hex}"
        temp_pack, temp_idx = stem.with_suffix(".pack"), stem.with_suffix(".idx")
        streams = [OStream(sha, kind, len(data), BytesIO(data))
                   for sha, (kind, data) in self._new.items()]
        with _exclusive(temp_pack) as pack, _exclusive(temp_idx) as index:
            pack_sha, _ = PackEntity.write_pack(streams, pack.write, index.write, len(streams),
                                                zlib_compression=PACK_COMPRESSION)
            for handle in (pack, index):
                handle.flush()
                if self.durable:
                    self._fsync(handle.fileno())
        name = f"pack-{pack_sha.hex()}"
        os.replace(temp_idx, pack_dir / f"{name}.idx")  # .idx first: see the module doc
        os.replace(temp_pack, pack_dir / f"{name}.pack")
        if self.durable:
            started = time.perf_counter()
            fsync_dir(pack_dir)
            self.fsync_seconds += time.perf_counter() - started
        self._new.clear()
        self.reader.update_cache(force=True)

    def _fsync(self, fd: int) -> None:
        started = time.perf_counter()
        os.fsync(fd)
        self.fsync_seconds += time.perf_counter() - started

    def read(self, binsha: bytes) -> bytes:
        """One object's content (not yet synced ones included)."""
        if binsha in self._new:
            return self._new[binsha][1]
        try:
            data: bytes = self.reader.stream(binsha).read()
        except (BadObject, OSError):  # a pack written, or repacked away, since gitdb looked
            self.refresh()
            try:
                data = self.reader.stream(binsha).read()
            except (BadObject, OSError):
                raise CorruptArchive(f"{self.git_dir}: git object {binsha.hex()} is missing; "
                                     "run 'git fsck --full' in the archive") from None
        return data

    def refresh(self) -> None:
        """Forget what is known of the packs: another process may have added or repacked
        them (a writer before us, `chronicle gc`)."""
        self.reader.update_cache(force=True)
        if self._batch is not None:
            self._batch.close()
            self._batch = None

    def read_many(self, binshas: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
        """Many objects' contents in order, through one ``git cat-file --batch``."""
        for binsha in binshas:
            if binsha in self._new:
                yield self._new[binsha][1]
                continue
            if self._batch is None:
                self._batch = CatFile(self.git_dir)
            yield self._batch.read(binsha, limit)

    def close(self) -> None:
        """Stop the ``git cat-file`` process, if one was started (also done at exit)."""
        if self._batch is not None:
            self._batch.close()
            self._batch = None


class CatFile:
    """One ``git cat-file --batch`` process: a sha in, its header and content out."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.process = subprocess.Popen(
            ["git", f"--git-dir={git_dir}", "cat-file", "--batch"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _stop, self.process)

    def read(self, binsha: bytes, limit: int | None = None) -> bytes:
        """One object's content; CorruptArchive if it is larger than ``limit`` bytes (its
        content is then skipped in pieces, never held: a hostile archive's 256 MiB event
        packs to a megabyte)."""
        hexsha = binsha.hex()
        with self._lock:
            stdin, stdout = self.process.stdin, self.process.stdout
            if stdin is None or stdout is None or stdin.closed:
                raise CorruptArchive(f"{self.git_dir}: git cat-file was closed")
            try:
                stdin.write(hexsha.encode() + b"\n")
                stdin.flush()
                header = stdout.readline()
                parts = header.split()
                if len(parts) == 2 and parts[1] == b"missing":
                    raise CorruptArchive(f"{self.git_dir}: git object {hexsha} is missing; "
                                         "run 'git fsck --full' in the archive")
                if len(parts) != 3 or parts[0] != hexsha.encode():
                    raise OSError(f"unexpected answer {header[:80]!r}")
                size = int(parts[2])
                if limit is not None and size > limit:
                    _skip(stdout, size + 1)
                    raise TooLarge(size)
                data = stdout.read(size + 1)  # the content, then a newline
                if len(data) != size + 1:
                    raise OSError("git cat-file ended mid-object")
            except TooLarge as error:
                raise CorruptArchive(f"{self.git_dir}: git object {hexsha} is {error.size:,} "
                                     f"bytes, over the {limit:,}-byte limit of an event; the "
                                     "archive was not written by chronicle") from None
            except (OSError, ValueError) as error:
                self.close()
                raise CorruptArchive(f"{self.git_dir}: cannot read git object {hexsha} "
                                     f"through git cat-file ({error})") from None
        return data[:size]

    def close(self) -> None:
        self._finalizer()


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def _skip(stream: IO[bytes], count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, 1 << 20))
        if not chunk:
            raise OSError("git cat-file ended mid-object")
        count -= len(chunk)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):  # a broken pipe: git is gone already
                stream.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class _exclusive:
    """A new file opened for writing (never an existing one), closed on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> IO[bytes]:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o444)
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def remove_orphan_indexes(git_dir: Path) -> list[Path]:
    """Delete ``objects/pack/pack-*.idx`` files whose ``.pack`` is missing (a writer killed
    between its two renames; git never leaves that state). Lock must be held."""
    removed = []
    pack_dir = git_dir / "objects" / "pack"
    if pack_dir.is_dir():
        for index in pack_dir.glob("pack-*.idx"):
            if not index.with_suffix(".pack").exists():
                index.unlink(missing_ok=True)
                removed.append(index)
    return removed


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
    rows = []
    for name, (mode, binsha) in entries.items():
        raw = name.encode("utf-8", "surrogateescape")
        # keys are unique (no name holds '/'), so the sort never compares further
        rows.append((raw + b"/" if mode == TREE_MODE else raw, raw, mode, binsha))
    rows.sort()
    return b"".join(b"%o %s\0%s" % (mode, raw, binsha) for _, raw, mode, binsha in rows)


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
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=stdin, capture_output=True, env=git_env(),
        check=False, pass_fds=pass_fds,
    )


# A pre-receive hook's git keeps pushed objects in quarantine and names it in these: a
# `chronicle verify --incoming` run by the hook must see them. Every other GIT_ variable of
# the environment is dropped (GIT_DIR, GIT_WORK_TREE ... would point git elsewhere).
QUARANTINE = ("GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH")


def commit_at(git_dir: Path, ref: str) -> str | None:
    """The commit ``ref`` names in the repository at ``git_dir``; None if it names none."""
    result = git(git_dir, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}")
    return result.stdout.decode().strip() if result.returncode == 0 else None


def git_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in QUARANTINE}


class RefUpdate:
    """The outcome of a compare-and-swap: truthy when the ref moved; ``problem`` says why not."""

    def __init__(self, problem: str | None) -> None:
        self.problem = problem

    def __bool__(self) -> bool:
        return self.problem is None


RefMove = tuple[str, str, str]  # (ref, new sha, old sha or '' for "must not exist")


def update_ref(git_dir: Path, ref: str, new: str, old: str, reason: str,
               pass_fds: tuple[int, ...] = (), also: tuple[RefMove, ...] = ()) -> RefUpdate:
    """Compare-and-swap: move ``ref`` to ``new`` only if it still points at ``old`` (and each
    of ``also`` likewise, all in one git transaction: all move or none)."""
    if not also:
        result = git(git_dir, "update-ref", "-m", reason, ref, new, old or ZERO_SHA,
                     pass_fds=pass_fds)
    else:
        lines = [f"update {r} {n} {o or ZERO_SHA}" for r, n, o in ((ref, new, old), *also)]
        script = "\n".join(["start", *lines, "prepare", "commit", ""]).encode()
        # files, not pipes: a git whose chronicle is killed mid-way still reads the whole
        # transaction and can write its "ok" lines (a closed pipe would kill it half-way),
        # so it finishes the move while holding the writer lock, as with arguments
        with tempfile.TemporaryFile() as handle, tempfile.TemporaryFile() as errors:
            handle.write(script)
            handle.seek(0)
            env = git_env()
            done = subprocess.run(
                ["git", f"--git-dir={git_dir}", "update-ref", "-m", reason, "--stdin"],
                stdin=handle, stdout=subprocess.DEVNULL, stderr=errors, env=env, check=False,
                pass_fds=pass_fds)
            errors.seek(0)
            result = subprocess.CompletedProcess(done.args, done.returncode, b"", errors.read())
    if result.returncode == 0:
        return RefUpdate(None)
    return RefUpdate(result.stderr.decode(errors="replace").strip() or "git update-ref failed")


def read_objects(git_dir: Path, specs: list[str], kind: str,
                 limit: int | None = None) -> dict[str, bytes | None]:
    """Each object named in ``specs`` if it is of ``kind`` (else None), by one
    `git cat-file --batch`: sizes, not separators, delimit the bodies. CorruptArchive if
    one is over ``limit`` bytes (asked of git first, so that none is read)."""
    if not specs:
        return {}
    if limit is not None:
        refuse_oversized(git_dir, specs, limit)
    result = git(git_dir, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in specs).encode())
    data = result.stdout
    wanted = kind.encode()
    out: dict[str, bytes | None] = {}
    pos = 0
    for spec in specs:
        end = data.find(b"\n", pos)
        if end < 0:
            out[spec] = None
            continue
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != wanted or not header[2].isdigit():
            out[spec] = None
            if len(header) == 3 and header[2].isdigit():  # another kind: skip its body
                pos += int(header[2]) + 1
            continue
        size = int(header[2])
        out[spec] = data[pos:pos + size]
        pos += size + 1
    return out


def refuse_oversized(git_dir: Path, specs: list[str], limit: int) -> None:
    """CorruptArchive naming the first object in ``specs`` larger than ``limit`` bytes."""
    result = git(git_dir, "cat-file", "--batch-check=%(objectsize)",
                 stdin="".join(f"{s}\n" for s in specs).encode())
    for spec, line in zip(specs, result.stdout.splitlines(), strict=False):
        if line.isdigit() and int(line) > limit:
            raise CorruptArchive(f"{git_dir}: {spec} is {int(line):,} bytes, over the "
                                 f"{limit:,}-byte limit of an event; the archive is damaged "
                                 "or hostile")
