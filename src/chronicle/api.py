"""The importable API: what every CLI command calls. No printing, no click."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .derive import comparable, current_reading, is_older_chronicle
from .diff_model import Diff
from .errors import ArchiveError, InputError
from .layout import check_briefing_id, format_time
from .readers import DEFAULT_MAX_BYTES, Format, Parsed, parse_file
from .replay import RevisionState, replay, replay_some
from .store import AppendResult, Archive, NewRevision
from .views import diff_revisions, pick_number, revision_message


def open_archive(path: Path) -> Archive:
    return Archive(path)


def init_archive(path: Path, bare: bool = True) -> Archive:
    """Create an archive (bare: no working tree, the default), or open the one at ``path``."""
    return Archive.init(path, bare)


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
    """An ISO 8601 time as UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (naive times are taken as UTC)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError("--observed-at", f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_time(moment)


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
        items.append(NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor,
                                 observed, expected))
    return archive.append_many(items, revision_message, on_result)


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
        items.append(NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor))
        if on_parsed is not None:
            on_parsed(briefing, path)
    if not items:
        raise InputError(root, "no revision files found under <briefing-id>/ folders")
    return archive.append_many(items, revision_message, on_result)


def history(archive: Archive, briefing: str) -> list[RevisionState]:
    """Every revision of ``briefing``, comparable with each other (derive.comparable)."""
    return comparable(replay(archive.events(briefing)))


def revision_at(archive: Archive, briefing: str, sequence: int | None,
                as_recorded: bool = False) -> RevisionState:
    """One revision, as today's extractor reads it (``as_recorded``: as stored, with what
    the extractor of its day derived). Every event's chain is checked, only this one is
    parsed in full."""
    events = archive.raw_events(briefing)
    number = pick_number(briefing, len(events), sequence)
    state = replay_some(events, {number}, archive.parse_event)[number]
    if as_recorded or not is_older_chronicle(state.extractor):
        return state
    return current_reading(state)


def diff(archive: Archive, briefing: str, start: int | None, end: int | None) -> Diff:
    """Diff two revisions; by default the last two (or the only one against itself).

    Like revision_at: the hash chain of every event is checked, the two shown are parsed.
    """
    events = archive.raw_events(briefing)
    latest = len(events)
    after = pick_number(briefing, latest, end)
    before = pick_number(briefing, latest, start if start is not None else max(after - 1, 1))
    if before > after:
        raise ArchiveError(f"--from {before} comes after --to {after}")
    states = replay_some(events, {before, after}, archive.parse_event)
    old, new = comparable([states[before], states[after]])
    return diff_revisions(briefing, old.revision, new.revision, (before, after))
