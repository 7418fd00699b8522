"""Git-history checks for `verify`.

Two sources of truth are compared with what is on ``main`` now:

* the history itself: each event file is added once, by its own commit, and never
  modified, deleted or re-added later; ``main`` never merges (the chain never forked);
* the ledger (ledger.py): every commit chronicle put on ``main`` must still be there,
  every event it recorded must still have the bytes it had (sha256), and every event
  and commit on ``main`` must have been recorded. This is what catches a rewritten
  history in which every event file is consistent again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .checks import Problem
from .gitobjects import git
from .ledger import LEDGER_NAME, Recorded
from .store import BRANCH, ROOT, Archive

_STATUS = {"M": ("modified", "file-modified"), "D": ("deleted", "file-deleted"),
           "T": ("changed type", "file-modified"), "A": ("added again", "file-modified")}
LEDGER_WHERE = f".git/{LEDGER_NAME}"


@dataclass
class Walk:
    """``main``'s first-parent history, oldest first, with each commit's file changes."""

    commits: list[str] = field(default_factory=list)
    parents: dict[str, list[str]] = field(default_factory=dict)
    # commit -> [(status, blob, path)]
    changes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    added: dict[str, tuple[str, str]] = field(default_factory=dict)  # event path -> commit, blob
    error: str | None = None

    def event_adds(self, commit: str) -> list[str]:
        return [path for status, _, path in self.changes.get(commit, [])
                if status == "A" and _name(path)[0] is not None]


def walk(archive: Archive) -> Walk:
    result = git(archive.git_dir, "-c", "core.quotePath=false", "log", "--reverse",
                 "--format=%x00%H %P", "--raw", "--no-renames", "--no-abbrev", "-m", "--root",
                 "--first-parent", BRANCH, "--")
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
            meta, _, path = line.partition("\t")
            fields = meta.split()
            changes.append((fields[4][0], fields[3], path))
        found.commits.append(commit)
        found.parents[commit] = parents
        found.changes[commit] = changes
        for status, blob, path in changes:
            if status == "A" and path not in found.added and _name(path)[0] is not None:
                found.added[path] = (commit, blob)
    return found


def added_events(archive: Archive) -> list[tuple[str, str, int, str, bytes]]:
    """(path, briefing, sequence, commit that added it, current bytes) of each event on main."""
    history = walk(archive)
    head = archive.head() or ""
    return [(path, briefing, _name(path)[1] or 0, history.added.get(path, (head, ""))[0], raw)
            for briefing, path, raw in archive.raw_event_files()]


def history_problems(archive: Archive, current: dict[str, bytes] | None = None) -> list[Problem]:
    """Problems in main's history and against the ledger. ``current``: event path -> bytes."""
    if current is None:
        current = {path: raw for _, path, raw in archive.raw_event_files()}
    history = walk(archive)
    if history.error is not None:
        return [Problem(str(archive.path), "cannot read git history: " + history.error,
                        kind="history-unreadable")]
    problems = _file_problems(archive, history)
    problems += ledger_problems(archive, history, current)
    return problems


def _file_problems(archive: Archive, history: Walk) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, commit in enumerate(history.commits):
        if len(history.parents[commit]) > 1:
            problems.append(Problem(BRANCH, "merge commit on main: the chain forked and was "
                                    "merged", commit=commit, kind="merge-commit"))
        adds = 0
        for status, _, path in history.changes[commit]:
            briefing, sequence = _name(path)
            if status == "A" and path not in seen:
                seen.add(path)
                if briefing is not None:
                    adds += 1
                elif index > 0 or not _is_archive_file(path):
                    problems.append(Problem(path, "file added to the archive outside briefings/",
                                            commit=commit, kind="foreign-file"))
                continue
            word, kind = _STATUS.get(status, (f"changed ({status})", "file-modified"))
            what = "event file" if briefing is not None else "archive file"
            problems.append(Problem(path, f"{what} {word} after it was committed",
                                    briefing, sequence, commit, kind=kind))
        if adds > 1:
            problems.append(Problem(str(archive.path), f"one commit added {adds} events",
                                    commit=commit, kind="several-events-one-commit"))
    return problems


def ledger_problems(archive: Archive, history: Walk, current: dict[str, bytes]) -> list[Problem]:
    """Everything chronicle recorded is still on main, unchanged; nothing else is."""
    if not archive.ledger.exists():
        if not archive.ledger_expected():
            return []  # a clone: the ledger stays with the archive chronicle wrote to
        return [Problem(LEDGER_WHERE, "the ledger is missing: cannot check that the history "
                        "was not rewritten", kind="ledger-missing")]
    contents = archive.ledger.read()
    problems = [Problem(f"{LEDGER_WHERE}:{line}", what, kind="ledger-corrupt")
                for line, what in contents.problems]
    position = {commit: n for n, commit in enumerate(history.commits)}
    recorded_commits: set[str] = set()
    trusted_upto = -1  # commits up to this index were taken on trust by an 'adopt'
    for batch in contents.confirmed(archive.head()):
        recorded_commits.add(batch.tip)
        if batch.state == "adopted":  # trusted: its commits, and those before them
            kept = [position[c] for c in (batch.tip, *(e.commit for e in batch.events))
                    if c in position]
            trusted_upto = max([trusted_upto, *kept])
        if batch.tip not in position and not batch.events:
            problems.append(Problem(LEDGER_WHERE, "chronicle moved main to commit "
                                    f"{batch.tip[:12]}, which is no longer in main's history "
                                    "(history rewritten)",
                                    commit=batch.tip, kind="history-rewritten"))
        for event in batch.events:
            recorded_commits.add(event.commit)
            problems += _recorded_event_problems(event, history, position, current)
    for index, commit in enumerate(history.commits):
        if commit in recorded_commits or index <= trusted_upto:
            continue
        adds = history.event_adds(commit)
        for path in adds:
            briefing, sequence = _name(path)
            problems.append(Problem(path, "event not recorded by chronicle: it was added to main "
                                    "outside chronicle (inserted)", briefing, sequence, commit,
                                    kind="unrecorded-event"))
        if not adds:
            problems.append(Problem(BRANCH, "commit not made by chronicle", commit=commit,
                                    kind="unrecorded-commit"))
    return problems


def _recorded_event_problems(event: Recorded, history: Walk, position: dict[str, int],
                             current: dict[str, bytes]) -> list[Problem]:
    found: list[Problem] = []
    if event.commit not in position:
        found.append(Problem(event.path, "chronicle committed this event as "
                             f"{event.commit[:12]}, which is no longer in main's history: "
                             "the history was rewritten", event.briefing, event.sequence,
                             event.commit, kind="history-rewritten"))
    else:
        adder = history.added.get(event.path, ("", ""))[0]
        if adder != event.commit:
            found.append(Problem(event.path, "chronicle committed this event as "
                                 f"{event.commit[:12]} but main's history adds it in "
                                 f"{adder[:12] or 'no commit'}",
                                 event.briefing, event.sequence, event.commit,
                                 kind="history-rewritten"))
    raw = current.get(event.path)
    if raw is None:
        found.append(Problem(event.path, "event recorded by chronicle is missing from main",
                             event.briefing, event.sequence, event.commit,
                             kind="recorded-event-missing"))
    elif (now := hashlib.sha256(raw).hexdigest()) != event.sha256:
        found.append(Problem(event.path, "event differs from the bytes chronicle recorded "
                             f"(sha256 {event.sha256[:12]}, now {now[:12]})",
                             event.briefing, event.sequence, event.commit,
                             kind="recorded-event-changed"))
    return found


def _is_archive_file(path: str) -> bool:
    return path in ("chronicle.json", ".gitignore", "README.md")


def _name(path: str) -> tuple[str | None, int | None]:
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != ROOT:
        return None, None
    stem = parts[3].removesuffix(".json")
    return parts[2], int(stem) if stem.isdigit() else None
