"""main's first-parent history as data: commits, parents and the files each one changed.

Below the store (the store's adoption of a clone's history reads it) and below the
history checks of `verify`, which judge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .gitobjects import git
from .layout import parse_event_path

if TYPE_CHECKING:
    from .repository import Repository


@dataclass
class Walk:
    """``main``'s first-parent history, oldest first, with each commit's file changes."""

    commits: list[str] = field(default_factory=list)
    parents: dict[str, list[str]] = field(default_factory=dict)
    # commit -> [(status, blob, path)]
    changes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    added: dict[str, tuple[str, str]] = field(default_factory=dict)  # event path -> commit, blob
    # (commit, path) -> git mode of a file a commit added or changed that is not a plain file
    # (120000: a symbolic link, 160000: a submodule, 100755: executable)
    odd_modes: dict[tuple[str, str], str] = field(default_factory=dict)
    error: str | None = None

    def event_adds(self, commit: str) -> list[str]:
        return [path for status, _, path in self.changes.get(commit, [])
                if status == "A" and parse_event_path(path)[0] is not None]


def walk(repository: Repository, tip: str | None = None, since: str | None = None) -> Walk:
    """The first-parent history of ``tip`` (default: the archive's branch), read with one
    `git log`; of an embedded archive, the commits that change its folder, with paths
    relative to it. ``since``: only the commits after it (not reachable from it)."""
    spec = ("--", repository.prefix) if repository.prefix else ("--",)
    after = (f"^{since}",) if since else ()
    result = git(repository.git_dir, "-c", "core.quotePath=false", "log", "--reverse",
                 "--format=%x00%H %P", "--raw", "--no-renames", "--no-abbrev", "-m", "--root",
                 "--first-parent", tip or repository.branch, *after, *spec)
    found = Walk()
    if result.returncode != 0:
        found.error = result.stderr.decode(errors="replace").strip()
        return found
    for chunk in result.stdout.decode("utf-8", "replace").split("\x00")[1:]:
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        commit, *parents = lines[0].split()
        changes = []
        for line in lines[1:]:
            if not line.startswith(":"):
                continue
            meta, _, full = line.partition("\t")
            path = repository.archive_path(full)
            if path is None:
                continue
            fields = meta.split()
            changes.append((fields[4][0], fields[3], path))
            if fields[1] not in ("100644", "000000"):
                found.odd_modes[(commit, path)] = fields[1]
        found.commits.append(commit)
        found.parents[commit] = parents
        found.changes[commit] = changes
        for status, blob, path in changes:
            if status == "A" and path not in found.added and parse_event_path(path)[0] is not None:
                found.added[path] = (commit, blob)
    return found
