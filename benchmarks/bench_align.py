"""Alignment cost: two revisions of N sentences aligned and diffed, time and peak memory.

Revision 1 is N sentences of synthetic prose (a Zipf vocabulary of 6,000 words, one
figure in about a third of the sentences, 8 sentences a paragraph, a heading every 10
paragraphs). Revision 2 edits it the way real revisions do: 6% of sentences reworded, 3%
removed, 3% added, 1% split in two, 1% pairs merged, 3% figures changed, 2% of paragraphs
moved elsewhere. Each size runs in a fresh process (so peak RSS is its own): parse both,
then ``align_revisions`` and ``diff_revisions``; reported: seconds and peak resident
memory of the process (ru_maxrss, interpreter, imports and both parsed revisions included)
and the Python heap peak of one more diff traced by tracemalloc (after the timing, since
tracing slows allocation down). Sizes double, so the time ratios show the growth
(2.0 per doubling is linear).

Target (issue 10): 4,000 sentences each aligned in under 2 s and under 300 MB. The generator
counts the edits it makes, printed under the table: found and made should agree
(tests/test_align_properties.py holds them equal at 1,000 sentences).

Two hostile shapes run too: every line the same sentence (4,000 repeats), and sentences
made only of the same few common words (every index entry too common to use).

    .venv/bin/python benchmarks/bench_align.py
    .venv/bin/python benchmarks/bench_align.py --sizes 1000 2000 4000 8000 16000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc

import common

VOCABULARY = 6000
UNITS = ["percent", "million", "billion", "troops", "kilometers", "people", "tonnes"]


def word_list(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return sorted(words)


def sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    body = rng.choices(words, weights, k=rng.randint(8, 24))
    if rng.random() < 0.35:
        body.insert(rng.randrange(len(body)), f"{rng.randint(2, 990)} {rng.choice(UNITS)}")
    return body[0].capitalize() + " " + " ".join(body[1:]) + "."


def first_revision(size: int, seed: int) -> list[list[str]]:
    """Paragraphs of sentences; a heading is a paragraph of one title-cased line."""
    rng = random.Random(seed)
    words = word_list(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    paragraphs: list[list[str]] = []
    made = 0
    while made < size:
        if len(paragraphs) % 10 == 0:
            paragraphs.append([" ".join(w.capitalize() for w in rng.sample(words[:500], 3))])
        paragraph = [sentence(rng, words, weights) for _ in range(min(8, size - made))]
        made += len(paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def second_revision(paragraphs: list[list[str]], seed: int,
                    truth: dict[str, int] | None = None) -> list[list[str]]:
    """The edited revision; ``truth`` counts the edits made, by kind."""
    truth = {} if truth is None else truth
    rng = random.Random(seed + 1)
    words = word_list(random.Random(seed))
    weights = [1 / (rank + 1) for rank in range(len(words))]
    out: list[list[str]] = []
    for paragraph in paragraphs:
        if len(paragraph) == 1 and not paragraph[0].endswith("."):
            out.append(list(paragraph))  # a heading
            continue
        edited: list[str] = []
        skip = False
        for n, text in enumerate(paragraph):
            if skip:
                skip = False
                continue
            roll = rng.random()
            if roll < 0.06:  # reworded: a few words replaced
                tokens = text.rstrip(".").split()
                plain = [k for k in range(1, len(tokens)) if tokens[k].isalpha()
                         and not tokens[k - 1].isdigit()]  # keep figures and the capital
                for _ in range(max(1, len(tokens) // 6)):
                    tokens[rng.choice(plain)] = rng.choice(words)
                edited.append(" ".join(tokens) + ".")
                _count(truth, "reworded")
            elif roll < 0.09:
                _count(truth, "removed")
                continue
            elif roll < 0.12:
                edited += [text, sentence(rng, words, weights)]  # one added after it
                _count(truth, "added")
            elif roll < 0.13:  # split in two
                tokens = text.rstrip(".").split()
                half = len(tokens) // 2
                edited += [" ".join(tokens[:half]) + ".",
                           " ".join(tokens[half:]).capitalize() + "."]
                _count(truth, "split")
            elif roll < 0.14 and n + 1 < len(paragraph):  # merged with the next
                edited.append(text.rstrip(".") + " and " + paragraph[n + 1][0].lower()
                              + paragraph[n + 1][1:])
                skip = True
                _count(truth, "merged")
            elif roll < 0.17:  # a figure changed
                bumped = _bump_number(text, rng)
                edited.append(bumped)
                if bumped != text:
                    _count(truth, "figures_changed")
            else:
                edited.append(text)
        out.append(edited)
    for _ in range(max(1, len(out) // 50)):  # paragraphs moved
        paragraph = out.pop(rng.randrange(len(out)))
        out.insert(rng.randrange(len(out)), paragraph)
    return out


def _count(truth: dict[str, int], kind: str) -> None:
    truth[kind] = truth.get(kind, 0) + 1


def _bump_number(text: str, rng: random.Random) -> str:
    tokens = text.split()
    for n, token in enumerate(tokens):
        if token.isdigit():
            tokens[n] = str(int(token) + rng.randint(1, 9))
            return " ".join(tokens)
    return text


def render(paragraphs: list[list[str]]) -> str:
    return "Synthetic briefing\n\n" + "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


def repeated(size: int) -> tuple[str, str]:
    line = "The same sentence is written here again."
    first = "Repeats\n\n" + "\n".join([line] * size) + "\n"
    second = "Repeats\n\n" + "\n".join([line] * (size - 10) + ["A new sentence at the end."])
    return first, second


def common_words(size: int, seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    few = ["council", "budget", "city", "plan", "vote", "money", "year", "school", "road"]
    lines = [" ".join(rng.choices(few, k=10)).capitalize() + "." for _ in range(size)]
    other = list(lines)
    for _ in range(size // 20):
        n = rng.randrange(len(other))
        other[n] = " ".join(rng.choices(few, k=10)).capitalize() + "."
    return "Common\n\n" + "\n".join(lines) + "\n", "Common\n\n" + "\n".join(other) + "\n"


def measure(first: str, second: str, truth: dict[str, int]) -> dict[str, float]:
    """Run in this process: parse both, align and diff; seconds and memory."""
    from chronicle.align import align_revisions
    from chronicle.readers import parse_bytes
    from chronicle.views import diff_revisions

    start = time.perf_counter()
    before = parse_bytes(first.encode(), "r1", "text").revision
    after = parse_bytes(second.encode(), "r2", "text").revision
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    align_revisions(before, after)
    aligned = time.perf_counter() - start
    start = time.perf_counter()
    diff = diff_revisions("bench", before, after, (1, 2))
    diffed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()  # after the timing: tracing slows every allocation down
    diff_revisions("bench", before, after, (1, 2))
    heap = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "claims": float(len(before.claims)),
        "parse_s": parsed,
        "align_s": aligned,
        "diff_s": diffed,
        "heap_mb": heap / 2**20,
        "rss_mb": rss,
        "added": float(len(diff.claims.added)),
        "removed": float(len(diff.claims.removed)),
        "split": float(len(diff.claims.split)),
        "merged": float(len(diff.claims.merged)),
        "moved": float(len(diff.claims.moved)),
        "figures_changed": float(len(diff.figures.changed)),
        **{f"true_{kind}": float(n) for kind, n in truth.items()},
    }


def in_child(shape: str, size: int, seed: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", shape, str(size), str(seed)],
        capture_output=True, text=True, check=True, env=common.user_env(),
    )
    data: dict[str, float] = json.loads(result.stdout)
    return data


def child(shape: str, size: int, seed: int) -> None:
    truth: dict[str, int] = {}
    if shape == "prose":
        paragraphs = first_revision(size, seed)
        first, second = render(paragraphs), render(second_revision(paragraphs, seed, truth))
    elif shape == "repeated":
        first, second = repeated(size)
    else:
        first, second = common_words(size, seed)
    print(json.dumps(measure(first, second, truth)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return 0
    common.header("align: two revisions of N sentences (parse, align, diff), fresh process each")
    rows = [("shape", "sentences", "parse s", "align s", "diff s", "ratio", "heap MB", "RSS MB",
             "split", "merged", "moved", "+", "-", "fig~")]
    made = [("edits made", "", "", "", "", "", "", "", "split", "merged", "", "+", "-", "fig~")]
    previous: float | None = None
    results: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        got = in_child("prose", size, args.seed)
        results[size] = got
        ratio = "" if previous is None else f"{got['diff_s'] / previous:.2f}"
        previous = got["diff_s"]
        rows.append(_row("prose", got, ratio))
        made.append((f"  in {size:,}", "", "", "", "", "", "", "",
                     *(f"{got.get('true_' + k, 0):.0f}" for k in ("split", "merged")), "",
                     *(f"{got.get('true_' + k, 0):.0f}" for k in
                       ("added", "removed", "figures_changed"))))
    for shape in ("repeated", "common-words"):
        rows.append(_row(shape, in_child(shape, 4000, args.seed), ""))
    common.table(rows)
    print("\nthe edits the generator made (found vs made: moved claims come on top of these,")
    print("from 2% of paragraphs moved; a reworded sentence may also read as removed + added)")
    common.table(made)
    if 4000 in results:
        got = results[4000]
        ok = got["align_s"] < 2 and got["rss_mb"] < 300
        print(f"\n4,000 sentences: align {got['align_s']:.2f} s, diff {got['diff_s']:.2f} s, "
              f"peak RSS {got['rss_mb']:.0f} MB (target < 2 s, < 300 MB): "
              f"{'met' if ok else 'NOT met'}")
    return 0


def _row(shape: str, got: dict[str, float], ratio: str) -> tuple[str, ...]:
    return (shape, f"{got['claims']:,.0f}", f"{got['parse_s']:.2f}", f"{got['align_s']:.2f}",
            f"{got['diff_s']:.2f}", ratio, f"{got['heap_mb']:.0f}", f"{got['rss_mb']:.0f}",
            f"{got['split']:.0f}", f"{got['merged']:.0f}", f"{got['moved']:.0f}",
            f"{got['added']:.0f}", f"{got['removed']:.0f}", f"{got['figures_changed']:.0f}")


if __name__ == "__main__":
    sys.exit(main())
