"""`chronicle export` to SQLite, CSV and JSON Lines, read back with the stdlib."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from chronicle import cli as cli_module
from conftest import cli

TABLES = ["briefings", "revisions", "claims", "figures", "figure_lineages", "figure_runs",
          "quotes", "sources"]


def export(archive: Path, *args: str) -> str:
    result = cli("export", "--archive", str(archive), *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sqlite_has_tables_keys_indexes_and_figure_history(example_archive: Path,
                                                           tmp_path: Path) -> None:
    db_path = tmp_path / "chronicle.sqlite"
    summary = json.loads(export(example_archive, "--format", "sqlite", "-o", str(db_path),
                                "--json"))
    assert summary["briefings"] == 1 and summary["tables"]["revisions"] == 3
    db = sqlite3.connect(db_path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(TABLES) <= names
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = {(r[2], r[3], r[4]) for r in db.execute("PRAGMA foreign_key_list(figures)")}
    assert fks == {("revisions", "briefing", "briefing"), ("revisions", "sequence", "sequence")}
    pk = [r[1] for r in sorted(db.execute("PRAGMA table_info(claims)"), key=lambda r: r[5]) if r[5]]
    assert pk == ["briefing", "sequence", "id"]
    indexes = {r[1] for r in db.execute("PRAGMA index_list(figures)")}
    assert {"figures_lineage", "figures_kind_unit"} <= indexes
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert counts == summary["tables"]
    assert db.execute("SELECT id, revisions FROM briefings").fetchall() == [("nato-ukraine", 3)]
    # One lineage follows the aid figure through the revisions, whatever its id in each.
    lineage = db.execute("SELECT lineage FROM figures WHERE sequence = 1 AND text LIKE "
                         "'%56.2 billion%' ORDER BY id LIMIT 1").fetchone()[0]
    history = db.execute("SELECT sequence, value, observed_at FROM figure_timeline "
                         "WHERE lineage = ? ORDER BY sequence", (lineage,)).fetchall()
    assert [(s, v) for s, v, _ in history] == [(1, 56.2e9), (2, 61.4e9), (3, 61.4e9)]
    assert all(observed.endswith("Z") for _, _, observed in history)
    runs = db.execute("SELECT start, until, value FROM figure_runs WHERE lineage = ? "
                      "ORDER BY start", (lineage,)).fetchall()
    assert runs == [(1, 1, 56.2e9), (2, 3, 61.4e9)]  # the points of chronicle timeline
    summaries = [r[0] for r in db.execute("SELECT summary FROM revisions ORDER BY sequence")]
    assert summaries[0].startswith("first revision: ")
    assert summaries[1].startswith("1 claim added, 1 removed, 1 edited; 3 figures changed")
    key_points = db.execute("SELECT count(*) FROM claims WHERE kind = 'key_point' AND "
                            "sequence = 3").fetchone()[0]
    assert key_points == 4
    people = db.execute("SELECT people FROM claims WHERE people != '[]' LIMIT 1").fetchone()[0]
    assert isinstance(json.loads(people), list)
    db.close()


def test_csv_and_jsonl_hold_the_same_rows(example_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    export(example_archive, "--format", "csv", "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    csv_rows = {}
    for table in TABLES:
        with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            csv_rows[table] = list(csv.DictReader(handle))
    records = [json.loads(line) for line in export(example_archive).splitlines()]
    by_table: dict[str, list[dict[str, object]]] = {t: [] for t in TABLES}
    for record in records:
        by_table[record.pop("table")].append(record)
    assert {t: len(r) for t, r in by_table.items()} == {t: len(r) for t, r in csv_rows.items()}
    assert records[0] == by_table["briefings"][0]  # the briefing comes before its rows
    figure = by_table["figures"][0]
    assert csv_rows["figures"][0]["value"] == str(figure["value"])
    assert isinstance(by_table["claims"][0]["people"], list)
    out = tmp_path / "all.jsonl"
    export(example_archive, "nato-ukraine", "-o", str(out))
    assert len(out.read_text().splitlines()) == len(records)


def test_refuses_to_overwrite_and_unknown_briefings(example_archive: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "out.sqlite"
    export(example_archive, "--format", "sqlite", "-o", str(db_path))
    again = cli("export", "--format", "sqlite", "-o", str(db_path),
                "--archive", str(example_archive))
    assert again.exit_code == 7
    assert again.stderr == (f"chronicle: error: {db_path}: already exists; "
                            "use --force to replace it\n")
    export(example_archive, "--format", "sqlite", "-o", str(db_path), "--force")
    unknown = cli("export", "nope", "--archive", str(example_archive))
    assert unknown.exit_code == 4 and "no briefing named 'nope'" in unknown.stderr
    needs_path = cli("export", "--format", "csv", "--archive", str(example_archive))
    assert needs_path.exit_code == 2 and "--format csv needs -o PATH" in needs_path.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no leftovers
        "archive", "out.metadata.json", "out.sqlite"]


def test_progress_bar_only_on_a_terminal(example_archive: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    piped = cli("export", "--format", "sqlite", "-o", str(tmp_path / "a.sqlite"),
                "--archive", str(example_archive))
    assert piped.stderr.startswith("exported 1 briefing(s) to ")
    assert "\x1b[" not in piped.stderr
    monkeypatch.setattr(cli_module, "_stderr_is_tty", lambda: True)
    tty = cli("export", "--format", "sqlite", "-o", str(tmp_path / "b.sqlite"),
              "--archive", str(example_archive))
    assert tty.exit_code == 0, tty.output
    assert sqlite3.connect(tmp_path / "b.sqlite").execute(
        "SELECT count(*) FROM revisions").fetchone() == (3,)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(archive: Path,
                                                                tmp_path: Path) -> None:
    """Cells starting with = + - @ tab or CR get a leading apostrophe (OWASP); the same
    text stays as it is in SQLite and JSON Lines, which no spreadsheet evaluates."""
    from hostile_corpus import valid_extremes

    path = tmp_path / "formula.json"
    path.write_text(json.dumps(valid_extremes()["formula"]), "utf-8")
    assert cli("ingest", str(path), "-b", "formula", "--archive", str(archive)).exit_code == 0
    export(archive, "--format", "csv", "-o", str(tmp_path / "csv"))
    cells = [cell for table in TABLES
             for row in csv.reader((tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8"))
             for cell in row]
    assert "'=HYPERLINK(\"https://evil.example\",\"click\")" in cells
    assert "'@cmd|' /C calc'!A0" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    lines = export(archive).splitlines()
    assert any('"=HYPERLINK(' in line for line in lines)  # jsonl keeps the text itself
    from chronicle.export import csv_cell

    assert csv_cell(-5.0) == -5.0 and csv_cell("-5 percent") == "'-5 percent"
    assert csv_cell("\tx") == "'\tx" and csv_cell("\rx") == "'\rx" and csv_cell("a=b") == "a=b"
