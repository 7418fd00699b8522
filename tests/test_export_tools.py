"""Exports read by the tools they are for: real Datasette serving the SQLite export with
its metadata, real DuckDB querying the Parquet export."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import cli

# The same questions, asked of the read model (SQLite) and of the Parquet files (DuckDB).
QUESTIONS = [
    "SELECT briefing, sequence, id, lineage, text, value, value_max, unit, kind FROM figures "
    "ORDER BY briefing, sequence, id",
    "SELECT kind, count(*) AS n, sum(value) AS total FROM figures GROUP BY kind ORDER BY kind",
    "SELECT f.briefing, f.lineage, count(DISTINCT f.value) AS values_seen "
    "FROM figures AS f JOIN revisions AS r ON r.briefing = f.briefing AND r.sequence = f.sequence "
    "GROUP BY f.briefing, f.lineage HAVING count(DISTINCT f.value) > 1 ORDER BY 1, 2",
    "SELECT c.briefing, c.sequence, c.text FROM claims AS c WHERE NOT EXISTS ("
    "SELECT 1 FROM claims AS d WHERE d.briefing = c.briefing AND d.sequence = c.sequence + 1 "
    "AND d.lineage = c.lineage) AND c.sequence < (SELECT max(sequence) FROM revisions) "
    "ORDER BY 1, 2, 3",
    "SELECT id, revisions, headline FROM briefings ORDER BY id",
    "SELECT lineage, label, first_sequence FROM figure_lineages ORDER BY lineage",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_datasette_serves_the_sqlite_export_with_its_metadata(example_archive: Path,
                                                              tmp_path: Path) -> None:
    db_path = tmp_path / "chronicle.sqlite"
    result = cli("export", "--format", "sqlite", "-o", str(db_path), "--archive",
                 str(example_archive))
    assert result.exit_code == 0, result.output
    meta = tmp_path / "chronicle.metadata.json"
    described = json.loads(meta.read_text())["databases"]["chronicle"]["tables"]
    assert described["figures"]["columns"]["lineage"].startswith("the same figure")
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("datasette")), "serve", str(db_path), "-m",
         str(meta), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(trust_env=False, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get(f"{base}/-/versions.json").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, (
                    server.stderr.read().decode() if server.stderr else "datasette died")
                time.sleep(0.2)
            page = client.get(f"{base}/chronicle/figures.json",
                              params={"_shape": "array", "_size": "max",
                                      "briefing": "nato-ukraine", "sequence": "2"})
            assert page.status_code == 200
            rows = page.json()
            served_meta = client.get(f"{base}/-/metadata.json").json()
            html = client.get(f"{base}/chronicle/figures").text
    finally:
        server.terminate()
        server.wait(timeout=30)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    expected = [dict(r) for r in db.execute("SELECT * FROM figures WHERE briefing = "
                                            "'nato-ukraine' AND sequence = 2")]
    db.close()
    assert rows and sorted(rows, key=lambda r: r["id"]) == sorted(expected,
                                                                   key=lambda r: r["id"])
    assert any(r["text"] == "over $61.4 billion" for r in rows)
    tables = served_meta["databases"]["chronicle"]["tables"]
    assert tables["figures"]["description"].startswith("One row per figure")
    assert "One row per figure" in html  # the table page shows its description


def test_duckdb_reads_the_parquet_export_with_the_same_answers(example_archive: Path,
                                                               tmp_path: Path) -> None:
    import duckdb

    folder = tmp_path / "parquet"
    result = cli("export", "--format", "parquet", "-o", str(folder), "--archive",
                 str(example_archive), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tables"]["figures"] > 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{t}.parquet" for t in (
        "briefings", "revisions", "claims", "figures", "figure_lineages", "figure_runs", "quotes",
        "sources"))
    duck = duckdb.connect()
    for path in folder.iterdir():
        duck.execute(f"CREATE VIEW {path.stem} AS SELECT * FROM read_parquet('{path}')")
    projection = sqlite3.connect(example_archive / ".chronicle" / "projection.sqlite")
    for question in QUESTIONS:
        from_duckdb = duck.execute(question).fetchall()
        from_sqlite = projection.execute(question).fetchall()
        assert from_duckdb == from_sqlite, question
        assert from_sqlite, f"no rows: the question proves nothing: {question}"
    projection.close()
