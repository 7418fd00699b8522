"""Score find_figures on the labelled sets in eval/<set>/*.jsonl (see each SOURCE.md).

Each line: {"text": ..., "figures": [{"kind", "value", "value_max", "unit", "date"}],
"source": ...}, the figures written in chronicle's terms. A found figure matches an expected
one when both are dates with the same ISO (partial) date, both are times of day with the
same hour, or both have the same dimension after units.base_range (counts and plain numbers
are scored together as "count/number", their nouns ignored) and the same value within 1e-6
relative; an expected range matches only a range with the same ends. Each expected figure
uses a different found one. Precision of a kind counts the found figures of that kind.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from chronicle.figures import FoundFigure, find_figures  # noqa: E402
from chronicle.units import base_range  # noqa: E402

# name -> (files, tuned on?, what it is). "Tuned on" means its misses were looked at while
# the extractor was changed; the held-out sets were labelled first and only scored.
SETS: dict[str, tuple[str, bool, str]] = {
    "duckling": ("duckling/*.jsonl", True, "Duckling's English corpora: money, temperature, "
                 "distance, volume, mass, numerals, durations (phrases)"),
    "chrono-little": ("chrono/little_endian.jsonl", True,
                      "chrono's day-month date tests (phrases)"),
    "chrono-middle": ("chrono/middle_endian.jsonl", False,
                      "chrono's month-day date tests (phrases)"),
    "fomc": ("fomc/*.jsonl", False, "FOMC statements not in realpairs, hand-labelled"),
    "text2num": ("text2num/*.jsonl", False, "text2num's English tests (number words)"),
    "weather": ("weather/*.jsonl", False, "an NWS statement and a Wikipedia storm article, "
                "hand-labelled (sentences)"),
    "nasa": ("nasa/*.jsonl", False, "NASA captions, a blog post and a release, "
             "hand-labelled (sentences)"),
}
KINDS = ("money", "count/number", "percent", "date", "time", "duration", "distance", "mass",
         "temperature", "volume", "speed", "area", "energy", "power", "data", "data_rate",
         "frequency", "pressure")


def bucket(kind: str) -> str:
    """The kind as scored: counts and plain numbers together."""
    return "count/number" if kind in ("count", "number") else kind


@dataclass(frozen=True)
class Expected:
    """One labelled figure, shaped like a figure for units.base_range."""

    kind: str
    value: float = 0.0
    value_max: float | None = None
    unit: str | None = None
    date: str | None = None
    noun: str | None = None


def _dimension(fig: FoundFigure | Expected) -> tuple[str, float, float | None]:
    """Dimension and base-unit ends, counts and numbers folded into one dimension."""
    if bucket(fig.kind) == "count/number":
        return "dimensionless", fig.value, fig.value_max
    if fig.kind == "money":  # labels give the currency, not what a price is per
        return f"money:{fig.unit}", fig.value, fig.value_max
    return base_range(fig)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def matches(found: FoundFigure, expected: Expected) -> bool:
    """Whether a found figure is the expected one (rules in the module docstring)."""
    if expected.kind == "date" or found.kind == "date":
        return found.kind == expected.kind == "date" and found.date == expected.date
    if expected.kind == "time" or found.kind == "time":
        return found.kind == expected.kind == "time" and _close(found.value, expected.value)
    dim_f, low_f, high_f = _dimension(found)
    dim_e, low_e, high_e = _dimension(expected)
    return dim_f == dim_e and _close(low_f, low_e) and _close(high_f, high_e)


@dataclass
class SetTally:
    """Counts for one set."""

    expected: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    hit_expected: Counter[str] = field(default_factory=Counter)
    hit_found: Counter[str] = field(default_factory=Counter)
    cases: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


def score_case(case: dict[str, Any], tally: SetTally) -> None:
    """Match one text's found figures to its labels."""
    text = case["text"]
    figures = find_figures(text)
    used: set[int] = set()
    tally.cases += 1
    for label in case["figures"]:
        exp = Expected(**label)
        tally.expected[bucket(exp.kind)] += 1
        hit = next((i for i, f in enumerate(figures) if i not in used and matches(f, exp)), None)
        if hit is None:
            tally.misses.append(f"{bucket(exp.kind):12} {label} in {text!r}")
            continue
        used.add(hit)
        tally.hit_expected[bucket(exp.kind)] += 1
    for i, fig in enumerate(figures):
        tally.found[bucket(fig.kind)] += 1
        if i in used:
            tally.hit_found[bucket(fig.kind)] += 1
        else:
            tally.extras.append(f"{bucket(fig.kind):12} {fig.text!r} = {fig.value:g} "
                                f"{fig.unit or ''} {fig.date or ''} in {text!r}")


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def score_set(name: str) -> dict[str, Any]:
    """Per-kind and overall precision and recall of one labelled set."""
    pattern, tuned, about = SETS[name]
    tally = SetTally()
    for path in sorted((ROOT / "eval").glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                score_case(json.loads(line), tally)
    kinds = [k for k in KINDS if tally.expected[k] or tally.found[k]]
    rows = {k: {"expected": tally.expected[k], "found": tally.found[k],
                "precision": ratio(tally.hit_found[k], tally.found[k]),
                "recall": ratio(tally.hit_expected[k], tally.expected[k])} for k in kinds}
    n_e, n_f = sum(tally.expected.values()), sum(tally.found.values())
    return {"about": about, "tuned_on": tuned, "cases": tally.cases, "kinds": rows,
            "overall": {"expected": n_e, "found": n_f,
                        "precision": ratio(sum(tally.hit_found.values()), n_f),
                        "recall": ratio(sum(tally.hit_expected.values()), n_e)},
            "misses": tally.misses, "extras": tally.extras}


def score_all() -> dict[str, dict[str, Any]]:
    results = {name: score_set(name) for name in SETS}
    results["held-out, pooled"] = pooled([results[n] for n, (_, tuned, _) in SETS.items()
                                          if not tuned])
    return results


def pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several sets' counts added up: P/R per kind over all of them."""
    totals: dict[str, Counter[str]] = {}
    for result in results:
        for kind, row in [*result["kinds"].items(), ("overall", result["overall"])]:
            t = totals.setdefault(kind, Counter())
            t["expected"] += row["expected"]
            t["found"] += row["found"]
            t["hit_found"] += round((row["precision"] or 0) * row["found"])
            t["hit_expected"] += round((row["recall"] or 0) * row["expected"])

    def row_of(t: Counter[str]) -> dict[str, Any]:
        return {"expected": t["expected"], "found": t["found"],
                "precision": ratio(t["hit_found"], t["found"]),
                "recall": ratio(t["hit_expected"], t["expected"])}

    overall = totals.pop("overall", Counter())
    return {"about": "every held-out set added up", "tuned_on": False,
            "cases": sum(r["cases"] for r in results),
            "kinds": {k: row_of(totals[k]) for k in KINDS if k in totals},
            "overall": row_of(overall), "misses": [], "extras": []}


def fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def print_set(name: str, result: dict[str, Any], details: bool = True) -> None:
    """Print one set's table, then its misses and extras."""
    state = "TUNED ON" if result["tuned_on"] else "held out"
    print(f"\n== {name} ({state}; {result['cases']} texts): {result['about']}")
    print(f"{'kind':14} {'expected':>8} {'found':>6} {'precision':>9} {'recall':>7}")
    for kind, row in [*result["kinds"].items(), ("overall", result["overall"])]:
        print(f"{kind:14} {row['expected']:8} {row['found']:6} {fmt(row['precision']):>9} "
              f"{fmt(row['recall']):>7}")
    if details:
        for title, lines in (("missed", result["misses"]), ("extra", result["extras"])):
            print(f"-- {title}: {len(lines)}")
            for line in lines:
                print(f"   {line}")


if __name__ == "__main__":
    everything = score_all()
    for set_name in sys.argv[1:] or list(everything):
        print_set(set_name, everything[set_name])
