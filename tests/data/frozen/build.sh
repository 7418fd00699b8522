#!/usr/bin/env bash
# Build the frozen archive tests/data/frozen/archive-0.1.0.tar.gz with a RELEASED chronicle.
#
#   git worktree add /tmp/chronicle-0.1.0 602105e      # main at the 0.1.0 release
#   python3 -m venv /tmp/chronicle-0.1.0/.venv && /tmp/chronicle-0.1.0/.venv/bin/pip install -e /tmp/chronicle-0.1.0
#   bash tests/data/frozen/build.sh /tmp/chronicle-0.1.0/.venv/bin/chronicle
#
# The archive is written by that release only (never by hand, never re-built by tests);
# tests/test_frozen_archive.py must keep passing on it forever.
set -euo pipefail
chronicle=${1:?usage: build.sh PATH/TO/released/chronicle}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHRONICLE_ARCHIVE="$work/archive"
"$chronicle" --version
"$chronicle" init
ex="$repo/examples/nato-ukraine"
"$chronicle" ingest "$ex/r1.txt" -b nato-ukraine --observed-at 2024-03-01T09:00:00Z
"$chronicle" ingest "$ex/r2.txt" -b nato-ukraine --observed-at 2024-03-02T09:00:00Z
"$chronicle" ingest "$ex/r3.txt" -b nato-ukraine --observed-at 2024-03-03T09:00:00Z
"$chronicle" ingest "$ex/r1.txt" -b nato-ukraine   # a duplicate: writes nothing
"$chronicle" ingest "$repo/tests/data/quake/r1.txt" "$repo/tests/data/quake/r2.txt" -b quake
"$chronicle" ingest "$repo/tests/data/budget/r1.md" "$repo/tests/data/budget/r2.md" -b city-budget
"$chronicle" parse "$ex/r2.txt" --json > "$work/r2.json"
"$chronicle" ingest "$work/r2.json" -b nato-json
"$chronicle" ingest "$ex/r3.txt" -b nato-json --format text
"$chronicle" verify
git -C "$CHRONICLE_ARCHIVE" gc -q            # old archives are packed too
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner -czf "$here/archive-0.1.0.tar.gz" archive
echo "wrote $here/archive-0.1.0.tar.gz"
