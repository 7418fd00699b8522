"""`chronicle verify` on the read model: its rows against a full replay of the events.

Each briefing is built again from its events into a scratch in-memory database (the same
builder as a rebuild) and compared with the projection's rows, table by table and row by
row; every difference is a problem that names the briefing, revision, table, row and
column. A difference is a problem of derived data (the events are untouched): the
message says how to rebuild the projection, which `chronicle verify --rebuild` does.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ..incoming import is_ancestor
from ..layout import ROOT
from ..problems import Problem
from .catchup import CatchUp
from .database import path_of, read_meta
from .schema import FILE_NAME, INTERNAL, STATE_FOLDER, TABLES, Table, public_ddl

if TYPE_CHECKING:
    from ..store import Archive

WHERE = f"{STATE_FOLDER}/{FILE_NAME}"
REBUILD = "rebuild it with 'chronicle verify --rebuild' (it is derived data: the events are intact)"
MAX_PER_BRIEFING = 5


def read_model_problems(archive: Archive) -> list[Problem]:
    """Every way the projection differs from what the events say (caught up first)."""
    from . import Unavailable, up_to_date

    try:
        up_to_date(archive)
    except Unavailable:
        return []  # none is kept here: commands answer from the events
    stored = sqlite3.connect(f"{path_of(archive.repository).resolve().as_uri()}?mode=ro",
                             uri=True, isolation_level=None)
    # one read transaction: every row compared is of the state its meta names, though
    # writers commit newer ones meanwhile (WAL keeps this snapshot)
    stored.execute("BEGIN")
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in (*INTERNAL, *public_ddl()):
            scratch.execute(statement)
        return _compare(archive, stored, scratch)
    finally:
        stored.close()
        scratch.close()


def _compare(archive: Archive, stored: sqlite3.Connection,
             scratch: sqlite3.Connection) -> list[Problem]:
    meta = read_meta(stored)
    head = archive.head()
    # a writer may have moved the branch since the snapshot: its earlier tip is fine
    if meta is None or (meta.tip != head and (meta.tip is None or head is None or not (
            is_ancestor(archive.repository, meta.tip, head)))):
        return [Problem(WHERE, f"the read model is at {meta.tip if meta else None}, not the "
                        f"branch tip {head}; {REBUILD}", kind="read-model")]
    problems: list[Problem] = []
    tree = archive.tree(meta.tip or head)
    builder = CatchUp(archive, scratch)
    names: set[str] = set()
    for bucket in sorted(tree.entries(ROOT)):
        for name in sorted(tree.entries(f"{ROOT}/{bucket}")):
            names.add(name)
            scratch.execute("BEGIN")
            builder.briefing(tree, name, f"{ROOT}/{bucket}/{name}")
            problems += _briefing_problems(name, stored, scratch)[:MAX_PER_BRIEFING]
            scratch.execute("ROLLBACK")
    extra = [row[0] for row in stored.execute("SELECT id FROM briefings") if row[0] not in names]
    problems += [Problem(WHERE, f"holds briefing {name!r}, which the archive does not have; "
                         f"{REBUILD}", name, kind="read-model") for name in extra]
    return problems


def _briefing_problems(name: str, stored: sqlite3.Connection,
                       scratch: sqlite3.Connection) -> list[Problem]:
    problems = []
    for table in TABLES:
        key = _key(table)
        column = "id" if table.name == "briefings" else "briefing"
        query = f"SELECT * FROM {table.name} WHERE {column} = ?"
        have = {_row_key(table, key, row): row for row in stored.execute(query, (name,))}
        want = {_row_key(table, key, row): row for row in scratch.execute(query, (name,))}
        for row_key in sorted(have.keys() | want.keys(), key=repr):
            found = _row_problem(table, row_key, have.get(row_key), want.get(row_key))
            if found:
                sequence = row_key[1] if len(row_key) > 1 and isinstance(row_key[1], int) else None
                problems.append(Problem(WHERE, f"{found}; {REBUILD}", name, sequence,
                                        kind="read-model"))
    unread = stored.execute("SELECT problem FROM unreadable WHERE briefing = ?", (name,))
    replayed = scratch.execute("SELECT problem FROM unreadable WHERE briefing = ?", (name,))
    if unread.fetchall() != replayed.fetchall():
        problems.append(Problem(WHERE, f"says whether its events can be read differently from "
                                f"the events; {REBUILD}", name, kind="read-model"))
    listed = stored.execute("SELECT entry FROM listing WHERE briefing = ?", (name,))
    relisted = scratch.execute("SELECT entry FROM listing WHERE briefing = ?", (name,))
    if listed.fetchall() != relisted.fetchall():
        problems.append(Problem(WHERE, "lists it (its entry of the briefing list) "
                                f"differently from the events; {REBUILD}", name,
                                kind="read-model"))
    return problems


def _key(table: Table) -> list[int]:
    """Indexes of the primary key's columns."""
    spec = next(k for k in table.keys if k.startswith("PRIMARY KEY"))
    names = [n.strip() for n in spec[spec.index("(") + 1:spec.index(")")].split(",")]
    return [table.names().index(n) for n in names]


def _row_key(table: Table, key: list[int], row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(row[i] for i in key)


def _row_problem(table: Table, key: tuple[Any, ...], have: tuple[Any, ...] | None,
                 want: tuple[Any, ...] | None) -> str | None:
    what = f"{table.name} row {_describe(key)}"
    if have is None:
        return f"{what} is missing from the read model"
    if want is None:
        return f"{what} is in the read model but not in the events"
    for column, old, new in zip(table.columns, have, want, strict=True):
        if old != new:
            return (f"{what}: {column.name} is {_short(old)} in the read model, {_short(new)} "
                    "replayed from the events")
    return None


def _describe(key: tuple[Any, ...]) -> str:
    parts = [f"r{key[1]}" if i == 1 and isinstance(part, int) else str(part)
             for i, part in enumerate(key)]
    return " ".join(parts)


def _short(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def rebuild(archive: Archive) -> None:
    """Build the projection again from the events."""
    from . import up_to_date
    from .update import discard

    discard(archive)
    up_to_date(archive)
