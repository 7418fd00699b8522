"""The read model's tables, views and indexes, with a description of every column.

One description serves three readers: the SQLite DDL here, the metadata.json that
`export --format sqlite` writes for Datasette, and the README's table reference (a test
keeps the README in step). Public tables are what `chronicle sql` and the exports show;
the tables whose names start with ``git_`` or ``meta`` are the projection's bookkeeping.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Bumped whenever the tables below change shape: an older projection is rebuilt.
FORMAT = 3  # 3: the listing table
FILE_NAME = "projection.sqlite"
STATE_FOLDER = ".chronicle"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # SQLite declaration
    description: str
    label: str | None = None  # Datasette: the column that names a row

    @property
    def nullable(self) -> bool:
        return "NOT NULL" not in self.type


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    label_column: str | None = None

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        body = [f'"{c.name}" {c.type}' for c in self.columns] + list(self.keys)
        return f"CREATE TABLE {self.name} (\n  " + ",\n  ".join(body) + "\n)"


def _c(name: str, kind: str, description: str) -> Column:
    return Column(name, kind, description)


_BRIEFING = _c("briefing", "TEXT NOT NULL", "the briefing's id")
_SEQUENCE = _c("sequence", "INTEGER NOT NULL", "the revision's number: 1, 2, ... (r1, r2, ...)")
_LINEAGE = ("the same {0} across revisions shares one lineage id, 'r<sequence>:<id>' of "
            "the revision where it first appeared (consecutive revisions aligned as by "
            "chronicle diff)")
_REVISION_FK = "FOREIGN KEY (briefing, sequence) REFERENCES revisions (briefing, sequence)"

TABLES: tuple[Table, ...] = (
    Table("briefings", "One row per briefing: its revision count, latest headline and when "
          "it was first and last seen.", (
              _c("id", "TEXT NOT NULL", "the briefing's id (lowercase letters, digits, hyphens)"),
              _c("revisions", "INTEGER NOT NULL", "how many revisions it has"),
              _c("headline", "TEXT", "the latest revision's headline"),
              _c("first_observed_at", "TEXT", "when its first revision was seen (UTC, ISO 8601)"),
              _c("last_observed_at", "TEXT", "when its latest revision was seen (UTC, ISO 8601)"),
              _c("first_recorded_at", "TEXT", "when its first revision was stored (UTC)"),
              _c("last_recorded_at", "TEXT", "when its latest revision was stored (UTC): its "
                 "last change"),
              _c("recorded_by", "TEXT", "the extractor ('chronicle/4') of every revision, when "
                 "one extractor derived them all (the rows are as recorded); null when they "
                 "name different extractors (each revision not by today's extractor is "
                 "read again by it, so that revisions compare like with like)"),
          ), ("PRIMARY KEY (id)",), "id"),
    Table("revisions", "One row per revision: when it was seen, from what, its counts and "
          "what changed since the revision before.", (
              _BRIEFING, _SEQUENCE,
              _c("event_id", "TEXT NOT NULL", "the stored event's id"),
              _c("recorded_at", "TEXT NOT NULL", "when it was stored (UTC, ISO 8601)"),
              _c("observed_at", "TEXT NOT NULL", "when it was seen (UTC, ISO 8601)"),
              _c("headline", "TEXT", "its headline"),
              _c("published", "TEXT", "the publication date the source gives"),
              _c("url", "TEXT", "the source's URL, if it had one"),
              _c("source", "TEXT", "the file name or URL it was read from (null: stdin)"),
              _c("source_format", "TEXT NOT NULL", "text, markdown, html or json"),
              _c("source_sha256", "TEXT NOT NULL", "sha256 of the input bytes"),
              _c("source_size", "INTEGER NOT NULL", "size of the input in bytes"),
              _c("content_sha256", "TEXT NOT NULL", "sha256 of the revision's canonical form"),
              _c("claims", "INTEGER NOT NULL", "how many claims and key points"),
              _c("figures", "INTEGER NOT NULL", "how many figures"),
              _c("quotes", "INTEGER NOT NULL", "how many quotes"),
              _c("sources", "INTEGER NOT NULL", "how many sources it cites"),
              _c("summary", "TEXT NOT NULL", "what changed since the revision before, as "
                 "chronicle log says it"),
              _c("changes", "TEXT", "the change counts as JSON ({\"claims_added\": 1, ...}); "
                 "null for r1"),
              _c("extractor", "TEXT NOT NULL", "the extractor that derived its claims and "
                 "figures when it was stored ('chronicle/4', 'json/1')"),
              _c("reread", "INTEGER NOT NULL", "1 if the rows hold today's extractor's reading "
                 "of its stored text rather than the reading stored with it"),
              _c("event_sha256", "TEXT NOT NULL", "sha256 of the event file (the next "
                 "revision's previous_sha256)"),
              _c("event_blob", "TEXT NOT NULL", "the git object id of the event file "
                 "(git cat-file -p <id>)"),
              _c("diff", "TEXT", "the diff from the revision before as JSON "
                 "(schema/diff.schema.json); null for r1"),
              _c("layout", "TEXT NOT NULL", "the revision's claims and block quotes in reading "
                 "order as JSON [[id, where], ...] (key points first)"),
          ), ("PRIMARY KEY (briefing, sequence)", "UNIQUE (event_id)",
              "FOREIGN KEY (briefing) REFERENCES briefings (id)"), "headline"),
    Table("claims", "One row per claim and key point of each revision.", (
        _BRIEFING, _SEQUENCE,
        _c("id", "TEXT NOT NULL", "the claim's id within its revision"),
        _c("lineage", "TEXT NOT NULL", _LINEAGE.format("claim")),
        _c("kind", "TEXT NOT NULL", "key_point or claim"),
        _c("position", "INTEGER NOT NULL", "its place in the revision: key points first"),
        _c("section", "INTEGER", "index of its section (null for key points)"),
        _c("section_heading", "TEXT", "the heading of its section"),
        _c("text", "TEXT NOT NULL", "the sentence"),
        _c("people", "TEXT", "the people it names, as a JSON list"),
        _c("introduced", "INTEGER NOT NULL", "the revision that introduced it (chronicle blame)"),
        _c("changed", "INTEGER NOT NULL", "the last revision, up to this one, that changed its "
           "text (chronicle blame)"),
    ), ("PRIMARY KEY (briefing, sequence, id)", _REVISION_FK), "text"),
    Table("figures", "One row per figure of each revision: a number with what it measures.", (
        _BRIEFING, _SEQUENCE,
        _c("id", "TEXT NOT NULL", "the figure's id: '<claim id>.f<n>'"),
        _c("lineage", "TEXT NOT NULL", _LINEAGE.format("figure")),
        _c("position", "INTEGER NOT NULL", "its place among the revision's figures"),
        _c("claim", "TEXT NOT NULL", "the id of the claim, key point or quote it sits in"),
        _c("text", "TEXT NOT NULL", "the figure as written: 'over $56.2 billion'"),
        _c("value", "REAL NOT NULL", "its value, normalised: 56200000000.0"),
        _c("value_max", "REAL", "the upper end of a range"),
        _c("unit", "TEXT", "ISO currency, unit symbol or '%'"),
        _c("kind", "TEXT NOT NULL", "money, count, percent, date, distance, ..."),
        _c("qualifier", "TEXT", "'over', 'about', ..."),
        _c("noun", "TEXT", "what it counts: 'troops'"),
        _c("date", "TEXT", "the ISO date of a date figure: '2022', '2022-02', '2022-02-24'"),
        _c("char_start", "INTEGER NOT NULL", "where its text starts in the claim"),
        _c("char_end", "INTEGER NOT NULL", "where its text ends in the claim"),
    ), ("PRIMARY KEY (briefing, sequence, id)", _REVISION_FK), "text"),
    Table("figure_lineages", "One row per figure followed through the revisions (chronicle "
          "timeline): a few words that name it, from where it first appeared.", (
              _BRIEFING,
              _c("lineage", "TEXT NOT NULL", _LINEAGE.format("figure")),
              _c("label", "TEXT NOT NULL", "the words around the figure where it first "
                 "appeared: 'provided over $56.2 billion in security assistance'"),
              _c("kind", "TEXT NOT NULL", "its kind where it first appeared"),
              _c("noun", "TEXT", "its noun where it first appeared"),
              _c("first_sequence", "INTEGER NOT NULL", "the revision where it first appeared"),
              _c("first_position", "INTEGER NOT NULL", "its place among that revision's "
                 "figures"),
          ), ("PRIMARY KEY (briefing, lineage)",
              "FOREIGN KEY (briefing) REFERENCES briefings (id)"), "label"),
    Table("figure_runs", "One row per run of consecutive revisions that show a figure "
          "unchanged (the same text, value, unit and qualifier in the same claim): the points "
          "of chronicle timeline.", (
              _BRIEFING,
              _c("lineage", "TEXT NOT NULL", _LINEAGE.format("figure")),
              _c("start", "INTEGER NOT NULL", "the first revision of the run"),
              _c("until", "INTEGER NOT NULL", "the last revision of the run"),
              _c("text", "TEXT NOT NULL", "the figure as written"),
              _c("value", "REAL NOT NULL", "its value, normalised"),
              _c("value_max", "REAL", "the upper end of a range"),
              _c("unit", "TEXT", "ISO currency, unit symbol or '%'"),
              _c("qualifier", "TEXT", "'over', 'about', ..."),
              _c("claim", "TEXT NOT NULL", "the id of the claim, key point or quote it sits in"),
              _c("claim_text", "TEXT NOT NULL", "that claim's text"),
          ), ("PRIMARY KEY (briefing, lineage, start)",
              "FOREIGN KEY (briefing) REFERENCES briefings (id)"), "text"),
    Table("quotes", "One row per quotation of each revision, inline or as a block.", (
        _BRIEFING, _SEQUENCE,
        _c("id", "TEXT NOT NULL", "the quote's id within its revision"),
        _c("lineage", "TEXT NOT NULL", _LINEAGE.format("quote")),
        _c("text", "TEXT NOT NULL", "what was said"),
        _c("speaker", "TEXT", "who said it"),
        _c("claim", "TEXT", "the claim it sits in (null for a block quote)"),
        _c("section", "INTEGER", "index of its section"),
        _c("position", "INTEGER NOT NULL", "its place among the revision's quotes"),
        _c("introduced", "INTEGER NOT NULL", "the revision that introduced it"),
        _c("changed", "INTEGER NOT NULL", "the last revision, up to this one, that changed its "
           "text or speaker"),
    ), ("PRIMARY KEY (briefing, sequence, id)", _REVISION_FK), "text"),
    Table("sources", "One row per source a revision cites.", (
        _BRIEFING, _SEQUENCE,
        _c("position", "INTEGER NOT NULL", "its place in the revision's list of sources"),
        _c("text", "TEXT NOT NULL", "the source as cited"),
        _c("url", "TEXT", "its URL"),
    ), ("PRIMARY KEY (briefing, sequence, position)", _REVISION_FK), "text"),
)
TABLE = {table.name: table for table in TABLES}
PUBLIC = tuple(table.name for table in TABLES)

# The projection's bookkeeping: which commit and code it reflects, the git trees it saw
# (to find what changed), briefings whose events could not be read, and each
# briefing's entry of `list --json`.
INTERNAL = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE git_trees (path TEXT PRIMARY KEY, parent TEXT NOT NULL, tree TEXT NOT NULL)",
    "CREATE INDEX git_trees_parent ON git_trees (parent)",
    "CREATE TABLE unreadable (briefing TEXT PRIMARY KEY, problem TEXT NOT NULL)",
    # each briefing's entry of `list --json`, as written (rows.listing_entry; null where
    # orjson cannot write it): a list of 100,000 briefings is then one join of bytes
    "CREATE TABLE listing (briefing TEXT PRIMARY KEY, entry BLOB) WITHOUT ROWID",
)

INDEXES = (
    "CREATE INDEX revisions_observed_at ON revisions (observed_at)",
    "CREATE INDEX claims_lineage ON claims (briefing, lineage, sequence)",
    "CREATE INDEX figures_lineage ON figures (briefing, lineage, sequence)",
    "CREATE INDEX figures_claim ON figures (briefing, sequence, claim)",
    "CREATE INDEX figures_kind_unit ON figures (kind, unit)",
    "CREATE INDEX figure_runs_until ON figure_runs (briefing, until)",
    "CREATE INDEX quotes_lineage ON quotes (briefing, lineage, sequence)",
    "CREATE INDEX quotes_claim ON quotes (briefing, sequence, claim)",
    "CREATE INDEX quotes_speaker ON quotes (speaker)",
    "CREATE INDEX sources_url ON sources (url)",
)


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    columns: tuple[tuple[str, str], ...]  # (name, description) of the columns it adds


VIEWS: tuple[View, ...] = (
    View("figure_timeline", "Every figure with when its revision was seen: a figure's values "
         "over time are WHERE lineage = ? ORDER BY sequence.", """
    SELECT f.briefing, f.lineage, f.sequence, r.observed_at, r.recorded_at, f.text, f.value,
           f.value_max, f.unit, f.kind, f.qualifier, f.noun, f.claim
    FROM figures AS f JOIN revisions AS r USING (briefing, sequence)""", ()),
    View("figure_changes", "Every point where a figure's value (or range, or unit) differs "
         "from its value in the revision before: one row per change.", """
    SELECT briefing, lineage, label, kind, sequence_before, sequence, observed_at, recorded_at,
           text_before, text, value_before, value, value_max_before, value_max, unit_before,
           unit
    FROM (
      SELECT f.briefing, f.lineage, l.label, f.kind, f.sequence, r.observed_at, r.recorded_at,
             f.text, f.value, f.value_max, f.unit,
             lag(f.sequence) OVER w AS sequence_before, lag(f.text) OVER w AS text_before,
             lag(f.value) OVER w AS value_before, lag(f.value_max) OVER w AS value_max_before,
             lag(f.unit) OVER w AS unit_before
      FROM figures AS f JOIN revisions AS r USING (briefing, sequence)
        JOIN figure_lineages AS l USING (briefing, lineage)
      WINDOW w AS (PARTITION BY f.briefing, f.lineage ORDER BY f.sequence))
    WHERE sequence_before IS NOT NULL
      AND (value IS NOT value_before OR value_max IS NOT value_max_before
           OR unit IS NOT unit_before)""", (
        ("sequence_before", "the revision it is compared with (the one before where it "
         "appears)"),
        ("text_before", "the figure as written before"), ("value_before", "its value before"),
        ("value_max_before", "the upper end of its range before"),
        ("unit_before", "its unit before"))),
    View("claims_added", "Every claim or key point that appeared in a revision after the "
         "first: a lineage's first row.", """
    SELECT c.briefing, c.lineage, c.id, c.kind, c.text, c.sequence, r.observed_at,
           r.recorded_at
    FROM claims AS c JOIN revisions AS r USING (briefing, sequence)
    WHERE c.sequence > 1 AND NOT EXISTS (
      SELECT 1 FROM claims AS p
      WHERE p.briefing = c.briefing AND p.sequence = c.sequence - 1 AND p.lineage = c.lineage)""",
         ()),
    View("claims_removed", "Every claim or key point that the next revision no longer has "
         "(neither as it was nor edited): when it went, and its last text.", """
    SELECT c.briefing, c.lineage, c.id, c.kind, c.text, c.sequence AS last_sequence,
           n.sequence AS removed_in, n.observed_at, n.recorded_at
    FROM claims AS c JOIN revisions AS n
      ON n.briefing = c.briefing AND n.sequence = c.sequence + 1
    WHERE NOT EXISTS (
      SELECT 1 FROM claims AS d
      WHERE d.briefing = c.briefing AND d.sequence = n.sequence AND d.lineage = c.lineage)""", (
        ("last_sequence", "the last revision that had it"),
        ("removed_in", "the revision that no longer has it"),
        ("observed_at", "when the revision without it was seen"),
        ("recorded_at", "when the revision without it was stored"))),
)


def public_ddl() -> list[str]:
    """Every statement that makes the public tables, indexes and views (in order)."""
    return ([t.ddl() for t in TABLES] + list(INDEXES)
            + [f"CREATE VIEW {v.name} AS {v.sql.strip()}" for v in VIEWS])


# ----- which code the rows come from -----------------------------------------------------
# Modules whose code never changes what the projection holds (writing, checking, showing).
# Every other module of the package (the readers, the extractor, the aligner, the views,
# the builder here) is hashed: when any of them changes, the projection is rebuilt.
_NOT_DERIVING = frozenset({
    "api.py", "append.py", "checks.py", "cli.py", "compact.py", "errors.py", "export.py",
    "fetch.py", "gitlog.py", "gitobjects.py", "history.py", "incoming.py", "ledger.py",
    "locking.py", "problems.py", "publedger.py", "recovery.py", "render.py", "report.py",
    "quarantine.py", "repository.py", "review.py", "safe_text.py", "safe_write.py",
    "schemas.py", "store.py", "sync.py", "watch.py", "worktree.py", "projection/check.py",
    "projection/queries.py",
    "projection/sql.py", "projection/exports.py", "projection/__init__.py",
})


@cache
def derivation() -> str:
    """A fingerprint of the code that derives the projection's rows (sha256 over the source
    of every deriving module): a release whose extractor or aligner reads differently gets
    a different one, so its projection is rebuilt rather than trusted."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name in _NOT_DERIVING:
            continue
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:32]
