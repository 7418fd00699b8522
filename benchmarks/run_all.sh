#!/usr/bin/env bash
# Run every benchmark at its default size, one after the other; output in benchmarks/out/.
# Each prints its numbers on stdout and its progress on stderr. About 11 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
mkdir -p benchmarks/out
for bench in startup append ingest replay size; do
    echo "== bench_$bench" >&2
    "$python" "benchmarks/bench_$bench.py" | tee "benchmarks/out/$bench.txt"
done
