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
import sys
import time
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=20, help="of the measured briefing")
    parser.add_argument("--briefings", type=int, default=10_000, help="in the big archive")
    parser.add_argument("--filler-revisions", type=int, default=3)
    parser.add_argument("--long", type=int, default=1000, help="revisions of the long briefing")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the archives in this folder")
    args = parser.parse_args(argv)
    common.header("replay: one briefing in a small and a big archive; a long briefing")
    commands = [c for c in COMMANDS if available(c)]
    for missing in sorted(set(COMMANDS) - set(commands)):
        print(f"# note: `chronicle {missing}` does not exist yet: skipped")

    with common.workdir(args.keep) as work:
        check = build.build(work / "check", 4, 5, 3)
        verify = common.run([common.CHRONICLE, "verify", "--archive", str(check.path)],
                            check=False)
        print(f"# builder check: `chronicle verify` on a 6-briefing archive built the same way: "
              f"{verify.stdout.decode().strip()} (exit {verify.returncode})")
        if verify.returncode != 0:
            return 1

        start = time.perf_counter()
        small = build.build(work / "small", args.revisions, 0, 0)
        big = build.build(work / "big", args.revisions, args.briefings - 1, args.filler_revisions)
        print(f"# built: 1 briefing x {args.revisions} and {args.briefings:,} briefings "
              f"({args.revisions} + {args.briefings - 1:,} x {args.filler_revisions} revisions) "
              f"in {time.perf_counter() - start:.0f}s")
        rows: list[tuple[str, ...]] = [("command", "1 briefing (s)", f"{args.briefings:,} (s)",
                                        "ratio", "<= 1.2x")]
        worst = 0.0
        for label, prepare in (("as written", None), ("after git gc", gc)):
            if prepare:
                prepare(small.path)
                prepare(big.path)
            for command in commands:
                one, many = command_times([small.path, big.path], command, args.repeat)
                worst = max(worst, many / one)
                rows.append((f"{command} ({label})", f"{one:.3f}", f"{many:.3f}",
                             f"{many / one:.2f}", "met" if many / one <= 1.2 else "NOT MET"))
                print(f"  {command} {label}: {one:.3f}s vs {many:.3f}s", file=sys.stderr)
        print()
        common.table(rows)
        print(f"\nworst ratio {worst:.2f} (target <= 1.2): {'MET' if worst <= 1.2 else 'NOT MET'}")

        if args.long:
            start = time.perf_counter()
            long = build.build(work / "long", args.long, 0, 0)
            print(f"\n# built: 1 briefing x {args.long:,} revisions in "
                  f"{time.perf_counter() - start:.0f}s")
            rows = [("command", f"{args.long:,} revisions (s)")]
            timings: dict[str, float] = {}
            for label, prepare in (("as written", None), ("after git gc", gc)):
                if prepare:
                    prepare(long.path)
                for command in ("diff", "show"):
                    timings[f"{command} ({label})"] = command_times([long.path], command,
                                                                    args.repeat)[0]
                    rows.append((f"{command} ({label})", f"{timings[f'{command} ({label})']:.3f}"))
            print()
            common.table(rows)
            slowest = max(v for k, v in timings.items() if k.startswith("diff"))
            print(f"\ndiff of a {args.long:,}-revision briefing: {slowest:.2f}s (target < 1 s): "
                  f"{'MET' if slowest < 1 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
