"""Score find_figures on eval/newsforms: 863 news-style sentences, each with its figures.

Each line of eval/newsforms/*.txt is ``sentence || figure ; figure``; a figure is one or
more alternatives joined by `` | ``:

* ``42 USD``, ``5..11 year``, ``0.5 _`` (no unit): a value (or range) and its unit;
* ``D:2024-03`` a date (its ISO ``date``), ``DR:2010..2015`` a span of years (one date
  with an end year, or two dates), ``T:19.5`` a time of day in hours;
* a leading ``?`` marks a reading that may be found or not.

A sentence is right when every figure it names is found and nothing else is. Units of one
dimension compare in base units ("150 min" is "2.5 h").

    python eval/score_newsforms.py          # per category, then all
    python eval/score_newsforms.py --json   # one JSON object
    python eval/score_newsforms.py --details
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from chronicle import find_figures  # noqa: E402
from chronicle.figures import FoundFigure  # noqa: E402
from chronicle.units import UNIT_BASES  # noqa: E402

CASES = ROOT / "newsforms"
SETS = {"newsforms": CASES, "everyday": ROOT / "everyday"}
Reading = tuple[object, ...]  # ("val", value, max, unit) | ("date", iso) | ("time", h) | ...


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def number(text: str) -> float:
    """A label's number: digits with an optional sign, or a fraction such as 2/3."""
    top, _, bottom = text.partition("/")
    return float(top) / float(bottom) if bottom else float(top)


def parse_reading(text: str) -> tuple[bool, Reading]:
    text = text.strip()
    optional = text.startswith("?")
    text = text.lstrip("?")
    if text.startswith("DR:"):
        first, last = text[3:].split("..")
        return optional, ("span", first, last)
    if text.startswith("D:"):
        return optional, ("date", text[2:])
    if text.startswith("T:"):
        return optional, ("time", number(text[2:]))
    value, _, unit = text.partition(" ")
    low, _, high = value.partition("..")
    return optional, ("val", number(low), number(high) if high else None,
                      None if unit in ("", "_") else unit)


def same_measure(found: FoundFigure, value: float, high: float | None, unit: str) -> bool:
    if found.unit == unit:
        return close(found.value, value) and close(found.value_max, high)
    if unit == "deg" and found.unit in ("deg", "degC", "degF"):
        return close(found.value, value) and close(found.value_max, high)
    if found.unit in UNIT_BASES and unit in UNIT_BASES:
        (dim_f, f_f), (dim_e, f_e) = UNIT_BASES[found.unit], UNIT_BASES[unit]
        ends = (found.value_max is None) == (high is None) and (
            high is None or close(found.value_max * f_f, high * f_e))  # type: ignore[operator]
        return dim_f == dim_e and close(found.value * f_f, value * f_e) and ends
    return False


def fits(reading: Reading, found: FoundFigure, optional: bool) -> bool:
    kind = reading[0]
    if kind == "date":
        iso = str(reading[1])
        return found.kind == "date" and (found.date == iso or (
            optional and found.date is not None and iso in found.date))
    if kind == "time":
        return found.kind == "time" and close(found.value, float(reading[1]))  # type: ignore[arg-type]
    if found.kind in ("date", "time"):
        return False
    _, value, high, unit = reading
    if unit is None:
        return found.unit is None and close(found.value, value) and close(  # type: ignore[arg-type]
            found.value_max, high)  # type: ignore[arg-type]
    return same_measure(found, value, high, str(unit))  # type: ignore[arg-type]


@dataclass
class Result:
    category: str
    sentence: str
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return not self.missing and not self.extra


def describe(found: FoundFigure) -> str:
    if found.kind == "date":
        return f"{found.text!r} D:{found.date}"
    span = f"..{found.value_max:g}" if found.value_max is not None else ""
    return f"{found.text!r} {found.value:g}{span} {found.unit or '_'} ({found.kind})"


def score_line(category: str, line: str) -> Result:
    sentence, _, labels = line.partition(" || ")
    wanted: list[tuple[str, bool, list[Reading]]] = []
    for label in (x for x in labels.split(" ; ") if x.strip()):
        readings = [parse_reading(alt) for alt in label.split(" | ")]
        wanted.append((label.strip(), readings[0][0], [r for _, r in readings]))
    found = find_figures(sentence)
    used = [False] * len(found)
    result = Result(category, sentence)
    for label, optional, readings in list(wanted):  # a span: one date or two
        if readings[0][0] != "span":
            continue
        wanted.remove((label, optional, readings))
        _, first, last = readings[0]
        one = next((i for i, f in enumerate(found) if not used[i] and f.kind == "date"
                    and f.date == first and close(f.value_max, float(str(last)))), None)
        if one is not None:
            used[one] = True
        else:
            wanted += [(f"D:{first}", False, [("date", first)]), (f"D:{last}", False,
                                                                  [("date", last)])]
    for optional_pass in (False, True):  # what must be found first, then what may be
        for label, optional, readings in wanted:
            if optional != optional_pass:
                continue
            hit = next((i for i, f in enumerate(found) if not used[i]
                        and any(fits(r, f, optional) for r in readings)), None)
            if hit is not None:
                used[hit] = True
            elif not optional:
                result.missing.append(label)
    result.extra = [describe(f) for i, f in enumerate(found) if not used[i]]
    return result


def score_all(cases: Path = CASES) -> list[Result]:
    results = []
    for path in sorted(cases.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                results.append(score_line(path.stem, line))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--details", action="store_true", help="list every wrong sentence")
    parser.add_argument("--set", choices=sorted(SETS), default="newsforms",
                        help="eval/newsforms (news prose) or eval/everyday (shop, chat, app)")
    args = parser.parse_args(argv)
    results = score_all(SETS[args.set])
    categories = sorted({r.category for r in results})
    table = {c: (sum(r.right for r in results if r.category == c),
                 sum(r.category == c for r in results)) for c in categories}
    table["all"] = (sum(r.right for r in results), len(results))
    if args.json:
        print(json.dumps({k: {"right": a, "sentences": n} for k, (a, n) in table.items()}))
        return 0
    print(f"{'category':14} {'right':>5} {'of':>5} {'share':>6}")
    for name, (right, total) in table.items():
        print(f"{name:14} {right:5} {total:5} {right / total:6.3f}")
    if args.details:
        for r in results:
            if not r.right:
                print(f"- [{r.category}] {r.sentence}\n    missing {r.missing} extra {r.extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
