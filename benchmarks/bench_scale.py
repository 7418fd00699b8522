"""The store at scale: single appends, bulk ingest, memory and disk at 1 k, 100 k, 1 M events.

For each size an archive of the default set-up (bare) is built with build.py (git
fast-import, the store's exact event bytes), then, with the real `chronicle` executable:

* single ingest: one new revision of an existing briefing, median of --repeat runs with a
  warm page cache, and once after dropping the page cache (cold; needs root, else skipped);
* `ingest --tree` of 1,000 new revisions (100 briefings x 10), in revisions/s, beside git
  fast-import writing the same event files as one commit each;
* peak memory (max RSS) of the single ingest and of the bulk ingest;
* disk: the archive folder, and after `chronicle gc`.

Ratios are against the smallest size, measured in the same run.

    .venv/bin/python benchmarks/bench_scale.py                      # 1 k and 100 k events
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,100000,1000000   # ~20 min
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import build
import common
import synth

BULK_BRIEFINGS, BULK_REVISIONS = 100, 10


@dataclass
class Size:
    events: int
    build_s: float = 0.0
    warm_s: list[float] = field(default_factory=list)
    cold_s: float | None = None
    single_rss_mb: float = 0.0
    bulk_rate: float = 0.0
    bulk_rss_mb: float = 0.0
    fast_import_rate: float = 0.0
    disk_mb: float = 0.0
    disk_gc_mb: float = 0.0
    git_gc_mb: float = 0.0


# Started from a small process: a child's max RSS starts at its parent's size at the fork
# (Linux keeps the high-water mark across exec), and this benchmark's process is large.
_RUNNER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(child.pid, 0)
if os.waitstatus_to_exitcode(status):
    sys.exit(child.stderr.read().decode()[:500])
print(time.perf_counter() - started, usage.ru_maxrss / 1024)
"""


def timed_child(args: list[str]) -> tuple[float, float]:
    """(wall seconds, max RSS in MB) of one child process."""
    done = common.run([sys.executable, "-c", _RUNNER, *args])
    wall, rss = done.stdout.split()
    return float(wall), float(rss)


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def measure(size: int, work: Path, repeat: int, gc: bool = True) -> Size:
    result = Size(size)
    archive = work / f"archive-{size}"
    briefings = max(1, size // 2)
    started = time.perf_counter()
    build.build(archive, 2, briefings - 1, 2)
    result.build_s = time.perf_counter() - started
    inputs = work / f"inputs-{size}"
    synth.write_tree(inputs, 1, repeat + 3, seed=7)  # new revisions of briefing-00000
    files = sorted((inputs / synth.briefing_id(0)).iterdir())[2:]
    chronicle = [common.CHRONICLE, "ingest", "-b", synth.briefing_id(0), "--archive", str(archive)]
    for path in files[:repeat]:
        wall, rss = timed_child([*chronicle, str(path)])
        result.warm_s.append(wall)
        result.single_rss_mb = max(result.single_rss_mb, rss)
    if drop_caches():
        result.cold_s = timed_child([*chronicle, str(files[repeat])])[0]
    tree = work / f"tree-{size}"
    synth.write_tree(tree, BULK_BRIEFINGS, BULK_REVISIONS, seed=11, first=briefings + 10)
    wall, result.bulk_rss_mb = timed_child([common.CHRONICLE, "ingest", "--tree", str(tree),
                                            "--archive", str(archive)])
    result.bulk_rate = BULK_BRIEFINGS * BULK_REVISIONS / wall
    result.fast_import_rate = fast_import_rate(work, size)
    result.disk_mb = common.du(archive) / 1e6
    print(f"# {size:,} events: single warm {statistics.median(result.warm_s):.3f} s, "
          f"RSS {result.single_rss_mb:.0f} MB; tree {result.bulk_rate:.0f} rev/s vs "
          f"fast-import {result.fast_import_rate:.0f}/s; disk {result.disk_mb:.1f} MB",
          file=sys.stderr, flush=True)
    if gc:  # chronicle gc repacks everything with a wide window: ~20 min at 100,000 events
        common.run([common.CHRONICLE, "gc", "--archive", str(archive)])
        result.disk_gc_mb = common.du(archive) / 1e6
    return result


def fast_import_rate(work: Path, size: int) -> float:
    """git fast-import writing the bulk run's event files, one commit each, into a copy."""
    target = work / f"fast-import-{size}"
    archive = build.build(target, 1, 0, 1)
    revisions = [build.Revisions(i, BULK_REVISIONS, 11) for i in range(1, BULK_BRIEFINGS + 1)]
    events = [event for i, r in enumerate(revisions, start=1)
              for event in build.event_files(synth.briefing_id(10_000_000 + i), r,
                                             "2024-01-01T00:00:00.000000Z")]
    started = time.perf_counter()
    count = build.fast_import(archive, events)
    return count / (time.perf_counter() - started)


def report(sizes: list[Size]) -> None:
    base = sizes[0]
    rows = [("events", "build s", "single warm s", "ratio", "single cold s", "ratio",
             "single RSS MB", "tree rev/s", "vs fast-import", "tree RSS MB", "disk MB",
             "after gc MB")]
    for s in sizes:
        warm = statistics.median(s.warm_s)
        cold = f"{s.cold_s:.3f}" if s.cold_s is not None else "n/a"
        cold_ratio = (f"{s.cold_s / base.cold_s:.2f}x" if s.cold_s is not None and base.cold_s
                      else "n/a")
        rows.append((f"{s.events:,}", f"{s.build_s:.0f}", f"{warm:.3f}",
                     f"{warm / statistics.median(base.warm_s):.2f}x", cold, cold_ratio,
                     f"{s.single_rss_mb:.0f}", f"{s.bulk_rate:.0f}",
                     f"{s.bulk_rate / s.fast_import_rate:.2f}x", f"{s.bulk_rss_mb:.0f}",
                     f"{s.disk_mb:.1f}", f"{s.disk_gc_mb:.1f}"))
    common.table(rows)
    largest = sizes[-1]
    print()
    print(f"single ingest at {largest.events:,} vs {base.events:,} events: "
          f"{statistics.median(largest.warm_s) / statistics.median(base.warm_s):.2f}x warm "
          "(target <= 1.2x)")
    print(f"ingest --tree: {largest.bulk_rate:.0f} revisions/s (target >= 300/s), "
          f"{largest.bulk_rate / largest.fast_import_rate:.2f}x git fast-import (target >= 0.25x)")
    print(f"peak memory of a single ingest: {base.single_rss_mb:.0f} MB at {base.events:,}, "
          f"{largest.single_rss_mb:.0f} MB at {largest.events:,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="events, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="single ingests per size")
    parser.add_argument("--keep", type=Path, help="keep the archives in this folder")
    parser.add_argument("--no-gc", action="store_true", help="skip `chronicle gc` (slow)")
    args = parser.parse_args(argv)
    common.header("store at scale")
    with common.workdir(args.keep) as work:
        sizes = [measure(int(n), work, args.repeat, not args.no_gc)
                 for n in args.sizes.split(",")]
    report(sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
