"""Build big chronicle archives fast: the store's own event bytes, written by git fast-import.

The store appends about as fast as it can build events (see bench_append.py), which is
far too slow for an archive of 10,000 briefings in a benchmark. This builder makes the
same archive the store would: `Archive.init` for the first commit, then one commit per
event adding briefings/<aa>/<briefing>/<NNNNNN>.json with the store's canonical bytes,
hash chain, content hash and commit trailers, fed to `git fast-import`, then the
working tree checked out. Only the readable part of each commit message (a diff
summary in the store) is shorter. `chronicle verify` passes on what it builds (checked
by `--check` and by bench_replay.py on a small archive built the same way).

Distinct parsed revisions are few (parsing costs ~10 ms each); filler briefings reuse
them under their own ids, so every event is still valid and unique.

    .venv/bin/python benchmarks/build.py DIR --briefings 100 --revisions 3 --check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import common
import synth

from chronicle.extract import CURRENT_EXTRACTOR
from chronicle.layout import (
    BRANCH,
    SCHEMA_VERSION,
    content_sha256,
    event_file_bytes,
    event_path,
)
from chronicle.ledger import Recorded
from chronicle.model import Origin, Revision
from chronicle.readers import parse_bytes
from chronicle.store import Archive

_PLACEHOLDER = "@@chronicle-bench-revision@@"


class Revisions:
    """Parsed revisions of one synthetic briefing, with their canonical JSON made once."""

    def __init__(self, index: int, count: int, seed: int) -> None:
        self.items: list[tuple[Revision, Origin, str, str]] = []
        for n, text in enumerate(synth.revisions(index, count, seed), start=1):
            parsed = parse_bytes(text.encode(), f"{synth.briefing_id(index)}/{n:04d}.txt", "text")
            document = parsed.revision.model_dump(mode="json")
            body = event_file_bytes(document).decode().rstrip("\n")
            self.items.append((parsed.revision, parsed.origin,
                               content_sha256(document, SCHEMA_VERSION),
                               body.replace("\n", "\n  ")))


def event_files(briefing: str, revisions: Revisions, when: str) -> Iterator[tuple[str, bytes, str]]:
    """(path, canonical event bytes, commit message) of each revision, chained."""
    previous: str | None = None
    for sequence, (_, origin, content, body) in enumerate(revisions.items, start=1):
        event_id = uuid.uuid4().hex
        document = {
            "schema_version": SCHEMA_VERSION, "event_id": event_id, "type": "revision.recorded",
            "briefing": briefing, "sequence": sequence, "recorded_at": when, "observed_at": when,
            "content_sha256": content, "previous_sha256": previous,
            "origin": origin.model_dump(mode="json"),
            "extractor": CURRENT_EXTRACTOR.model_dump(mode="json"), "revision": _PLACEHOLDER,
        }
        text = event_file_bytes(document, tame=True).decode()  # only small integers
        data = text.replace(json.dumps(_PLACEHOLDER), body).encode()
        path = event_path(briefing, sequence)
        message = (f"{briefing} r{sequence}: benchmark event\n\n"
                   f"Source: {origin.name} ({origin.format}, {origin.size} bytes)\n\n"
                   f"Chronicle-Event: {event_id}\nChronicle-Briefing: {briefing}\n"
                   f"Chronicle-Sequence: {sequence}\nChronicle-Content-Sha256: {content}\n"
                   f"Chronicle-File: {path}\n")
        yield path, data, message
        previous = hashlib.sha256(data).hexdigest()


def same_as_store(revisions: Revisions, briefing: str) -> None:
    """The fast path above must give the bytes the store's event_file_bytes gives."""
    path, data, _ = next(event_files(briefing, revisions, "2024-01-01T00:00:00.000000Z"))
    document = json.loads(data)
    assert event_file_bytes(document) == data, f"{path}: builder bytes differ from the store's"


def fast_import(archive: Archive, events: Iterable[tuple[str, bytes, str]]) -> int:
    """Append one commit per event on main with git fast-import; return the count.

    Every event is entered in the archive's ledger (one batch), as the store does, so
    `chronicle verify` knows them as chronicle's own.
    """
    import subprocess

    head = archive.head()
    marks = archive.git_dir / "bench-marks"
    process = subprocess.Popen(
        ["git", f"--git-dir={archive.git_dir}", "fast-import", "--quiet", "--done",
         f"--export-marks={marks}"],
        stdin=subprocess.PIPE, env=common.git_env())
    assert process.stdin is not None
    write = process.stdin.write
    stamp = int(time.time())
    count = 0
    recorded: list[tuple[str, int, str, str]] = []
    for path, data, message in events:
        body = message.encode()
        recorded.append((path, count + 1, hashlib.sha256(data).hexdigest(), ""))
        write(b"commit %s\nmark :%d\ncommitter chronicle <chronicle@localhost> %d +0000\n"
              % (BRANCH.encode(), count + 1, stamp))
        write(b"data %d\n%s\n" % (len(body), body))
        if count == 0:
            write(b"from %s\n" % head.encode())  # type: ignore[union-attr]
        write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
        count += 1
    write(b"done\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    commits = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    entries = []
    for path, mark, sha256, _ in recorded:
        _, _, briefing, name = path.split("/")
        entries.append(Recorded(briefing, int(name.removesuffix(".json")), sha256,
                                commits[f":{mark}"], path))
    tip = archive.head()
    assert tip is not None and tip == commits[f":{count}"]
    archive.ledger.begin(head, tip, entries, "2024-01-01T00:00:00.000000Z")
    archive.ledger.done(tip)
    return count


def checkout(archive: Archive) -> None:
    git = ["git", f"--git-dir={archive.git_dir}", f"--work-tree={archive.path}"]
    common.run([*git, "read-tree", BRANCH])
    common.run([*git, "checkout-index", "-a", "-f"])
    (archive.git_dir / "chronicle-synced").write_text(archive.head() or "")


def build(folder: Path, target_revisions: int, fillers: int, filler_revisions: int,
          seed: int = 1, distinct: int = 20, target_with_store: bool = False,
          bare: bool = True) -> Archive:
    """An archive with briefing-00000 (``target_revisions``) and ``fillers`` other briefings.

    Filler briefings are briefing-00001 ... each with ``filler_revisions`` revisions
    taken (under their own id) from ``distinct`` parsed synthetic briefings, written by
    git fast-import (one pack). briefing-00000 comes last: through fast-import too, or,
    with ``target_with_store``, appended by the store itself (loose objects, real commit
    messages), as `chronicle ingest` would add a new briefing to the archive.
    """
    when = "2024-01-01T00:00:00.000000Z"
    archive = Archive.init(folder, bare=bare)
    target = Revisions(0, target_revisions, seed)
    same_as_store(target, synth.briefing_id(0))
    pool = [Revisions(i, filler_revisions, seed) for i in range(1, 1 + min(distinct, fillers))]

    def events() -> Iterator[tuple[str, bytes, str]]:
        for i in range(1, fillers + 1):
            yield from event_files(synth.briefing_id(i), pool[(i - 1) % len(pool)], when)
        if not target_with_store:
            yield from event_files(synth.briefing_id(0), target, when)
    if fillers or not target_with_store:
        fast_import(archive, events())
        if not archive.bare:
            checkout(archive)
    if target_with_store:
        from chronicle.store import NewRevision
        from chronicle.views import revision_message

        archive = Archive(folder)
        items = [NewRevision(synth.briefing_id(0), revision, origin, CURRENT_EXTRACTOR)
                 for revision, origin, _, _ in target.items]
        archive.append_many(items, revision_message)
    return archive


def unpack(archive: Archive) -> None:
    """Turn the archive's packs into loose objects: the layout the store writes."""
    pack_dir = archive.git_dir / "objects" / "pack"
    for pack in sorted(pack_dir.glob("*.pack")):
        moved = archive.git_dir / pack.name
        pack.rename(moved)
        pack.with_suffix(".idx").unlink()
        for leftover in pack_dir.glob(f"{pack.stem}.*"):
            leftover.unlink()
        common.run(["git", f"--git-dir={archive.git_dir}", "unpack-objects", "-q"],
                   stdin=moved.read_bytes())
        moved.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--briefings", type=int, default=100, help="in all, with briefing-00000")
    parser.add_argument("--revisions", type=int, default=3, help="per briefing")
    parser.add_argument("--target-revisions", type=int, help="of briefing-00000 (default: same)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="run `chronicle verify` after")
    parser.add_argument("--worktree", action="store_true",
                        help="an archive with every event file checked out (init --worktree)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    archive = build(args.dir, args.target_revisions or args.revisions, args.briefings - 1,
                    args.revisions, args.seed, bare=not args.worktree)
    print(f"built {archive.path} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    if args.check:
        result = common.run([common.CHRONICLE, "verify", "--archive", str(archive.path)],
                            check=False)
        sys.stdout.write(result.stdout.decode())
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
