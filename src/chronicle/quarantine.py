"""A fetch the archive adopts only once it is checked (`chronicle sync`).

The remote's refs and objects go into a scratch bare repository in the archive's state
folder, whose object store borrows the archive's (git alternates) and whose configuration
includes the archive's (its remotes, URLs and credentials). `sync` checks what arrived
there; only then are the refs fetched from the scratch into the archive (a local fetch:
the objects the checks read). A refused remote leaves the archive as it was: the scratch is
removed, and nothing in the archive was written, deleted or repacked. Git's automatic gc
and maintenance never run during either fetch.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType

from .errors import FetchError
from .gitobjects import commit_at, git
from .repository import Repository

SCRATCH_NAME = "chronicle-incoming"
QUIET = ("-c", "gc.auto=0", "-c", "maintenance.auto=false")


def _quoted(path: Path) -> str:
    """A path as a git config value (quoted, with backslashes and quotes escaped)."""
    text = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class Quarantine:
    """``with Quarantine(repository) as incoming:`` fetch, check, adopt; always cleaned up."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.path = repository.state_dir / SCRATCH_NAME

    def __enter__(self) -> Quarantine:
        shutil.rmtree(self.path, ignore_errors=True)  # a killed sync's leftover
        for folder in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
            (self.path / folder).mkdir(parents=True)
        (self.path / "HEAD").write_text("ref: refs/heads/main\n")
        shared = self.repository.shared_dir.resolve()
        # the archive's settings first (remotes, URLs, credentials), then the scratch's own
        (self.path / "config").write_text(
            f"[include]\n\tpath = {_quoted(shared / 'config')}\n"
            "[core]\n\trepositoryformatversion = 0\n\tbare = true\n\tlogAllRefUpdates = false\n"
            "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n")
        (self.path / "objects" / "info" / "alternates").write_text(f"{shared / 'objects'}\n")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def checked_repository(self) -> Repository:
        """The scratch as a repository the history checks can read (the archive's objects
        and the fetched ones)."""
        return Repository(self.repository.path, self.path, None, self.repository.branch,
                          self.repository.prefix)

    def fetch(self, remote: str, refspecs: list[str]) -> None:
        """Fetch ``refspecs`` from ``remote`` into the scratch; a remote without them yet
        is not an error (it has nothing)."""
        result = git(self.path, *QUIET, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
                     "--", remote, *refspecs)
        if result.returncode == 0:
            return
        lines = [line.strip() for line in result.stderr.decode(errors="replace").splitlines()
                 if line.strip()]
        if any("couldn't find remote ref" in line for line in lines):
            return
        fatal = [line for line in lines if line.startswith("fatal:")]
        text = (fatal or lines or ["git fetch failed"])[0]
        raise FetchError(remote, f"cannot fetch ({text.removeprefix('fatal: ')})")

    def ref(self, name: str) -> str | None:
        return commit_at(self.path, name)

    def adopt(self, refs: list[tuple[str, str]]) -> None:
        """Fetch (scratch ref, archive ref) pairs into the archive, objects and all."""
        if not refs:
            return
        result = git(self.repository.git_dir, *QUIET, "fetch", "--quiet", "--no-tags",
                     "--no-write-fetch-head", "--", str(self.path.resolve()),
                     *(f"+{source}:{target}" for source, target in refs))
        if result.returncode != 0:
            why = result.stderr.decode(errors="replace").strip().splitlines()
            raise FetchError(str(self.repository.path), "cannot take in what was fetched "
                             f"({why[-1] if why else 'git fetch failed'})")
