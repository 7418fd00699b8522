"""Recovery: what a writer killed at any instant leaves behind, and how it is cleaned up.

    <git dir>/chronicle-tmp/*           half-written packs or working-tree files: deleted
    objects/pack/pack-*.idx without its .pack    killed between the two renames: deleted
    objects not named by any ref        a complete pack, dangling: harmless, git gc prunes them
    index.lock, refs/heads/main.lock, ...      git's own locks of a killed git: deleted
    a 'begin' without 'done' in the ledger     closed as done or abort
    <git dir>/chronicle-dirty           says the above may exist: a thorough check is due
    index / working tree behind the branch     rebuilt from the branch tip

Why deleting lock and temporary files is safe: it runs only with the chronicle lock held,
and every chronicle writer holds the lock for as long as it or any git it started runs (the
descriptor is passed to git), so a git lock file or a temporary file seen now was left by a
process that no longer exists. (git commands run by hand in the archive while chronicle
writes are not covered: do not run git commands that write in an archive while chronicle
is writing to it.)
"""

from __future__ import annotations

from typing import Any

from .gitobjects import TEMP_DIR, remove_orphan_indexes, update_ref
from .ledger import Ledger
from .locking import DIRTY_NAME, LOCK_NAME, Session, WriterLock
from .publedger import LEDGER_REF, ledger_tip
from .repository import Repository
from .worktree import NoWorkingCopy

# git's own lock files a killed git (or a git whose chronicle parent was killed) can leave
GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock", "refs/heads/main.lock",
             "refs/chronicle/ledger.lock", "config.lock")


def git_locks(repository: Repository) -> tuple[str, ...]:
    """The git lock files recovery may delete. None in an embedded archive: there the user's
    own git commands take them too, and only git's advice holds (remove one if no git runs)."""
    return () if repository.embedded else GIT_LOCKS


def needs_recovery(repository: Repository, copy: NoWorkingCopy) -> bool:
    """Cheap signs that a writer died mid-way (a few stats and one small read)."""
    state = repository.state_dir
    if (state / DIRTY_NAME).exists():
        return True
    if any((repository.git_dir / name).exists() for name in git_locks(repository)):
        return True
    temp = state / TEMP_DIR
    if temp.is_dir() and any(temp.iterdir()):
        return True
    return copy.behind()


def recover(repository: Repository, copy: NoWorkingCopy, ledger: Ledger,
            session: Session) -> None:
    """Remove what a killed writer left; bring the ledger, index and working tree up to date.
    Runs only with the writer lock held (``session``)."""
    state = repository.state_dir
    dirty = (state / DIRTY_NAME).exists()
    stale = False
    for name in git_locks(repository):
        lock_file = repository.git_dir / name
        if lock_file.exists():
            lock_file.unlink()
            stale = True
    temp = state / TEMP_DIR
    if temp.is_dir():
        for leftover in temp.iterdir():
            leftover.unlink()
    if dirty:
        remove_orphan_indexes(repository.shared_dir)
    head = repository.head()
    if ledger.exists() and (dirty or ledger.pending()):
        outcome, batch = ledger.resolve(head)
        if batch is not None and "published" in batch:
            _place_published_ledger(repository, batch, outcome == "done", session)
    if head is not None and (dirty or stale or copy.behind()):
        copy.sync(session, thorough=dirty or stale)
    if dirty:
        (state / DIRTY_NAME).unlink(missing_ok=True)


def _place_published_ledger(repository: Repository, batch: dict[str, Any], moved: bool,
                            session: Session) -> None:
    """Put refs/chronicle/ledger where the branch says: at the batch's ledger commit if the
    branch moved, back at the one before if not (a kill between git's two ref renames can
    leave one moved and the other not)."""
    want = batch["published"] if moved else batch.get("published_base")
    other = batch.get("published_base") if moved else batch["published"]
    now = ledger_tip(repository.git_dir)
    if now == want or now != other:
        return  # already right, or moved on by something else: left alone
    if want:
        update_ref(repository.git_dir, LEDGER_REF, want, other or "", "chronicle recovery",
                   session.pass_fds)
    else:
        repository.git("update-ref", "-d", LEDGER_REF, str(other), pass_fds=session.pass_fds)


def try_recover(repository: Repository, copy: NoWorkingCopy, ledger: Ledger) -> bool:
    """Called by every command: recover if something needs it and no writer is running.

    Tries the lock without waiting: if another process holds it, what looks unfinished is
    that live writer's work in progress and is left alone. A read-only archive cannot be
    cleaned; reads still work (OSError is left to the caller only for the clean-up itself).
    """
    if not needs_recovery(repository, copy):
        return False
    lock = WriterLock(repository.state_dir / LOCK_NAME)
    try:
        if not lock.acquire(0):
            return False
    except OSError:
        return False  # read-only archive: nothing can be cleaned, reads still work
    assert lock.fd is not None
    try:
        recover(repository, copy, ledger, Session(repository.state_dir, lock.fd))
    finally:
        lock.release()
    return True
