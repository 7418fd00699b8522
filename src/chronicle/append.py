"""Appending revisions: one locked session builds events and commits in memory, writes them
as one pack, and moves the branch by compare-and-swap, in steps of FLUSH_EVERY.

Per event the work is: the revision's JSON (once), its content hash and the event file's
bytes (orjson, layout.py), a schema check, the commit message (a diff to the previous
revision), and the git objects. Nothing here grows with the size of the archive: only the
trees on the new file's path are rewritten, and only the new files reach the working copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Protocol

from .errors import ArchiveError, ConcurrentWrite, CorruptArchive, InputError, SchemaViolation
from .events import StoredEvent, decode_event, load_event_json
from .gitobjects import TREE_MODE, Identity, RefMove, commit_bytes, update_ref
from .invariants import checked
from .layout import (
    MAX_EVENT_BYTES,
    SCHEMA_VERSION,
    NotCanonical,
    briefing_folder,
    check_briefing_id,
    content_sha256,
    event_file_bytes,
    event_path,
    is_tame,
    sha256_hex,
    utc_now,
)
from .ledger import Ledger, Recorded
from .locking import Session
from .model import Extractor, Origin, Revision
from .publedger import LEDGER_REF, batch_commit, ledger_tip
from .repository import Repository
from .signing import signer_for
from .upcast import extractor_of
from .worktree import NoWorkingCopy

DEFAULT_IDENTITY = Identity("chronicle", "chronicle@localhost")
FLUSH_EVERY = 256  # commits per ref move in a bulk append
Status = Literal["recorded", "unchanged", "duplicate"]


@dataclass(frozen=True)
class NewRevision:
    """What a caller asks to append."""

    briefing: str
    revision: Revision
    origin: Origin
    extractor: Extractor
    observed_at: str | None = None
    expected_sequence: int | None = None
    # a sync re-appending an unpublished event keeps its identity and recording time
    event_id: str | None = None
    recorded_at: str | None = None


@dataclass(frozen=True)
class AppendResult:
    status: Status
    briefing: str
    sequence: int
    path: str
    event_id: str | None = None
    commit: str | None = None
    origin: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Prior:
    """The latest stored revision of a briefing, as an append sees it."""

    revision: Revision
    extractor: Extractor


# (what is appended, its sequence, the revision before it) -> the commit message
CommitMessage = Callable[[NewRevision, int, Prior | None], str]


class AppendObserver(Protocol):
    """Told what an append writes (a read model kept up to date); must never raise."""

    def added(self, item: NewRevision, document: dict[str, Any], data: bytes,
              previous: Prior | None) -> None:
        """An event was built (it is on the branch once ``flushed`` is called)."""

    def flushed(self, start: str | None, tip: str) -> None:
        """The branch moved to ``tip``: the events added since the last call, on ``start``."""


@dataclass
class BriefingState:
    """What an append needs to know of a briefing's existing events."""

    sequence: int = 0
    last_sha256: str | None = None
    last: Prior | None = None
    content: dict[str, int] = field(default_factory=dict)  # content_sha256 -> sequence
    # (input sha256, format, extractor) -> sequence: the same input read by another
    # extractor (so its revision hashes differently) is the same revision, not a new one
    inputs: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def seen(self, content: str, item: NewRevision) -> int | None:
        """The sequence of an identical revision already stored, if any."""
        if content in self.content:
            return self.content[content]
        mine = _extractor_key(item.extractor.model_dump())
        matches = [sequence for (sha, fmt, by), sequence in self.inputs.items()
                   if (sha, fmt) == (item.origin.sha256, item.origin.format) and by != mine]
        return min(matches, default=None)

    def note(self, sequence: int, content: str, origin: dict[str, Any],
             extractor: dict[str, Any]) -> None:
        self.content.setdefault(content, sequence)
        key = (str(origin["sha256"]), str(origin["format"]), _extractor_key(extractor))
        self.inputs.setdefault(key, sequence)


class Appender:
    """One locked append session over ``repository``."""

    def __init__(self, repository: Repository, copy: NoWorkingCopy, ledger: Ledger,
                 session: Session, message: CommitMessage,
                 on_result: Callable[[AppendResult], None] | None = None,
                 onto: tuple[str, str | None] | None = None,
                 observer: AppendObserver | None = None) -> None:
        """``onto`` (a sync rebasing unpublished events): build on this (commit, published
        ledger commit) instead of the branch tip, which still moves only by CAS."""
        self.repository = repository
        self.copy = copy
        self.ledger = ledger
        self.session = session
        self.message = message
        self.on_result = on_result
        self.observer = observer
        self.base = repository.head()  # where the branch is: the CAS's old value
        # the published ledger moves with main (not in an embedded archive: its branch is
        # the user's, and travels by their own pushes and pull requests)
        self.ledger_base = None if repository.embedded else ledger_tip(repository.git_dir)
        start, self.ledger_tip = onto if onto is not None else (self.base, self.ledger_base)
        self.tip = self.chain_start = start  # the batches' commits build on this
        self.tree = repository.tree(start)
        self.states: dict[str, BriefingState] = {}
        self.pending: dict[str, bytes] = {}
        self.recorded: list[Recorded] = []
        self.identity = DEFAULT_IDENTITY
        self.signer = signer_for(repository)  # git's ssh signing, when configured

    def run(self, items: Iterable[NewRevision]) -> list[AppendResult]:
        """Append every item; results are reported once the branch holds them, not before."""
        results: list[AppendResult] = []
        reported = 0
        for item in items:
            results.append(self.append(item))
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()
                reported = self.report(results, reported)
        self.flush()
        self.report(results, reported)
        return results

    def report(self, results: list[AppendResult], reported: int) -> int:
        if self.on_result:
            for result in results[reported:]:
                self.on_result(result)
        return len(results)

    def state(self, briefing: str) -> BriefingState:
        if briefing not in self.states:
            self.states[briefing] = self._load_state(briefing)
        return self.states[briefing]

    def _load_state(self, briefing: str) -> BriefingState:
        """What the briefing's stored events say: the last one in full, the others' hashes."""
        state = BriefingState()
        folder = briefing_folder(briefing)
        self._refuse_non_folders(folder)
        entries = self.tree.entries(folder)
        names = sorted(entries)
        earlier = self.repository.objects.read_many((entries[name][1] for name in names[:-1]),
                                                    MAX_EVENT_BYTES)
        for name, raw in zip(names[:-1], earlier, strict=True):  # only what dedup needs
            where = f"{self.repository.path}/{folder}/{name}"
            document = load_event_json(raw, where)
            try:
                state.note(int(document["sequence"]), str(document["content_sha256"]),
                           document["origin"], extractor_of(document))
            except (KeyError, TypeError, ValueError):
                raise CorruptArchive(f"{where}: not a valid event") from None
        if names:
            last = self._read_event(f"{folder}/{names[-1]}", entries[names[-1]][1])
            state.sequence = last.event.sequence
            state.last_sha256 = last.sha256
            state.last = Prior(last.event.revision, last.event.extractor)
            state.note(state.sequence, last.event.content_sha256,
                       last.event.origin.model_dump(), last.event.extractor.model_dump())
        return state

    def _refuse_non_folders(self, folder: str) -> None:
        """A briefing's path must be folders all the way down: never a link or a file."""
        parent = ""
        for part in folder.split("/"):
            entry = self.tree.entries(parent).get(part)
            if entry is not None and entry[0] != TREE_MODE:
                raise CorruptArchive(f"{self.repository.path}/{parent}/{part}: not a folder in "
                                     "the archive's history (mode "
                                     f"{entry[0]:o}); run 'chronicle verify'")
            parent = f"{parent}/{part}" if parent else part

    def _read_event(self, path: str, binsha: bytes) -> StoredEvent:
        [raw] = self.repository.objects.read_many([binsha], MAX_EVENT_BYTES)
        return decode_event(path, raw, f"{self.repository.path}/{path}")

    def append(self, item: NewRevision) -> AppendResult:
        check_briefing_id(item.briefing)
        checked(item.revision, item.origin.name or "stdin")  # what every command can read
        state = self.state(item.briefing)
        if item.expected_sequence is not None and item.expected_sequence != state.sequence:
            raise ConcurrentWrite(item.briefing, item.expected_sequence, state.sequence)
        revision = item.revision.model_dump(mode="json")
        tame = tame_numbers(item.revision)
        try:
            content = content_sha256(revision, SCHEMA_VERSION, tame)
        except NotCanonical as error:
            raise InputError(item.origin.name or "stdin", f"cannot be stored: {error}") from None
        seen = state.seen(content, item)
        if seen is not None:
            status: Status = "unchanged" if seen == state.sequence else "duplicate"
            path = event_path(item.briefing, seen)
            return AppendResult(status, item.briefing, seen, path, origin=item.origin.name)
        sequence = state.sequence + 1
        now = item.recorded_at or utc_now()
        document: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION, "event_id": item.event_id or uuid.uuid4().hex,
            "type": "revision.recorded", "briefing": item.briefing, "sequence": sequence,
            "recorded_at": now, "observed_at": item.observed_at or now,
            "content_sha256": content, "previous_sha256": state.last_sha256,
            "origin": item.origin.model_dump(mode="json"),
            "extractor": item.extractor.model_dump(mode="json"), "revision": revision,
        }
        path = event_path(item.briefing, sequence)
        self.copy.check_writable([path])
        validate_event(document, path)
        data = event_file_bytes(document, tame)  # the envelope's numbers: small integers
        commit = self.commit(path, data, document, item, state.last)
        if self.observer is not None:
            self.observer.added(item, document, data, state.last)
        state.sequence, state.last_sha256 = sequence, sha256_hex(data)
        state.last = Prior(item.revision, item.extractor)
        state.note(sequence, content, document["origin"], document["extractor"])
        self.recorded.append(Recorded(item.briefing, sequence, state.last_sha256, commit, path))
        return AppendResult("recorded", item.briefing, sequence, path, document["event_id"],
                            commit, item.origin.name)

    def commit(self, path: str, data: bytes, document: dict[str, Any], item: NewRevision,
               previous: Prior | None) -> str:
        self.session.mark_dirty()
        root = self.tree.add_file(path, data)
        text = self.message(item, document["sequence"], previous) + _trailers(document, path)
        parent = bytes.fromhex(self.tip) if self.tip else None
        body = commit_bytes(root, parent, self.identity, text)
        if self.signer is not None:
            body = self.signer.sign(body)
        sha = self.repository.objects.write(b"commit", body)
        self.tip = sha.hex()
        self.pending[path] = data
        return self.tip

    def flush(self) -> None:
        """Move the branch from where this session found it to the new tip (CAS).

        Order: objects durable, ledger 'begin' durable, branch moved, ledger 'done',
        working copy updated. A kill between any two steps is finished by recovery.
        """
        if not self.pending:  # nothing appended (with onto: the caller moves the branch)
            return
        assert self.tip is not None
        repository = self.repository
        also: tuple[RefMove, ...] = ()
        if not repository.embedded:
            published = batch_commit(repository.objects, self.ledger_tip, self.chain_start,
                                     self.tip, self.recorded)
            also = ((LEDGER_REF, published, self.ledger_base or ""),)
        try:
            repository.objects.sync()
        except OSError as error:
            raise ArchiveError(f"{repository.path}: cannot write git objects "
                               f"({error.strerror}); nothing was written") from None
        self.ledger.begin(self.base, self.tip, self.recorded, utc_now(),
                          (also[0][1], self.ledger_base) if also else None)
        moved = update_ref(repository.git_dir, repository.branch, self.tip, self.base or "",
                           f"chronicle: append {len(self.pending)} event(s)",
                           self.session.pass_fds, also)
        if not moved and repository.head() != self.tip:
            now = repository.head()
            self.ledger.abort(self.tip, now)
            count = len(self.pending)
            if now == self.base:  # nobody moved it: git could not (disk full, permissions)
                raise ArchiveError(f"{repository.path}: could not move {repository.branch} "
                                   f"({moved.problem}); {count} revision(s) were not written")
            raise ArchiveError(
                f"{repository.path}: the main branch moved while chronicle held its lock "
                f"(another program writes to this archive?); {count} revision(s) "
                "were not written"
            )
        self.ledger.done(self.tip)
        start = self.chain_start
        self.base = self.chain_start = self.tip
        if also:
            self.ledger_tip = self.ledger_base = also[0][1]
        self.copy.write_files(self.pending, self.tip, self.session)
        self.pending = {}
        self.recorded = []
        if self.observer is not None:
            self.observer.flushed(start, self.tip)


@cache
def _fast_event_validator() -> Callable[[Any], bool]:
    """schema/event.schema.json compiled by jsonschema-rs (Rust): is this event valid?"""
    import jsonschema_rs

    from .schemas import load_schema

    validator = jsonschema_rs.validator_for(load_schema("event"))
    return validator.is_valid


def validate_event(document: Any, path: str) -> None:
    """Check a new event against schema/event.schema.json before it is written.

    jsonschema-rs (~0.01 ms an event) accepts; only a document it rejects goes to jsonschema
    (the reference validator, ~10 ms an event), which raises SchemaViolation listing the
    problems. The two give the same verdicts on our schema: tests/test_fast_schema.py checks
    it on thousands of mutated events.
    """
    if _fast_event_validator()(document):
        return
    from .schemas import validate

    validate(document, "event", f"event {path}")  # raises, with every problem listed
    raise SchemaViolation(f"event {path}", "schema/event.schema.json",  # a disagreement
                          ["jsonschema-rs refused what jsonschema accepts"])


def tame_numbers(revision: Revision) -> bool:
    """Are all of a revision's numbers tame (layout.is_tame) as model_dump writes them?
    Only figures hold floats; integral ones are dumped as integers."""
    def written(number: float) -> float | int:
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    return all(is_tame(written(figure.value))
               and (figure.value_max is None or is_tame(written(figure.value_max)))
               and figure.end < 2**53 for figure in revision.figures) and \
        all(claim.section is None or abs(claim.section) < 2**53
            for claim in (*revision.key_points, *revision.claims))


def _trailers(document: dict[str, Any], path: str) -> str:
    return (
        f"\n\nChronicle-Event: {document['event_id']}\n"
        f"Chronicle-Briefing: {document['briefing']}\n"
        f"Chronicle-Sequence: {document['sequence']}\n"
        f"Chronicle-Content-Sha256: {document['content_sha256']}\n"
        f"Chronicle-File: {path}\n"
    )


def _extractor_key(extractor: dict[str, Any]) -> str:
    return f"{extractor.get('name')}/{extractor.get('version')}"
