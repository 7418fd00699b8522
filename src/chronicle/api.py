"""The importable API: what every CLI command calls. No printing, no click."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ArchiveError, InputError, NotAnArchive, UnknownBriefing
from .layout import MAX_INPUT_BYTES as DEFAULT_MAX_BYTES
from .layout import check_briefing_id, format_time

# The store, replay and views (git, pydantic diff models, rapidfuzz) are imported by the
# functions that use them, so that `chronicle parse page.html` loads only the readers.
if TYPE_CHECKING:
    import sqlite3

    from .checks import Problem
    from .diff_model import Diff
    from .export import ExportFormat, ExportResult
    from .projection.sql import QueryResult
    from .readers import Format, Parsed
    from .replay import RevisionState
    from .report import ReportData
    from .review import Review
    from .signing import SignatureReport
    from .store import AppendResult, Archive
    from .sync import SyncResult
    from .views import BlameLine, FigureThread, LogEntry
    from .watch import EntryResult, PollResult

DEFAULT_ARCHIVE = Path("archive")
T = TypeVar("T")


# ----- finding and opening archives -----------------------------------------------------
def is_archive(path: Path) -> bool:
    """A git repository (with a working tree, or bare) whose main branch holds
    chronicle.json, or a folder holding chronicle.json committed to the repository around it
    (embedded); read, not recovered."""
    from .store import Archive

    with_tree = (path / ".git" / "HEAD").is_file()
    bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
    embedded = (path / "chronicle.json").is_file()
    if not (with_tree or bare or embedded):
        return False
    try:
        Archive(path, recover=False)
    except ArchiveError:
        return False
    return True


def enclosing_archive(start: Path) -> Path | None:
    """The archive ``start`` is in or under, found the way git finds .git (walking up to a
    repository with chronicle.json on its main branch)."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if is_archive(candidate):
            return candidate
    return None


def archive_path(path: Path | None = None, cwd: Path | None = None) -> Path:
    """The archive a command means: ``path`` if given, else the one the working folder is
    in, else ./archive."""
    if path is not None:
        return path
    found = enclosing_archive(cwd or Path.cwd())
    return found if found is not None else DEFAULT_ARCHIVE


def open_archive(path: Path | None = None) -> Archive:
    """The archive at ``path`` (None: found from the working folder, else ./archive)."""
    from .store import Archive

    where = archive_path(path)
    try:
        return with_read_model(Archive(where))
    except NotAnArchive as error:
        inside = enclosing_archive(where.parent) if where.parent.exists() else None
        if inside is None:
            raise
        raise NotAnArchive(where, error.why, inside) from None


def with_read_model(archive: Archive) -> Archive:
    """``archive`` with its appends kept in its read model (chronicle.projection)."""
    from .projection import observer

    archive.append_observer = observer
    return archive


def init_archive(path: Path | None = None, bare: bool = True, in_repo: bool = False) -> Archive:
    """Create an archive at ``path`` (default ./archive; bare: no working tree, the default;
    in_repo: a folder committed to the enclosing repository's current branch); an existing
    archive is kept as it is, and with no path, the archive the working folder is in is
    that archive."""
    from .safe_write import file_ancestor, os_problem
    from .store import Archive

    if path is None:
        found = enclosing_archive(Path.cwd())
        path = found if found is not None else DEFAULT_ARCHIVE
    else:
        outer = enclosing_archive(path.parent) if path.parent.exists() else None
        if outer is not None and outer != path.resolve():
            raise ArchiveError(f"{path}: inside the archive {outer}; choose a folder outside it")
    blocker = file_ancestor(path / ".git")
    if blocker is not None:
        raise ArchiveError(f"{path}: cannot create an archive here: {blocker} is a file, "
                           "not a folder")
    try:
        return with_read_model(Archive.init(path, bare, in_repo))
    except OSError as error:
        raise ArchiveError(f"{path}: cannot create an archive here "
                           f"({os_problem(error)})") from None


def parse(
    path: Path | str, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Parsed:
    """Parse a file, '-' (stdin) or an http(s) URL (fetched with chronicle.fetch)."""
    from .readers import is_url, parse_file

    if isinstance(path, str) and is_url(path):
        from .fetch import parse_url

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
        return format_time(moment)
    except OverflowError:
        raise InputError("observed time", f"{text!r} falls outside years 1-9999 in UTC") from None


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
    from .bulk import Prepared, new_revisions, prepare

    check_briefing_id(briefing)
    observed = normalise_time(observed_at) if observed_at else None
    if _files_only(paths):
        prepared = prepare([(briefing, Path(path)) for path in paths], fmt, max_bytes)
    else:
        prepared = [Prepared(parse(source, fmt, max_bytes)) for source in paths]
    items, messages = new_revisions([briefing] * len(paths), prepared, observed,
                                    expected_sequence)
    return archive.append_many(items, messages, on_result)


def _files_only(sources: Sequence[Path | str]) -> bool:
    """No URL and no '-' (stdin) among ``sources``: they can be parsed in a process pool."""
    from .readers import is_url

    return not any(str(s) == "-" or (isinstance(s, str) and is_url(s)) for s in sources)


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
    """Ingest a whole tree; every file is parsed (in a process pool) before anything is
    written, and the writer lock is taken only then.

    ``on_parsed(briefing, path)`` is called after each file is parsed (a progress bar).
    """
    from .bulk import new_revisions, prepare

    files = list(tree_files(root))

    def parsed_one(index: int) -> None:
        if on_parsed is not None:
            on_parsed(*files[index])

    prepared = prepare(files, fmt, max_bytes, parsed_one)
    items, messages = new_revisions([briefing for briefing, _ in files], prepared)
    if not items:
        raise InputError(root, "no revision files found under <briefing-id>/ folders")
    return archive.append_many(items, messages, on_result)


# ----- reading briefings ------------------------------------------------------------------
def _raw_events(archive: Archive, briefing: str) -> list[tuple[str, bytes]]:
    """The briefing's event files; an unknown id names the closest known one."""

    try:
        return archive.raw_events(briefing)
    except UnknownBriefing:
        raise UnknownBriefing(briefing, archive.path, archive.briefings()) from None


def history(archive: Archive, briefing: str) -> list[RevisionState]:
    """Every revision of ``briefing``, each event checked in full, comparable with each
    other (derive.comparable)."""
    from .derive import comparable
    from .replay import replay

    events = _raw_events(archive, briefing)
    return comparable(replay(archive.parse_event(path, raw) for path, raw in events))


def revision_at(archive: Archive, briefing: str, sequence: int | None,
                as_recorded: bool = False) -> RevisionState:
    """One revision, as today's extractor reads it (``as_recorded``: as stored, with what
    the extractor of its day derived). Every event's chain is checked, only this one is
    parsed in full."""
    from .derive import current_reading, is_older_chronicle
    from .replay import replay_some
    from .views import pick_number

    events = _raw_events(archive, briefing)
    number = pick_number(briefing, len(events), sequence)
    state = replay_some(events, {number}, archive.parse_event)[number]
    if as_recorded or not is_older_chronicle(state.extractor):
        return state
    return current_reading(state)


@dataclass(frozen=True)
class BriefingSummary:
    """One line of `list`: how many revisions, when it last changed, its latest headline."""

    id: str
    revisions: int
    last_recorded: str
    last_observed: str
    headline: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "revisions": self.revisions, "last_recorded": self.last_recorded,
                "last_observed": self.last_observed, "headline": self.headline}


def briefing_summaries(archive: Archive) -> list[BriefingSummary]:
    """Every briefing with its revision count, last change and latest headline (from the
    read model; from the events where it cannot answer)."""
    from .projection import queries

    def answer(db: sqlite3.Connection, _: int) -> list[BriefingSummary] | None:
        if queries.unreadable(db):  # the events name the problem
            return None
        return [BriefingSummary(*row) for row in queries.summary_rows(db)]

    found = _from_read_model(archive, answer)
    return found if found is not None else replayed_summaries(archive)


def briefing_listing_json(archive: Archive) -> bytes | None:
    """`list --json`'s document (render.to_json_bytes of the briefing summaries), joined
    from the read model's stored entries; None where it cannot answer so (then
    briefing_summaries does)."""
    from .projection import queries

    def answer(db: sqlite3.Connection, _: int) -> bytes | None:
        return None if queries.unreadable(db) else queries.listing_json(db)

    return _from_read_model(archive, answer)


def replayed_summaries(archive: Archive) -> list[BriefingSummary]:
    """briefing_summaries computed from the events (the chain of each briefing checked, its
    last event parsed)."""
    from .replay import replay_some

    summaries = []
    for name in archive.briefings():
        events = archive.raw_events(name)
        latest = replay_some(events, {len(events)}, archive.parse_event)[len(events)]
        summaries.append(BriefingSummary(name, len(events), latest.recorded_at,
                                         latest.observed_at, latest.revision.headline))
    return summaries


def _from_read_model(archive: Archive, answer: Callable[[sqlite3.Connection, int], T | None],
                     briefing: str | None = None) -> T | None:
    """``answer(db, revisions of briefing)`` from the up-to-date read model; None where the
    events must answer instead: no read model can be kept here, it is damaged, or the
    briefing's events could not be read into it (replaying them reports why)."""
    import sqlite3

    from .projection import Unavailable, queries, reading

    if briefing is not None:
        check_briefing_id(briefing)
    try:
        with reading(archive) as db:
            count = 0
            if briefing is not None:
                found = queries.has_briefing(db, briefing)
                if found is None:
                    if queries.unreadable(db, briefing):
                        return None
                    raise UnknownBriefing(briefing, archive.path, archive.briefings())
                count = found
            return answer(db, count)
    except Unavailable:
        return None
    except sqlite3.Error as error:
        if type(error) is sqlite3.DatabaseError:  # not a database (any more): build anew
            from .projection.update import discard

            with contextlib.suppress(Unavailable, OSError):
                discard(archive)
        return None


def log(archive: Archive, briefing: str) -> list[LogEntry]:
    """Each revision with when, from what, and its change summary."""
    from .projection import queries

    found = _from_read_model(archive, lambda db, _: queries.log_entries(db, briefing), briefing)
    if found is not None:
        return found
    from .views import log_entries

    return log_entries(history(archive, briefing))


def timeline(archive: Archive, briefing: str, needle: str | None = None) -> list[FigureThread]:
    """Each figure followed through the revisions (only those matching ``needle``)."""
    from .projection import queries

    found = _from_read_model(archive, lambda db, _: queries.figure_threads(db, briefing, needle),
                             briefing)
    if found is not None:
        return found
    from .views import figure_timeline

    return figure_timeline(history(archive, briefing), needle)


def blame(archive: Archive, briefing: str, sequence: int | None = None) -> list[BlameLine]:
    """Each claim and block quote of a revision with where it was introduced and changed."""
    from .projection import queries

    found = _from_read_model(
        archive, lambda db, count: queries.blame_lines(db, briefing, sequence, count), briefing)
    if found is not None:
        return found
    from .views import blame as blame_of

    return blame_of(history(archive, briefing), sequence)


def diff(archive: Archive, briefing: str, start: int | None, end: int | None) -> Diff:
    """Diff two revisions; by default the last two (or the only one against itself).

    Like revision_at: the hash chain of every event is checked, the two shown are parsed.
    """
    from .derive import comparable
    from .replay import replay_some
    from .views import diff_revisions

    events = _raw_events(archive, briefing)
    before, after = diff_numbers(briefing, len(events), start, end)
    states = replay_some(events, {before, after}, archive.parse_event)
    old, new = comparable([states[before], states[after]])
    return diff_revisions(briefing, old.revision, new.revision, (before, after))


def diff_numbers(briefing: str, latest: int, start: int | None,
                 end: int | None) -> tuple[int, int]:
    """The revisions to compare: by default the last two (the only one, if just one)."""
    from .views import pick_number

    after = pick_number(briefing, latest, end)
    before = pick_number(briefing, latest, start if start is not None else max(after - 1, 1))
    if before > after:
        raise ArchiveError(f"briefing {briefing!r}: r{before} comes after r{after}; "
                           "give the older revision first")
    return before, after


# ----- checks and upkeep --------------------------------------------------------------------
@dataclass
class CheckResult:
    """What validate or verify found: how many things were checked and every problem."""

    checked: int
    problems: list[Problem]
    signatures: SignatureReport | None = None  # verify: who signed each event's commit

    @property
    def reports_signatures(self) -> bool:
        """Worth saying: some event is signed, or the archive requires signatures."""
        return self.signatures is not None and (self.signatures.signed > 0
                                                or self.signatures.required)

    def as_dict(self) -> dict[str, Any]:
        found = {"ok": not self.problems, "checked": self.checked,
                 "problems": [p.as_dict() for p in self.problems]}
        if self.signatures is not None and self.reports_signatures:
            found["signatures"] = self.signatures.as_dict()
        return found


def validate(paths: Sequence[Path], archive: Path | None = None) -> CheckResult:
    """Check files or archives against the schemas; no paths: the archive."""
    from .checks import Problem, validate_archive, validate_file

    result = CheckResult(0, [])
    for path in paths or (archive_path(archive),):
        if path.is_dir():
            count, found = validate_archive(open_archive(path))
        elif path.exists():
            count, found = 1, validate_file(path)[1]
        else:
            count, found = 1, [Problem(str(path), "no such file or folder")]
        result.checked += count
        result.problems += found
    return result


def verify(archive: Archive, rebuild: bool = False) -> CheckResult:
    """Every event's schema, content hash, chain and sequence, the git history, and the
    read model against a full replay (``rebuild``: then build the read model again)."""
    from .checks import check_archive
    from .projection import Unavailable
    from .projection.check import read_model_problems
    from .projection.check import rebuild as rebuild_read_model

    checked = check_archive(archive, signatures=True)
    result = CheckResult(checked.count, checked.problems, checked.signatures)
    result.problems += read_model_problems(archive)
    if rebuild:
        with contextlib.suppress(Unavailable):
            rebuild_read_model(archive)
    return result


def verify_incoming(path: Path | None, old: str, new: str) -> CheckResult:
    """What a push from ``old`` to ``new`` brings (a pre-receive hook, in a repository that
    may hold no archive yet): it must continue the published history, each commit adding
    one well-formed event on its chain."""
    from .incoming import incoming_problems
    from .repository import open_repository

    problems = incoming_problems(open_repository(archive_path(path)), old, new)
    return CheckResult(1, problems)


def clone_archive(url: str, path: Path | None = None) -> Archive:
    """A verified bare copy of the archive at ``url`` at ``path`` (default: the URL's last
    part, as git clone names it)."""
    from .sync import clone

    if path is None:
        name = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
        path = Path(name or "archive")
    return clone(url, path)


def sync_archive(archive: Archive, remote: str = "origin") -> SyncResult:
    """Fetch, check, integrate and push (chronicle.sync)."""
    from .sync import sync

    return sync(archive, remote)


def compact(archive: Archive) -> tuple[int, int]:
    """Repack the archive small; the size of its objects before and after, in bytes."""

    return archive.compact()


# ----- SQL over the read model ---------------------------------------------------------------
def sql(archive: Archive, query: str) -> QueryResult:
    """The rows of one read-only SQL statement over the read model (brought up to date);
    InputError names what SQLite found wrong with the query."""
    from .projection import Unavailable, reading
    from .projection.sql import run

    try:
        with reading(archive) as db:
            return run(db, query)
    except Unavailable as error:
        raise ArchiveError(f"{archive.path}: chronicle sql needs the read model, which cannot "
                           f"be kept here ({error})") from None


def unreadable_briefings(archive: Archive) -> list[str]:
    """Briefings the read model holds no rows for because their events cannot be read
    (`chronicle verify` names the problems)."""
    from .projection import Unavailable, reading

    try:
        with reading(archive) as db:
            return [row[0] for row in db.execute("SELECT briefing FROM unreadable "
                                                 "ORDER BY briefing")]
    except Unavailable:
        return []


# ----- exports, reports, review -----------------------------------------------------------
def export_briefings(archive: Archive, fmt: ExportFormat, output: Path | None,
                     briefings: Sequence[str] = (), force: bool = False,
                     on_revision: Callable[[str, int], None] | None = None) -> ExportResult:
    """Export ``briefings`` (default: all) as jsonl, csv or sqlite tables."""

    from .export import export

    names = list(briefings) or archive.briefings()
    for name in names:
        if not archive.has_briefing(check_briefing_id(name)):
            raise UnknownBriefing(name, archive.path, archive.briefings())
    return export(archive, fmt, output, names, force, on_revision)


def export_size(archive: Archive, briefings: Sequence[str] = ()) -> int:
    """How many revisions an export of ``briefings`` (default: all) writes (a progress bar)."""

    from .export import count_events

    return count_events(archive, list(briefings) or archive.briefings())


def write_report(archive: Archive, briefing: str, output: Path,
                 overwrite: bool = False) -> ReportData:
    """Write the self-contained HTML report of ``briefing`` to ``output`` (an existing file
    only with ``overwrite``)."""
    from .fetch import user_agent
    from .projection import queries
    from .report import build_report
    from .report import write_report as write

    agent = user_agent()

    def build() -> ReportData:
        found = _from_read_model(
            archive, lambda db, _: queries.report_data(db, briefing, agent), briefing)
        return found if found is not None else build_report(history(archive, briefing), agent)

    return write(build, output, overwrite)


def review(path: Path | None, rev_range: str) -> Review:
    """What the commits of a git range of the archive added, in claims and figures."""
    from .review import review as review_range

    return review_range(archive_path(path), rev_range)


@dataclass(frozen=True)
class FeedOptions:
    """How `watch` polls a feed: naming, politeness and limits."""

    prefix: str = ""
    names: dict[str, str] | None = None  # entry URL -> briefing id
    timeout: float = 20.0
    delay: float = 1.0
    limit: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


def watch_feed(archive: Archive, feed_url: str, options: FeedOptions, interval: float,
               once: bool, on_entry: Callable[[EntryResult], None],
               on_poll: Callable[[PollResult], None]) -> PollResult:
    """Poll ``feed_url`` (once, or every ``interval`` s until interrupted); the last poll."""
    from .errors import FetchError
    from .fetch import Fetcher
    from .readers import is_url
    from .watch import Watcher, watch

    if not is_url(feed_url):
        raise FetchError(feed_url, "not an http:// or https:// URL")
    names = {url: check_briefing_id(name) for url, name in (options.names or {}).items()}
    with Fetcher(options.timeout, options.max_bytes) as fetcher:
        watcher = Watcher(archive, feed_url, fetcher, options.prefix, names, options.delay,
                          options.limit, on_entry)
        result = watch(watcher, interval, once, on_poll)
    if once and result.status == "failed":
        raise FetchError(feed_url, result.problem or "feed could not be read")
    return result
