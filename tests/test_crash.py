"""Crash safety: a writer killed at any moment leaves its events fully committed or not at all,
and the next chronicle command cleans up by itself.

Three layers:
* crash points: a real `chronicle ingest` process dies (``os._exit``, no cleanup runs, like
  SIGKILL) at each step of a write, in turn; the outcome at each step is asserted exactly;
* an orphaned git: chronicle is SIGKILLed while a (slowed-down) git it started is moving the
  branch; the git lives on and must keep the archive locked until it exits;
* the kill harness (tests/kill_harness.py): SIGKILL at random moments, CHRONICLE_KILL_RUNS
  times (20 by default; `CHRONICLE_KILL_RUNS=100` or `python tests/kill_harness.py --runs 100`
  on demand).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archive_tools import (
    CHRONICLE,
    event_files,
    fsck_problems,
    lock_is_held,
    status_porcelain,
    write_variants,
)
from chronicle.projection.check import read_model_problems
from chronicle.store import Archive
from conftest import cli, run_chronicle
from kill_harness import leftovers, run_harness
from projection_tools import snapshot_problems

KILL_RUNS = int(os.environ.get("CHRONICLE_KILL_RUNS", "20"))
KILL_SEED = int(os.environ.get("CHRONICLE_KILL_SEED", "20240611"))

# Each crash point: (name, code patching chronicle so the process dies right there, whether
# the batch is on main afterwards, what the dead writer leaves for recovery).
DIE = "os._exit(137)"
CRASH_POINTS = {
    "while writing an object": (
        "import chronicle.gitobjects as g\n"
        "real = g.os.replace\n"
        "def replace(a, b):\n"
        f"    if 'objects' in str(b) and g.Path(b).parent.name != 'objects': {DIE}\n"
        "    return real(a, b)\n"
        "g.os.replace = replace\n",
        False, {"dirty marker", "temporary files"}),
    "objects written, before the ledger": (
        "import chronicle.ledger as l\n"
        f"l.Ledger.begin = lambda *a, **k: {DIE}\n",
        False, {"dirty marker"}),
    "ledger begun, before the branch moves": (
        "import chronicle.append as s\n"
        f"s.update_ref = lambda *a, **k: {DIE}\n",
        False, {"dirty marker", "pending ledger batch"}),
    "git killed holding refs/heads/main.lock": (
        "import chronicle.append as s\n"
        "def update_ref(git_dir, *a, **k):\n"
        "    (git_dir / 'refs/heads/main.lock').write_text('0' * 40 + '\\n')\n"
        f"    {DIE}\n"
        "s.update_ref = update_ref\n",
        False, {"dirty marker", "pending ledger batch", "git lock refs/heads/main.lock"}),
    "published ledger moved, branch not (killed between git's two ref renames)": (
        "import chronicle.append as s, subprocess\n"
        "def update_ref(git_dir, ref, new, old, reason, pass_fds=(), also=()):\n"
        "    for r, n, o in also:\n"
        "        subprocess.run(['git', f'--git-dir={git_dir}', 'update-ref', r, n], check=True)\n"
        f"    {DIE}\n"
        "s.update_ref = update_ref\n",
        False, {"dirty marker", "pending ledger batch"}),
    "branch moved, published ledger not (killed between git's two ref renames)": (
        "import chronicle.append as s, subprocess\n"
        "def update_ref(git_dir, ref, new, old, reason, pass_fds=(), also=()):\n"
        "    subprocess.run(['git', f'--git-dir={git_dir}', 'update-ref', ref, new], check=True)\n"
        f"    {DIE}\n"
        "s.update_ref = update_ref\n",
        True, {"dirty marker", "pending ledger batch", "working copy behind"}),
    "branch moved, before the ledger says done": (
        "import chronicle.ledger as l\n"
        f"l.Ledger.done = lambda *a, **k: {DIE}\n",
        True, {"dirty marker", "pending ledger batch", "working copy behind"}),
    "half-way through updating the working copy": (
        "import chronicle.worktree as s\n"
        "def atomic_write(self, path, data):\n"
        "    git_dir = self.repository.git_dir\n"
        "    temp = git_dir / 'chronicle-tmp'; temp.mkdir(exist_ok=True)\n"
        "    (temp / 'half').write_bytes(data[: len(data) // 2])\n"
        "    (git_dir / 'index.lock').write_bytes(b'')\n"
        f"    {DIE}\n"
        "s.WorkingCopy._atomic_write = atomic_write\n",
        True, {"dirty marker", "temporary files", "git lock index.lock", "working copy behind"}),
    "half-way through the read model's update (its transaction open)": (
        "import chronicle.projection.catchup as u\n"
        "real = u.insert\n"
        "def insert(db, rows):\n"
        "    real(db, rows)\n"
        f"    {DIE}\n"
        "u.insert = insert\n",
        True, {"dirty marker"}),
    "everything written, before the dirty marker is cleared": (
        "import chronicle.locking as s\n"
        f"s.Session.clear_dirty = lambda self: {DIE}\n",
        True, {"dirty marker"}),
}


def die_during_ingest(patch: str, archive: Path, files: list[Path], briefing: str) -> int:
    script = patch + textwrap.dedent(f"""
        import sys
        from chronicle.cli import main
        sys.argv = ["chronicle", "ingest", *{[str(f) for f in files]!r}, "-b", {briefing!r},
                    "--archive", {str(archive)!r}]
        main()
    """)
    result = subprocess.run([sys.executable, "-c", "import os\n" + script], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 137, result.stderr
    return result.returncode


def committed_sources(archive: Path) -> list[str]:
    result = cli("log", "crash", "--archive", str(archive), "--json")
    if result.exit_code != 0:
        return []
    return [entry["source"] for entry in json.loads(result.stdout)["revisions"]]


@pytest.mark.slow
@pytest.mark.parametrize("point", list(CRASH_POINTS))
def test_dying_at_each_step_of_a_write(point: str, archive: Path, tmp_path: Path) -> None:
    patch, committed, left = CRASH_POINTS[point]
    first = write_variants(tmp_path / "in", [1])
    assert cli("ingest", str(first[0]), "-b", "crash", "--archive", str(archive)).exit_code == 0
    batch = write_variants(tmp_path / "in", [2, 3, 4])
    head_before = (archive / ".git/refs/heads/main").read_text()

    die_during_ingest(patch, archive, batch, "crash")

    assert not lock_is_held(archive)  # the kernel released the dead writer's lock
    assert set(leftovers(archive)) == left
    head_after = (archive / ".git/refs/heads/main").read_text()
    moved = head_after != head_before
    assert moved == committed
    # the read model, as the kill left it: the old state or the new one, never half
    assert snapshot_problems(archive, {head_before.strip(), head_after.strip()}) == []
    # the next command, a read, recovers by itself ...
    verify = run_chronicle("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert leftovers(archive) == []
    assert not (archive / ".git/chronicle-tmp").exists() or not any(
        (archive / ".git/chronicle-tmp").iterdir())
    assert status_porcelain(archive) == ""
    assert fsck_problems(archive) == []
    # ... the batch is all there or not at all ...
    expected = [str(first[0])] + ([str(p) for p in batch] if committed else [])
    assert committed_sources(archive) == expected
    assert len(event_files(archive)) == len(expected)
    assert read_model_problems(Archive(archive)) == []  # caught up, equal to a replay
    # ... and ingesting again works, numbering on from what is really there.
    again = cli("ingest", *map(str, batch), "-b", "crash", "--archive", str(archive), "--json")
    assert again.exit_code == 0, again.output
    statuses = [r["status"] for r in json.loads(again.stdout)["results"]]
    assert statuses == (["duplicate", "duplicate", "unchanged"] if committed else ["recorded"] * 3)
    assert committed_sources(archive) == [str(first[0])] + [str(p) for p in batch]
    ledger = (archive / ".git/chronicle-ledger.jsonl").read_text().splitlines()
    assert json.loads(ledger[-1])["op"] in ("done", "abort")
    assert cli("verify", "--archive", str(archive)).exit_code == 0


SLOW_GIT = """#!/bin/sh
# a git that takes its time to move a ref, so chronicle can be killed while it runs
if [ "$2" = "update-ref" ]; then touch "$SLOW_GIT_STARTED"; sleep 1.5; fi
exec {git} "$@"
"""


@pytest.mark.slow
def test_a_git_orphaned_by_sigkill_keeps_the_archive_locked(archive: Path, tmp_path: Path) -> None:
    """chronicle is SIGKILLed while its git moves the branch: the git finishes on its own,
    and no other chronicle may touch the archive (delete that git's ref lock) until it has."""
    real_git = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True,
                              check=True).stdout.strip()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(SLOW_GIT.format(git=real_git))
    (bin_dir / "git").chmod(0o755)
    started = tmp_path / "update-ref-started"
    [revision] = write_variants(tmp_path / "in", [7])
    head_before = (archive / ".git/refs/heads/main").read_text()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "SLOW_GIT_STARTED": str(started)}
    writer = subprocess.Popen([CHRONICLE, "ingest", str(revision), "-b", "crash", "--archive",
                               str(archive)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not started.exists():
        assert writer.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    assert lock_is_held(archive), "the orphaned git must still hold the writer lock"
    # a reader meanwhile reads the old state and leaves the live git's files alone
    assert cli("list", "--archive", str(archive)).exit_code == 0
    # a writer waits for the lock instead of deleting the live git's lock file
    [other] = write_variants(tmp_path / "in", [8])
    second = cli("ingest", str(other), "-b", "crash", "--archive", str(archive), "--json")
    assert second.exit_code == 0, second.output
    assert not lock_is_held(archive)
    assert (archive / ".git/refs/heads/main").read_text() != head_before
    assert committed_sources(archive) == [str(revision), str(other)]
    assert cli("verify", "--archive", str(archive)).exit_code == 0
    assert fsck_problems(archive) == [] and status_porcelain(archive) == ""


def test_an_init_killed_half_way_is_finished_by_init(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    assert cli("list", "--archive", str(folder)).exit_code == 4
    assert cli("init", "--archive", str(folder)).exit_code == 0
    assert cli("verify", "--archive", str(folder)).exit_code == 0


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    summary = run_harness(KILL_RUNS, archives=3, seed=KILL_SEED, workdir=tmp_path)
    print(summary.describe())
    assert not summary.problems, summary.describe()
    killed = [run for run in summary.runs if run.outcome == "killed"]
    assert len(killed) >= KILL_RUNS // 2
    assert any(run.committed == 0 for run in killed)
    assert any(run.committed == run.files for run in killed)
