"""Bulk ingest parses in a process pool: same events in the same order as one process, and
the first bad file (in input order) is the one error, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_tools import write_variants
from conftest import run_chronicle, snapshot


def _tree(folder: Path, briefings: int, each: int) -> Path:
    for b in range(briefings):
        write_variants(folder / f"bulk-{b}", list(range(b * 100, b * 100 + each)))
    return folder


def _events(archive: Path) -> list[tuple[str, int, str]]:
    listed = json.loads(run_chronicle("list", "--json", "--archive", str(archive)).stdout)
    found = []
    for briefing in sorted(b["id"] for b in listed["briefings"]):
        log = json.loads(run_chronicle("log", briefing, "--json", "--archive",
                                       str(archive)).stdout)
        found += [(briefing, r["sequence"], r["source"].rsplit("/", 1)[-1])
                  for r in log["revisions"]]
    return found


@pytest.mark.slow
def test_a_pool_stores_what_one_process_stores(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", 4, 6)  # 24 files: the pool is used
    runs = {}
    for workers in ("1", "2"):
        archive = tmp_path / f"archive-{workers}"
        assert run_chronicle("init", "--archive", str(archive)).returncode == 0
        done = run_chronicle("ingest", "--tree", str(tree), "--json", "--archive", str(archive),
                             env={"CHRONICLE_WORKERS": workers})
        assert done.returncode == 0, done.stderr
        results = json.loads(done.stdout)["results"]
        assert [r["status"] for r in results] == ["recorded"] * 24
        runs[workers] = (_events(archive), [(r["briefing"], r["sequence"]) for r in results])
        shown = run_chronicle("show", "bulk-3", "--json", "--archive", str(archive))
        runs[workers] += (json.loads(shown.stdout),)
    assert runs["1"] == runs["2"]


@pytest.mark.slow
def test_the_first_bad_file_in_order_is_the_error(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", 3, 8)
    (tree / "bulk-1" / "v00103.txt").write_bytes(b"\x00binary")
    (tree / "bulk-2" / "v00201.txt").write_bytes(b"")
    archive = tmp_path / "archive"
    assert run_chronicle("init", "--archive", str(archive)).returncode == 0
    before = snapshot(archive)
    done = run_chronicle("ingest", "--tree", str(tree), "--archive", str(archive),
                         env={"CHRONICLE_WORKERS": "2"})
    assert done.returncode == 3
    assert done.stderr == (f"chronicle: error: {tree}/bulk-1/v00103.txt: binary file "
                           "(contains NUL bytes), not a text briefing\n")
    assert snapshot(archive) == before


@pytest.mark.slow
def test_many_files_of_one_briefing_keep_their_order(tmp_path: Path) -> None:
    files = write_variants(tmp_path / "in", list(range(20)))
    archive = tmp_path / "archive"
    assert run_chronicle("init", "--archive", str(archive)).returncode == 0
    done = run_chronicle("ingest", *map(str, files), "-b", "one", "--archive", str(archive),
                         env={"CHRONICLE_WORKERS": "2"})
    assert done.returncode == 0, done.stderr
    assert [name for _, _, name in _events(archive)] == [f.name for f in files]
