#!/usr/bin/env python
"""Kill real `chronicle ingest` processes with SIGKILL at random moments and check the archive.

    .venv/bin/python tests/kill_harness.py --runs 100          # on demand
    CHRONICLE_KILL_RUNS=100 .venv/bin/pytest tests/test_crash.py   # the same through pytest

Each run starts `chronicle ingest` of 1-4 new revisions (one batch, one branch move) into
one of a few archives, waits a random 0-300 ms and sends SIGKILL, either to the chronicle
process alone (a git it started lives on, orphaned) or to its whole process group (git
dies too). The delay is counted from the moment the writer holds the archive lock (so
the kill lands in the write itself) in half the runs, from the moment its ledger 'begin'
line appears (just before the branch moves; delay 0-50 ms there) in 30%, from process
start in the rest. After
each kill it waits until no process holds the lock, notes what the killed writer left
behind, and then checks:

* the next chronicle command recovers by itself: opening the archive (what every
  command does) removes stale git locks, temporary files and the dirty marker, closes
  the ledger's pending batch and brings index and working tree up to date;
* `verify` reports no problem (hash chain, sequences, history, ledger);
* every event on main replays;
* the killed batch is all-or-nothing: its revisions are all on main or none is;
* `git fsck --full --strict` finds nothing but dangling objects; `git status` is clean.

At the end of each archive another ingest must succeed and a real `chronicle verify`
subprocess must exit 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive_tools import (
    CHRONICLE,
    fsck_problems,
    git_dir_of,
    lock_is_held,
    status_porcelain,
    write_variants,
)

BRIEFINGS = ("crash-a", "crash-b")
GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock", "refs/heads/main.lock",
             "refs/chronicle/ledger.lock")


@dataclass
class Run:
    archive: int
    number: int
    briefing: str
    files: int
    target: str  # 'process' or 'group'
    anchor: str  # 'start', 'lock' or 'ledger'
    delay: float
    outcome: str = ""  # 'killed' or 'finished'
    committed: int = 0
    leftovers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Summary:
    runs: list[Run]
    seconds: float
    final_problems: list[str]

    @property
    def problems(self) -> list[str]:
        found = list(self.final_problems)
        for run in self.runs:
            found += [f"archive {run.archive} run {run.number}: {p}" for p in run.problems]
        return found

    def describe(self) -> str:
        killed = [r for r in self.runs if r.outcome == "killed"]
        lines = [
            f"{len(self.runs)} runs in {self.seconds:.1f}s: {len(killed)} killed mid-way, "
            f"{len(self.runs) - len(killed)} finished before the kill",
            "killed runs by what was on main afterwards: "
            f"nothing {sum(1 for r in killed if r.committed == 0)}, "
            f"whole batch {sum(1 for r in killed if r.committed and r.committed == r.files)}, "
            f"part of a batch {sum(1 for r in killed if 0 < r.committed < r.files)}",
            "kill target: " + ", ".join(f"{k} {v}" for k, v in
                                        sorted(Counter(r.target for r in killed).items())),
            "delay counted from: " + ", ".join(f"{k} {v}" for k, v in
                                               sorted(Counter(r.anchor for r in killed).items())),
            "left behind for recovery: " + (", ".join(
                f"{k} x{v}" for k, v in sorted(Counter(
                    x for r in self.runs for x in r.leftovers).items())) or "nothing"),
            f"problems: {len(self.problems)}",
        ]
        return "\n".join(lines + [f"  {p}" for p in self.problems[:20]])


def leftovers(archive: Path) -> list[str]:
    """What a killed writer left that recovery must handle (looked at before any command)."""
    git_dir = git_dir_of(archive)
    found = [f"git lock {name}" for name in GIT_LOCKS if (git_dir / name).exists()]
    temp = git_dir / "chronicle-tmp"
    if temp.is_dir() and any(temp.iterdir()):
        found.append("temporary files")
    if (git_dir / "chronicle-dirty").exists():
        found.append("dirty marker")
    ledger = git_dir / "chronicle-ledger.jsonl"
    data = ledger.read_bytes() if ledger.exists() else b""
    if data and not data.endswith(b"\n"):
        found.append("torn ledger line")
    complete = data[: data.rfind(b"\n") + 1].splitlines()
    if complete and json.loads(complete[-1]).get("op") == "begin":
        found.append("pending ledger batch")
    head = (git_dir / "refs/heads/main").read_text().strip()
    synced = git_dir / "chronicle-synced"
    if git_dir != archive and (not synced.exists() or synced.read_text().strip() != head):
        found.append("working copy behind")
    return found


def check_archive(archive: Path) -> tuple[list[str], dict[str, int]]:
    """Open the archive as any command does, verify, replay; return problems and input counts."""
    from chronicle.api import history, open_archive
    from chronicle.checks import verify_archive

    problems: list[str] = []
    opened = open_archive(archive)  # recovers if a writer died
    after = leftovers(archive)
    if after:
        problems.append(f"not recovered by the next command: {after}")
    count, found = verify_archive(opened)
    problems += [f"verify: {p}" for p in found]
    inputs: Counter[str] = Counter()
    for briefing in opened.briefings():
        states = history(opened, briefing)  # raises CorruptArchive if anything is incomplete
        inputs.update(s.origin.sha256 for s in states)
    if sum(inputs.values()) != count:
        problems.append(f"replayed {sum(inputs.values())} events, verify counted {count}")
    problems += [f"git fsck: {line}" for line in fsck_problems(archive)]
    status = status_porcelain(archive) if (archive / ".git").is_dir() else ""
    if status:
        problems.append(f"git status not clean: {status[:200]}")
    return problems, dict(inputs)


def wait_for_lock(archive: Path, seconds: float = 60.0) -> bool:
    """Wait until nobody (an orphaned git, say) holds the writer lock; True if it was held."""
    held = False
    deadline = time.monotonic() + seconds
    while lock_is_held(archive):
        held = True
        if time.monotonic() > deadline:
            raise RuntimeError("writer lock still held a minute after the kill")
        time.sleep(0.005)
    return held


def run_one(archive: Path, run: Run, files: list[Path], rng: random.Random) -> None:
    command = [CHRONICLE, "ingest", *map(str, files), "-b", run.briefing, "--archive", str(archive)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    if run.anchor == "lock":
        while process.poll() is None and not lock_is_held(archive):
            time.sleep(0.001)
    elif run.anchor == "ledger":
        ledger = git_dir_of(archive) / "chronicle-ledger.jsonl"
        size = ledger.stat().st_size
        while process.poll() is None and ledger.stat().st_size == size:
            time.sleep(0.001)
    time.sleep(run.delay)
    if process.poll() is None:
        try:
            if run.target == "group":
                os.killpg(process.pid, signal.SIGKILL)
            else:
                os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    code = process.wait()
    stderr = process.stderr.read().decode() if process.stderr else ""
    run.outcome = "killed" if code == -signal.SIGKILL else "finished"
    if run.outcome == "finished" and code != 0:
        run.problems.append(f"ingest exited {code}: {stderr.strip()}")
    if wait_for_lock(archive):
        run.leftovers.append("orphaned git held the lock")
    run.leftovers += leftovers(archive)


def run_archive(index: int, runs: int, seed: int, workdir: Path, max_delay: float) -> list[Run]:
    rng = random.Random(seed * 1000 + index)
    archive = workdir / f"archive-{index}"
    setup = ["--worktree"] if index % 2 == 0 else []  # both set-ups: checkout, and bare
    subprocess.run([CHRONICLE, "init", *setup, "--archive", str(archive)], check=True,
                   capture_output=True)
    done: list[Run] = []
    submitted: dict[str, int] = {}  # input sha256 -> times a finished/killed run offered it
    for number in range(runs):
        size = rng.randint(1, 4)
        first = (index * 100_000) + number * 10
        files = write_variants(workdir / f"inputs-{index}", list(range(first, first + size)))
        digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
        anchor = rng.choices(("start", "lock", "ledger"), (2, 5, 3))[0]
        # the branch moves within ~30 ms of the ledger line: aim there with a shorter fuse
        delay = rng.uniform(0, max_delay / (6 if anchor == "ledger" else 1))
        run = Run(index, number, rng.choice(BRIEFINGS), size,
                  "group" if rng.random() < 0.4 else "process", anchor, delay)
        run_one(archive, run, files, rng)
        problems, inputs = check_archive(archive)
        run.problems += problems
        run.committed = sum(1 for d in digests if d in inputs)
        if run.committed not in (0, size):
            run.problems.append(f"batch of {size} is partly on main ({run.committed})")
        if run.outcome == "finished" and run.committed != size:
            run.problems.append(f"finished ingest but only {run.committed}/{size} on main")
        if any(inputs.get(d, 0) > 1 for d in digests):
            run.problems.append("a revision is stored twice")
        for digest in digests:
            submitted[digest] = 1
        done.append(run)
    return done


def final_check(workdir: Path, archives: int) -> list[str]:
    """Every archive takes one more ingest and passes a real `chronicle verify`."""
    problems = []
    for index in range(archives):
        archive = workdir / f"archive-{index}"
        [extra] = write_variants(workdir / "final", [900_000 + index])
        ingest = subprocess.run([CHRONICLE, "ingest", str(extra), "-b", BRIEFINGS[0], "--archive",
                                 str(archive)], capture_output=True, text=True, check=False)
        if ingest.returncode != 0 or "recorded" not in ingest.stdout:
            problems.append(f"archive {index}: ingest after the kills failed: {ingest.stderr}")
        verify = subprocess.run([CHRONICLE, "verify", "--archive", str(archive)],
                                capture_output=True, text=True, check=False)
        if verify.returncode != 0:
            problems.append(f"archive {index}: chronicle verify exited {verify.returncode}: "
                            f"{verify.stdout[-500:]}")
        problems += [f"archive {index}: git fsck: {p}" for p in fsck_problems(archive)]
        if (archive / ".git").is_dir() and status_porcelain(archive):
            problems.append(f"archive {index}: git status not clean")
    return problems


def run_harness(runs: int, archives: int = 4, seed: int = 0, workdir: Path | None = None,
                max_delay: float = 0.3) -> Summary:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chronicle-kill-") as scratch:
        root = workdir or Path(scratch)
        archives = max(1, min(archives, runs))
        shares = [runs // archives + (1 if i < runs % archives else 0) for i in range(archives)]
        with ThreadPoolExecutor(archives) as pool:
            futures = [pool.submit(run_archive, i, shares[i], seed, root, max_delay)
                       for i in range(archives)]
            results = [run for future in futures for run in future.result()]
        final = final_check(root, archives)
    return Summary(results, time.monotonic() - started, final)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--archives", type=int, default=4, help="archives killed in parallel")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--max-delay", type=float, default=0.3, help="seconds (default 0.3)")
    parser.add_argument("--keep", type=Path, help="keep the archives in this (new) folder")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True)
    summary = run_harness(args.runs, args.archives, args.seed, args.keep, args.max_delay)
    print(f"seed {args.seed}")
    print(summary.describe())
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
