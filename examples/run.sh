#!/usr/bin/env bash
# The main job on the bundled example: three revisions into a fresh archive, then log and diff.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chronicle="${CHRONICLE:-chronicle}"
archive="${1:-$(mktemp -d)/archive}"
"$chronicle" init --archive "$archive"
"$chronicle" ingest "$here"/nato-ukraine/r1.txt "$here"/nato-ukraine/r2.txt "$here"/nato-ukraine/r3.txt \
    --briefing nato-ukraine --archive "$archive"
"$chronicle" log nato-ukraine --archive "$archive"
"$chronicle" diff nato-ukraine --from 1 --to 2 --archive "$archive"
"$chronicle" diff nato-ukraine --archive "$archive"
"$chronicle" verify --archive "$archive"
echo "archive: $archive   (try: git -C $archive log)"
