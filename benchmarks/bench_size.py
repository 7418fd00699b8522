"""Archive size after `git gc` against the raw revision texts gzip-compressed.

The synthetic texts are ingested with `chronicle ingest --tree` (the real path: the
store's events and commits); then `git gc` packs the archive. Compared with:

  texts, one gzip stream   all revision texts in one .tar.gz (what keeping the inputs costs)
  texts, gzip per file     each revision text gzipped on its own

    .venv/bin/python benchmarks/bench_size.py                     # 5 briefings x 100
    .venv/bin/python benchmarks/bench_size.py --briefings 20 --revisions 200
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tarfile
from pathlib import Path

import common
import synth


def tar_gz(root: Path) -> int:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(root, arcname=".")
    return buffer.tell()


def per_file_gz(root: Path) -> int:
    return sum(len(gzip.compress(p.read_bytes())) for p in sorted(root.rglob("*.txt")))


def pack_by_type(git_dir: Path) -> dict[str, tuple[int, int]]:
    """{object type: (count, bytes in the pack)} over every pack of the repository."""
    found: dict[str, list[int]] = {}
    for index in sorted((git_dir / "objects" / "pack").glob("*.idx")):
        out = common.run(["git", f"--git-dir={git_dir}", "verify-pack", "-v", str(index)])
        for line in out.stdout.decode().splitlines():
            fields = line.split()
            if len(fields) >= 5 and fields[1] in ("commit", "tree", "blob", "tag"):
                entry = found.setdefault(fields[1], [0, 0])
                entry[0] += 1
                entry[1] += int(fields[3])
    return {kind: (n, size) for kind, (n, size) in found.items()}


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=5)
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    common.header("archive size")
    with common.workdir(args.keep) as work:
        tree = work / "texts"
        count = synth.write_tree(tree, args.briefings, args.revisions, args.seed)
        archive = work / "archive"
        common.run([common.CHRONICLE, "init", "--archive", str(archive)])
        wall = common.timed(lambda: common.run([common.CHRONICLE, "ingest", "--tree", str(tree),
                                                "--archive", str(archive), "--json"]))[0]
        print(f"# {count} revisions ingested in {wall:.0f}s")
        git_dir = archive / ".git"
        events = sum(p.stat().st_size for p in (archive / "briefings").rglob("*.json"))
        before = common.du(git_dir / "objects")
        gc_seconds = common.timed(lambda: common.run(["git", "-C", str(archive), "gc", "-q"]))[0]
        after_objects = common.du(git_dir / "objects")
        after_git = common.du(git_dir)
        by_type = pack_by_type(git_dir)
        aggressive_seconds = common.timed(lambda: common.run(
            ["git", "-C", str(archive), "gc", "-q", "--aggressive"]))[0]
        aggressive = common.du(git_dir / "objects")
        by_type_aggressive = pack_by_type(git_dir)
        worktree = common.du(archive) - common.du(git_dir)
        texts = common.du(tree)
        one_stream, per_file = tar_gz(tree), per_file_gz(tree)

        rows: list[tuple[str, ...]] = [("what", "size", "per revision", "/ texts .tar.gz")]
        for name, size in (
            ("raw revision texts", texts),
            ("texts, one gzip stream (.tar.gz)", one_stream),
            ("texts, gzip per file", per_file),
            ("event files (JSON, raw)", events),
            (".git/objects as written (loose)", before),
            (".git/objects after git gc", after_objects),
            (".git after git gc (all of it)", after_git),
            (".git/objects after git gc --aggressive", aggressive),
            ("working tree (event files checked out)", worktree),
        ):
            rows.append((name, kib(size), f"{size / count / 1024:.2f} KiB",
                         f"{size / one_stream:.2f}x"))
        print()
        common.table(rows)
        ratio_stream, ratio_file = after_objects / one_stream, after_objects / per_file
        print(f"\n.git/objects after git gc / texts .tar.gz = {ratio_stream:.2f}  "
              f"(target <= 1.5): {'MET' if ratio_stream <= 1.5 else 'NOT MET'}")
        print(f".git/objects after git gc / texts gzip per file = {ratio_file:.2f}  "
              f"(target <= 1.5): {'MET' if ratio_file <= 1.5 else 'NOT MET'}")
        print(f"whole .git after git gc / texts .tar.gz = {after_git / one_stream:.2f}")
        print(f"git gc took {gc_seconds:.1f}s, git gc --aggressive {aggressive_seconds:.1f}s; "
              f"after --aggressive: {aggressive / per_file:.2f}x texts gzip per file, "
              f"{aggressive / one_stream:.2f}x texts .tar.gz")
        for label, found in (("git gc", by_type), ("git gc --aggressive", by_type_aggressive)):
            print(f"\nthe pack after {label}, by object type:")
            for kind, (n, size) in sorted(found.items()):
                print(f"  {kind:<7} {n:>7,} objects  {kib(size):>10}  "
                      f"{size / count:8.0f} bytes per revision")
    return 0


if __name__ == "__main__":
    sys.exit(main())
