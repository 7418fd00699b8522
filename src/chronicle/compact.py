"""`chronicle gc`: pack an archive small, with a full delta search.

The store writes one pack per batch without deltas, and a plain ``git gc`` reuses packed
objects as they are, so it finds no deltas between revisions; ``-f`` makes git look for
them (consecutive revisions of a briefing differ by a few lines).
"""

from __future__ import annotations

from pathlib import Path

from .errors import ArchiveError
from .locking import Session
from .repository import Repository

STEPS = (
    ("repack", "-a", "-d", "-f", "-q", "--window=250", "--depth=50"),
    ("prune-packed",),
    ("commit-graph", "write", "--reachable", "--changed-paths"),
)


def compact(repository: Repository, session: Session) -> tuple[int, int]:
    """Repack under the writer lock; the object store's bytes before and after."""
    objects = repository.shared_dir / "objects"
    before = folder_bytes(objects)
    for step in STEPS:
        result = repository.git(*step, pass_fds=session.pass_fds)
        if result.returncode != 0:
            problem = result.stderr.decode(errors="replace").strip()
            raise ArchiveError(f"{repository.path}: git {step[0]} failed: {problem}")
    repository.objects.refresh()
    return before, folder_bytes(objects)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
