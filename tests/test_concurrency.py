"""Concurrent writers: real processes ingesting into one archive at once lose nothing,
duplicate nothing, never fork the chain and never corrupt the index or refs.

CHRONICLE_CONCURRENCY_REVISIONS (default 240) sets how many revisions the four writer
processes submit in total in the main test.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from archive_tools import (
    CHRONICLE,
    event_files,
    fsck_problems,
    git_out,
    hold_lock,
    refs,
    status_porcelain,
    tree_snapshot,
    write_variants,
)
from chronicle.errors import ArchiveError
from conftest import cli, run_chronicle

WRITERS = 4
TOTAL = int(os.environ.get("CHRONICLE_CONCURRENCY_REVISIONS", "120"))

WORKER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from chronicle.api import ingest, open_archive
    archive, plan, go = Path(sys.argv[1]), json.loads(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.005)
    for briefing, file in plan:
        # one command's worth of work per revision: open, lock, append, release
        [result] = ingest(open_archive(archive), briefing, [Path(file)])
        print(json.dumps(result.as_dict()), flush=True)
""")


def ledger_ops(archive: Path) -> Counter[str]:
    lines = (archive / ".git/chronicle-ledger.jsonl").read_text().splitlines()
    return Counter(json.loads(line)["op"] for line in lines)


def check_linear_history(archive: Path, events: int) -> None:
    """One commit per event on top of the root commit, each with exactly one parent."""
    parents = git_out(archive, "rev-list", "--parents", "refs/heads/main").splitlines()
    assert len(parents) == events + 1
    assert [len(line.split()) for line in parents] == [2] * events + [1]
    assert git_out(archive, "rev-list", "--branches", "--count") == str(events + 1)  # no fork
    assert git_out(archive, "for-each-ref", "--format=%(refname)") == \
        "refs/chronicle/ledger\nrefs/heads/main"  # the published ledger moves with main


@pytest.mark.slow
def test_four_writer_processes_at_once(archive: Path, tmp_path: Path) -> None:
    per_writer = TOTAL // WRITERS
    plans = []
    for writer in range(WRITERS):
        numbers = [writer * 10_000 + i for i in range(per_writer)]
        files = write_variants(tmp_path / f"w{writer}", numbers)
        # even revisions go to a briefing all writers share, odd ones to the writer's own
        plans.append([("shared" if i % 2 == 0 else f"own-{writer}", str(f))
                      for i, f in enumerate(files)])
    go = tmp_path / "go"
    started = time.monotonic()
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(archive), json.dumps(plan),
                                 str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for plan in plans]
    time.sleep(1.0)  # let every worker finish importing, then release them together
    go.touch()
    outputs = [worker.communicate(timeout=300) for worker in workers]
    seconds = time.monotonic() - started
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
    results = [json.loads(line) for stdout, _ in outputs for line in stdout.splitlines()]
    print(f"{len(results)} revisions from {WRITERS} processes in {seconds:.1f}s")

    # nothing lost, nothing stored twice, no sequence number handed out twice
    assert len(results) == per_writer * WRITERS
    assert {r["status"] for r in results} == {"recorded"}
    assert len({(r["briefing"], r["sequence"]) for r in results}) == len(results)
    assert len({r["commit"] for r in results}) == len(results)
    expected = Counter(briefing for plan in plans for briefing, _ in plan)
    for briefing, count in expected.items():
        numbers = sorted(r["sequence"] for r in results if r["briefing"] == briefing)
        assert numbers == list(range(1, count + 1)), briefing
    assert len(event_files(archive)) == len(results)
    submitted = Counter(file for plan in plans for _, file in plan)
    stored = Counter()
    for briefing in expected:
        log = json.loads(cli("log", briefing, "--archive", str(archive), "--json").stdout)
        stored.update(entry["source"] for entry in log["revisions"])
    assert stored == submitted  # every submitted revision exactly once
    # the writers really overlapped: the shared briefing interleaves all four
    shared = sorted((r["sequence"], r["origin"]) for r in results if r["briefing"] == "shared")
    authors = [Path(origin).parent.name for _, origin in shared]
    assert len({a for a in authors[: len(authors) // 2]}) == WRITERS
    assert sum(1 for a, b in itertools.pairwise(authors) if a != b) > WRITERS

    # one linear chain, clean refs, index and working tree, and a ledger that agrees
    check_linear_history(archive, len(results))
    assert fsck_problems(archive) == []
    assert status_porcelain(archive) == ""
    assert ledger_ops(archive) == Counter({"begin": len(results) + 1, "done": len(results) + 1})
    verify = run_chronicle("verify", "--archive", str(archive), "--json")
    assert verify.returncode == 0, verify.stdout
    assert json.loads(verify.stdout)["checked"] == len(results)


@pytest.mark.slow
def test_concurrent_cli_batches(archive: Path, tmp_path: Path) -> None:
    """Four `chronicle ingest` commands with several files each, started together."""
    commands = []
    for writer in range(WRITERS):
        numbers = [50_000 + writer * 100 + i for i in range(6)]
        files = write_variants(tmp_path / f"c{writer}", numbers)
        briefing = "batch" if writer < 2 else f"batch-{writer}"
        commands.append([CHRONICLE, "ingest", *map(str, files), "-b", briefing, "--archive",
                         str(archive), "--json"])
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    results = [r for stdout, _ in outputs for r in json.loads(stdout)["results"]]
    assert [r["status"] for r in results] == ["recorded"] * 24
    for briefing, count in (("batch", 12), ("batch-2", 6), ("batch-3", 6)):
        assert sorted(r["sequence"] for r in results if r["briefing"] == briefing) == list(
            range(1, count + 1))
    # each command's batch is contiguous: it held the lock for the whole batch
    for stdout, _ in outputs:
        numbers = [r["sequence"] for r in json.loads(stdout)["results"]]
        assert numbers == list(range(numbers[0], numbers[0] + 6))
    check_linear_history(archive, 24)
    assert fsck_problems(archive) == [] and status_porcelain(archive) == ""
    assert cli("verify", "--archive", str(archive)).exit_code == 0


@pytest.mark.slow
def test_a_writer_that_waits_too_long_fails_clearly(archive: Path, tmp_path: Path) -> None:
    [revision] = write_variants(tmp_path / "in", [1])
    before = tree_snapshot(archive)
    holder = hold_lock(archive)  # another writer, busy
    try:
        started = time.monotonic()
        result = run_chronicle("ingest", str(revision), "-b", "busy", "--archive", str(archive),
                               env={"CHRONICLE_LOCK_TIMEOUT": "0.5"})
        waited = time.monotonic() - started
    finally:
        os.close(holder)
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"chronicle: error: {archive}: another chronicle process held the archive lock for 0.5s; "
        "nothing was written, try again (set CHRONICLE_LOCK_TIMEOUT to wait longer)\n")
    assert waited < 30
    assert tree_snapshot(archive) == before
    # once the lock is free, the same command goes through
    assert run_chronicle("ingest", str(revision), "-b", "busy", "--archive", str(archive),
                         env={"CHRONICLE_LOCK_TIMEOUT": "5"}).returncode == 0


def test_lock_timeout_must_be_a_number(archive: Path, tmp_path: Path) -> None:
    [revision] = write_variants(tmp_path / "in", [1])
    result = run_chronicle("ingest", str(revision), "-b", "x", "--archive", str(archive),
                           env={"CHRONICLE_LOCK_TIMEOUT": "soon"})
    assert result.returncode == 4
    assert result.stderr == ("chronicle: error: CHRONICLE_LOCK_TIMEOUT='soon': expected a number "
                             "of seconds\n")


def test_the_branch_only_moves_if_nobody_else_moved_it(archive: Path, tmp_path: Path) -> None:
    """Compare-and-swap: a program that moves main behind chronicle's back (ignoring the lock)
    makes the append fail loudly; chronicle never overwrites the other commit."""
    from chronicle.readers import parse_file
    from chronicle.store import Archive, NewRevision
    from chronicle.views import revision_message

    first, second = (parse_file(p) for p in write_variants(tmp_path / "in", [1, 2]))
    opened = Archive(archive)
    opened.append(NewRevision("cas", first.revision, first.origin, first.extractor),
                  revision_message)
    intruder = git_out(archive, "commit-tree", "-p", "refs/heads/main", "-m", "intruder",
                       "refs/heads/main^{tree}")

    def message_moving_the_branch(*args: object) -> str:
        git_out(archive, "update-ref", "refs/heads/main", intruder)  # while chronicle builds
        return revision_message(*args)  # type: ignore[arg-type]

    with pytest.raises(ArchiveError, match="the main branch moved while chronicle held its lock"):
        opened.append(NewRevision("cas", second.revision, second.origin, second.extractor),
                      message_moving_the_branch)
    assert refs(archive).splitlines()[-1] == f"refs/heads/main {intruder}"
    last = (archive / ".git/chronicle-ledger.jsonl").read_text().splitlines()[-1]
    assert json.loads(last)["op"] == "abort"
    verify = cli("verify", "--archive", str(archive), "--json")
    assert verify.exit_code == 1
    problems = json.loads(verify.stdout)["problems"]
    assert [(p["kind"], p["commit"]) for p in problems] == [("unrecorded-commit", intruder)]
