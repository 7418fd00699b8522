"""The working copy of an archive that has one: event files checked out beside ``.git``.

The copy is a convenience, never the truth: the branch is. It is brought up to date after
each write, touching only the files written (no refresh of the whole index, whose cost
grows with the archive), and rebuilt by recovery if a writer died mid-way. A bare archive
has no working copy (NoWorkingCopy: every step is nothing to do).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import ArchiveError, CorruptArchive
from .gitobjects import TEMP_DIR, object_sha
from .locking import Session
from .repository import Repository
from .safe_write import write_bytes

SYNCED_NAME = "chronicle-synced"
FOLLOW_NAME = "chronicle-follow"  # an embedded sync moving the user's tree: from which commit


class NoWorkingCopy:
    """A bare archive: nothing is checked out."""

    def behind(self) -> bool:
        return False

    def check_writable(self, paths: list[str]) -> None:
        """Nothing is written outside git."""

    def write_files(self, files: dict[str, bytes], head: str, session: Session) -> None:
        """Nothing to write."""

    def sync(self, session: Session, thorough: bool) -> None:
        """Nothing to bring up to date."""

    def follow_problem(self, old: str, new: str) -> str | None:
        """Why moving the user's files from ``old`` to ``new`` would lose work (None: it
        would not, or there is nothing to move)."""
        return None

    def will_follow(self, old: str) -> None:
        """Note, before the branch moves away from ``old``, that the user's files follow it."""

    def follow(self, old: str, session: Session) -> None:
        """Move the user's index and working tree from ``old`` to the branch tip."""


class WorkingCopy(NoWorkingCopy):
    """Event files checked out in the archive's working tree, and git's index of them."""

    def __init__(self, repository: Repository, work_tree: Path) -> None:
        self.repository = repository
        self.work_tree = work_tree
        self.marker = repository.state_dir / SYNCED_NAME

    def synced(self) -> str | None:
        """The branch tip the working copy was last brought to (None: never by chronicle,
        e.g. a clone, whose index is the user's and is left alone)."""
        return self.marker.read_text().strip() if self.marker.is_file() else None

    def behind(self) -> bool:
        synced = self.synced()
        return self.follow_marker.is_file() or (
            synced is not None and synced != self.repository.head())

    @property
    def follow_marker(self) -> Path:
        return self.repository.state_dir / FOLLOW_NAME

    def check_writable(self, paths: list[str]) -> None:
        """Refuse, before anything is written, to write through a symbolic link (or anything
        but a folder) inside the archive: a cloned archive could point one outside."""
        for path in map(self.repository.full_path, paths):
            folder = self.work_tree
            for part in path.split("/")[:-1]:
                folder = folder / part
                try:
                    mode = os.lstat(folder).st_mode
                except FileNotFoundError:
                    break
                if not stat.S_ISDIR(mode):
                    what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
                    raise CorruptArchive(f"{folder}: {what} inside the archive; chronicle never "
                                         "writes through it (run 'chronicle verify')")
            target = self.work_tree / path
            if target.is_symlink():
                raise CorruptArchive(f"{target}: a symbolic link inside the archive; chronicle "
                                     "never writes through it (run 'chronicle verify')")

    def write_files(self, files: dict[str, bytes], head: str, session: Session) -> None:
        """Put freshly committed event files in the working tree and the index (only these
        paths: in an embedded archive the rest of the index is the user's)."""
        full = [self.repository.full_path(path) for path in files]
        for path, data in zip(full, files.values(), strict=True):
            self._atomic_write(self.work_tree / path, data)
        listed = b"".join(path.encode() + b"\0" for path in full)
        result = self.repository.git("update-index", "--add", "-z", "--stdin", stdin=listed,
                                     pass_fds=session.pass_fds)
        if result.returncode != 0:
            self.sync(session, thorough=True)
            return
        self._atomic_write(self.marker, head.encode())

    def sync(self, session: Session, thorough: bool) -> None:
        """Make the index and working tree match the branch tip (adds files, never deletes).

        ``thorough`` also rewrites event files a killed git left half-written.
        """
        head = self.repository.head()
        if head is None:
            return

        run = self._runner(session, lambda command, why: (
            f"{self.work_tree}: cannot update the working copy (git {command}: {why})"))
        if self.repository.embedded:
            if self.follow_marker.is_file():  # a sync died before the user's files followed
                self.follow(self.follow_marker.read_text().strip(), session)
                return
            self._sync_folder(run, head, thorough)
            self._atomic_write(self.marker, head.encode())
            return
        run("read-tree", head)
        # missing files only: existing ones are kept (and make git exit non-zero, "already
        # exists, no checkout", which is what is wanted here)
        self.repository.git("checkout-index", "-a", "-u", pass_fds=session.pass_fds)
        self.repository.git("update-index", "-q", "--refresh", pass_fds=session.pass_fds)
        if thorough:
            changed = self.repository.git("diff-files", "--name-only", "-z",
                                          pass_fds=session.pass_fds).stdout
            if changed:
                run("checkout-index", "-f", "-u", "-z", "--stdin", stdin=changed)
        self._atomic_write(self.marker, head.encode())

    def _sync_folder(self, run: Callable[..., bytes], head: str, thorough: bool) -> None:
        """Bring only the archive's folder of the user's index and working tree to ``head``:
        its entries from the commit, its missing (or, ``thorough``, damaged) files."""
        prefix = self.repository.prefix
        listed = run("ls-tree", "-r", "-z", "--full-tree", head, "--", prefix)
        run("update-index", "-z", "--index-info", stdin=listed)
        self.repository.git("checkout-index", "-u", "-z", "--stdin",
                            stdin=b"".join(line.split(b"\t", 1)[1] + b"\0"
                                           for line in listed.split(b"\0") if b"\t" in line))
        self.repository.git("update-index", "-q", "--refresh", "--", prefix)
        if thorough:
            changed = run("diff-files", "--name-only", "-z", "--", prefix)
            if changed:
                run("checkout-index", "-f", "-u", "-z", "--stdin", stdin=changed)

    def follow_problem(self, old: str, new: str) -> str | None:
        """git's own check, as `git merge --ff-only` makes it: would the two-tree move from
        ``old`` to ``new`` overwrite a staged, unstaged or untracked change of the user's?"""
        # as git merge does: a file touched but unchanged is not "not uptodate"
        self.repository.git("update-index", "-q", "--refresh")
        result = self.repository.git("read-tree", "-m", "-u", "-n", old, new)
        if result.returncode == 0:
            return None
        lines = [line.strip() for line in result.stderr.decode(errors="replace").splitlines()
                 if line.strip() and not line.startswith(("Please", "Aborting", "hint:"))]
        return "; ".join(lines[:3]) or "git read-tree refused the move"

    def will_follow(self, old: str) -> None:
        if self.repository.embedded:
            self._atomic_write(self.follow_marker, old.encode())

    def follow(self, old: str, session: Session) -> None:
        """Bring the user's index and working tree from ``old`` to the branch tip (a sync
        moved the branch) by git's two-tree merge (`read-tree -m -u`), inside the archive's
        folder too: it keeps every uncommitted change, staged or not, or refuses. (The new
        event files a rebase already wrote are in the index as the tip has them.)"""
        head = self.repository.head()
        if head is None or not self.repository.embedded:
            # an archive of its own: its tree is chronicle's; after a rebase the appends
            # already brought it to the tip, and a sync would refresh the whole index again
            if head is not None and self.synced() != head:
                self.sync(session, thorough=False)
            return
        run = self._runner(session, lambda command, why: (
            f"{self.work_tree}: the branch is at {head[:12]} but your files could not follow "
            f"it (git {command}: {why}); commit or stash that change, then run any chronicle "
            "command"))
        if old != head:
            self._stage_written(run, old, head)
            self.repository.git("update-index", "-q", "--refresh", pass_fds=session.pass_fds)
            run("read-tree", "-m", "-u", old, head)
        self._atomic_write(self.marker, head.encode())
        self.follow_marker.unlink(missing_ok=True)

    def _stage_written(self, run: Callable[..., bytes], old: str, head: str) -> None:
        """Stage the event files ``head`` adds that are already in the working tree with
        its very bytes (a sync killed between writing them and staging them), so that the
        two-tree merge does not take them for the user's untracked files."""
        listed = run("diff-tree", "-r", "-z", "--no-renames", "--diff-filter=A", old, head,
                     "--", self.repository.prefix).split(b"\0")
        ready = []
        for meta, path in zip(listed[0::2], listed[1::2], strict=False):
            fields = meta.split()
            target = self.work_tree / path.decode(errors="surrogateescape")
            if len(fields) >= 4 and target.is_file() and not target.is_symlink() and \
                    object_sha(b"blob", target.read_bytes()).hex() == fields[3].decode():
                ready.append(path + b"\0")
        if ready:
            run("update-index", "--add", "-z", "--stdin", stdin=b"".join(ready))

    def _runner(self, session: Session,
                failed: Callable[[str, str], str]) -> Callable[..., bytes]:
        """Run git in the working tree; a failure is one ArchiveError, worded by ``failed``
        from the git command and git's first line."""
        def run(*args: str, stdin: bytes | None = None) -> bytes:
            result = self.repository.git(*args, stdin=stdin, pass_fds=session.pass_fds)
            if result.returncode != 0:
                why = result.stderr.decode(errors="replace").strip().splitlines()
                raise ArchiveError(failed(args[0], why[0] if why else "failed"))
            out: bytes = result.stdout
            return out

        return run

    def _atomic_write(self, path: Path, data: bytes) -> None:
        """Write via the temporary folder so a killed writer leaves no partial file in place
        (recovery empties it), never through a symbolic link (safe_write)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.repository.state_dir / TEMP_DIR
        temp.mkdir(exist_ok=True)
        write_bytes(path, data, overwrite=True, temp_dir=temp, follow_symlinks=False,
                    allow_special=False)


def working_copy(repository: Repository) -> NoWorkingCopy:
    if repository.work_tree is None:
        return NoWorkingCopy()
    return WorkingCopy(repository, repository.work_tree)
