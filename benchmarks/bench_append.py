"""Store append throughput (revisions/s), one commit per revision, against git itself.

The revisions are parsed before the clock starts ("events already built"); then, in one
run, on the same machine and the same event files:

  store           Archive.append_many(items, commit_message): what `chronicle ingest`
                  runs after parsing (event building, schema check, commit message with
                  a diff to the previous revision, objects, CAS ref moves, working tree)
  store variants  the same with one cost taken out, to show where the time goes, and
                  with the two store changes docs/benchmarks.md recommends patched in
                  (objects written as one pack per batch; no jsonschema re-validation)
  objects only    the store's object layer alone (TreeBuilder + loose objects + ref move)
                  writing the store's own event bytes and messages
  pack prototype  the same objects written into one pack file (gitdb's pack writer)
                  instead of one loose file each: what a pack-writing store could reach
  fast-import     `git fast-import` reading the same files and messages, one commit
                  each: the practical limit (no working tree; '+ checkout' adds one)
  naive GitPython index.add + index.commit per file (run on fewer revisions: it is slow)

    .venv/bin/python benchmarks/bench_append.py                 # 10 x 100 = 1,000 revisions
    .venv/bin/python benchmarks/bench_append.py --briefings 50 --revisions 100
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import common
import synth

from chronicle import schemas
from chronicle.gitobjects import ObjectWriter, TreeBuilder, commit_bytes, fsync_dir, update_ref
from chronicle.readers import parse_bytes
from chronicle.store import BRANCH, DEFAULT_IDENTITY, Archive, NewRevision
from chronicle.views import commit_message

Event = tuple[str, bytes, bytes]  # path, file bytes, commit message
Timing = tuple[float, float]  # wall seconds, CPU seconds (with child processes)


def build_items(briefings: int, revisions: int, seed: int) -> list[NewRevision]:
    """Parsed revisions in the order `ingest --tree` appends them (briefing by briefing)."""
    items = []
    for name, texts in synth.archive_texts(briefings, revisions, seed):
        for n, text in enumerate(texts, start=1):
            parsed = parse_bytes(text.encode(), f"{name}/{n:04d}.txt", "text")
            items.append(NewRevision(name, parsed.revision, parsed.origin))
    return items


def step_costs(items: list[NewRevision], sample: int) -> list[tuple[str, float]]:
    """Seconds per revision of each step the store runs per event, timed one by one."""
    import uuid
    from collections import defaultdict

    from chronicle.model import Event
    from chronicle.store import canonical_json, event_path, revision_sha256

    spent: dict[str, float] = defaultdict(float)
    previous: dict[str, Any] = {}
    sequence: dict[str, int] = defaultdict(int)
    clock = time.perf_counter
    for item in items[:sample]:
        sequence[item.briefing] += 1
        n = sequence[item.briefing]
        t0 = clock()
        content = revision_sha256(item.revision)
        t1 = clock()
        event = Event(event_id=uuid.uuid4().hex, briefing=item.briefing, sequence=n,
                      recorded_at="2024-01-01T00:00:00.000000Z",
                      observed_at="2024-01-01T00:00:00.000000Z", content_sha256=content,
                      previous_sha256=None if n == 1 else "0" * 64, origin=item.origin,
                      revision=item.revision)
        document = event.model_dump(mode="json")
        t2 = clock()
        schemas.validate(document, "event", event_path(item.briefing, n))
        t3 = clock()
        canonical_json(document)
        t4 = clock()
        commit_message(item.briefing, n, previous.get(item.briefing), item.revision, item.origin)
        t5 = clock()
        previous[item.briefing] = item.revision
        spent["revision_sha256 (model_dump + compact JSON + sha256)"] += t1 - t0
        spent["Event(...) + model_dump"] += t2 - t1
        spent["jsonschema re-validation (schemas.validate)"] += t3 - t2
        spent["canonical_json (indent=2: pure-Python encoder)"] += t4 - t3
        spent["commit_message (align + diff to previous)"] += t5 - t4
    count = min(sample, len(items))
    return [(name, seconds / count) for name, seconds in spent.items()]


def plain_message(briefing: str, sequence: int, *_: Any) -> str:
    return f"{briefing} r{sequence}"


def run_store(folder: Path, items: list[NewRevision], message: Callable[..., str] = commit_message,
              validate: bool = True) -> tuple[Timing, Archive, list[Any]]:
    archive = Archive.init(folder)
    real = schemas.validate
    if not validate:
        schemas.validate = lambda *_a, **_k: None  # type: ignore[assignment]
    try:
        wall, cpu, results = common.cpu_timed(lambda: archive.append_many(items, message))
    finally:
        schemas.validate = real
    return (wall, cpu), archive, results


def exported(archive: Archive, results: list[Any]) -> list[Event]:
    """The event files and commit messages the store wrote, in commit order."""
    tree = TreeBuilder(archive.objects, archive._root_tree())
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
    root = TreeBuilder(archive.objects, archive._root_tree(first))
    return {name: archive.objects.read(root.blob_sha(name)) for name in root.entries("")}


def run_objects_only(folder: Path, events: list[Event], durable: bool = True) -> Timing:
    """The store's object layer alone: the floor of its loose-object design."""
    archive = Archive.init(folder)
    base = archive.head()
    objects = ObjectWriter(archive.git_dir, durable=durable)

    def go() -> None:
        tree = TreeBuilder(objects, archive._root_tree())
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


class PackWriter(ObjectWriter):
    """Writes objects as one pack file per sync (no deltas) instead of one loose file each.

    A prototype of the store change docs/benchmarks.md recommends: new objects are kept
    in memory (so they can be read back) and written, compressed, into a temporary pack
    and its index at ``sync()`` (the store calls it before it moves the branch); both
    are fsynced, renamed into objects/pack/ and the folder fsynced: one pack and four
    fsyncs per batch instead of six loose files and six fsyncs per revision.
    """

    def __init__(self, git_dir: Path) -> None:
        super().__init__(git_dir)
        self.git_dir = git_dir
        self.new: dict[bytes, tuple[bytes, bytes]] = {}
        self.pending: list[bytes] = []

    def write(self, kind: bytes, data: bytes) -> bytes:
        binsha = hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()
        if binsha not in self.new:
            self.new[binsha] = (kind, data)
            self.pending.append(binsha)
        return binsha

    def read(self, binsha: bytes) -> bytes:
        if binsha in self.new:
            return self.new[binsha][1]
        return super().read(binsha)

    def sync(self) -> None:
        from gitdb.base import OStream
        from gitdb.pack import PackEntity

        if not self.pending:
            return
        objects = [OStream(sha, self.new[sha][0], len(self.new[sha][1]),
                           BytesIO(self.new[sha][1])) for sha in self.pending]
        pack_dir = self.git_dir / "objects" / "pack"
        pack_dir.mkdir(parents=True, exist_ok=True)
        stem = f"tmp-{os.getpid()}-{len(self.new)}"
        tmp_pack, tmp_idx = pack_dir / f"{stem}.pack", pack_dir / f"{stem}.idx"
        with tmp_pack.open("wb") as pack, tmp_idx.open("wb") as index:
            pack_sha, _ = PackEntity.write_pack(objects, pack.write, index.write, len(objects),
                                                zlib_compression=zlib.Z_BEST_SPEED)
            for handle in (pack, index):
                handle.flush()
                os.fsync(handle.fileno())
        name = f"pack-{pack_sha.hex()}"
        tmp_idx.replace(pack_dir / f"{name}.idx")
        tmp_pack.replace(pack_dir / f"{name}.pack")
        fsync_dir(pack_dir)
        self.pending = []


def run_pack_prototype(folder: Path, events: list[Event]) -> Timing:
    """The object layer with PackWriter: one pack and one ref move per 256 commits."""
    archive = Archive.init(folder)
    base = archive.head()

    def go() -> None:
        writer = PackWriter(archive.git_dir)
        tree = TreeBuilder(writer, archive._root_tree())
        tip, moved = bytes.fromhex(base or ""), base or ""
        for n, (path, data, message) in enumerate(events, start=1):
            root = tree.add_file(path, data)
            tip = writer.write(b"commit", commit_bytes(root, tip, DEFAULT_IDENTITY,
                                                       message.decode()))
            if n % 256 == 0 or n == len(events):
                writer.sync()
                if not update_ref(archive.git_dir, BRANCH, tip.hex(), moved, "bench"):
                    raise SystemExit("pack prototype: update-ref failed")
                moved = tip.hex()
    seconds = common.cpu_timed(go)[:2]
    count = common.run(["git", f"--git-dir={archive.git_dir}", "rev-list", "--count", BRANCH])
    assert int(count.stdout) == len(events) + 1, count.stdout
    common.run(["git", f"--git-dir={archive.git_dir}", "fsck", "--no-dangling"])
    return seconds


def run_store_recommended(folder: Path, items: list[NewRevision]) -> Timing:
    """The real store (append_many, commit messages, ledger, working tree) with the two
    recommended changes patched in: PackWriter objects, no schema re-validation."""
    archive = Archive.init(folder)
    archive.objects = PackWriter(archive.git_dir)
    real = schemas.validate
    schemas.validate = lambda *_a, **_k: None  # type: ignore[assignment]
    try:
        wall, cpu, _ = common.cpu_timed(lambda: archive.append_many(items, commit_message))
    finally:
        schemas.validate = real
    verify = common.run([common.CHRONICLE, "verify", "--archive", str(folder)], check=False)
    if verify.returncode != 0:
        raise SystemExit(f"prototype archive fails verify: {verify.stdout.decode()[-500:]}")
    common.run(["git", f"--git-dir={archive.git_dir}", "fsck", "--no-dangling"])
    return wall, cpu


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
        events = exported(archive, results)
        count = len(events)
        row("store (append_many, as ingest)", count, timing)
        fsync = getattr(archive.objects, "fsync_seconds", 0.0) / count
        written = getattr(archive.objects, "written", 0) / count
        if not args.no_variants:
            row("store, no schema re-validation", count,
                run_store(work / "store-novalidate", items, validate=False)[0])
            row("store, plain commit message", count,
                run_store(work / "store-plainmsg", items, plain_message)[0])
            row("store, neither", count,
                run_store(work / "store-neither", items, plain_message, validate=False)[0])
            row("store, recommended (pack + no re-validation)", count,
                run_store_recommended(work / "store-recommended", items))
        start = initial_files(archive)
        row("objects only (store's loose objects)", count,
            run_objects_only(work / "objects", events))
        row("objects only, no fsync", count,
            run_objects_only(work / "objects-nofsync", events, durable=False))
        row("pack prototype (one pack, gitdb)", count, run_pack_prototype(work / "pack", events))
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
    costs.append((f"fsync of objects and folders (in the store run; {written:.1f} objects "
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
        if name.startswith(("store,", "objects", "pack")):
            print(f"  {name:<44} / fast-import = {rates[name] / fast:.3f} wall, "
                  f"{cpu_rates[name] / cpu_fast:.3f} CPU")
    naive_name = next((n for n in rates if n.startswith("naive")), None)
    if naive_name:
        ratio, cpu_ratio = store / rates[naive_name], cpu_store / cpu_rates[naive_name]
        note = "" if naive == count else f"  (naive run on the first {naive} revisions only)"
        print(f"store / naive GitPython      = {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU  "
              f"(target >= 30x)  {'MET' if ratio >= 30 else 'NOT MET'}{note}")
        recommended = "store, recommended (pack + no re-validation)"
        if recommended in rates:
            print(f"  {recommended} / naive GitPython = "
                  f"{rates[recommended] / rates[naive_name]:.2f}x wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
