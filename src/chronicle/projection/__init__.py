"""The read model: a SQLite projection of the archive that log, timeline, blame, list,
report, export and sql answer from, instead of replaying every event.

Derived and disposable (event sourcing's projection): the events in git stay the only
truth. It lives in ``<archive folder>/.chronicle/projection.sqlite`` (git-ignored) and
records the branch tip it reflects and the code and extractor that built it. An append
adds its events to it in one transaction after the branch moves (store.Archive's append
observer, set by api.py); a command that finds it behind the branch catches it up from
git first; one that finds it missing, damaged, of an older format or built by other code
builds it again. `chronicle verify` compares it with a full replay (projection/check.py).

Modules: schema.py (tables, views, descriptions), database.py (the file, its meta and
lock), rows.py (a briefing's rows from its walked revisions), update.py (catching up,
rebuilding, appends), queries.py (the commands' answers), check.py (verify), sql.py
(read-only queries), exports.py (sqlite with Datasette metadata, parquet).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .database import Unavailable, connect, path_of

if TYPE_CHECKING:
    from ..append import AppendObserver, NewRevision, Prior
    from ..store import Archive

__all__ = ["Unavailable", "observer", "reading", "up_to_date"]


def up_to_date(archive: Archive, on_progress: Callable[[int], None] | None = None) -> None:
    """Bring the projection to the branch tip (catch up or rebuild); Unavailable if it
    cannot be kept for this archive (a folder without write access, ...)."""
    from .database import is_current

    if is_current(archive.repository, archive.head()):
        return
    from .update import up_to_date as bring

    try:
        bring(archive, on_progress)
    except (sqlite3.Error, OSError) as error:
        raise Unavailable(str(error)) from None


@contextlib.contextmanager
def reading(archive: Archive) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the up-to-date projection (Unavailable if there is none)."""
    up_to_date(archive)
    try:
        db = connect(path_of(archive.repository), read_only=True)
    except sqlite3.Error as error:
        raise Unavailable(str(error)) from None
    try:
        yield db
    finally:
        db.close()


def observer(archive: Archive) -> AppendObserver:
    """What store.Archive tells of each append (api.py sets it on the archives it opens)."""
    return LazyObserver(archive)


class LazyObserver:
    """update.AppendObserver, loaded at the first append: commands that only read never
    import the builder (about 0.1 s of the aligner and the extractor)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.real: Any = None

    def _observer(self) -> Any:
        if self.real is None:
            from .update import AppendObserver as Observer

            self.real = Observer(self.archive)
        return self.real

    def added(self, item: NewRevision, document: dict[str, Any], data: bytes,
              previous: Prior | None) -> None:
        self._observer().added(item, document, data, previous)

    def flushed(self, start: str | None, tip: str) -> None:
        self._observer().flushed(start, tip)
