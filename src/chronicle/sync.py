"""Many machines, one archive: `chronicle clone` and `chronicle sync` over plain git remotes.

One sync: fetch the remote's ``main`` and published ledger (into refs/remotes/<remote>/);
check what arrived (incoming.py: it continues what the remote published before, and every
new commit adds one well-formed event on its chain); integrate (fast-forward, or rebase the
local events not yet published on top of the remote's: re-sequenced and re-chained, the
same revision recorded on both sides stored once); push ``main`` and the ledger together,
atomically, as fast-forwards (the remote refuses a push if it moved: compare-and-swap), and
on a lost race go round again. Published events are never rewritten.
"""

from __future__ import annotations

import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ArchiveError, ChronicleError, FetchError
from .events import decode_event
from .gitlog import walk
from .gitobjects import commit_at, git, read_objects, update_ref
from .incoming import incoming_problems, is_ancestor
from .layout import MAX_EVENT_BYTES, parse_event_path, sha256_hex, utc_now
from .ledger import Recorded
from .locking import Session
from .problems import Problem
from .publedger import LEDGER_REF, ledger_tip
from .quarantine import Quarantine
from .repository import ARCHIVE_CONFIG, git_here, state_name
from .store import Archive, NewRevision

ATTEMPTS = 20


class SyncRefused(ChronicleError):
    """The remote's history is not one chronicle can adopt (rewritten, edited events)."""

    exit_code = 1

    def __init__(self, remote: str, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{remote}: refused, nothing adopted: {problems[0]}{more}")


@dataclass
class SyncResult:
    remote: str
    fetched: int = 0  # new events the remote had
    rebased: int = 0  # local events re-appended on top of the remote's
    deduplicated: int = 0  # local events the remote already had (same revision)
    pushed: int = 0  # events the remote did not have before this sync
    attempts: int = 0
    head: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Route:
    """Which refs one archive syncs: a chronicle archive's ``main`` and published ledger, or
    an embedded archive's current branch (its ledger is local: the branch is the user's).
    ``heads``/``ledger`` track the remote as git users see it; ``synced``/``synced_ledger``
    are chronicle's own note of what it last checked there, which no plain ``git fetch``
    moves."""

    branch: str  # refs/heads/<name>, on both sides
    heads: str
    ledger: str | None
    synced: str
    synced_ledger: str | None

    @classmethod
    def of(cls, archive: Archive, remote: str) -> Route:
        repository = archive.repository
        if repository.embedded:
            name = repository.branch.removeprefix("refs/heads/")
            return cls(repository.branch, f"refs/remotes/{remote}/{name}", None,
                       f"refs/chronicle/{state_name(repository.prefix)}/synced/{remote}/{name}",
                       None)
        heads, ledger = _tracking(remote)
        return cls("refs/heads/main", heads, ledger, f"refs/chronicle/synced/{remote}/main",
                   f"refs/chronicle/synced/{remote}/ledger")

    def fetched(self) -> list[str]:
        ledger = [f"+{LEDGER_REF}:{INCOMING_LEDGER}"] if self.ledger else []
        return [f"+{self.branch}:{INCOMING_HEADS}", *ledger]

    def adopted(self, ledger: bool) -> list[tuple[str, str]]:
        refs = [(INCOMING_HEADS, self.heads), (INCOMING_HEADS, self.synced)]
        if ledger and self.ledger and self.synced_ledger:
            refs += [(INCOMING_LEDGER, self.ledger), (INCOMING_LEDGER, self.synced_ledger)]
        return refs

    def pushed(self, archive: Archive) -> list[str]:
        refs = [f"{self.branch}:{self.branch}"]
        if self.ledger and ledger_tip(archive.git_dir):
            refs.append(f"{LEDGER_REF}:{LEDGER_REF}")
        return refs

    def known(self, archive: Archive) -> tuple[str | None, str | None]:
        """What chronicle checked there last time (archives synced by chronicle 0.2 noted
        it in the tracking refs)."""
        heads = _ref(archive, self.synced) or (
            None if archive.repository.embedded else _ref(archive, self.heads))
        ledger = _ref(archive, self.synced_ledger) or _ref(archive, self.ledger)
        return heads, ledger

    def note_pushed(self, archive: Archive, head: str) -> None:
        for ref in (self.heads, self.synced):
            update_ref(archive.git_dir, ref, head, "", "chronicle sync: pushed")
        tip = ledger_tip(archive.git_dir)
        if tip and self.ledger and self.synced_ledger:
            for ref in (self.ledger, self.synced_ledger):
                update_ref(archive.git_dir, ref, tip, "", "chronicle sync: pushed")


INCOMING_HEADS = "refs/incoming/branch"
INCOMING_LEDGER = "refs/incoming/ledger"


def _tracking(remote: str) -> tuple[str, str]:
    return f"refs/remotes/{remote}/heads/main", f"refs/remotes/{remote}/chronicle/ledger"


def _ref(archive: Archive, ref: str | None) -> str | None:
    return None if ref is None else commit_at(archive.git_dir, ref)


def sync(archive: Archive, remote: str = "origin") -> SyncResult:
    """Fetch, check, integrate and push until the remote took our events (or had them)."""
    if archive.repository.branch == "HEAD":
        raise ArchiveError(f"{archive.repository.work_tree}: HEAD is detached; check out the "
                           "branch the archive lives on (nothing was fetched)")
    result = SyncResult(remote)
    route = Route.of(archive, remote)
    for attempt in range(1, ATTEMPTS + 1):
        result.attempts = attempt
        if _sync_once(archive, remote, route, result):
            return result
        time.sleep(random.uniform(0.05, 0.3) * attempt)  # lost a race: let the winner finish
    raise ArchiveError(f"{remote}: kept moving while chronicle synced ({ATTEMPTS} attempts); "
                       "try again")


def _sync_once(archive: Archive, remote: str, route: Route, result: SyncResult) -> bool:
    with Quarantine(archive.repository) as incoming:
        incoming.fetch(remote, route.fetched())
        theirs, their_ledger = incoming.ref(INCOMING_HEADS), incoming.ref(INCOMING_LEDGER)
        if theirs is None and archive.repository.embedded:
            name = route.branch.removeprefix("refs/heads/")
            raise ArchiveError(f"{remote}: has no branch {name} yet; publish it with git push "
                               f"-u {remote} {name}, then run chronicle sync")
        if theirs is not None:
            known = route.known(archive)
            problems = _incoming_problems(archive, incoming, known, theirs, their_ledger)
            if problems:  # nothing was adopted: the archive is as it was
                raise SyncRefused(remote, problems)
            if (theirs, their_ledger) != known or _ref(archive, route.heads) != theirs:
                incoming.adopt(route.adopted(their_ledger is not None))
    with archive.write_lock() as session:
        ours = archive.head()
        assert ours is not None
        if theirs is not None and theirs != ours:
            ours = _integrate(archive, session, ours, theirs, their_ledger, result)
        if theirs == ours:
            result.head = ours
            return True
        pushed = _push(archive, remote, theirs, ours, route.pushed(archive))
        if pushed is None:
            return False
        result.pushed += pushed
        route.note_pushed(archive, ours)
        result.head = ours
        return True


def _incoming_problems(archive: Archive, incoming: Quarantine,
                       known_refs: tuple[str | None, str | None], theirs: str,
                       their_ledger: str | None) -> list[Problem]:
    """What is wrong with the remote's new history: from what chronicle checked there last
    (``known_refs``: Route.known; or, the first time in an embedded archive, from what this
    branch already has: its own history is verify's to check)."""
    known, known_ledger = known_refs
    checked = incoming.checked_repository()
    ours = archive.head()
    if known is None and archive.repository.embedded and ours is not None:
        base = git(checked.git_dir, "merge-base", ours, theirs).stdout.decode().strip()
        known = base or None
    return incoming_problems(checked, known, theirs, (known_ledger, their_ledger))


def _integrate(archive: Archive, session: Session, ours: str, theirs: str,
               their_ledger: str | None, result: SyncResult) -> str:
    """Make main contain the remote's history; return the new head."""
    base = git(archive.git_dir, "merge-base", ours, theirs).stdout.decode().strip() or None
    if archive.repository.embedded:
        _check_embedded(archive, base, ours, theirs)
    if base == theirs:
        return ours  # only we have new events: nothing to integrate
    result.fetched += len(_added_events(archive, base, theirs))
    if base == ours:  # fast-forward
        _move(archive, session, ours, theirs, their_ledger)
        return theirs
    local = _local_revisions(archive, base, ours)
    archive.copy.will_follow(ours)
    # written first: if this process dies once main moved, verify still knows why the
    # local commits are gone (their events live on in the commits that replace them)
    unpublished = walk(archive.repository, tip=ours).commits
    archive.ledger.replace(theirs, [c for c in unpublished
                                    if not is_ancestor(archive.repository, c, theirs)],
                           utc_now())
    from .views import revision_message  # the aligner: only a sync that rebases needs it

    appended = archive.rebase_onto(session, local, theirs, their_ledger, revision_message)
    result.rebased += sum(1 for a in appended if a.status == "recorded")
    result.deduplicated += sum(1 for a in appended if a.status != "recorded")
    head = archive.head()
    assert head is not None
    if head == ours:  # every local event was already there: main is simply theirs
        _move(archive, session, ours, theirs, their_ledger)
        head = theirs
    archive.copy.follow(ours, session)
    return head


def _check_embedded(archive: Archive, base: str | None, ours: str, theirs: str) -> None:
    """An embedded archive's sync moves chronicle's events only: refuse, before anything
    changes, local commits of the user's own (those travel by git push) and a move of the
    branch that would overwrite the user's uncommitted work."""
    repository = archive.repository
    span = f"{base}..{ours}" if base else ours
    listed = git(repository.git_dir, "-c", "core.quotePath=false", "log", "--format=%x00%H %P",
                 "--name-only", "--no-renames", span).stdout.decode(errors="replace")
    for chunk in listed.split("\x00")[1:]:
        head_line, *paths = [line for line in chunk.splitlines() if line]
        commit, *parents = head_line.split()
        outside = [path for path in paths if repository.archive_path(path) is None]
        if len(parents) > 1 or not paths or outside:
            what = f"changes {outside[0]}" if outside else "is not one of chronicle's events"
            raise ArchiveError(
                f"{archive.path}: {repository.branch} has commits not on the remote that are "
                f"not chronicle's ({commit[:12]} {what}); publish them with git push (or "
                "git pull --rebase), then run chronicle sync again; your branch and files are "
                "as they were")
    own = incoming_problems(repository, base, ours)  # each: one event, continuing its chain
    if own:
        raise ArchiveError(
            f"{archive.path}: {repository.branch} has commits not on the remote that are not "
            f"one chronicle event each ({own[0]}); publish them with git push, or run "
            "chronicle verify; your branch and files are as they were")
    if base is not None and base != theirs:
        problem = archive.copy.follow_problem(ours, theirs)
        if problem:
            raise ArchiveError(f"{repository.work_tree}: the remote's commits would overwrite "
                               f"work of yours ({problem}); commit or stash it, then run "
                               "chronicle sync again; your branch and files are as they were")


def _move(archive: Archive, session: Session, ours: str, theirs: str,
          their_ledger: str | None) -> None:
    """Fast-forward main (and the published ledger) to the remote's, by CAS."""
    old_ledger = ledger_tip(archive.git_dir)
    also = ((LEDGER_REF, their_ledger, old_ledger or ""),) if their_ledger else ()
    archive.objects.refresh()
    archive.copy.will_follow(ours)
    archive.ledger.begin(ours, theirs, [], utc_now(),
                         (their_ledger, old_ledger) if their_ledger else None)
    moved = update_ref(archive.git_dir, archive.repository.branch, theirs, ours,
                       "chronicle sync: fast-forward", session.pass_fds, also)
    if not moved:
        archive.ledger.abort(theirs, archive.head())
        raise ArchiveError(f"{archive.path}: could not fast-forward main ({moved.problem})")
    archive.ledger.done(theirs)
    archive.copy.follow(ours, session)


def _new_events(archive: Archive, base: str | None, tip: str) -> list[tuple[str, str, bytes]]:
    """(commit, path, bytes) of each event the commits after ``base`` up to ``tip`` added."""
    history = walk(archive.repository, tip=tip, since=base)
    specs = [(c, p) for c in history.commits for p in history.event_adds(c)]
    full = [f"{c}:{archive.repository.full_path(p)}" for c, p in specs]
    blobs = read_objects(archive.git_dir, full, "blob", MAX_EVENT_BYTES)
    found = []
    for (commit, path), spec in zip(specs, full, strict=True):
        raw = blobs.get(spec)
        if raw is None:
            raise ArchiveError(f"{archive.path}: {path} of {commit[:12]} cannot be read")
        found.append((commit, path, raw))
    return found


def _added_events(archive: Archive, base: str | None, tip: str) -> list[Recorded]:
    """The events the commits after ``base`` up to ``tip`` added, as the ledger records them."""
    found = []
    for commit, path, raw in _new_events(archive, base, tip):
        briefing, sequence = parse_event_path(path)
        found.append(Recorded(briefing or "", sequence or 0, sha256_hex(raw), commit, path))
    return found


def _local_revisions(archive: Archive, base: str | None, ours: str) -> list[NewRevision]:
    """The local events not yet published (after ``base``), to be appended again."""
    items = []
    for _commit, path, raw in _new_events(archive, base, ours):
        event = decode_event(path, raw).event
        items.append(NewRevision(event.briefing, event.revision, event.origin, event.extractor,
                                 event.observed_at, event_id=event.event_id,
                                 recorded_at=event.recorded_at))
    return items


def _push(archive: Archive, remote: str, theirs: str | None, ours: str,
          refs: list[str]) -> int | None:
    """Push ``refs`` atomically as fast-forwards; the number of events pushed, None if the
    remote moved meanwhile (the caller syncs again)."""
    count = len(_new_events(archive, theirs, ours))
    # git's default delta window (an archive made by chronicle 0.2 or earlier set 250)
    result = git(archive.git_dir, "-c", "pack.window=10", "push", "--quiet", "--atomic",
                 "--porcelain", remote, *refs)
    if result.returncode == 0:
        return count
    out = (result.stdout + result.stderr).decode(errors="replace")
    if "[rejected]" in out or "non-fast-forward" in out or "fetch first" in out or \
            ("[remote rejected]" in out and "cannot lock ref" in out):
        return None
    lines = [line for line in out.strip().splitlines() if line.strip()]
    raise FetchError(remote, f"cannot push ({lines[-1] if lines else 'git push failed'})")


# ----- clone -------------------------------------------------------------------------------
def clone(url: str, path: Path) -> Archive:
    """A bare copy of the archive at ``url`` (any git URL) at ``path``, with its published
    ledger; verified before it is kept: SyncRefused, and nothing left, if it does not verify."""
    from .checks import verify_archive

    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ArchiveError(f"{path}: exists and is not an empty folder; choose a new folder")
    created = not path.exists()
    result = git_here(Path.cwd(), "clone", "--quiet", "--bare", "--no-tags", url, str(path))
    if result.returncode != 0:
        _remove(path, created)
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise FetchError(url, f"cannot clone ({lines[-1] if lines else 'git clone failed'})")
    try:
        git(path, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/heads/*")
        git(path, "symbolic-ref", "HEAD", "refs/heads/main")  # whatever the remote's HEAD
        for key, value in ARCHIVE_CONFIG:  # durable writes, as chronicle init sets them
            git(path, "config", key, value)
        _fetch_ledger(path)
        archive = Archive(path)
        _count, problems = verify_archive(archive)
        if problems:
            raise SyncRefused(url, problems)
        head = archive.head()
        if head:  # what was verified is what the next sync goes on from
            Route.of(archive, "origin").note_pushed(archive, head)
        return archive
    except ChronicleError:
        _remove(path, created)
        raise


def _fetch_ledger(path: Path) -> None:
    git(path, "fetch", "--quiet", "--no-tags", "origin", f"+{LEDGER_REF}:{LEDGER_REF}")


def _remove(path: Path, created: bool) -> None:
    if created:
        shutil.rmtree(path, ignore_errors=True)
    elif path.is_dir():
        for child in path.iterdir():
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
