"""Bulk ingest end to end: `chronicle ingest --tree DIR` as a real subprocess.

A synthetic tree of ~4 KB plain-text briefings (synth.py) is ingested into a fresh
archive; the wall time of the whole command (start-up, parsing, extraction, events,
commits, working tree) gives revisions/s. Then the same command runs under cProfile
on a smaller tree and the top costs are printed, grouped by stage.

    .venv/bin/python benchmarks/bench_ingest.py                  # 20 x 25 = 500 revisions
    .venv/bin/python benchmarks/bench_ingest.py --briefings 100 --revisions 50
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
from pathlib import Path

import common
import synth

# (label, function key as pstats names it: (file suffix, function name))
STAGES = (
    ("read + parse + extract (parse_file)", ("readers/__init__.py", "parse_file")),
    ("  of which figures (find_figures)", ("figures.py", "find_figures")),
    ("  of which sentences (split_sentences)", ("sentences.py", "split_sentences")),
    ("append_many (store, all of it)", ("store.py", "append_many")),
    ("  schema check of each event (jsonschema-rs)", ("append.py", "validate_event")),
    ("  commit message (diff to previous revision)", ("views.py", "commit_message")),
    ("  bytes of the event file", ("layout.py", "event_file_bytes")),
    ("  content_sha256 (canonical form)", ("layout.py", "content_sha256")),
    ("  objects: pack written + fsynced", ("gitobjects.py", "sync")),
    ("  flush (fsync dirs, ledger, update-ref, work tree)", ("append.py", "flush")),
)


def ingest(tree: Path, archive: Path) -> float:
    common.run([common.CHRONICLE, "init", "--archive", str(archive)])
    wall, _ = common.timed(lambda: common.run(
        [common.CHRONICLE, "ingest", "--tree", str(tree), "--archive", str(archive), "--json"]))
    return wall


def _parse(path: Path) -> int:
    from chronicle.readers import parse_file

    return len(parse_file(path).revision.claims)


def parse_rates(tree: Path, processes: int) -> tuple[float, float]:
    """Revisions/s of parsing alone, in this process and spread over ``processes``."""
    import multiprocessing

    import chronicle.extract  # noqa: F401  (imported before the clock and the fork)

    files = sorted(tree.rglob("*.txt"))
    _parse(files[0])
    serial = common.timed(lambda: [_parse(f) for f in files])[0]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_parse, files[:processes])
        spread = common.timed(lambda: pool.map(_parse, files, chunksize=8))[0]
    return len(files) / serial, len(files) / spread


def profile(tree: Path, archive: Path, out: Path, top: int) -> None:
    common.run([common.CHRONICLE, "init", "--archive", str(archive)])
    common.run([common.PYTHON, "-m", "cProfile", "-o", str(out), common.CHRONICLE, "ingest",
                "--tree", str(tree), "--archive", str(archive), "--json"])
    stats = pstats.Stats(str(out))
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    count = sum(1 for _ in tree.rglob("*.txt"))
    print(f"\nprofile of `chronicle ingest --tree` on {count} revisions (cProfile; times are "
          f"inflated by the profiler, shares are what matters): {total:.1f}s")
    rows: list[tuple[str, ...]] = [("stage", "cumulative s", "share", "ms/revision")]
    for label, (suffix, name) in STAGES:
        seconds = sum(v[3] for (file, _, func), v in stats.stats.items()  # type: ignore[attr-defined]
                      if func == name and file.endswith(suffix))
        rows.append((label, f"{seconds:.2f}", f"{seconds / total:.0%}",
                     f"{seconds / count * 1000:.1f}"))
    common.table(rows)
    print(f"\ntop {top} functions by own time:")
    ranked = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    for (file, line, func), (_, calls, own, cumulative, _) in ranked[:top]:
        where = "/".join(Path(file).parts[-2:])
        print(f"  {own:6.2f}s own {cumulative:6.2f}s cum {calls:>9,} calls  {where}:{line} {func}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=25, help="per briefing")
    parser.add_argument("--profile-revisions", type=int, default=100,
                        help="revisions in the profiled run (0: no profile)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    common.header("bulk ingest end to end")
    with common.workdir(args.keep) as work:
        tree = work / "tree"
        count = synth.write_tree(tree, args.briefings, args.revisions, args.seed)
        size = common.du(tree)
        wall, cpu, _ = common.cpu_timed(lambda: ingest(tree, work / "archive"))
        rate = count / wall
        print(f"\n`chronicle ingest --tree`: {count} revisions ({args.briefings} briefings x "
              f"{args.revisions}, {size / count / 1024:.1f} KiB each) in {wall:.1f}s wall, "
              f"{cpu:.1f}s CPU: {rate:.1f} revisions/s  (target >= 150/s): "
              f"{'MET' if rate >= 150 else 'NOT MET'}")
        cores = os.cpu_count() or 1
        serial, spread = parse_rates(tree, cores)
        print(f"parsing alone (read + parse + extract, in-process): {serial:.0f} revisions/s in "
              f"one process, {spread:.0f}/s on {cores} processes")
        if args.profile_revisions:
            small = work / "small"
            per = max(1, args.profile_revisions // 4)
            synth.write_tree(small, 4, per, args.seed)
            profile(small, work / "profiled", work / "ingest.prof", args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
