"""Sync (issue 15): fetching, checking and adopting new remote events, and a sync with
nothing to do, between two bare archives on this machine (plain path remote: no network
round trip, so the numbers are chronicle's and git's own work).

1. syncing --new (1,000) events another copy published: <= 5 s;
2. a no-op sync: <= 0.3 s plus the round trip.

    .venv/bin/python benchmarks/bench_sync.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import common
import synth

from chronicle.readers import parse_bytes
from chronicle.store import Archive, NewRevision
from chronicle.views import revision_message


def publish(origin: Path, briefings: int, revisions: int) -> int:
    """Append briefings x revisions to ``origin`` (the store alone); the count."""
    items = []
    for name, texts in synth.archive_texts(briefings, revisions, 11):
        for n, text in enumerate(texts, start=1):
            parsed = parse_bytes(text.encode(), f"{name}/{n:04d}.txt", "text")
            items.append(NewRevision(name, parsed.revision, parsed.origin, parsed.extractor))
    archive = Archive(origin)
    archive.append_many(items, revision_message)
    archive.close()
    return len(items)


def timed_sync(copy: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = common.run([common.CHRONICLE, "sync", "--json", "--archive", str(copy)])
    return time.perf_counter() - started, result.stdout.decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--new", type=int, default=1000, help="events the remote gains")
    parser.add_argument("--repeat", type=int, default=5, help="no-op syncs (best is kept)")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    common.header("sync")
    with common.workdir(args.keep) as work:
        origin, copy = work / "origin", work / "copy"
        common.run([common.CHRONICLE, "init", "--archive", str(origin)])
        common.run([common.CHRONICLE, "clone", str(origin), str(copy)])
        count = publish(origin, max(1, args.new // 10), 10)
        seconds, report = timed_sync(copy)
        print(f"# sync of {count:,} new remote events: {' '.join(report.split())}",
              file=sys.stderr)
        noop = min(timed_sync(copy)[0] for _ in range(args.repeat))
    rows = [("measure", "value", "target", ""),
            (f"sync {count:,} new remote events (s)", f"{seconds:.2f}", "<= 5",
             "MET" if seconds <= 5 else "NOT MET"),
            ("no-op sync, path remote (s)", f"{noop:.3f}", "<= 0.3",
             "MET" if noop <= 0.3 else "NOT MET")]
    print()
    common.table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
