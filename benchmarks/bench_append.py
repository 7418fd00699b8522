"""Store append throughput (revisions/s), one commit per revision, against git itself.

The revisions are parsed before the clock starts ("events already built"); then, in one
run, on the same machine and the same event files:

  store           Archive.append_many(items, revision_message): what `chronicle ingest`
                  runs after parsing (event building, schema check with jsonschema-rs,
                  commit message with a diff to the previous revision, objects written
                  as one fsynced pack per batch, CAS ref moves, working tree)
  store variants  the same with one cost taken out or put back, to show where the time
                  goes (no schema check; jsonschema's validator as before; plain message)
  objects only    the store's object layer alone (TreeBuilder + one pack per 256 commits
                  + ref move) writing the store's own event bytes and messages
  fast-import     `git fast-import` reading the same files and messages, one commit
                  each: the practical limit (no working tree; '+ checkout' adds one)
  naive GitPython index.add + index.commit per file (run on fewer revisions: it is slow)

    .venv/bin/python benchmarks/bench_append.py                 # 10 x 100 = 1,000 revisions
    .venv/bin/python benchmarks/bench_append.py --briefings 50 --revisions 100
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
import synth

from chronicle import append, schemas
from chronicle.append import DEFAULT_IDENTITY
from chronicle.gitobjects import ObjectWriter, TreeBuilder, commit_bytes, update_ref
from chronicle.layout import BRANCH
from chronicle.readers import parse_bytes
from chronicle.store import Archive, NewRevision
from chronicle.views import revision_message

Event = tuple[str, bytes, bytes]  # path, file bytes, commit message
Timing = tuple[float, float]  # wall seconds, CPU seconds (with child processes)


def build_items(briefings: int, revisions: int, seed: int) -> list[NewRevision]:
    """Parsed revisions in the order `ingest --tree` appends them (briefing by briefing)."""
    items = []
    for name, texts in synth.archive_texts(briefings, revisions, seed):
        for n, text in enumerate(texts, start=1):
            parsed = parse_bytes(text.encode(), f"{name}/{n:04d}.txt", "text")
            items.append(NewRevision(name, parsed.revision, parsed.origin, parsed.extractor))
    return items


def step_costs(items: list[NewRevision], sample: int) -> list[tuple[str, float]]:
    """Seconds per revision of each step the store runs per event, timed one by one."""
    import uuid
    from collections import defaultdict

    from chronicle.append import tame_numbers
    from chronicle.layout import SCHEMA_VERSION, content_sha256, event_file_bytes, event_path
    from chronicle.store import Prior

    spent: dict[str, float] = defaultdict(float)
    previous: dict[str, Prior] = {}
    sequence: dict[str, int] = defaultdict(int)
    clock = time.perf_counter
    for item in items[:sample]:
        sequence[item.briefing] += 1
        n = sequence[item.briefing]
        t0 = clock()
        revision = item.revision.model_dump(mode="json")
        t1 = clock()
        tame = tame_numbers(item.revision)
        content = content_sha256(revision, SCHEMA_VERSION, tame)
        document = {
            "schema_version": SCHEMA_VERSION, "event_id": uuid.uuid4().hex,
            "type": "revision.recorded", "briefing": item.briefing, "sequence": n,
            "recorded_at": "2024-01-01T00:00:00.000000Z",
            "observed_at": "2024-01-01T00:00:00.000000Z", "content_sha256": content,
            "previous_sha256": None if n == 1 else "0" * 64,
            "origin": item.origin.model_dump(mode="json"),
            "extractor": item.extractor.model_dump(mode="json"), "revision": revision,
        }
        t2 = clock()
        append.validate_event(document, event_path(item.briefing, n))
        t3 = clock()
        event_file_bytes(document, tame)
        t4 = clock()
        revision_message(item, n, previous.get(item.briefing))
        t5 = clock()
        schemas.validate(document, "event", event_path(item.briefing, n))
        t6 = clock()
        previous[item.briefing] = Prior(item.revision, item.extractor)
        spent["model_dump of the revision"] += t1 - t0
        spent["content_sha256 (canonical form: orjson + sha256)"] += t2 - t1
        spent["schema check (validate_event: jsonschema-rs)"] += t3 - t2
        spent["event_file_bytes (orjson, indent 2)"] += t4 - t3
        spent["commit message (align + diff to previous)"] += t5 - t4
        spent["(not run by the store: the same check with jsonschema)"] += t6 - t5
    count = min(sample, len(items))
    return [(name, seconds / count) for name, seconds in spent.items()]


def plain_message(briefing: str, sequence: int, *_: Any) -> str:
    return f"{briefing} r{sequence}"


def _jsonschema_check(document: Any, path: str) -> None:
    schemas.validate(document, "event", f"event {path}")  # what the store ran before


def run_store(folder: Path, items: list[NewRevision],
              message: Callable[..., str] = revision_message,
              validate: str = "fast") -> tuple[Timing, Archive, list[Any]]:
    """validate: 'fast' (the store as it is), 'jsonschema' (as before), 'none'."""
    archive = Archive.init(folder)
    real = append.validate_event
    if validate == "none":
        append.validate_event = lambda *_a, **_k: None  # type: ignore[assignment]
    elif validate == "jsonschema":
        append.validate_event = _jsonschema_check
    try:
        wall, cpu, results = common.cpu_timed(lambda: archive.append_many(items, message))
    finally:
        append.validate_event = real
    return (wall, cpu), archive, results


def exported(archive: Archive, results: list[Any]) -> list[Event]:
    """The event files and commit messages the store wrote, in commit order."""
    tree = TreeBuilder(archive.objects, archive.repository.root_tree())
    events = []
    for result in results:
        if result.status != "recorded":
            continue
        raw = archive.objects.read(bytes.fromhex(result.commit))
        message = raw.split(b"\n\n", 1)[1]
        events.append((result.path, archive.objects.read(tree.blob_sha(result.path)), message))
    return events


def initial_files(archive: Archive) -> dict[str, bytes]:
    first = common.run(["git", f"--git-dir={archive.git_dir}", "rev-list", "--max-parents=0",
                        BRANCH]).stdout.decode().split()[0]
    root = TreeBuilder(archive.objects, archive.repository.root_tree(first))
    return {name: archive.objects.read(root.blob_sha(name)) for name in root.entries("")}


def run_objects_only(folder: Path, events: list[Event], durable: bool = True) -> Timing:
    """The store's object layer alone: TreeBuilder, one pack per 256 commits, ref moves."""
    archive = Archive.init(folder)
    base = archive.head()
    objects = ObjectWriter(archive.git_dir, durable=durable)

    def go() -> None:
        tree = TreeBuilder(objects, archive.repository.root_tree())
        tip, moved = bytes.fromhex(base or ""), base or ""
        for n, (path, data, message) in enumerate(events, start=1):
            root = tree.add_file(path, data)
            tip = objects.write(b"commit", commit_bytes(root, tip, DEFAULT_IDENTITY,
                                                        message.decode()))
            if n % 256 == 0 or n == len(events):
                objects.sync()
                if not update_ref(archive.git_dir, BRANCH, tip.hex(), moved, "bench"):
                    raise SystemExit("objects only: update-ref failed")
                moved = tip.hex()
    return common.cpu_timed(go)[:2]


def fast_import_stream(events: list[Event], start: dict[str, bytes]) -> bytes:
    out = bytearray()
    when = int(time.time())

    def commit(message: bytes, files: dict[str, bytes]) -> None:
        out.extend(b"commit refs/heads/main\n")
        out.extend(b"committer chronicle <chronicle@localhost> %d +0000\n" % when)
        out.extend(b"data %d\n%s\n" % (len(message), message))
        for path, data in files.items():
            out.extend(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    commit(b"chronicle: create archive\n", start)
    for path, data, message in events:
        commit(message, {path: data})
    out.extend(b"done\n")
    return bytes(out)


def run_fast_import(folder: Path, stream: bytes, checkout: bool) -> Timing:
    common.run(["git", "init", "-q", "-b", "main", str(folder)])
    git = ["git", f"--git-dir={folder / '.git'}"]
    for key, value in (("core.fsync", "committed"), ("core.fsyncMethod", "fsync")):
        common.run([*git, "config", key, value])  # as Archive.init sets them

    def go() -> None:
        common.run([*git, "fast-import", "--quiet", "--done"], stdin=stream)
        if checkout:
            common.run([*git, f"--work-tree={folder}", "read-tree", "main"])
            common.run([*git, f"--work-tree={folder}", "checkout-index", "-a"])
    return common.cpu_timed(go)[:2]


def run_naive(folder: Path, events: list[Event], start: dict[str, bytes]) -> Timing:
    import git

    repo = git.Repo.init(folder, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "chronicle")
        config.set_value("user", "email", "chronicle@localhost")
    for path, data in start.items():
        (folder / path).write_bytes(data)
    repo.index.add(list(start))
    repo.index.commit("chronicle: create archive\n")

    def go() -> None:
        for path, data, message in events:
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            repo.index.add([path])
            repo.index.commit(message.decode())
    return common.cpu_timed(go)[:2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=10)
    parser.add_argument("--revisions", type=int, default=100, help="per briefing")
    parser.add_argument("--naive", type=int, default=200,
                        help="revisions for the naive GitPython loop (0: skip)")
    parser.add_argument("--no-variants", action="store_true", help="skip the store variants")
    parser.add_argument("--steps", type=int, default=200,
                        help="revisions on which the store's steps are timed one by one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the archives in this folder")
    args = parser.parse_args(argv)

    common.header("store append throughput")
    t0 = time.perf_counter()
    items = build_items(args.briefings, args.revisions, args.seed)
    print(f"# {len(items)} revisions ({args.briefings} briefings x {args.revisions}), parsed in "
          f"{time.perf_counter() - t0:.1f}s (not timed below)")
    rows: list[tuple[str, ...]] = [("writer", "revisions", "wall s", "revisions/s", "ms/rev",
                                    "CPU s", "rev/CPU-s")]
    rates: dict[str, float] = {}
    cpu_rates: dict[str, float] = {}

    def row(name: str, count: int, timing: Timing) -> None:
        wall, cpu = timing
        rates[name], cpu_rates[name] = count / wall, count / cpu
        rows.append((name, f"{count:,}", f"{wall:.2f}", f"{count / wall:,.0f}",
                     f"{wall / count * 1000:.2f}", f"{cpu:.2f}", f"{count / cpu:,.0f}"))
        print(f"  {name}: {count / wall:,.1f} revisions/s", file=sys.stderr)

    with common.workdir(args.keep) as work:
        timing, archive, results = run_store(work / "store", items)
        verify = common.run([common.CHRONICLE, "verify", "--archive", str(work / "store")],
                            check=False)
        if verify.returncode != 0:
            raise SystemExit(f"store archive fails verify: {verify.stdout.decode()[-500:]}")
        common.run(["git", f"--git-dir={archive.git_dir}", "fsck", "--full", "--strict",
                    "--no-dangling"])
        events = exported(archive, results)
        count = len(events)
        row("store (append_many, as ingest)", count, timing)
        fsync = getattr(archive.objects, "fsync_seconds", 0.0) / count
        written = getattr(archive.objects, "written", 0) / count
        if not args.no_variants:
            row("store, no schema check", count,
                run_store(work / "store-novalidate", items, validate="none")[0])
            row("store, jsonschema check (as before)", count,
                run_store(work / "store-jsonschema", items, validate="jsonschema")[0])
            row("store, plain commit message", count,
                run_store(work / "store-plainmsg", items, plain_message)[0])
            row("store, neither", count,
                run_store(work / "store-neither", items, plain_message, validate="none")[0])
        start = initial_files(archive)
        row("objects only (store's pack per batch)", count,
            run_objects_only(work / "objects", events))
        row("objects only, no fsync", count,
            run_objects_only(work / "objects-nofsync", events, durable=False))
        stream = fast_import_stream(events, start)
        row("git fast-import", count, run_fast_import(work / "fast-import", stream, False))
        row("git fast-import + checkout", count,
            run_fast_import(work / "fast-import-co", stream, True))
        naive = min(args.naive, count)
        if naive:
            row(f"naive GitPython (first {naive})", naive,
                run_naive(work / "naive", events[:naive], start))

    print()
    common.table(rows)
    per_revision = 1000 / rates["store (append_many, as ingest)"]
    print(f"\nwhere the store's {per_revision:.1f} ms per revision go (steps timed one by one "
          f"on the first {min(args.steps, count)} revisions):")
    costs = step_costs(items, args.steps)
    costs.append((f"fsync of packs and folders (in the store run; {written:.1f} objects "
                  "per revision)", fsync))
    for name, seconds in costs:
        print(f"  {seconds * 1000:7.2f} ms  {name}")
    print()
    store = rates["store (append_many, as ingest)"]
    fast = rates["git fast-import"]
    cpu_store, cpu_fast = cpu_rates["store (append_many, as ingest)"], cpu_rates["git fast-import"]
    print(f"store / fast-import          = {store / fast:.3f} wall, {cpu_store / cpu_fast:.3f} CPU"
          f"  (target >= 0.5)  {'MET' if store / fast >= 0.5 else 'NOT MET'}")
    for name in rates:
        if name.startswith(("store,", "objects")):
            print(f"  {name:<44} / fast-import = {rates[name] / fast:.3f} wall, "
                  f"{cpu_rates[name] / cpu_fast:.3f} CPU")
    naive_name = next((n for n in rates if n.startswith("naive")), None)
    if naive_name:
        ratio, cpu_ratio = store / rates[naive_name], cpu_store / cpu_rates[naive_name]
        note = "" if naive == count else f"  (naive run on the first {naive} revisions only)"
        print(f"store / naive GitPython      = {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU  "
              f"(target >= 30x)  {'MET' if ratio >= 30 else 'NOT MET'}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
