"""Replay: log, show, diff, timeline and blame of one briefing, end to end (`chronicle` runs).

1. The same briefing (briefing-00000, --revisions revisions) in an archive that holds
   only it and in one of --briefings briefings (default 10,000, 3 revisions each):
   the big archive should cost at most 1.2x the small one, command by command.
2. One briefing with --long revisions (default 1,000): `chronicle diff` < 1 s.

Archives are built by build.py (the store's event bytes through git fast-import);
a small archive built the same way is checked with `chronicle verify` first. Each
command is timed as a subprocess, best of --repeat runs, --json output.

    .venv/bin/python benchmarks/bench_replay.py
    .venv/bin/python benchmarks/bench_replay.py --briefings 2000 --long 300   # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path
from typing import Any

import build
import common

COMMANDS = ("log", "show", "diff", "timeline", "blame")


def available(command: str) -> bool:
    result = common.run([common.CHRONICLE, command, "--help"], check=False)
    return result.returncode == 0


def command_args(archive: Path, command: str) -> list[str]:
    return [common.CHRONICLE, command, "briefing-00000", "--archive", str(archive), "--json"]


def command_times(archives: list[Path], command: str, repeat: int) -> list[float]:
    """Best of ``repeat`` runs in each archive, taking turns so both see the same load."""
    runs = [command_args(a, command) for a in archives]
    for args in runs:
        common.run(args)  # warm the page cache and check it works
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for n, args in enumerate(runs):
            best[n] = min(best[n], common.timed(lambda args=args: common.run(args))[0])
    return best


def gc(archive: Path) -> None:
    common.run(["git", "-C", str(archive), "gc", "-q"])


def cat_file_batch(git_dir: Path, shas: list[bytes]) -> list[bytes]:
    """Objects read by one `git cat-file --batch` (git resolves deltas in C)."""
    result = common.run(["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
                        stdin=b"".join(sha.hex().encode() + b"\n" for sha in shas))
    out, pos, found = result.stdout, 0, []
    while pos < len(out):
        newline = out.index(b"\n", pos)
        size = int(out[pos:newline].split()[2])
        found.append(out[newline + 1 : newline + 1 + size])
        pos = newline + 2 + size
    return found


_PREVIOUS = re.compile(rb'\n  "previous_sha256": (null|"([0-9a-f]{64})")')


def breakdown(path: Path, briefing: str = "briefing-00000", repeat: int = 3) -> dict[str, float]:
    """In-process seconds of each step a read command takes on one briefing (best of runs)."""
    best: dict[str, float] = {}

    def step(name: str, func: Any) -> Any:
        seconds, result = common.timed(func)
        best[name] = min(best.get(name, float("inf")), seconds)
        return result

    for _ in range(repeat):
        _steps(path, briefing, step)
    return best


def _steps(path: Path, briefing: str, step: Any) -> None:
    from chronicle.api import diff as api_diff
    from chronicle.api import history
    from chronicle.events import decode_event, load_event_json
    from chronicle.gitobjects import TreeBuilder
    from chronicle.layout import briefing_folder, content_sha256
    from chronicle.replay import replay
    from chronicle.store import Archive
    from chronicle.views import diff_revisions

    archive = step("open the archive", lambda: Archive(path))
    tree = TreeBuilder(archive.objects, archive.repository.root_tree())
    entries = step("find the briefing's files (trees, gitdb)",
                   lambda: tree.entries(briefing_folder(briefing)))
    shas = [entries[name][1] for name in sorted(entries)]
    raws = step("read event blobs: gitdb (as before)",
                lambda: [archive.objects.read(sha) for sha in shas])
    step("read event blobs: one `git cat-file --batch` (store now)",
         lambda: cat_file_batch(archive.git_dir, shas))
    documents = step("parse: json.loads, every event",
                     lambda: [load_event_json(raw, "p") for raw in raws])
    step("check: content_sha256 of every event (canonical form of the stored revision)",
         lambda: [content_sha256(d["revision"], d["schema_version"]) for d in documents])
    step("check: sha256 of raw + previous_sha256 by regex, every event",
         lambda: [(hashlib.sha256(r).hexdigest(), _PREVIOUS.search(r)) for r in raws])
    stored = step("decode: json + hash + upcast + model, every event",
                  lambda: [decode_event("p", raw) for raw in raws])
    step("replay() alone (checks + states)", lambda: replay(stored))
    states = step("api.history (read + parse + full replay: log, timeline, blame)",
                  lambda: history(archive, briefing))
    step("api.diff (what `diff` runs now: raw chain check, 2 parsed)",
         lambda: api_diff(Archive(path), briefing, None, None))
    step("diff_revisions of the last two", lambda: diff_revisions(
        briefing, states[-2].revision, states[-1].revision, (len(states) - 1, len(states))))


def import_seconds(repeat: int = 5) -> float:
    """`python -c "import chronicle.api"`: the start-up every read command pays."""
    return common.best_of(lambda: common.run([common.PYTHON, "-c", "import chronicle.api"]),
                          repeat)


def print_breakdowns(columns: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(columns.values())))
    rows: list[tuple[str, ...]] = [("in-process step (ms)", *columns)]
    for name in names:
        rows.append((name, *(f"{c[name] * 1000:.1f}" for c in columns.values())))
    common.table(rows)


def projected(steps: dict[str, float], start: float, count: int) -> float:
    """A diff with the store changes recommended in docs/benchmarks.md: blobs read by one
    `git cat-file --batch`, the chain checked on raw bytes, only the two revisions shown
    parsed and content-checked."""
    count_two = 2 / count
    return (start + steps["open the archive"] + steps["find the briefing's files (trees, gitdb)"]
            + steps["read event blobs: one `git cat-file --batch` (store now)"]
            + steps["check: sha256 of raw + previous_sha256 by regex, every event"]
            + count_two * steps["decode: json + hash + upcast + model, every event"]
            + steps["diff_revisions of the last two"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=20, help="of the measured briefing")
    parser.add_argument("--briefings", type=int, default=10_000, help="in the big archive")
    parser.add_argument("--filler-revisions", type=int, default=3)
    parser.add_argument("--long", type=int, default=1000, help="revisions of the long briefing")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the archives in this folder")
    args = parser.parse_args(argv)
    common.header("replay: one briefing in a small and a big archive; a long briefing")
    commands = [c for c in COMMANDS if available(c)]
    for missing in sorted(set(COMMANDS) - set(commands)):
        print(f"# note: `chronicle {missing}` does not exist yet: skipped")

    with common.workdir(args.keep) as work:
        check = build.build(work / "check", 4, 5, 3, target_with_store=True)
        verify = common.run([common.CHRONICLE, "verify", "--archive", str(check.path)],
                            check=False)
        print(f"# builder check: `chronicle verify` on a 6-briefing archive built the same way: "
              f"{verify.stdout.decode().strip()} (exit {verify.returncode})")
        if verify.returncode != 0:
            return 1

        start = time.perf_counter()
        small = build.build(work / "small", args.revisions, 0, 0, target_with_store=True)
        big = build.build(work / "big", args.revisions, args.briefings - 1, args.filler_revisions,
                          target_with_store=True)
        print(f"# built: 1 briefing x {args.revisions} and {args.briefings:,} briefings "
              f"({args.revisions} + {args.briefings - 1:,} x {args.filler_revisions} revisions) "
              f"in {time.perf_counter() - start:.0f}s: fillers by fast-import (one pack), "
              f"briefing-00000 appended by the store (loose objects)")
        rows: list[tuple[str, ...]] = [("command (end to end)", "1 briefing (s)",
                                        f"{args.briefings:,} (s)", "ratio", "<= 1.2x")]
        worst = 0.0
        steps: dict[str, dict[str, float]] = {}
        for label, prepare in (("as written", None), ("after git gc", gc)):
            if prepare:
                prepare(small.path)
                prepare(big.path)
            steps[f"1, {label}"] = breakdown(small.path)
            steps[f"{args.briefings:,}, {label}"] = breakdown(big.path)
            for command in commands:
                one, many = command_times([small.path, big.path], command, args.repeat)
                worst = max(worst, many / one)
                rows.append((f"{command} ({label})", f"{one:.3f}", f"{many:.3f}",
                             f"{many / one:.2f}", "met" if many / one <= 1.2 else "NOT MET"))
                print(f"  {command} {label}: {one:.3f}s vs {many:.3f}s", file=sys.stderr)
        print()
        common.table(rows)
        print(f"\nworst ratio {worst:.2f} (target <= 1.2): {'MET' if worst <= 1.2 else 'NOT MET'}")
        print(f"\nwhere the time goes, briefing-00000 ({args.revisions} revisions), per archive:")
        print_breakdowns(steps)

        if args.long:
            start = time.perf_counter()
            long = build.build(work / "long", args.long, 0, 0)
            build.unpack(long)
            print(f"\n# built: 1 briefing x {args.long:,} revisions in "
                  f"{time.perf_counter() - start:.0f}s (fast-import, then unpacked: loose "
                  f"objects, as the store writes them)")
            rows = [("command (end to end)", f"{args.long:,} revisions (s)")]
            timings: dict[str, float] = {}
            long_steps: dict[str, dict[str, float]] = {}
            for label, prepare in (("loose", None), ("after git gc", gc)):
                if prepare:
                    prepare(long.path)
                long_steps[label] = breakdown(long.path, repeat=1)
                for command in ("diff", "show"):
                    key = f"{command} ({label})"
                    timings[key] = command_times([long.path], command, min(3, args.repeat))[0]
                    rows.append((key, f"{timings[key]:.3f}"))
            print()
            common.table(rows)
            slowest = max(v for k, v in timings.items() if k.startswith("diff"))
            print(f"\ndiff of a {args.long:,}-revision briefing: {slowest:.2f}s (target < 1 s): "
                  f"{'MET' if slowest < 1 else 'NOT MET'}")
            print(f"\nwhere the time goes ({args.long:,} revisions):")
            print_breakdowns(long_steps)
            start_up = import_seconds()
            print(f"\nstart-up of a read command (python -c 'import chronicle.api'): "
                  f"{start_up:.3f}s")
            for label, found in long_steps.items():
                print(f"projected diff ({label}) with the recommended store changes: "
                      f"{projected(found, start_up, args.long):.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
