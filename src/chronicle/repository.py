"""Where an archive's pieces live, and creating one: the git directory, the optional working
tree, the branch, and chronicle's own files beside git's.

Three set-ups (docs/archive-format.md, README "The archive"):
    bare (the default)   ARCHIVE/ is a bare git repository: HEAD, objects/, refs/ ... and
                         chronicle's files; events exist only as git objects (browse them
                         with `git -C ARCHIVE log -p` or `git show main:briefings/...`)
    with a working tree  ARCHIVE/.git plus a checkout of every event file under
                         ARCHIVE/briefings/ (`chronicle init --worktree`; chronicle 0.1.0
                         made these)
    embedded             ARCHIVE/ is a folder inside another repository's working tree
                         (`chronicle init --in-repo`): its files are committed to that
                         repository's current branch, one commit per event touching only
                         ARCHIVE/; chronicle's own files live in .git/chronicle/<archive>/
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ArchiveError, NotAnArchive
from .gitobjects import ObjectWriter, TreeBuilder, git
from .layout import BRANCH
from .ledger import LEDGER_NAME

# git config set by init. Not pack.window: a wide window (250) lets a plain `git gc` find a
# briefing's previous revision as delta base, but git then searches it for every fetch it
# serves (1,000 events: 21.5 s against 1.7 s with git's default 10); `chronicle gc` passes
# --window=250 itself (compact.py, docs/benchmarks.md).
ARCHIVE_CONFIG = (("core.fsync", "committed"), ("core.fsyncMethod", "fsync"), ("gc.auto", "0"),
                  ("core.logAllRefUpdates", "true"))
LEDGER_CONFIG = "chronicle.ledger"  # in the git config: this archive keeps a ledger


class ArchiveTree:
    """The archive's files in a commit's tree: paths relative to the archive's folder, which
    is the tree's root, or ``prefix`` in an embedded archive (the rest is carried over)."""

    def __init__(self, builder: TreeBuilder, prefix: str = "") -> None:
        self.builder = builder
        self.prefix = prefix

    def full(self, path: str) -> str:
        """``path`` (relative to the archive) as a path of the repository's tree."""
        return f"{self.prefix}/{path}" if self.prefix and path else (self.prefix or path)

    def entries(self, folder: str) -> dict[str, tuple[int, bytes]]:
        return self.builder.entries(self.full(folder))

    def add_file(self, path: str, data: bytes) -> bytes:
        """Add a blob at ``path`` (relative to the archive); return the new root tree's sha."""
        return self.builder.add_file(self.full(path), data)

    def mode_at(self, path: str) -> int | None:
        """The mode of the entry at ``path`` (relative to the archive), None if none."""
        folder, _, name = self.full(path).rpartition("/")
        entry = self.builder.entries(folder).get(name)
        return None if entry is None else entry[0]


@dataclass
class Repository:
    """An archive's git repository: its folders, its branch, its objects."""

    path: Path  # the folder the user names
    git_dir: Path
    work_tree: Path | None  # None: a bare archive
    branch: str = BRANCH
    prefix: str = ""  # embedded: the archive's folder within the repository ('' otherwise)
    # a linked worktree's git directory holds its HEAD, index and in-progress markers only;
    # objects, branches and chronicle's state live in the common one (git worktree)
    common_dir: Path | None = None

    def __post_init__(self) -> None:
        self.objects = ObjectWriter(self.shared_dir)

    @property
    def shared_dir(self) -> Path:
        """The git directory holding objects and branches (the common one of worktrees)."""
        return self.common_dir or self.git_dir

    @property
    def bare(self) -> bool:
        return self.work_tree is None

    @property
    def embedded(self) -> bool:
        return bool(self.prefix)

    @property
    def state_dir(self) -> Path:
        """Where chronicle keeps its lock, ledger, markers and temporary files."""
        if not self.prefix:
            return self.git_dir
        return self.shared_dir / "chronicle" / state_name(self.prefix)

    @property
    def ledger_path(self) -> Path:
        """The ledger file: one per archive; in an embedded archive one per branch (each
        branch's own appends; what merges bring in is checked by its chain and hashes)."""
        if not self.prefix:
            return self.state_dir / LEDGER_NAME
        branch = state_name(self.branch.removeprefix("refs/heads/"))
        return self.state_dir / f"ledger-{branch}.jsonl"

    def ledger_where(self) -> str:
        """The ledger's path as messages name it: relative to the archive's folder."""
        return os.path.relpath(self.ledger_path, self.path)

    def full_path(self, path: str) -> str:
        """A path relative to the archive as a path of the repository."""
        return f"{self.prefix}/{path}" if self.prefix else path

    def archive_path(self, path: str) -> str | None:
        """A path of the repository relative to the archive; None if it lies outside it."""
        if not self.prefix:
            return path
        return path[len(self.prefix) + 1:] if path.startswith(self.prefix + "/") else None

    def head(self) -> str | None:
        """The sha of the branch's tip, read without starting git; None if it has none.

        ArchiveError if the ref holds anything but a commit sha (a damaged or hostile
        repository): every command refuses it in one line.
        """
        text = self._ref_text()
        if text is None:
            return None
        sha = text.strip()
        if len(sha) != 40 or any(c not in "0123456789abcdef" for c in sha):
            raise ArchiveError(f"{self.path}: {self.branch} does not hold a commit sha "
                               f"({sha[:40]!r}); the repository is damaged")
        return sha

    def _ref_text(self) -> str | None:
        home = self.git_dir if self.branch == "HEAD" else self.shared_dir
        loose = home / self.branch
        try:
            if loose.is_file():
                return loose.read_text(errors="replace") or None
            packed = self.shared_dir / "packed-refs"
            if packed.is_file():
                for line in packed.read_text(errors="replace").splitlines():
                    if line.endswith(" " + self.branch):
                        return line.split()[0]
        except OSError as error:
            raise ArchiveError(f"{self.path}: cannot read {self.branch}: "
                               f"{error.strerror}") from None
        return None

    def root_tree(self, commit: str | None = None) -> bytes | None:
        """The tree of ``commit`` (default: the branch tip); None for no commit."""
        commit = commit or self.head()
        if commit is None:
            return None
        data = self.objects.read(bytes.fromhex(commit))
        header = data.split(b"\n", 1)[0].split()
        if len(header) != 2 or header[0] != b"tree":
            raise ArchiveError(f"{self.path}: {commit[:12]} on {self.branch} is not a commit; "
                               "the repository is damaged")
        return bytes.fromhex(header[1].decode())

    def tree(self, commit: str | None = None) -> ArchiveTree:
        return ArchiveTree(TreeBuilder(self.objects, self.root_tree(commit)), self.prefix)

    def git(self, *args: str, stdin: bytes | None = None, pass_fds: tuple[int, ...] = ()) -> Any:
        """git on this repository (and its working tree, if it has one)."""
        where = () if self.work_tree is None else (f"--work-tree={self.work_tree}",)
        return git(self.git_dir, *where, *args, stdin=stdin, pass_fds=pass_fds)

    def config(self, key: str) -> str | None:
        result = git(self.git_dir, "config", "--get", key)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    @property
    def ledger_config(self) -> str:
        """The git config key saying chronicle keeps this ledger: one per archive, and in an
        embedded archive one per archive folder and branch (each branch has a ledger of its
        own, adopted at its first append; a detached HEAD has none)."""
        if not self.prefix:
            return LEDGER_CONFIG
        branch = self.branch.removeprefix("refs/heads/")
        return f"chronicle.{state_name(self.prefix)}:{state_name(branch)}.ledger"

    def keeps_ledger(self) -> bool:
        """Did chronicle keep a ledger here? (set by init/adopt in the git config; not cloned)"""
        result = git(self.git_dir, "config", "--type=bool", "--get", self.ledger_config)
        return result.stdout.strip() == b"true"

    def close(self) -> None:
        self.objects.close()


def state_name(prefix: str) -> str:
    """A folder name for an embedded archive's state: readable, and unique per prefix."""
    import hashlib

    readable = "".join(c if c.isalnum() or c in "-_." else "-" for c in prefix)[-40:]
    return f"{readable}-{hashlib.sha256(prefix.encode()).hexdigest()[:8]}"


def open_repository(path: Path) -> Repository:
    """The repository at ``path``: a folder with a .git (working tree), a bare repository,
    or a folder inside another repository's working tree (an embedded archive)."""
    if not path.is_dir():
        raise NotAnArchive(path, "not a folder" if path.exists() else "no such folder")
    if (path / ".git" / "HEAD").is_file():
        return Repository(path, path / ".git", path)
    if _is_bare(path):
        return Repository(path, path, None)
    enclosing = enclosing_repository(path)
    if enclosing is not None:
        return embedded_repository(path, *enclosing)
    raise NotAnArchive(path, "not a git repository")


def enclosing_repository(path: Path) -> tuple[Path, Path, Path] | None:
    """(top of the working tree, git directory, common git directory) of the repository
    whose working tree holds ``path``; None if there is none, or inside a .git folder."""
    result = git_here(path, "rev-parse", "--path-format=absolute", "--is-inside-work-tree",
                      "--show-toplevel", "--git-dir", "--git-common-dir")
    lines = result.stdout.decode(errors="replace").splitlines()
    if result.returncode != 0 or len(lines) != 4 or lines[0] != "true":
        return None
    return Path(lines[1]), Path(lines[2]), Path(lines[3])


def embedded_repository(path: Path, top: Path, git_dir: Path, common_dir: Path) -> Repository:
    """The embedded archive at ``path`` in the repository at ``top``, on its current branch."""
    prefix = path.resolve().relative_to(top.resolve()).as_posix()
    if prefix in ("", "."):
        raise ArchiveError(f"{path}: is the top of a git repository; an embedded archive is a "
                           "folder inside one (chronicle init --in-repo ARCHIVE-FOLDER)")
    head = git(git_dir, "symbolic-ref", "-q", "HEAD")
    branch = head.stdout.decode().strip()
    if head.returncode != 0 or not branch.startswith("refs/heads/"):
        branch = "HEAD"  # detached (a CI checkout): readable; writes are refused
    return Repository(path, git_dir, top, branch, prefix,
                      None if common_dir.resolve() == git_dir.resolve() else common_dir)


def git_here(folder: Path, *args: str) -> Any:
    """git run in ``folder`` (to find the repository around it)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, env=env,
                          check=False)


# git's markers of an operation in progress: an append then could mix into it
IN_PROGRESS = {"MERGE_HEAD": "a merge", "rebase-merge": "a rebase", "rebase-apply": "a rebase",
               "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert",
               "BISECT_LOG": "a bisect"}


def operation_in_progress(repository: Repository) -> str | None:
    """What git is in the middle of in an embedded archive's repository (None: nothing)."""
    if not repository.embedded:
        return None
    return next((what for name, what in IN_PROGRESS.items()
                 if (repository.git_dir / name).exists()), None)


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def create_repository(path: Path, bare: bool) -> Repository:
    """A new git repository at ``path`` (a new or empty folder), configured for an archive."""
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"{path}: exists and is not a folder; choose a new folder")
    if path.exists() and any(path.iterdir()):
        raise ArchiveError(f"{path}: folder exists and is not empty; choose a new folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"{path}: cannot create the folder: {error.strerror}") from None
    target = path.resolve()  # absolute: git resolves a relative folder after entering it
    flags = ("--bare",) if bare else ()
    result = git(target if bare else target / ".git", "init", "-q", *flags, "-b", "main",
                 str(target))
    if result.returncode != 0:
        raise ArchiveError(f"{path}: git init failed: {result.stderr.decode().strip()}")
    repository = Repository(path, path if bare else path / ".git", None if bare else path)
    for key, value in (*ARCHIVE_CONFIG, (LEDGER_CONFIG, "true")):
        git(repository.git_dir, "config", key, value)
    return repository


def create_embedded(path: Path) -> Repository:
    """An archive folder ``path`` inside the working tree of an existing repository (made if
    missing; it must be new or empty). Refused inside .git, outside any repository, or while
    the repository is in the middle of a merge, rebase or the like."""
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ArchiveError(f"{path}: {existing} is not a folder")
    inside_git = git_here(existing, "rev-parse", "--is-inside-git-dir").stdout.strip()
    if inside_git == b"true":
        raise ArchiveError(f"{path}: is inside a .git folder; choose a folder of the working tree")
    enclosing = enclosing_repository(existing)
    if enclosing is None:
        raise ArchiveError(f"{path}: is not inside a git repository's working tree (run "
                           "'git init' there first, or leave out --in-repo for an archive of "
                           "its own)")
    top, git_dir, common_dir = enclosing
    if path.exists() and any(path.iterdir()):
        raise ArchiveError(f"{path}: folder exists and is not empty; choose a new folder")
    probe = Repository(path, git_dir, top, prefix="?")
    busy = operation_in_progress(probe)
    if busy:
        raise ArchiveError(f"{top}: the repository is in the middle of {busy}; finish it first")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"{path}: cannot create the folder: {error.strerror}") from None
    repository = embedded_repository(path, top, git_dir, common_dir)
    if repository.branch != "HEAD":
        git(git_dir, "config", repository.ledger_config, "true")
    return repository


def unfinished_init(path: Path) -> bool:
    """A repository without a branch and nothing else in the folder: an init that was killed."""
    try:
        repository = open_repository(path)
    except NotAnArchive:
        return False
    if repository.bare:
        others = {p.name for p in path.iterdir()} - _BARE_INIT_FILES
        return not others and repository.head() is None
    return repository.head() is None and all(c.name == ".git" for c in path.iterdir())


_BARE_INIT_FILES = {"HEAD", "config", "description", "hooks", "info", "objects", "refs",
                    "branches", "packed-refs", "chronicle.lock", "chronicle-ledger.jsonl",
                    "chronicle-dirty", "chronicle-tmp", "logs"}
