#!/usr/bin/env bash
# Run every benchmark at its default size, one after the other; output in benchmarks/out/.
# Each prints its numbers on stdout and its progress on stderr. About an hour on 2 cores (readmodel and scale build archives of 100,000 events).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
mkdir -p benchmarks/out
for bench in startup append ingest replay size align figures sync readmodel scale; do
    echo "== bench_$bench" >&2
    "$python" "benchmarks/bench_$bench.py" | tee "benchmarks/out/$bench.txt"
done
