"""`chronicle export`: the read model's tables, for other tools.

The rows are the read model's (chronicle.projection, brought up to date first; where none
can be kept, one is built in a temporary folder for the export), so an export says
exactly what `chronicle sql` and the commands say. Four formats of the same rows:
- ``sqlite``: a copy of the public tables with their keys, indexes and views, and beside
  it ``<name>.metadata.json`` for Datasette (table and column descriptions, labels);
- ``parquet``: a folder with one ``<table>.parquet`` per table (pyarrow), for DuckDB,
  Polars or Spark;
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from .errors import ArchiveError, OutputError
from .projection.schema import TABLE, TABLES, VIEWS, public_ddl
from .safe_text import json_visible
from .safe_write import StagedFile, check_folder, make_folder, output_target
from .store import Archive

ExportFormat = Literal["jsonl", "csv", "sqlite", "parquet"]
Row = dict[str, Any]
NAMES = tuple(table.name for table in TABLES)
COLUMNS: dict[str, list[str]] = {table.name: table.names() for table in TABLES}
_LISTS = {("claims", "people")}  # JSON text in SQLite and CSV, a list in JSON Lines


def count_events(archive: Archive, briefings: list[str]) -> int:
    """How many revisions the briefings have, from the git trees alone (no event is read)."""
    from .layout import briefing_folder

    tree = archive.tree()
    return sum(len(tree.entries(briefing_folder(b))) for b in briefings)


# ----- writers ---------------------------------------------------------------------------
class Writer:
    def write(self, table: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Called when every row was written: make the output appear."""

    def abort(self) -> None:
        """Called on failure: leave nothing half-written behind."""


class JsonlWriter(Writer):
    """One record per line on a stream, or in a staged file that becomes PATH (safe_write)."""

    def __init__(self, path: Path | None, stream: IO[str] | None = None,
                 overwrite: bool = False) -> None:
        self.staged = StagedFile(path, overwrite) if path else None
        self.handle = self.staged.temp.open("w", encoding="utf-8") if self.staged else stream
        assert self.handle is not None

    def write(self, table: str, rows: list[Row]) -> None:
        assert self.handle is not None
        lists = [name for name in COLUMNS[table] if (table, name) in _LISTS]
        for row in rows:
            for name in lists:
                row[name] = json.loads(row[name]) if row[name] else []
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
            writer.writerow(columns)
            self.handles[table], self.writers[table] = handle, writer

    def write(self, table: str, rows: list[Row]) -> None:
        names = COLUMNS[table]
        self.writers[table].writerows([csv_cell(row[n]) for n in names] for row in rows)

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


class ParquetWriter(Writer):
    """One <table>.parquet per table in a folder (pyarrow), each staged and put in place
    when all are done. Column types follow the SQLite declarations."""

    def __init__(self, folder: Path, overwrite: bool = False) -> None:
        self.folder = folder
        self.made = make_folder(folder)
        self.staged: dict[str, StagedFile] = {}
        self.rows: dict[str, list[Row]] = {table: [] for table in COLUMNS}
        try:
            for table in COLUMNS:
                self.staged[table] = StagedFile(folder / f"{table}.parquet", overwrite)
        except BaseException:
            self.abort()
            raise

    def write(self, table: str, rows: list[Row]) -> None:
        self.rows[table].extend(rows)

    def commit(self) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise OutputError(self.folder, "a parquet export needs pyarrow (pip install "
                              "'chronicle[parquet]')") from None

        kinds = {"TEXT": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64()}
        for name, rows in self.rows.items():
            table = TABLE[name]
            schema = pa.schema([pa.field(c.name, kinds[c.type.split()[0]], c.nullable)
                                for c in table.columns])
            data = pa.Table.from_pylist(rows, schema=schema)
            pq.write_table(data, self.staged[name].temp)
        for staged in self.staged.values():
            staged.commit()

    def abort(self) -> None:
        for staged in self.staged.values():
            staged.abort()
        if self.made:
            with contextlib.suppress(OSError):
                self.folder.rmdir()


# ----- sqlite: a copy of the read model's public tables --------------------------------------
def metadata_path(output: Path) -> Path:
    """Where `export --format sqlite -o OUTPUT` puts Datasette's metadata: beside it."""
    return output.with_name(f"{output.stem}.metadata.json")


def datasette_metadata(database: str) -> dict[str, Any]:
    """metadata.json for `datasette DB -m META`: what each table, view and column holds."""
    tables: dict[str, Any] = {}
    for table in TABLES:
        entry: dict[str, Any] = {"description": table.description,
                                 "columns": {c.name: c.description for c in table.columns}}
        if table.label_column:
            entry["label_column"] = table.label_column
        tables[table.name] = entry
    for view in VIEWS:
        tables[view.name] = {"description": view.description,
                             "columns": dict(view.columns)}
    return {"title": "chronicle archive", "description": "Every revision of every briefing, "
            "its claims, figures, quotes and sources, as chronicle's read model holds them.",
            "databases": {database: {"tables": tables}}}


def write_sqlite(db_path: Path, output: Path, briefings: list[str], force: bool
                 ) -> dict[str, int]:
    """The public tables of the read model at ``db_path`` (only ``briefings``) copied to
    ``output`` with keys, indexes and views, and its Datasette metadata beside it."""
    # beside a file only: a FIFO or /dev/null has no folder of its own to put it in
    meta = metadata_path(output) if output_target(output, force).kind != "special" else None
    if meta is not None:
        output_target(meta, force)
    counts = dict.fromkeys(NAMES, 0)
    with StagedFile(output, force) as staged:
        target = sqlite3.connect(staged.temp, isolation_level=None)
        try:
            target.execute("PRAGMA journal_mode = OFF")
            target.execute("ATTACH DATABASE ? AS source",
                           (f"{db_path.resolve().as_uri()}?mode=ro",))
            target.execute("BEGIN")
            for statement in public_ddl():
                if not statement.startswith(("CREATE INDEX", "CREATE VIEW")):
                    target.execute(statement.replace("CREATE TABLE ", "CREATE TABLE main.", 1))
            chosen = json.dumps(briefings)
            for table in TABLES:
                column = "id" if table.name == "briefings" else "briefing"
                names = ", ".join(f'"{c}"' for c in table.names())
                target.execute(f"INSERT INTO main.{table.name} SELECT {names} FROM "
                               f"source.{table.name} WHERE {column} IN "
                               "(SELECT value FROM json_each(?))", (chosen,))
                counts[table.name] = target.execute(
                    f"SELECT count(*) FROM main.{table.name}").fetchone()[0]
            for statement in public_ddl():
                if statement.startswith(("CREATE INDEX", "CREATE VIEW")):
                    target.execute(statement)
            target.execute("COMMIT")
            target.execute("DETACH DATABASE source")
            if target.execute("PRAGMA foreign_key_check").fetchall():  # pragma: no cover
                raise ArchiveError("export: rows that break a foreign key (a bug)")
            target.execute("ANALYZE")
        finally:
            target.close()
        if meta is not None:
            with StagedFile(meta, force) as staged_meta:
                text = json.dumps(datasette_metadata(output.stem), indent=2,
                                  ensure_ascii=False)
                staged_meta.temp.write_text(text + "\n", encoding="utf-8")
    return counts


# ----- export ----------------------------------------------------------------------------
@dataclass
class ExportResult:
    format: ExportFormat
    output: str
    briefings: int = 0
    tables: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NAMES, 0))

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "output": self.output, "briefings": self.briefings,
                "tables": self.tables}


def check_output(fmt: ExportFormat, output: Path | None, force: bool) -> None:
    """Only jsonl goes to stdout; any output path is checked by chronicle.safe_write's
    rules (an existing file is replaced only with ``force``; a FIFO or device is written
    through)."""
    if output is None:
        if fmt != "jsonl":
            what = "folder" if fmt in ("csv", "parquet") else "file"
            raise OutputError("-", f"a {fmt} export needs an output {what}, not standard output")
        return
    if fmt == "sqlite":
        if output_target(output, force).kind != "special":
            output_target(metadata_path(output), force)
    elif fmt == "jsonl":
        output_target(output, force)
    elif check_folder(output):
        for table in NAMES:
            output_target(output / f"{table}.{fmt}", force)


@contextlib.contextmanager
def read_model(archive: Archive) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """The archive's read model (its path and a read-only connection), or, where none can
    be kept, one built for this export in a temporary folder."""
    from .projection import Unavailable, up_to_date
    from .projection.database import connect, path_of
    from .projection.update import scratch

    with contextlib.ExitStack() as stack:
        try:
            up_to_date(archive)
            path = path_of(archive.repository)
            db = connect(path, read_only=True)
            stack.callback(db.close)
        except (Unavailable, sqlite3.Error):
            path, db = stack.enter_context(scratch(archive))
        yield path, db


def export(archive: Archive, fmt: ExportFormat, output: Path | None, briefings: list[str],
           force: bool = False, on_revision: Callable[[str, int], None] | None = None,
           stdout: IO[str] | None = None) -> ExportResult:
    """Write every row of ``briefings`` (all if empty); ``on_revision`` sees each revision."""
    names = briefings or archive.briefings()
    check_output(fmt, output, force)
    result = ExportResult(fmt, str(output) if output else "-")
    with read_model(archive) as (path, db):
        _check_readable(db, names)
        if fmt == "sqlite":
            assert output is not None
            result.tables = write_sqlite(path, output, names, force)
            result.briefings = result.tables["briefings"]
            if on_revision is not None:
                for name, sequence in db.execute("SELECT briefing, sequence FROM revisions"):
                    if name in set(names):
                        on_revision(name, sequence)
            return result
        writer = _writer(fmt, output, force, stdout)
        try:
            for name in names:
                for table in NAMES:  # parents first, so foreign keys always point backwards
                    rows = _rows(db, table, name)
                    writer.write(table, rows)
                    result.tables[table] += len(rows)
                    if table == "revisions" and on_revision is not None:
                        for row in rows:
                            on_revision(name, row["sequence"])
                result.briefings += 1
            writer.commit()
        except BaseException:
            writer.abort()
            raise
    return result


def _writer(fmt: ExportFormat, output: Path | None, force: bool,
            stdout: IO[str] | None) -> Writer:
    if fmt == "jsonl":
        return JsonlWriter(output, stdout or sys.stdout, force)
    assert output is not None
    if fmt == "csv":
        return CsvWriter(output, force)
    return ParquetWriter(output, force)


def _rows(db: sqlite3.Connection, table: str, briefing: str) -> list[Row]:
    from .projection.queries import table_rows

    columns = COLUMNS[table]
    return [dict(zip(columns, row, strict=True))
            for row in table_rows(db, table, columns, briefing)]


def _check_readable(db: sqlite3.Connection, names: list[str]) -> None:
    """A briefing the read model could not read is exported by nobody: its events name
    the problem (the error every command gives for it)."""
    chosen = set(names)
    for name, problem in db.execute("SELECT briefing, problem FROM unreadable"):
        if name in chosen:
            from .errors import CorruptArchive

            raise CorruptArchive(problem)
