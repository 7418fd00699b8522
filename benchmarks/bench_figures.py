"""Figure extraction speed: ms per 4 KB briefing (target <= 2 ms), and growth with size.

1. The example briefing (examples/nato-ukraine/r1.txt, ~4.2 KB) split into sentences as
   `chronicle ingest` does (chronicle.sentences), and also passed whole: best and median ms
   over --repeat runs.
2. Linearity: for each adversarial input (runs of number words, digits, dots, dates,
   currencies...), find_figures on n and 8n characters; the ratio of times should be ~8
   (quadratic would be ~64). Printed as a table with the ratio per input.
3. The command: `chronicle figures -` on --lines JSON lines in one process.

    .venv/bin/python benchmarks/bench_figures.py [--repeat 200] [--lines 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time

import common

from chronicle.figures import find_figures
from chronicle.sentences import sentences as split_sentences

ADVERSARIAL = ["one ", "Word word word. ", ".", "A. ", "1 ", "1,000 ", "$1 ", "9", "2014 ",
               "twenty-four (24) ", "1 000 ", "12 March ", "5 km ", "a 7-2 ", "+1 ", "minus ",
               "1.234,5 ", "a litre ", "10-22 August ", "half "]


def best_and_median(run: object, repeat: int) -> tuple[float, float]:
    """Best and median ms of run() over repeat calls, after one warm-up."""
    assert callable(run)
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--lines", type=int, default=2000)
    args = parser.parse_args()
    common.header("figure extraction")
    briefing = (common.ROOT / "examples" / "nato-ukraine" / "r1.txt").read_text("utf-8")
    sentences = [s for para in briefing.split("\n\n") for s in split_sentences(para)]
    best, median = best_and_median(lambda: [find_figures(s) for s in sentences], args.repeat)
    print(f"briefing {len(briefing)} chars, {len(sentences)} sentences: "
          f"best {best:.2f} ms, median {median:.2f} ms per briefing "
          f"({median * 4096 / len(briefing):.2f} ms per 4 KB; target <= 2 ms)")
    best, median = best_and_median(lambda: find_figures(briefing), args.repeat)
    print(f"briefing as one text: best {best:.2f} ms, median {median:.2f} ms")
    print("\ninput                 n chars   ms(n)   ms(8n)  ratio (linear ~8, quadratic ~64)")
    for unit in ADVERSARIAL:
        small = unit * max(1, 10_000 // len(unit))
        large = small * 8
        t_small = best_and_median(lambda s=small: find_figures(s), 3)[0]  # type: ignore[misc]
        t_large = best_and_median(lambda s=large: find_figures(s), 3)[0]  # type: ignore[misc]
        print(f"{unit!r:20} {len(small):8} {t_small:7.1f} {t_large:8.1f}  "
              f"{t_large / max(t_small, 1e-6):5.1f}")
    repeated = (sentences * (args.lines // len(sentences) + 1))[:args.lines]
    lines = "\n".join(json.dumps({"text": s}) for s in repeated) + "\n"
    start = time.perf_counter()
    done = subprocess.run([common.CHRONICLE, "figures", "-"], input=lines, text=True,
                          capture_output=True, check=True)
    took = time.perf_counter() - start
    print(f"\nchronicle figures -: {args.lines} lines in {took:.2f} s "
          f"({len(done.stdout.splitlines())} lines out, one process)")


if __name__ == "__main__":
    main()
