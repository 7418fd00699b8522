"""The published ledger: what chronicle put on ``main``, kept in git so that it travels.

``refs/chronicle/ledger`` names a chain of commits (empty trees), one per batch an append
or a sync put on main, each one's message a JSON object:

    {"base": B, "tip": T, "events": [{"briefing", "sequence", "sha256", "commit", "path"}]}

It moves with ``main`` in one git transaction, so it never describes a main that is not
there; it is pushed and fetched with the archive (`chronicle clone`, `chronicle sync`), so
a fresh clone can check from its first command that the history it received is the one
that was recorded, and two copies can tell whose history was rewritten (the chain only
grows: a rewritten one does not contain the other's tip). The machine-local ledger
(ledger.py) still records the crash-safety steps of each write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gitobjects import Identity, ObjectWriter, commit_at, commit_bytes, git, read_objects
from .ledger import Recorded

LEDGER_REF = "refs/chronicle/ledger"
IDENTITY = Identity("chronicle", "chronicle@localhost")


@dataclass
class PublishedBatch:
    commit: str  # the ledger commit
    base: str | None
    tip: str
    events: list[Recorded]
    adopted: bool = False  # `chronicle init` trusted the history as it stood at ``tip``


@dataclass
class Published:
    """The published ledger as read: its batches, oldest first, and what was wrong in it."""

    batches: list[PublishedBatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def ledger_tip(git_dir: Path, ref: str = LEDGER_REF) -> str | None:
    return commit_at(git_dir, ref)


def batch_commit(objects: ObjectWriter, parent: str | None, base: str | None, tip: str,
                 events: list[Recorded], adopted: bool = False) -> str:
    """Write the ledger commit of one batch (kept for the caller's next pack)."""
    tree = objects.write(b"tree", b"")
    record: dict[str, Any] = {"base": base, "tip": tip, "events": [e.as_dict() for e in events]}
    if adopted:
        record["adopted"] = True
    message = json.dumps(record, sort_keys=True, separators=(",", ":"))
    body = commit_bytes(tree, bytes.fromhex(parent) if parent else None, IDENTITY,
                        f"chronicle ledger: {tip}\n\n{message}\n")
    return objects.write(b"commit", body).hex()


def read_published(git_dir: Path, tip: str | None = None) -> Published:
    """Every batch of the ledger chain ending at ``tip`` (default: refs/chronicle/ledger)."""
    published = Published()
    tip = tip or ledger_tip(git_dir)
    if tip is None:
        return published
    listed = git(git_dir, "rev-list", "--reverse", "--first-parent", tip)
    if listed.returncode != 0:
        published.problems.append(f"{LEDGER_REF} cannot be read")
        return published
    commits = listed.stdout.decode().split()
    bodies = read_objects(git_dir, commits, "commit")
    for commit in commits:
        batch = _batch(commit, bodies.get(commit))
        if batch is None:
            published.problems.append(f"{LEDGER_REF} commit {commit[:12]} is not a ledger batch")
        else:
            published.batches.append(batch)
    return published


def _batch(commit: str, raw: bytes | None) -> PublishedBatch | None:
    if raw is None:
        return None
    message = raw.partition(b"\n\n")[2].decode("utf-8", "replace")
    try:
        record: Any = json.loads(message.partition("\n\n")[2])
        events = [Recorded(**e) for e in record["events"]]
        return PublishedBatch(commit, record["base"], str(record["tip"]), events,
                              record.get("adopted") is True)
    except (ValueError, KeyError, TypeError):
        return None
