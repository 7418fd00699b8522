"""Checking history that arrives from elsewhere: a remote's new commits (`chronicle sync`),
or a push to a shared repository (`chronicle verify --incoming OLD NEW`, the pre-receive
hook of docs/hooks/pre-receive).

New history must continue the old one (OLD is an ancestor of NEW: nothing published is
rewritten), and each new commit must add exactly one well-formed event that continues its
briefing's chain (its previous event's sha256, the next sequence), changing nothing else.
"""

from __future__ import annotations

from .errors import CorruptArchive, NewerSchema
from .events import decode_event
from .gitlog import walk
from .gitobjects import git, read_objects
from .layout import (
    ARCHIVE_FILES,
    MAX_EVENT_BYTES,
    event_path,
    is_event_path,
    parse_event_path,
    sha256_hex,
)
from .problems import Problem
from .publedger import LEDGER_REF
from .repository import Repository

ZERO = "0" * 40


def is_ancestor(repository: Repository, old: str, new: str) -> bool:
    return git(repository.git_dir, "merge-base", "--is-ancestor", old, new).returncode == 0


def incoming_problems(repository: Repository, old: str | None, new: str,
                      ledger: tuple[str | None, str | None] | None = None) -> list[Problem]:
    """What is wrong with the history from ``old`` (None: nothing before) to ``new``.
    ``ledger``: the published ledger's (old, new) tips, which must only grow likewise."""
    old = None if old in (None, ZERO) else old
    problems: list[Problem] = []
    if old is not None and not is_ancestor(repository, old, new):
        return [Problem(repository.branch, f"the history was rewritten: {new[:12]} does not "
                        f"continue {old[:12]}, which was published", commit=new,
                        kind="history-rewritten")]
    if ledger is not None and ledger[0] is not None and ledger[1] is not None \
            and not is_ancestor(repository, ledger[0], ledger[1]):
        problems.append(Problem(LEDGER_REF, f"the published ledger was rewritten: {ledger[1][:12]}"
                                f" does not continue {ledger[0][:12]}", kind="history-rewritten"))
    history = walk(repository, tip=new, since=old)
    if history.error is not None:
        return [Problem(str(repository.path), "cannot read git history: " + history.error,
                        kind="history-unreadable")]
    wanted = {}
    for index, commit in enumerate(history.commits):
        problems += _commit_problems(history.changes[commit], commit, old is None and index == 0,
                                     len(history.parents[commit]) > 1, repository.embedded)
        for path in history.event_adds(commit):
            briefing, sequence = parse_event_path(path)
            if briefing is None or sequence is None or not is_event_path(path):
                continue
            wanted[(commit, path)] = repository.full_path(path)
            if sequence > 1:
                before = event_path(briefing, sequence - 1)
                wanted[(commit, before)] = repository.full_path(before)
    blobs = read_objects(repository.git_dir, [f"{c}:{p}" for (c, _), p in wanted.items()],
                         "blob", MAX_EVENT_BYTES)
    for commit in history.commits:
        for path in history.event_adds(commit):
            if is_event_path(path):
                problems += _event_problems(commit, path, blobs, repository)
    return problems


def _commit_problems(changes: list[tuple[str, str, str]], commit: str, root: bool,
                     merge: bool, merges_allowed: bool) -> list[Problem]:
    """``merges_allowed``: an embedded archive, where merges bring reviewed events in (pull
    requests), as verify accepts them; each event is still checked on its chain."""
    found: list[Problem] = []
    if merge and not merges_allowed:
        found.append(Problem(commit, "merge commit: the chain forked and was merged",
                             commit=commit, kind="merge-commit"))
    adds = 0
    for status, _, path in changes:
        briefing, sequence = parse_event_path(path)
        if status != "A":
            found.append(Problem(path, f"changed after it was published ({status})", briefing,
                                 sequence, commit, kind="file-modified"))
        elif is_event_path(path):
            adds += 1
        elif not (root and path in ARCHIVE_FILES):
            found.append(Problem(path, "file added to the archive outside briefings/",
                                 commit=commit, kind="foreign-file"))
    if adds > 1 and not (merge and merges_allowed):
        found.append(Problem(commit, f"one commit added {adds} events", commit=commit,
                             kind="several-events-one-commit"))
    return found


def _event_problems(commit: str, path: str, blobs: dict[str, bytes | None],
                    repository: Repository) -> list[Problem]:
    briefing, sequence = parse_event_path(path)
    assert briefing is not None and sequence is not None
    raw = blobs.get(f"{commit}:{repository.full_path(path)}")
    if raw is None:
        return [Problem(path, "cannot be read", briefing, sequence, commit, kind="unreadable")]
    try:
        event = decode_event(path, raw).event
    except NewerSchema:
        raise
    except CorruptArchive as error:
        return [Problem(path, str(error).removeprefix(f"{path}: "), briefing, sequence, commit,
                        kind="content-changed")]
    found = []
    if event.briefing != briefing or event.sequence != sequence:
        found.append(Problem(path, f"holds {event.briefing} r{event.sequence}", briefing,
                             sequence, commit, kind="wrong-sequence"))
    previous = None
    if sequence > 1:
        before = blobs.get(f"{commit}:{repository.full_path(event_path(briefing, sequence - 1))}")
        if before is None:
            found.append(Problem(path, "its previous event is missing", briefing, sequence,
                                 commit, kind="sequence-gap"))
            return found
        previous = sha256_hex(before)
    if event.previous_sha256 != previous:
        found.append(Problem(path, "hash chain broken: previous_sha256 is not the sha256 of "
                             "the event before", briefing, sequence, commit, kind="chain-broken"))
    return found
