"""`chronicle sql QUERY`: read-only SQL over the projection, the way `sqlite-utils query`
works: one statement, its column names and rows.

Read-only three times over: the file is opened with ``mode=ro``, ``PRAGMA query_only`` is
on, and an authorizer allows reading and SQL functions only (no ATTACH, no PRAGMA that
sets anything, no writes), so no query can change the projection or reach another file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

# sqlite3 authorizer action codes a read-only query needs
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
            sqlite3.SQLITE_RECURSIVE}
# PRAGMAs that only describe the schema (as table-valued functions or statements)
_DESCRIBING = {"table_info", "table_xinfo", "table_list", "index_list", "index_info",
               "index_xinfo", "foreign_key_list", "collation_list", "function_list"}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _authorize(action: int, first: str | None, second: str | None, *_: Any) -> int:
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and first in _DESCRIBING:  # they set nothing
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and first == "sqlite_master":
        # asked while SQLite prepares a pragma table-valued function (pragma_table_info);
        # nothing is written: the connection is read-only and query_only
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def run(db: sqlite3.Connection, query: str) -> QueryResult:
    """The rows of ``query``; InputError (one line: SQLite's message) if it is not one
    read-only statement."""
    db.execute("PRAGMA query_only = ON")
    db.execute("SELECT count(*) FROM sqlite_master")  # the schema read before the guard
    db.set_authorizer(_authorize)
    try:
        cursor = db.execute(query)
        rows = cursor.fetchall()
    except sqlite3.Warning as error:  # more than one statement
        raise InputError("sql", _line(error)) from None
    except sqlite3.Error as error:
        message = _line(error)
        if message == "not authorized":
            message = "not authorized: chronicle sql only reads (SELECT, WITH, read-only PRAGMA)"
        raise InputError("sql", message) from None
    finally:
        db.set_authorizer(None)
    columns = [d[0] for d in cursor.description or ()]
    return QueryResult(columns, rows)


def _line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]
