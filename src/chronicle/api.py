"""The importable API: what every CLI command calls. No printing, no click."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .diff_model import Diff
from .errors import ArchiveError, InputError
from .readers import DEFAULT_MAX_BYTES, Format, Parsed, parse_file
from .replay import RevisionState, replay, replay_some
from .store import AppendResult, Archive, NewRevision
from .validation import check_briefing_id
from .views import commit_message, diff_revisions, pick_number


def open_archive(path: Path) -> Archive:
    return Archive(path)


def init_archive(path: Path) -> Archive:
    """Create (or open) the archive at ``path``; a path that cannot be a folder is one
    ArchiveError, not an OSError."""
    from .safe_write import file_ancestor, os_problem

    blocker = file_ancestor(path / ".git")
    if blocker is not None:
        raise ArchiveError(f"{path}: cannot create an archive here: {blocker} is a file, "
                           "not a folder")
    try:
        return Archive.init(path)
    except OSError as error:
        raise ArchiveError(f"{path}: cannot create an archive here "
                           f"({os_problem(error)})") from None


def parse(
    path: Path | str, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Parsed:
    """Parse a file, '-' (stdin) or an http(s) URL (fetched with chronicle.fetch)."""
    if isinstance(path, str):
        from .fetch import is_url, parse_url

        if is_url(path):
            return parse_url(path, fmt, max_bytes)
    return parse_file(Path(path), fmt, max_bytes)


def normalise_time(text: str) -> str:
    """An ISO 8601 time as UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (naive times are taken as UTC);
    InputError names the observed time when it is not one (or falls outside years 1-9999
    once in UTC)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError("observed time", f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise InputError("observed time", f"{text!r} falls outside years 1-9999 in UTC") from None
    # isoformat, not strftime: '%Y' gives '999' for the year 999 (not four digits).
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def ingest(
    archive: Archive,
    briefing: str,
    paths: Sequence[Path | str],
    fmt: Format | None = None,
    observed_at: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    expected_sequence: int | None = None,
    on_result: Callable[[AppendResult], None] | None = None,
) -> list[AppendResult]:
    """Parse every file first (so bad input writes nothing), then append them in order."""
    check_briefing_id(briefing)
    observed = normalise_time(observed_at) if observed_at else None
    items = []
    for n, path in enumerate(paths):
        parsed = parse(path, fmt, max_bytes)
        expected = expected_sequence if n == 0 else None
        items.append(NewRevision(briefing, parsed.revision, parsed.origin, observed, expected))
    return archive.append_many(items, commit_message, on_result)


def tree_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(briefing id, file) for ROOT/<briefing-id>/<revision files sorted by name>."""
    if not root.is_dir():
        raise InputError(root, "not a folder (expected ROOT/<briefing-id>/<revision files>)")
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        check_briefing_id(folder.name)
        for path in sorted(
            p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
        ):
            yield folder.name, path


def ingest_tree(
    archive: Archive,
    root: Path,
    fmt: Format | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_result: Callable[[AppendResult], None] | None = None,
    on_parsed: Callable[[str, Path], None] | None = None,
) -> list[AppendResult]:
    """Ingest a whole tree in one process; every file is parsed before anything is written.

    ``on_parsed(briefing, path)`` is called after each file is parsed (a progress bar).
    """
    items = []
    for briefing, path in tree_files(root):
        parsed = parse_file(path, fmt, max_bytes)
        items.append(NewRevision(briefing, parsed.revision, parsed.origin))
        if on_parsed is not None:
            on_parsed(briefing, path)
    if not items:
        raise InputError(root, "no revision files found under <briefing-id>/ folders")
    return archive.append_many(items, commit_message, on_result)


def history(archive: Archive, briefing: str) -> list[RevisionState]:
    return replay(archive.events(briefing))


def revision_at(archive: Archive, briefing: str, sequence: int | None) -> RevisionState:
    """One revision; every event's chain is checked, only this one is parsed in full."""
    events = archive.raw_events(briefing)
    number = pick_number(briefing, len(events), sequence)
    return replay_some(events, {number}, archive.parse_event)[number]


def diff(archive: Archive, briefing: str, start: int | None, end: int | None) -> Diff:
    """Diff two revisions; by default the last two (or the only one against itself).

    Like revision_at: the hash chain of every event is checked, the two shown are parsed.
    """
    events = archive.raw_events(briefing)
    latest = len(events)
    after = pick_number(briefing, latest, end)
    before = pick_number(briefing, latest, start if start is not None else max(after - 1, 1))
    if before > after:
        raise ArchiveError(f"briefing {briefing!r}: the older revision {before} comes after "
                           f"the newer revision {after}")
    states = replay_some(events, {before, after}, archive.parse_event)
    return diff_revisions(
        briefing, states[before].revision, states[after].revision, (before, after)
    )
