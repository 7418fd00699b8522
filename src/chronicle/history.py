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

from typing import TYPE_CHECKING

from .gitlog import Walk, walk
from .layout import ARCHIVE_FILES, BRANCH, parse_event_path, sha256_hex
from .ledger import Recorded
from .problems import Problem

if TYPE_CHECKING:
    from .store import Archive

_STATUS = {"M": ("modified", "file-modified"), "D": ("deleted", "file-deleted"),
           "T": ("changed type", "file-modified"), "A": ("added again", "file-modified")}


def history_problems(archive: Archive, current: dict[str, bytes] | None = None) -> list[Problem]:
    """Problems in main's history and against the ledger. ``current``: event path -> bytes."""
    if current is None:
        current = {path: raw for _, path, raw in archive.raw_event_files()}
    history = walk(archive.repository)
    if history.error is not None:
        return [Problem(str(archive.path), "cannot read git history: " + history.error,
                        kind="history-unreadable")]
    problems = _file_problems(archive, history)
    problems += ledger_problems(archive, history, current)
    return problems


def _file_problems(archive: Archive, history: Walk) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    embedded = archive.repository.embedded  # merges bring reviewed events in (pull requests)
    for index, commit in enumerate(history.commits):
        merge = len(history.parents[commit]) > 1
        if merge and not embedded:
            problems.append(Problem(BRANCH, "merge commit on main: the chain forked and was "
                                    "merged", commit=commit, kind="merge-commit"))
        adds = 0
        for status, _, path in history.changes[commit]:
            briefing, sequence = parse_event_path(path)
            if status == "A" and path not in seen:
                seen.add(path)
                if briefing is not None:
                    adds += 1
                elif index > 0 or path not in ARCHIVE_FILES:
                    problems.append(Problem(path, "file added to the archive outside briefings/",
                                            commit=commit, kind="foreign-file"))
                continue
            word, kind = _STATUS.get(status, (f"changed ({status})", "file-modified"))
            what = "event file" if briefing is not None else "archive file"
            problems.append(Problem(path, f"{what} {word} after it was committed",
                                    briefing, sequence, commit, kind=kind))
        if adds > 1 and not (embedded and merge):
            problems.append(Problem(str(archive.path), f"one commit added {adds} events",
                                    commit=commit, kind="several-events-one-commit"))
    return problems


def ledger_problems(archive: Archive, history: Walk, current: dict[str, bytes]) -> list[Problem]:
    """Everything chronicle recorded is still on main, unchanged; nothing else is (in an
    embedded archive, events also arrive by pulls and merges: what chronicle recorded here
    must still be there, unchanged, and the rest is checked by its chain and hashes)."""
    if not archive.ledger.exists():
        if not archive.ledger_expected():
            return []  # a clone: the ledger stays with the archive chronicle wrote to
        return [Problem(archive.repository.ledger_where(), "the ledger is missing: cannot "
                        "check that the history was not rewritten", kind="ledger-missing")]
    where = archive.repository.ledger_where()
    contents = archive.ledger.read()
    problems = [Problem(f"{where}:{line}", what, kind="ledger-corrupt")
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
            problems.append(Problem(where, "chronicle moved main to commit "
                                    f"{batch.tip[:12]}, which is no longer in main's history "
                                    "(history rewritten)",
                                    commit=batch.tip, kind="history-rewritten"))
        for event in batch.events:
            recorded_commits.add(event.commit)
            problems += _recorded_event_problems(event, history, position, current)
    for index, commit in enumerate(history.commits):
        if commit in recorded_commits or index <= trusted_upto or archive.repository.embedded:
            continue  # an embedded archive's events also come by pull and merge: not ours
        adds = history.event_adds(commit)
        for path in adds:
            briefing, sequence = parse_event_path(path)
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
    elif (now := sha256_hex(raw)) != event.sha256:
        found.append(Problem(event.path, "event differs from the bytes chronicle recorded "
                             f"(sha256 {event.sha256[:12]}, now {now[:12]})",
                             event.briefing, event.sequence, event.commit,
                             kind="recorded-event-changed"))
    return found


