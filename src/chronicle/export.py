"""`chronicle export`: briefings, revisions, claims, figures, quotes and sources as tables.

Three formats of the same rows:
- ``sqlite``: one table per entity with primary and foreign keys and indexes (stdlib
  sqlite3), ready for Datasette or DuckDB; a ``figure_timeline`` view joins every figure
  with when its revision was seen;
- ``csv``: a folder with one ``<table>.csv`` per table;
- ``jsonl``: one JSON object per line, each with a ``"table"`` field.

Claims, quotes and figures carry a ``lineage`` column: the same figure across revisions
shares one lineage id (consecutive revisions aligned by chronicle.align), so a figure's
values over time are ``SELECT ... WHERE lineage = ? ORDER BY sequence``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from .derive import comparable
from .errors import ArchiveError, OutputError
from .events import StoredEvent
from .gitobjects import TreeBuilder
from .layout import briefing_folder
from .lineage import Step, walk
from .replay import replay
from .safe_text import json_visible
from .safe_write import StagedFile, check_folder, make_folder, output_target
from .store import Archive
from .views import change_counts, diff_from_alignment, first_summary, summary_line

ExportFormat = Literal["jsonl", "csv", "sqlite"]
Row = dict[str, Any]

# Table -> (column, SQLite type) in order; the order is also the CSV column order.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "briefings": [("id", "TEXT NOT NULL"), ("revisions", "INTEGER NOT NULL"),
                  ("headline", "TEXT"), ("first_observed_at", "TEXT"),
                  ("last_observed_at", "TEXT"), ("first_recorded_at", "TEXT"),
                  ("last_recorded_at", "TEXT")],
    "revisions": [("briefing", "TEXT NOT NULL"), ("sequence", "INTEGER NOT NULL"),
                  ("event_id", "TEXT NOT NULL"), ("recorded_at", "TEXT NOT NULL"),
                  ("observed_at", "TEXT NOT NULL"), ("headline", "TEXT"), ("published", "TEXT"),
                  ("url", "TEXT"), ("source", "TEXT"), ("source_format", "TEXT NOT NULL"),
                  ("source_sha256", "TEXT NOT NULL"), ("source_size", "INTEGER NOT NULL"),
                  ("content_sha256", "TEXT NOT NULL"), ("claims", "INTEGER NOT NULL"),
                  ("figures", "INTEGER NOT NULL"), ("quotes", "INTEGER NOT NULL"),
                  ("sources", "INTEGER NOT NULL"), ("summary", "TEXT NOT NULL"),
                  ("changes", "TEXT")],
    "claims": [("briefing", "TEXT NOT NULL"), ("sequence", "INTEGER NOT NULL"),
               ("id", "TEXT NOT NULL"), ("lineage", "TEXT NOT NULL"), ("kind", "TEXT NOT NULL"),
               ("position", "INTEGER NOT NULL"), ("section", "INTEGER"),
               ("section_heading", "TEXT"), ("text", "TEXT NOT NULL"), ("people", "TEXT")],
    "figures": [("briefing", "TEXT NOT NULL"), ("sequence", "INTEGER NOT NULL"),
                ("id", "TEXT NOT NULL"), ("lineage", "TEXT NOT NULL"), ("claim", "TEXT NOT NULL"),
                ("text", "TEXT NOT NULL"), ("value", "REAL NOT NULL"), ("value_max", "REAL"),
                ("unit", "TEXT"), ("kind", "TEXT NOT NULL"), ("qualifier", "TEXT"),
                ("noun", "TEXT"), ("date", "TEXT"), ("char_start", "INTEGER NOT NULL"),
                ("char_end", "INTEGER NOT NULL")],
    "quotes": [("briefing", "TEXT NOT NULL"), ("sequence", "INTEGER NOT NULL"),
               ("id", "TEXT NOT NULL"), ("lineage", "TEXT NOT NULL"), ("text", "TEXT NOT NULL"),
               ("speaker", "TEXT"), ("claim", "TEXT"), ("section", "INTEGER")],
    "sources": [("briefing", "TEXT NOT NULL"), ("sequence", "INTEGER NOT NULL"),
                ("position", "INTEGER NOT NULL"), ("text", "TEXT NOT NULL"), ("url", "TEXT")],
}
TABLES = tuple(COLUMNS)
_REVISION_FK = "FOREIGN KEY (briefing, sequence) REFERENCES revisions (briefing, sequence)"
KEYS: dict[str, list[str]] = {
    "briefings": ["PRIMARY KEY (id)"],
    "revisions": ["PRIMARY KEY (briefing, sequence)", "UNIQUE (event_id)",
                  "FOREIGN KEY (briefing) REFERENCES briefings (id)"],
    "claims": ["PRIMARY KEY (briefing, sequence, id)", _REVISION_FK],
    "figures": ["PRIMARY KEY (briefing, sequence, id)", _REVISION_FK],
    "quotes": ["PRIMARY KEY (briefing, sequence, id)", _REVISION_FK],
    "sources": ["PRIMARY KEY (briefing, sequence, position)", _REVISION_FK],
}
INDEXES = [
    "CREATE INDEX revisions_observed_at ON revisions (observed_at)",
    "CREATE INDEX claims_lineage ON claims (lineage)",
    "CREATE INDEX figures_lineage ON figures (lineage)",
    "CREATE INDEX figures_claim ON figures (briefing, sequence, claim)",
    "CREATE INDEX figures_kind_unit ON figures (kind, unit)",
    "CREATE INDEX quotes_lineage ON quotes (lineage)",
    "CREATE INDEX quotes_speaker ON quotes (speaker)",
    "CREATE INDEX sources_url ON sources (url)",
]
VIEWS = [
    """CREATE VIEW figure_timeline AS
    SELECT f.briefing, f.lineage, f.sequence, r.observed_at, r.recorded_at, f.text, f.value,
           f.value_max, f.unit, f.kind, f.qualifier, f.noun, f.claim
    FROM figures AS f JOIN revisions AS r USING (briefing, sequence)""",
]


# ----- rows ------------------------------------------------------------------------------
def count_events(archive: Archive, briefings: Iterable[str]) -> int:
    """How many revisions the briefings have, from the git trees alone (no event is read)."""
    head = archive.head()
    if head is None:
        return 0
    header = archive.objects.read(bytes.fromhex(head)).split(b"\n", 1)[0]
    tree = TreeBuilder(archive.objects, bytes.fromhex(header.split()[1].decode()))
    return sum(len(tree.entries(briefing_folder(b))) for b in briefings)


def briefing_rows(briefing: str, events: list[StoredEvent]) -> Iterator[tuple[str, Row]]:
    """(table, row) for one briefing: its own row first, then per revision."""
    steps = walk(comparable(replay(events)))  # content hashes were checked when decoded
    hashes = {e.event.sequence: e.event.content_sha256 for e in events}
    first, last = steps[0].state, steps[-1].state
    yield "briefings", {
        "id": briefing, "revisions": len(steps), "headline": last.revision.headline,
        "first_observed_at": first.observed_at, "last_observed_at": last.observed_at,
        "first_recorded_at": first.recorded_at, "last_recorded_at": last.recorded_at,
    }
    previous: Step | None = None
    for step in steps:
        yield from revision_rows(step, previous, hashes[step.state.sequence])
        previous = step


def revision_rows(step: Step, previous: Step | None, content_sha256: str
                  ) -> Iterator[tuple[str, Row]]:
    state, revision = step.state, step.state.revision
    key = {"briefing": state.briefing, "sequence": state.sequence}
    if previous is None or step.alignment is None:
        summary, changes = first_summary(revision), None
    else:
        diff = diff_from_alignment(state.briefing, previous.state.revision, revision,
                                   (previous.state.sequence, state.sequence), step.alignment)
        summary, changes = summary_line(diff), json.dumps(change_counts(diff), sort_keys=True)
    origin = state.origin
    yield "revisions", {
        **key, "event_id": state.event_id, "recorded_at": state.recorded_at,
        "observed_at": state.observed_at, "headline": revision.headline,
        "published": revision.published, "url": revision.url, "source": origin.name,
        "source_format": origin.format, "source_sha256": origin.sha256, "source_size": origin.size,
        "content_sha256": content_sha256, "summary": summary,
        "changes": changes, "claims": len(revision.key_points) + len(revision.claims),
        "figures": len(revision.figures), "quotes": len(revision.quotes),
        "sources": len(revision.sources),
    }
    headings = [s.heading for s in revision.sections]
    claims = [*(("key_point", c) for c in revision.key_points),
              *(("claim", c) for c in revision.claims)]
    for position, (kind, claim) in enumerate(claims):
        section = claim.section
        heading = headings[section] if section is not None and section < len(headings) else None
        yield "claims", {
            **key, "id": claim.id, "lineage": step.claims[claim.id], "kind": kind,
            "position": position, "section": claim.section, "section_heading": heading,
            "text": claim.text, "people": list(claim.people),
        }
    for figure in revision.figures:
        yield "figures", {
            **key, "id": figure.id, "lineage": step.figures[figure.id], "claim": figure.claim,
            "text": figure.text, "value": figure.value, "value_max": figure.value_max,
            "unit": figure.unit, "kind": figure.kind, "qualifier": figure.qualifier,
            "noun": figure.noun, "date": figure.date, "char_start": figure.start,
            "char_end": figure.end,
        }
    for quote in revision.quotes:
        yield "quotes", {
            **key, "id": quote.id, "lineage": step.quotes[quote.id], "text": quote.text,
            "speaker": quote.speaker, "claim": quote.claim, "section": quote.section,
        }
    for position, source in enumerate(revision.sources):
        yield "sources", {**key, "position": position, "text": source.text, "url": source.url}


# ----- writers ---------------------------------------------------------------------------
class Writer:
    def write(self, table: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Called when every row was written: make the output appear."""

    def abort(self) -> None:
        """Called on failure: leave nothing half-written behind."""


def _flat(value: Any) -> Any:
    if isinstance(value, list) and not value:
        return "[]"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


class JsonlWriter(Writer):
    """One record per line on a stream, or in a staged file that becomes PATH (safe_write)."""

    def __init__(self, path: Path | None, stream: IO[str] | None = None,
                 overwrite: bool = False) -> None:
        self.staged = StagedFile(path, overwrite) if path else None
        self.handle = self.staged.temp.open("w", encoding="utf-8") if self.staged else stream
        assert self.handle is not None

    def write(self, table: str, rows: list[Row]) -> None:
        assert self.handle is not None
        for row in rows:
            line = json.dumps({"table": table, **row}, ensure_ascii=False)
            self.handle.write(json_visible(line) + "\n")

    def commit(self) -> None:
        assert self.handle is not None
        if self.staged:
            self.handle.close()
            self.staged.commit()
        else:
            self.handle.flush()

    def abort(self) -> None:
        if self.staged and self.handle:
            self.handle.close()
            self.staged.abort()


class CsvWriter(Writer):
    """One <table>.csv per table in a folder, each staged and put in place when all are done."""

    def __init__(self, folder: Path, overwrite: bool = False) -> None:
        self.folder = folder
        self.made = make_folder(folder)
        self.staged: dict[str, StagedFile] = {}
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        try:
            for table in COLUMNS:
                self.staged[table] = StagedFile(folder / f"{table}.csv", overwrite)
        except BaseException:
            self.abort()
            raise
        for table, columns in COLUMNS.items():
            handle = self.staged[table].temp.open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle)
            writer.writerow([name for name, _ in columns])
            self.handles[table], self.writers[table] = handle, writer

    def write(self, table: str, rows: list[Row]) -> None:
        names = [name for name, _ in COLUMNS[table]]
        self.writers[table].writerows([csv_cell(_flat(row[n])) for n in names] for row in rows)

    def _close(self) -> None:
        for handle in self.handles.values():
            handle.close()

    def commit(self) -> None:
        self._close()
        for staged in self.staged.values():
            staged.commit()

    def abort(self) -> None:
        self._close()
        for staged in self.staged.values():
            staged.abort()
        if self.made:
            with contextlib.suppress(OSError):
                self.folder.rmdir()


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP's advice against CSV injection); numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


class SqliteWriter(Writer):
    """Tables with keys, built in a staged file that becomes PATH when complete."""

    def __init__(self, path: Path, overwrite: bool = False) -> None:
        self.path = path
        self.staged = StagedFile(path, overwrite)
        self.db = sqlite3.connect(self.staged.temp)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        for table, columns in COLUMNS.items():
            body = [f'"{name}" {kind}' for name, kind in columns] + KEYS[table]
            self.db.execute(f"CREATE TABLE {table} (\n  " + ",\n  ".join(body) + "\n)")
        self.db.execute("BEGIN")

    def write(self, table: str, rows: list[Row]) -> None:
        names = [name for name, _ in COLUMNS[table]]
        marks = ", ".join("?" for _ in names)
        self.db.executemany(f"INSERT INTO {table} VALUES ({marks})",
                            ([_flat(row[n]) for n in names] for row in rows))

    def commit(self) -> None:
        for statement in (*INDEXES, *VIEWS):
            self.db.execute(statement)
        self.db.execute("COMMIT")
        broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # pragma: no cover - would be a bug in the rows above
            raise ArchiveError(f"export: {len(broken)} row(s) break a foreign key")
        self.db.execute("PRAGMA journal_mode = DELETE")
        self.db.execute("ANALYZE")
        self.db.close()
        self.staged.commit()

    def abort(self) -> None:
        self.db.close()
        self.staged.abort()


# ----- export ----------------------------------------------------------------------------
@dataclass
class ExportResult:
    format: ExportFormat
    output: str
    briefings: int = 0
    tables: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "output": self.output, "briefings": self.briefings,
                "tables": self.tables}


def check_output(fmt: ExportFormat, output: Path | None, force: bool) -> None:
    """csv and sqlite need -o; any output path is checked by chronicle.safe_write's rules
    (an existing file is replaced only with ``force``; a FIFO or device is written through)."""
    if output is None:
        if fmt != "jsonl":
            what = "folder" if fmt == "csv" else "file"
            raise OutputError("-", f"a {fmt} export needs an output {what}, not standard output")
        return
    if fmt != "csv":
        output_target(output, force)
        return
    if check_folder(output):
        for table in TABLES:
            output_target(output / f"{table}.csv", force)


def export(archive: Archive, fmt: ExportFormat, output: Path | None, briefings: list[str],
           force: bool = False, on_revision: Callable[[str, int], None] | None = None,
           stdout: IO[str] | None = None) -> ExportResult:
    """Write every row of ``briefings`` (all if empty); ``on_revision`` sees each revision."""
    names = briefings or archive.briefings()
    check_output(fmt, output, force)
    result = ExportResult(fmt, str(output) if output else "-")
    if fmt == "jsonl":
        writer: Writer = JsonlWriter(output, stdout or sys.stdout, force)
    elif fmt == "csv":
        assert output is not None
        writer = CsvWriter(output, force)
    else:
        assert output is not None
        writer = SqliteWriter(output, force)
    try:
        for name in names:
            batch: dict[str, list[Row]] = {t: [] for t in TABLES}
            for table, row in briefing_rows(name, archive.events(name)):
                batch[table].append(row)
                if table == "revisions" and on_revision:
                    on_revision(name, row["sequence"])
            for table in TABLES:  # parents first, so foreign keys always point backwards
                writer.write(table, batch[table])
                result.tables[table] += len(batch[table])
            result.briefings += 1
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return result
