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

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .gitlog import Walk, walk
from .incoming import is_ancestor
from .layout import ARCHIVE_FILES, BRANCH, parse_event_path, sha256_hex
from .ledger import Batch, Recorded
from .problems import Problem
from .publedger import LEDGER_REF, PublishedBatch, read_published

if TYPE_CHECKING:
    from .store import Archive

_STATUS = {"M": ("modified", "file-modified"), "D": ("deleted", "file-deleted"),
           "T": ("changed type", "file-modified"), "A": ("added again", "file-modified")}


def history_problems(archive: Archive, current: dict[str, bytes] | None = None,
                     head: str | None = None, history: Walk | None = None) -> list[Problem]:
    """Problems in main's history and against the ledger, as of ``head`` (default: the
    branch tip now). ``current``: event path -> bytes at ``head``; ``history``: its walk,
    if the caller has it already."""
    head = head or archive.head()
    if current is None:
        current = {path: raw for _, path, raw in archive.raw_event_files(archive.tree(head))}
    if history is None:
        history = walk(archive.repository, tip=head)
    if history.error is not None:
        return [Problem(str(archive.path), "cannot read git history: " + history.error,
                        kind="history-unreadable")]
    problems = _file_problems(archive, history)
    problems += ledger_problems(archive, history, current, head)
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
        for (where, path), mode in history.odd_modes.items():
            if where == commit:
                what = {"120000": "a symbolic link", "160000": "a submodule"}.get(
                    mode, f"a file of mode {mode}")
                briefing, sequence = parse_event_path(path)
                problems.append(Problem(path, f"{what} committed into the archive (a clone "
                                        "could point it anywhere)", briefing, sequence, commit,
                                        kind="not-a-file"))
        if adds > 1 and not (embedded and merge):
            problems.append(Problem(str(archive.path), f"one commit added {adds} events",
                                    commit=commit, kind="several-events-one-commit"))
    return problems


def ledger_problems(archive: Archive, history: Walk, current: dict[str, bytes],
                    head: str | None = None) -> list[Problem]:
    """Everything chronicle recorded is still on main, unchanged; nothing else is (in an
    embedded archive, events also arrive by pulls and merges: what chronicle recorded here
    must still be there, unchanged, and the rest is checked by its chain and hashes).

    Two records are checked: this copy's own ledger (ledger.py), and the published ledger
    that travels with the archive (publedger.py), so that a clone can check its history
    from its first command."""
    head = head or archive.head()
    published_problems, published = _published_ledger_problems(archive, history, current, head)
    problems = _local_ledger_problems(archive, history, current, published, head)
    problems += published_problems
    unique: dict[tuple[str, str, str | None], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.where, problem.problem, problem.commit), problem)
    return list(unique.values())


Batched = TypeVar("Batched", "Batch", "PublishedBatch")


def _upto(batches: list[Batched], head: str | None) -> list[Batched]:
    """The batches up to the last one that moved the branch to ``head`` (later ones were
    written after ``head`` was read, by writers running meanwhile); all if none did."""
    ends = [n for n, batch in enumerate(batches) if batch.tip == head]
    return batches[:ends[-1] + 1] if ends else batches


@dataclass(frozen=True)
class _Batch:
    tip: str
    events: list[Recorded]
    trusted: bool  # taken on trust: its commits and those before them


def _local_ledger_problems(archive: Archive, history: Walk, current: dict[str, bytes],
                           published: set[str], head: str | None) -> list[Problem]:
    """This copy's ledger; commits the published ledger records (a remote's, arrived by a
    sync and checked then) count as recorded."""
    if not archive.ledger.exists():
        if not archive.ledger_expected():
            return []  # a clone: it has the published ledger (below), if any
        return [Problem(archive.repository.ledger_where(), "the ledger is missing: cannot "
                        "check that the history was not rewritten", kind="ledger-missing")]
    where = archive.repository.ledger_where()
    contents = archive.ledger.read()
    problems = [Problem(f"{where}:{line}", what, kind="ledger-corrupt")
                for line, what in contents.problems]
    batches = [_Batch(b.tip, b.events, b.state == "adopted")
               for b in _upto(contents.confirmed(head), head)]
    return problems + _batch_problems(archive, batches, where, history, current,
                                      may_vanish=contents.replaced, recorded=published,
                                      head=head)


def _published_ledger_problems(archive: Archive, history: Walk, current: dict[str, bytes],
                               head: str | None) -> tuple[list[Problem], set[str]]:
    """The published ledger's problems, and the commits it records."""
    if archive.repository.embedded:
        return [], set()
    published = read_published(archive.git_dir)
    problems = [Problem(LEDGER_REF, what, kind="ledger-corrupt") for what in published.problems]
    pinned = _upto(published.batches, head)  # a writer may have gone on since verify began
    adopted = [n for n, batch in enumerate(pinned) if batch.adopted]
    kept = pinned[adopted[-1]:] if adopted else pinned  # init trusted it
    if not kept:
        return problems, set()
    batches: list[_Batch] = []
    first = kept[0]
    if first.base is not None:  # published from an archive older than the published ledger
        batches.append(_Batch(first.base, [], True))
    previous = first.base
    for batch in kept:
        if batch.base != previous and not batch.adopted:
            problems.append(Problem(LEDGER_REF, f"ledger commit {batch.commit[:12]} does not "
                                    "continue the batch before it (the ledger was rewritten)",
                                    commit=batch.commit, kind="ledger-corrupt"))
        batches.append(_Batch(batch.tip, batch.events, batch.adopted))
        previous = batch.tip
    recorded = {c for b in batches for c in (b.tip, *(e.commit for e in b.events))}
    return problems + _batch_problems(archive, batches, LEDGER_REF, history, current), recorded


def _batch_problems(archive: Archive, batches: list[_Batch], where: str, history: Walk,
                    current: dict[str, bytes], may_vanish: set[str] | None = None,
                    recorded: set[str] | None = None, head: str | None = None) -> list[Problem]:
    """``may_vanish``: unpublished commits a sync rebased (they may be gone from main);
    ``recorded``: commits recorded elsewhere (not reported as unrecorded)."""
    problems: list[Problem] = []
    position = {commit: n for n, commit in enumerate(history.commits)}
    if archive.repository.embedded and head is not None:
        # a sync may move the branch to a commit outside the archive's folder, which the
        # folder's history leaves out: still on the branch if it is an ancestor of head
        for tip in {b.tip for b in batches} - set(position):
            if is_ancestor(archive.repository, tip, head):
                position[tip] = -1
    vanish = may_vanish or set()
    recorded_commits: set[str] = set(recorded or ())
    trusted_upto = -1  # commits up to this index were taken on trust
    for batch in batches:
        recorded_commits.add(batch.tip)
        if batch.trusted:
            kept = [position[c] for c in (batch.tip, *(e.commit for e in batch.events))
                    if c in position]
            trusted_upto = max([trusted_upto, *kept])
        if batch.tip not in position and not batch.events and batch.tip not in vanish:
            problems.append(Problem(where, "chronicle moved main to commit "
                                    f"{batch.tip[:12]}, which is no longer in main's history "
                                    "(history rewritten)",
                                    commit=batch.tip, kind="history-rewritten"))
        for event in batch.events:
            recorded_commits.add(event.commit)
            if event.commit in vanish and event.commit not in position:
                continue  # rebased by a sync: the event lives on in the commit that replaced it
            problems += _recorded_event_problems(event, history, position, current)
    lost_trust = any(b.trusted and b.tip not in position and b.tip not in vanish
                     for b in batches)
    for index, commit in enumerate(history.commits):
        if lost_trust or archive.repository.embedded:
            break  # a trusted point rewritten away (reported above) / events come by merges
        if commit in recorded_commits or index <= trusted_upto:
            continue
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


