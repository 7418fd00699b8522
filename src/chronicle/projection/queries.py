"""Answers from the projection: the same values the views compute from a full replay."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from ..errors import UnknownRevision

if TYPE_CHECKING:
    from ..entries import BlameLine, FigureThread, LogEntry
    from ..report import ReportData


def has_briefing(db: sqlite3.Connection, briefing: str) -> int | None:
    """How many revisions ``briefing`` has in the projection; None if it has no rows."""
    row = db.execute("SELECT revisions FROM briefings WHERE id = ?", (briefing,)).fetchone()
    return None if row is None else int(row[0])


def unreadable(db: sqlite3.Connection, briefing: str | None = None) -> bool:
    """Are there briefings (or is ``briefing``) whose events the projection could not read?"""
    if briefing is None:
        return db.execute("SELECT 1 FROM unreadable LIMIT 1").fetchone() is not None
    return db.execute("SELECT 1 FROM unreadable WHERE briefing = ?",
                      (briefing,)).fetchone() is not None


def log_entries(db: sqlite3.Connection, briefing: str) -> list[LogEntry]:
    import orjson

    from ..entries import LogEntry

    rows = db.execute("SELECT sequence, recorded_at, observed_at, source, headline, summary, "
                      "changes FROM revisions WHERE briefing = ? ORDER BY sequence",
                      (briefing,))
    return [LogEntry(sequence, recorded, observed, source, headline, summary,
                     orjson.loads(changes) if changes else {})
            for sequence, recorded, observed, source, headline, summary, changes in rows]


def figure_threads(db: sqlite3.Connection, briefing: str,
                   needle: str | None = None) -> list[FigureThread]:
    """Every figure lineage with its value at each revision where it appears."""
    from ..entries import FigurePoint, FigureThread

    threads: dict[str, FigureThread] = {}
    for lineage, label, kind, noun in db.execute(
            "SELECT lineage, label, kind, noun FROM figure_lineages WHERE briefing = ? "
            "ORDER BY first_sequence, first_position", (briefing,)):
        threads[lineage] = FigureThread(label, kind, noun)
    for lineage, start, until, text, value, value_max, unit, qualifier, claim in db.execute(
            "SELECT lineage, start, until, text, value, value_max, unit, qualifier, claim_text "
            "FROM figure_runs WHERE briefing = ? ORDER BY start", (briefing,)):
        threads[lineage].points.append(FigurePoint(start, until, text, value, value_max, unit,
                                                   qualifier, claim))
    found = list(threads.values())
    if needle is None:
        return found
    return [t for t in found if t.mentions(needle)] or [
        t for t in found if t.mentioned_near(needle)]


def blame_lines(db: sqlite3.Connection, briefing: str, sequence: int | None,
                latest: int) -> list[BlameLine]:
    """Each claim and block quote of a revision with when it came and last changed."""
    from ..entries import BlameLine
    from ..views import pick_number

    number = pick_number(briefing, latest, sequence)
    key = (briefing, number)
    row = db.execute("SELECT layout FROM revisions WHERE briefing = ? AND sequence = ?",
                     key).fetchone()
    if row is None:  # pragma: no cover - has_briefing said it has `latest` revisions
        raise UnknownRevision(briefing, sequence or 0, latest)
    claims = {item: (text, introduced, changed) for item, text, introduced, changed in
              db.execute("SELECT id, text, introduced, changed FROM claims WHERE "
                         "briefing = ? AND sequence = ?", key)}
    quotes: dict[str, tuple[str, str | None, int, int]] = {}
    inline: dict[str, list[dict[str, str | None]]] = {}
    for item, text, speaker, claim, introduced, changed in db.execute(
            "SELECT id, text, speaker, claim, introduced, changed FROM quotes WHERE "
            "briefing = ? AND sequence = ? ORDER BY position", key):
        quotes[item] = (text, speaker, introduced, changed)
        if claim is not None:
            inline.setdefault(claim, []).append({"text": text, "speaker": speaker})
    lines = []
    for item, where, kind in json.loads(row[0]):
        if kind == "quote":  # a block quote: no quotes inside it are listed
            text, speaker, introduced, changed = quotes[item]
            lines.append(BlameLine(item, text, where, introduced, changed, kind, speaker))
        else:
            text, introduced, changed = claims[item]
            lines.append(BlameLine(item, text, where, introduced, changed, kind, None,
                                   inline.get(item, [])))
    return lines


def summary_rows(db: sqlite3.Connection) -> list[tuple[str, int, str, str, str | None]]:
    """(id, revisions, last recorded, last observed, latest headline) of every briefing."""
    return db.execute("SELECT id, revisions, last_recorded_at, last_observed_at, headline "
                      "FROM briefings ORDER BY id").fetchall()


def listing_json(db: sqlite3.Connection) -> bytes | None:
    """`list --json` as to_json_bytes writes it, joined from the stored entries; None if a
    briefing has none (orjson could not write it) or there are no briefings."""
    from .rows import LISTING_HEAD, LISTING_TAIL

    entries = [row[0] for row in db.execute("SELECT entry FROM listing ORDER BY briefing")]
    if not entries or None in entries:
        return None
    return LISTING_HEAD + b",\n".join(entries) + LISTING_TAIL


def table_rows(db: sqlite3.Connection, table: str, columns: list[str],
               briefing: str) -> list[tuple[Any, ...]]:
    """One table's rows of one briefing, in the order an export writes them."""
    names = ", ".join(f'"{c}"' for c in columns)
    if table == "briefings":
        return db.execute(f"SELECT {names} FROM briefings WHERE id = ?", (briefing,)).fetchall()
    order = {"figure_lineages": "first_sequence, first_position",
             "figure_runs": "start, lineage",
             "sources": "sequence, position", "claims": "sequence, position",
             "figures": "sequence, position", "quotes": "sequence, position"}.get(table, "sequence")
    return db.execute(f"SELECT {names} FROM {table} WHERE briefing = ? ORDER BY {order}",
                      (briefing,)).fetchall()


def report_data(db: sqlite3.Connection, briefing: str, generated_by: str) -> ReportData:
    """The report page's data, as report.build_report computes it from a replay."""
    from ..diff_model import Diff
    from ..lineage import FigureSeries, SeriesPoint
    from ..model import Figure
    from ..report import DiffView, RevisionView, assemble_report

    texts: dict[int, dict[str, str]] = {}
    for sequence, item, text in db.execute(
            "SELECT sequence, id, text FROM claims WHERE briefing = ? UNION ALL "
            "SELECT sequence, id, text FROM quotes WHERE briefing = ?", (briefing, briefing)):
        texts.setdefault(sequence, {})[item] = text
    for sequence, item, text in db.execute(  # a quote's text wins, as in text_by_id
            "SELECT sequence, id, text FROM quotes WHERE briefing = ?", (briefing,)):
        texts[sequence][item] = text
    revisions, diffs = [], []
    for sequence, recorded, observed, source, headline, summary, changes, diff in db.execute(
            "SELECT sequence, recorded_at, observed_at, source, headline, summary, changes, "
            "diff FROM revisions WHERE briefing = ? ORDER BY sequence", (briefing,)):
        revisions.append(RevisionView(sequence, recorded, observed, source or "stdin",
                                      headline, summary, json.loads(changes) if changes else {}))
        if diff is not None:
            found = Diff.model_validate_json(diff)
            diffs.append(DiffView(found.from_, sequence, summary, found,
                                  texts.get(found.from_, {}), texts.get(sequence, {})))
    series: dict[str, FigureSeries] = {}
    for lineage, in db.execute("SELECT lineage FROM figure_lineages WHERE briefing = ? "
                               "ORDER BY first_sequence, first_position", (briefing,)):
        series[lineage] = FigureSeries(lineage)
    fields = ("id", "claim", "text", "value", "value_max", "unit", "kind", "qualifier", "noun",
              "date", "start", "end")
    for lineage, sequence, *values in db.execute(
            "SELECT lineage, sequence, id, claim, text, value, value_max, unit, kind, qualifier, "
            "noun, date, char_start, char_end FROM figures WHERE briefing = ? "
            "ORDER BY sequence, position", (briefing,)):
        figure = Figure.model_construct(**dict(zip(fields, values, strict=True)))
        claim_text = texts.get(sequence, {}).get(figure.claim, "")
        series[lineage].points.append(SeriesPoint(sequence, figure, claim_text))
    return assemble_report(briefing, revisions, diffs, list(series.values()), generated_by)
