"""Where an archive's pieces live, and creating one: the git directory, the optional working
tree, the branch, and chronicle's own files beside git's.

Two set-ups (docs/archive-format.md, README "The archive"):
    bare (the default)   ARCHIVE/ is a bare git repository: HEAD, objects/, refs/ ... and
                         chronicle's files; events exist only as git objects (browse them
                         with `git -C ARCHIVE log -p` or `git show main:briefings/...`)
    with a working tree  ARCHIVE/.git plus a checkout of every event file under
                         ARCHIVE/briefings/ (`chronicle init --worktree`; chronicle 0.1.0
                         made these)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ArchiveError, NotAnArchive
from .gitobjects import ObjectWriter, TreeBuilder, git
from .layout import BRANCH

# git config set by init. pack.window 250 (git's default: 10) lets a plain `git gc` find a
# briefing's previous revision as delta base (git orders candidates by a hash of the file
# name's end, and 000010.json / 000011.json differ exactly there): see docs/benchmarks.md.
ARCHIVE_CONFIG = (("core.fsync", "committed"), ("core.fsyncMethod", "fsync"), ("gc.auto", "0"),
                  ("core.logAllRefUpdates", "true"), ("pack.window", "250"))
LEDGER_CONFIG = "chronicle.ledger"  # in the git config: this archive keeps a ledger


@dataclass
class Repository:
    """An archive's git repository: its folders, its branch, its objects."""

    path: Path  # the folder the user names
    git_dir: Path
    work_tree: Path | None  # None: a bare archive
    branch: str = BRANCH

    def __post_init__(self) -> None:
        self.objects = ObjectWriter(self.git_dir)

    @property
    def bare(self) -> bool:
        return self.work_tree is None

    @property
    def state_dir(self) -> Path:
        """Where chronicle keeps its lock, ledger, markers and temporary files."""
        return self.git_dir

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
        loose = self.git_dir / self.branch
        try:
            if loose.is_file():
                return loose.read_text(errors="replace") or None
            packed = self.git_dir / "packed-refs"
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

    def tree(self, commit: str | None = None) -> TreeBuilder:
        return TreeBuilder(self.objects, self.root_tree(commit))

    def git(self, *args: str, stdin: bytes | None = None, pass_fds: tuple[int, ...] = ()) -> Any:
        """git on this repository (and its working tree, if it has one)."""
        where = () if self.work_tree is None else (f"--work-tree={self.work_tree}",)
        return git(self.git_dir, *where, *args, stdin=stdin, pass_fds=pass_fds)

    def config(self, key: str) -> str | None:
        result = git(self.git_dir, "config", "--get", key)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def keeps_ledger(self) -> bool:
        """Did chronicle keep a ledger here? (set by init/adopt in the git config; not cloned)"""
        result = git(self.git_dir, "config", "--type=bool", "--get", LEDGER_CONFIG)
        return result.stdout.strip() == b"true"

    def close(self) -> None:
        self.objects.close()


def open_repository(path: Path) -> Repository:
    """The repository at ``path``: a folder with a .git (working tree) or a bare repository."""
    if not path.is_dir():
        raise NotAnArchive(path, "not a folder" if path.exists() else "no such folder")
    if (path / ".git" / "HEAD").is_file():
        return Repository(path, path / ".git", path)
    if _is_bare(path):
        return Repository(path, path, None)
    raise NotAnArchive(path, "not a git repository")


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
