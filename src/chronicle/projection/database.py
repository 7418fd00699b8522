"""The projection's SQLite file: where it lives, opening it, its meta, its lock.

``<archive folder>/.chronicle/projection.sqlite`` (git-ignored by the archive's
.gitignore; for a bare archive the archive folder is the git directory). WAL journal:
readers never block the writer nor it them; every update is one transaction, so a
process killed at any moment leaves the old state or the new one. Writers of the
projection (an append, a reader catching up) take ``.chronicle/projection.lock`` (flock),
so that only one of them updates it at a time and a damaged file is replaced by one.

A projection is trusted only if its meta says it was made by this format, this code
(schema.derivation), today's extractor, for this branch and this archive: a token kept
in the repository's own state folder (inside .git, never checked out or cloned) must
match, so a projection file that came with a checkout or a copy is rebuilt, not read.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..repository import Repository
from .schema import FILE_NAME, FORMAT, INDEXES, INTERNAL, STATE_FOLDER, derivation, public_ddl

TOKEN_NAME = "chronicle-projection-token"
BUSY_TIMEOUT = 60.0  # seconds a connection waits for another's write transaction


class Unavailable(Exception):
    """The projection cannot be used here (no write access to the state folder, ...):
    commands answer from the events instead."""


@dataclass(frozen=True)
class Meta:
    format: int
    derivation: str
    extractor: str
    branch: str
    token: str
    tip: str | None

    def trusted(self, wanted: Meta) -> bool:
        """Made the way ``wanted`` would be (the tip aside)."""
        return (self.format, self.derivation, self.extractor, self.branch, self.token) == (
            wanted.format, wanted.derivation, wanted.extractor, wanted.branch, wanted.token)


def folder_of(repository: Repository) -> Path:
    return repository.path / STATE_FOLDER


def path_of(repository: Repository) -> Path:
    return folder_of(repository) / FILE_NAME


def token(repository: Repository, create: bool) -> str:
    """This archive's projection token (made on first use); '' if none and not ``create``."""
    where = repository.state_dir / TOKEN_NAME
    try:
        text = where.read_text().strip()
    except OSError:
        text = ""
    if text or not create:
        return text
    text = secrets.token_hex(16)
    temp = where.with_name(f"{TOKEN_NAME}.{os.getpid()}.tmp")
    try:
        temp.write_text(text + "\n")
        os.replace(temp, where)
    except OSError as error:
        raise Unavailable(f"cannot write {where}: {error.strerror}") from None
    return where.read_text().strip()


def wanted_meta(repository: Repository, extractor: str, create: bool) -> Meta:
    return Meta(FORMAT, derivation(), extractor, repository.branch, token(repository, create),
                None)


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit); DatabaseError if the
    file is not a database."""
    if read_only:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                             timeout=BUSY_TIMEOUT, isolation_level=None,
                             check_same_thread=False)
        db.execute("PRAGMA query_only = ON")
        return db
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash keeps it consistent
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB: a rebuild's indexes stay in memory
    return db


def read_meta(db: sqlite3.Connection) -> Meta | None:
    """The projection's meta; None if it has none (new, or not a projection)."""
    try:
        found = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError:  # no such table
        return None
    try:
        return Meta(int(found["format"]), found["derivation"], found["extractor"],
                    found["branch"], found["token"], found.get("tip") or None)
    except (KeyError, ValueError):
        return None


def write_meta(db: sqlite3.Connection, meta: Meta) -> None:
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [
        ("format", str(meta.format)), ("derivation", meta.derivation),
        ("extractor", meta.extractor), ("branch", meta.branch), ("token", meta.token),
        ("tip", meta.tip or "")])


def reset(db: sqlite3.Connection, indexes: bool = True) -> None:
    """Drop whatever the file holds and make empty tables (inside the caller's transaction);
    without ``indexes`` the secondary indexes are left for add_indexes (a rebuild fills the
    tables first: building an index once is cheaper than keeping it up row by row)."""
    found = db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                       "AND type IN ('table', 'view')").fetchall()
    for kind, name in found:
        db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for statement in (*INTERNAL, *public_ddl()):
        if indexes or not statement.startswith("CREATE INDEX"):
            db.execute(statement)


def add_indexes(db: sqlite3.Connection) -> None:
    for statement in INDEXES:
        db.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


@contextlib.contextmanager
def projection_lock(repository: Repository, wait: bool) -> Iterator[bool]:
    """Hold the projection's writer lock; yields False (holding nothing) if another process
    has it and ``wait`` is false."""
    folder = make_folder(repository)
    try:
        fd = os.open(folder / "projection.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise Unavailable(f"cannot open {folder / 'projection.lock'}: {error.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def make_folder(repository: Repository) -> Path:
    folder = folder_of(repository)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise Unavailable(f"cannot make {folder}: {error.strerror}") from None
    if folder.is_symlink() or not folder.is_dir():
        raise Unavailable(f"{folder} is not a folder")
    return folder


def remove_files(path: Path) -> None:
    """A damaged projection and its WAL files, gone (under the projection lock)."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        with contextlib.suppress(FileNotFoundError):
            (path.parent / name).unlink()


def meta_at(path: Path) -> Meta | None:
    """The meta of the projection at ``path``; None if there is none or it is unreadable."""
    if not path.is_file():
        return None
    try:
        db = connect(path, read_only=True)
        try:
            return read_meta(db)
        finally:
            db.close()
    except sqlite3.Error:
        return None


def is_current(repository: Repository, head: str | None) -> bool:
    """Is the projection made for ``head`` by this code (a quick look, no lock, nothing
    of the builder loaded)? The extractor is not compared here: its version is part of the
    code that ``derivation`` fingerprints; the builder compares it too, under the lock."""
    meta = meta_at(path_of(repository))
    wanted = token(repository, create=False)
    return meta is not None and bool(wanted) and meta.tip == head and (
        meta.format, meta.derivation, meta.branch, meta.token) == (
        FORMAT, derivation(), repository.branch, wanted)
