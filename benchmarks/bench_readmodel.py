"""The read model (issue 14): commands answered from the projection, and what keeping it costs.

1. log and timeline of a --long (4,000) revision briefing and of a 10-revision one in
   the same archive, as `chronicle` subprocesses (--json, best of --repeat): <= 0.3 s,
   and the long one <= 1.5x the short one. Also in-process (the API call alone).
2. list of --many (100,000) one-revision briefings: <= 0.5 s (subprocess, --json).
3. rebuilding the projection from scratch (the --many archive, and the long briefing's
   archive): >= 1,000 events/s.
4. catching up 1,000 events appended by the store alone (no projection told): <= 2 s.
5. append cost with the projection kept by each append (the API's archives) against the
   store alone, on --append revisions (10 briefings): <= 1.2x.

Archives are built by build.py (the store's event bytes through git fast-import) and
kept under --keep to run again without building.

    .venv/bin/python benchmarks/bench_readmodel.py
    .venv/bin/python benchmarks/bench_readmodel.py --long 1000 --many 20000   # quicker
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import build
import common
import synth

from chronicle import api
from chronicle.projection import up_to_date
from chronicle.readers import parse_bytes
from chronicle.store import Archive, NewRevision
from chronicle.views import revision_message

Result = tuple[str, float, str, bool]  # what, measured, target text, met


def best(args: list[str], repeat: int) -> float:
    common.run(args)  # warm the page cache, catch up, check it works
    return min(common.timed(lambda: common.run(args))[0] for _ in range(repeat))


def command(archive: Path, *words: str) -> list[str]:
    return [common.CHRONICLE, *words, "--archive", str(archive), "--json"]


def archive_at(folder: Path, long: int, short: int) -> Path:
    """briefing-00000 with ``long`` revisions and briefing-00001 with ``short``."""
    if not (folder / "HEAD").exists():
        started = time.perf_counter()
        build.build(folder, long, 1, short)
        print(f"# built {folder} ({long} + {short} revisions) in "
              f"{time.perf_counter() - started:.0f}s", file=sys.stderr)
    return folder


def many_at(folder: Path, count: int) -> Path:
    if not (folder / "HEAD").exists():
        started = time.perf_counter()
        build.build(folder, 1, count - 1, 1)
        print(f"# built {folder} ({count} briefings) in {time.perf_counter() - started:.0f}s",
              file=sys.stderr)
    return folder


def rebuild_rate(path: Path) -> tuple[int, float]:
    """(events, seconds) of building the projection of ``path`` from nothing."""
    shutil.rmtree(path / ".chronicle", ignore_errors=True)
    archive = Archive(path)
    events: list[int] = [0]
    seconds = common.timed(lambda: up_to_date(archive, lambda done: events.__setitem__(0, done)))[0]
    archive.close()
    return events[0], seconds


def items_for(briefings: int, revisions: int, seed: int, prefix: str) -> list[NewRevision]:
    items = []
    for name, texts in synth.archive_texts(briefings, revisions, seed):
        for n, text in enumerate(texts, start=1):
            parsed = parse_bytes(text.encode(), f"{name}/{n:04d}.txt", "text")
            items.append(NewRevision(f"{prefix}{name}", parsed.revision, parsed.origin,
                                     parsed.extractor))
    return items


def catch_up(path: Path, items: list[NewRevision]) -> tuple[int, float]:
    """Append ``items`` with the store alone, then time bringing the projection up; the
    count is of the events actually appended."""
    archive = Archive(path)
    up_to_date(archive)
    appended = archive.append_many(items, revision_message)
    archive.close()
    archive = Archive(path)
    seconds = common.timed(lambda: up_to_date(archive))[0]
    archive.close()
    return sum(1 for a in appended if a.status == "recorded"), seconds


def append_costs(work: Path, items: list[NewRevision], rounds: int) -> tuple[float, float]:
    """Best wall seconds of append_many(items) into a new archive: store alone, and with
    the projection kept by the append (taking turns, so both see the same load)."""
    alone, kept = float("inf"), float("inf")
    for n in range(rounds):
        for with_model in (False, True):
            batch = [fresh(item) for item in items]  # as new input: nothing aligned before
            folder = work / f"append-{n}-{int(with_model)}"
            archive = Archive.init(folder)
            if with_model:
                api.with_read_model(archive)
                up_to_date(archive)  # as after init: an empty projection exists
            seconds = common.timed(lambda a=archive, b=batch: a.append_many(b, revision_message))[0]
            if with_model:
                assert (folder / ".chronicle" / "projection.sqlite").is_file()
                kept = min(kept, seconds)
            else:
                alone = min(alone, seconds)
            archive.close()
            shutil.rmtree(folder)
    return alone, kept


def fresh(item: NewRevision) -> NewRevision:
    """``item`` with a revision object of its own (chronicle.align keeps each revision
    object's alignment: appending the very same objects again would not align them)."""
    return NewRevision(item.briefing, item.revision.model_copy(deep=True), item.origin,
                       item.extractor)


def in_process(path: Path, briefing: str, repeat: int) -> dict[str, float]:
    archive = api.open_archive(path)
    found: dict[str, Any] = {}
    for name, call in (("log", lambda: api.log(archive, briefing)),
                       ("timeline", lambda: api.timeline(archive, briefing))):
        call()
        found[name] = min(common.timed(call)[0] for _ in range(repeat))
    archive.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", type=int, default=4000, help="revisions of the long briefing")
    parser.add_argument("--short", type=int, default=10, help="revisions of the short one")
    parser.add_argument("--many", type=int, default=100_000, help="briefings for list")
    parser.add_argument("--new", type=int, default=1000, help="events to catch up")
    parser.add_argument("--append", type=int, default=1000, help="revisions appended")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the archives here")
    args = parser.parse_args(argv)
    common.header("read model")
    results: list[Result] = []
    with common.workdir(args.keep) as work:
        long_archive = archive_at(work / f"long-{args.long}", args.long, args.short)
        events, seconds = rebuild_rate(long_archive)
        results.append((f"rebuild, {events:,} events of 2 briefings (events/s)",
                        events / seconds, ">= 1,000", events / seconds >= 1000))
        timings: dict[str, float] = {}
        for name in ("log", "timeline"):
            for label, briefing in (("long", "briefing-00000"), ("short", "briefing-00001")):
                timings[f"{name} {label}"] = best(
                    command(long_archive, name, briefing), args.repeat)
            results.append((f"{name} of {args.long:,} revisions, CLI (s)",
                            timings[f"{name} long"], "<= 0.3", timings[f"{name} long"] <= 0.3))
            ratio = timings[f"{name} long"] / timings[f"{name} short"]
            results.append((f"{name}: {args.long:,} / {args.short} revisions, CLI (ratio)",
                            ratio, "<= 1.5", ratio <= 1.5))
        for label, briefing in (("long", "briefing-00000"), ("short", "briefing-00001")):
            for name, value in in_process(long_archive, briefing, args.repeat).items():
                results.append((f"{name} of {label} briefing, API call alone (s)", value, "-",
                                True))
        many = many_at(work / f"many-{args.many}", args.many)
        events, seconds = rebuild_rate(many)
        results.append((f"rebuild, {events:,} events of {args.many:,} briefings (events/s)",
                        events / seconds, ">= 1,000", events / seconds >= 1000))
        listing = best(command(many, "list"), args.repeat)
        results.append((f"list of {args.many:,} briefings, CLI (s)", listing, "<= 0.5",
                        listing <= 0.5))
        # briefings of their own each run: a kept archive has the last run's already
        new_items = items_for(max(1, args.new // 100), min(100, args.new), 7,
                              f"new-{time.time_ns():x}-")
        count, seconds = catch_up(long_archive, new_items)
        results.append((f"catch up {count:,} new events (s)", seconds, "<= 2", seconds <= 2))
        append_items = items_for(10, max(1, args.append // 10), 3, "")
        alone, kept = append_costs(work, append_items, 2)
        results.append((f"append {len(append_items):,}: store alone (s)", alone, "-", True))
        results.append((f"append {len(append_items):,}: with the projection (s)", kept, "-",
                        True))
        results.append(("append cost with / without the projection (ratio)", kept / alone,
                        "<= 1.2", kept / alone <= 1.2))
    rows = [("measure", "value", "target", "")]
    rows += [(what, f"{value:,.3f}" if value < 100 else f"{value:,.0f}", target,
              "" if target == "-" else ("MET" if met else "NOT MET"))
             for what, value, target, met in results]
    print()
    common.table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
