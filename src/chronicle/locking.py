"""The writer lock, and the write session it opens.

Writers hold an flock on ``<git dir>/chronicle.lock``. flock belongs to the open file
description, not to a pid: the kernel releases it when the last descriptor is closed,
which happens when the holder exits for any reason, SIGKILL included. The descriptor is
handed to every git process a writer starts (``Session.pass_fds``), so if chronicle is
killed while git runs, the lock stays held until that git has finished too. The lock file
itself is never deleted (deleting it would let two writers lock two different inodes).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArchiveError

LOCK_NAME = "chronicle.lock"
DIRTY_NAME = "chronicle-dirty"
DEFAULT_LOCK_TIMEOUT = 60.0
LOCK_TIMEOUT_ENV = "CHRONICLE_LOCK_TIMEOUT"


class WriterLock:
    """An exclusive flock on a lock file, waited for up to a timeout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; False if another process still holds it.
        OSError if the lock file cannot be opened (a read-only archive)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
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


@dataclass
class Session:
    """What a process holding the writer lock may do: pass the lock to the gits it starts,
    and say (before changing anything) that it is about to change things."""

    state_dir: Path
    lock_fd: int
    dirty: bool = field(default=False)

    @property
    def pass_fds(self) -> tuple[int, ...]:
        return (self.lock_fd,)

    def mark_dirty(self) -> None:
        """Note that this session is about to change things: recovery is due if it dies."""
        if not self.dirty:
            (self.state_dir / DIRTY_NAME).write_text(f"{os.getpid()}\n")
            self.dirty = True

    def clear_dirty(self) -> None:
        if self.dirty:
            (self.state_dir / DIRTY_NAME).unlink(missing_ok=True)
            self.dirty = False


def acquire(state_dir: Path, where: Path, timeout: float | None = None) -> WriterLock:
    """The writer lock, waited for up to ``timeout`` (default: $CHRONICLE_LOCK_TIMEOUT or 60s).
    ArchiveError, having written nothing, if it stays busy or cannot be taken."""
    wait = lock_timeout() if timeout is None else timeout
    lock = WriterLock(state_dir / LOCK_NAME)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)  # an embedded archive's own folder
        taken = lock.acquire(wait)
    except OSError as error:
        raise ArchiveError(f"{where}: cannot lock the archive for writing "
                           f"({error.strerror}); nothing was written") from None
    if not taken:
        raise ArchiveError(
            f"{where}: another chronicle process held the archive lock for {wait:g}s; "
            f"nothing was written, try again (set {LOCK_TIMEOUT_ENV} to wait longer)"
        )
    return lock
