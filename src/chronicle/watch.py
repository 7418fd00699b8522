"""Watch an RSS/Atom feed: fetch each entry's page, record a revision when its content changed.

Entries are keyed by their URL. The briefing id is a slug of the URL (optionally behind a
prefix, or given per URL); once chosen it is kept in the watch state, so it never moves.

The state (ETag / Last-Modified of the feed and of every page, the sha256 of the last page
body and the briefing id) lives in ``<archive>/.chronicle/watch.json``: the archive's
.gitignore ignores ``/.chronicle/``, so it is never committed. A page answering 304, or the
same bytes as last time, is not parsed again; a page whose article did not change is
reported as unchanged by the store and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urldefrag, urlsplit

from .errors import ArchiveError, ChronicleError, FetchError
from .fetch import PAGE_ACCEPT, Fetched, Fetcher, parse_fetched
from .layout import WINDOWS_RESERVED, is_briefing_id, utc_now
from .safe_write import make_folder, write_bytes
from .store import Archive, NewRevision
from .views import revision_message

STATE_DIR = ".chronicle"
STATE_FILE = "watch.json"
LOCK_FILE = "watch.lock"
FEED_ACCEPT = ("application/atom+xml, application/rss+xml, application/rdf+xml, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
_PAGE_SUFFIX = re.compile(r"(/index)?\.(s?html?|php\d?|aspx?|jsp|cgi)$", re.IGNORECASE)

EntryStatus = Literal["recorded", "unchanged", "duplicate", "not-modified", "same-bytes", "failed"]


# ----- briefing ids ----------------------------------------------------------------------
def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def slug_for_url(url: str, prefix: str = "") -> str:
    """A briefing id for a page URL: the path as a slug, e.g. 'world-2024-nato-arms'.

    Long ids keep their last words (the most specific part of a path) and end in a hash
    of the whole URL, so they stay unique within the 64-character limit.
    """
    from slugify import slugify

    parts = urlsplit(url)
    path = _PAGE_SUFFIX.sub("", unquote(parts.path))
    base = slugify(f"{path} {unquote(parts.query)}") or slugify(parts.hostname or "") or "page"
    head = slugify(prefix)
    slug = f"{head}-{base}" if head else base
    if slug in WINDOWS_RESERVED:  # https://example.org/con: not a folder name on Windows
        slug = f"{slug}-{_short_hash(url)}"
    if len(slug) <= 64:
        return slug
    budget = 64 - 9 - (len(head) + 1 if head else 0)
    words: list[str] = []
    for word in reversed(base.split("-")):
        if len("-".join([word, *words])) > budget:
            break
        words.insert(0, word)
    tail = "-".join(words) or base[-budget:].strip("-")
    return "-".join(p for p in (head, tail, _short_hash(url)) if p)


# ----- state -----------------------------------------------------------------------------
_START_OVER = "delete it to start over (pages are then fetched again, nothing is lost)"
_TEXT_FIELDS = ("etag", "last_modified", "sha256", "briefing", "title", "problem", "checked_at")


def state_folder(archive: Archive) -> Path:
    """<archive>/.chronicle, refused when it is a symlink (a cloned archive could point it
    anywhere, and the watch state would be written there)."""
    folder = archive.path / STATE_DIR
    if folder.is_symlink():
        raise ArchiveError(f"{folder}: is a symbolic link; chronicle keeps its watch state "
                           "only in a real folder inside the archive (remove the link)")
    return folder


def state_problem(data: Any) -> str | None:
    """What is wrong with the types of a loaded watch.json (None: fine)."""
    if not isinstance(data, dict):
        return "is not a JSON object"
    for part in ("feeds", "entries"):
        records = data.get(part, {})
        if not isinstance(records, dict):
            return f"{part!r} is not an object"
        for url, record in records.items():
            if not isinstance(record, dict):
                return f"{part}[{url!r}] is not an object"
            for name in _TEXT_FIELDS:
                if not isinstance(record.get(name), str | None):
                    return f"{part}[{url!r}].{name} is not a string"
            sequence = record.get("sequence")
            if sequence is not None and (type(sequence) is not int or sequence < 1):
                return f"{part}[{url!r}].sequence is not a positive whole number"
    return None


@dataclass
class WatchState:
    """What the last polls saw, kept in <archive>/.chronicle/watch.json (never committed)."""

    path: Path
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, archive: Archive) -> WatchState:
        path = state_folder(archive) / STATE_FILE
        if not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError, RecursionError):
            raise ArchiveError(f"{path}: watch state is not readable JSON; {_START_OVER}") from None
        problem = state_problem(data)
        if problem:
            raise ArchiveError(f"{path}: watch state {problem}; {_START_OVER}")
        return cls(path, dict(data.get("feeds", {})), dict(data.get("entries", {})))

    def save(self) -> None:
        document = {"format": "chronicle-watch", "version": 1, "feeds": self.feeds,
                    "entries": self.entries}
        make_folder(self.path.parent)
        write_bytes(self.path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode(),
                    overwrite=True, follow_symlinks=False, allow_special=False)

    def briefing_for(self, url: str, prefix: str, names: Mapping[str, str]) -> str:
        """The configured id, else the one chosen before, else a fresh slug unique here."""
        if url in names:
            return names[url]
        known = self.entries.get(url, {}).get("briefing")
        if isinstance(known, str) and is_briefing_id(known):
            return known
        slug = slug_for_url(url, prefix)
        taken = {e.get("briefing") for u, e in self.entries.items() if u != url}
        if slug in taken:
            slug = f"{slug[:55].rstrip('-')}-{_short_hash(url)}"
        return slug


@contextmanager
def watch_lock(archive: Archive, timeout: float = 60.0) -> Iterator[None]:
    """One poll at a time per archive, so two watchers do not trample the state file."""
    from filelock import FileLock, Timeout

    folder = state_folder(archive)
    make_folder(folder)
    try:
        with FileLock(str(folder / LOCK_FILE), timeout=timeout):
            yield
    except Timeout:
        raise ArchiveError(f"{archive.path}: another 'chronicle watch' has been polling for "
                           f"{timeout:.0f}s; try again later") from None


# ----- results ---------------------------------------------------------------------------
@dataclass
class EntryResult:
    url: str
    title: str | None
    briefing: str | None
    status: EntryStatus
    sequence: int | None = None
    commit: str | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PollResult:
    feed: str
    checked_at: str
    status: Literal["ok", "not-modified", "failed"]
    title: str | None = None
    problem: str | None = None
    entries: list[EntryResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.status] = counts.get(entry.status, 0) + 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {"feed": self.feed, "checked_at": self.checked_at, "status": self.status,
                "title": self.title, "problem": self.problem, "counts": self.counts(),
                "entries": [e.as_dict() for e in self.entries]}


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None


# ----- polling ---------------------------------------------------------------------------
def read_feed(fetched: Fetched) -> tuple[str | None, list[FeedEntry]]:
    """The feed's title and its entries' page URLs (fragments dropped, duplicates once)."""
    import feedparser

    headers = {"content-location": fetched.final_url,
               "content-type": f"{fetched.media_type or 'application/xml'}"
                               + (f"; charset={fetched.charset}" if fetched.charset else "")}
    parsed = feedparser.parse(fetched.data, response_headers=headers)
    if parsed.get("bozo") and not parsed.get("entries") and not parsed.get("feed"):
        lines = str(parsed.get("bozo_exception") or "").strip().splitlines() or ["unreadable"]
        raise FetchError(fetched.url, f"not an RSS or Atom feed ({lines[0][:160]})")
    title = parsed.get("feed", {}).get("title") or None
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in parsed.get("entries", []):
        link = item.get("link") or ""
        if not link.startswith(("http://", "https://")):
            continue
        url = urldefrag(link)[0]
        if url not in seen:
            seen.add(url)
            entries.append(FeedEntry(url, item.get("title") or None))
    return title, entries


@dataclass
class Watcher:
    """Polls one feed into one archive."""

    archive: Archive
    feed_url: str
    fetcher: Fetcher
    prefix: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    delay: float = 1.0
    limit: int | None = None
    on_entry: Callable[[EntryResult], None] | None = None

    def poll(self) -> PollResult:
        with watch_lock(self.archive):
            state = WatchState.load(self.archive)
            try:
                return self._poll(state)
            finally:  # also when interrupted: entries already handled are not fetched again
                state.save()

    def _poll(self, state: WatchState) -> PollResult:
        now = utc_now()
        known = state.feeds.get(self.feed_url, {})
        try:
            fetched = self.fetcher.get(self.feed_url, known.get("etag"), known.get("last_modified"),
                                       accept=FEED_ACCEPT)
        except FetchError as error:
            state.feeds[self.feed_url] = {**known, "checked_at": now, "problem": error.problem}
            return PollResult(self.feed_url, now, "failed", known.get("title"), error.problem)
        if fetched.not_modified:
            state.feeds[self.feed_url] = {**known, "checked_at": now, "problem": None}
            return PollResult(self.feed_url, now, "not-modified", known.get("title"))
        try:
            title, entries = read_feed(fetched)
        except FetchError as error:
            state.feeds[self.feed_url] = {**known, "checked_at": now, "problem": error.problem}
            return PollResult(self.feed_url, now, "failed", known.get("title"), error.problem)
        result = PollResult(self.feed_url, now, "ok", title)
        for n, entry in enumerate(entries[: self.limit]):
            if n and self.delay > 0:
                time.sleep(self.delay)
            outcome = self._entry(state, entry)
            result.entries.append(outcome)
            if self.on_entry:
                self.on_entry(outcome)
        # The feed's validators are kept only once every entry was handled, so a poll cut
        # short (Ctrl-C, crash) fetches the feed in full again next time.
        state.feeds[self.feed_url] = {"etag": fetched.etag, "last_modified": fetched.last_modified,
                                      "checked_at": now, "title": title, "problem": None}
        return result

    def _entry(self, state: WatchState, entry: FeedEntry) -> EntryResult:
        briefing = state.briefing_for(entry.url, self.prefix, self.names)
        known = state.entries.get(entry.url, {})
        outcome = EntryResult(entry.url, entry.title, briefing, "failed")
        try:
            fetched = self.fetcher.get(entry.url, known.get("etag"), known.get("last_modified"),
                                       accept=PAGE_ACCEPT)
            if fetched.not_modified:
                outcome.status = "not-modified"
                known = {**known, "briefing": briefing}
            elif fetched.sha256 == known.get("sha256") and known.get("briefing") == briefing:
                outcome.status = "same-bytes"
                known = {**known, "etag": fetched.etag, "last_modified": fetched.last_modified}
            else:
                parsed = parse_fetched(fetched)
                item = NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor)
                stored = self.archive.append(item, revision_message)
                outcome.status = stored.status
                outcome.sequence, outcome.commit = stored.sequence, stored.commit
                known = {"briefing": briefing, "etag": fetched.etag,
                         "last_modified": fetched.last_modified, "sha256": fetched.sha256}
        except ChronicleError as error:
            outcome.problem = getattr(error, "problem", None) or error.message
            known = {**known, "problem": outcome.problem}
        else:
            known = {**known, "problem": None}
        state.entries[entry.url] = {**known, "briefing": briefing, "title": entry.title,
                                    "checked_at": utc_now()}
        if outcome.sequence is None and outcome.status in ("not-modified", "same-bytes"):
            outcome.sequence = known.get("sequence")
        if outcome.sequence is not None:
            state.entries[entry.url]["sequence"] = outcome.sequence
        return outcome


def watch(watcher: Watcher, interval: float, once: bool,
          on_poll: Callable[[PollResult], None]) -> PollResult:
    """Poll now, then every ``interval`` seconds until interrupted (or once)."""
    while True:
        started = time.monotonic()
        result = watcher.poll()
        on_poll(result)
        if once:
            return result
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
