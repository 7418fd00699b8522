"""Score chronicle's diff on eval/realpairs in-process, with the rules of eval/realpairs/score.py.

Usage: python eval/score_realpairs.py [--only NAME] [-v] [--show] [--json PATH] [--jobs N]

``eval/realpairs/score.py`` drives the chronicle executable (init, ingest, ingest, diff) and
takes about a minute; this driver parses both revisions and diffs them through the API in a
few seconds, applying the very same ``Checker``. Besides the checks it prints the measures
the issue sets targets on:

- invented claims: reported added (removed) claims whose sentence is still in the other
  revision, verbatim or split into several sentences there;
- numeric-change recall: figure and date changes labelled in ``expected.json``
  (``figure_changes``, ``date_changes``, ``figures_added``, ``figures_removed``) that the
  diff reports.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "realpairs"
NUMERIC_PREFIXES = ("figure changed", "date changed", "figure added", "figure removed")


def scorer() -> ModuleType:
    """eval/realpairs/score.py as a module (its Checker holds the rules)."""
    spec = importlib.util.spec_from_file_location("realpairs_score", PAIRS / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class PairResult:
    pair: str
    checks: list[tuple[bool, str]] = field(default_factory=list)
    invented_figures: int = 0
    claims_reported: int = 0  # added + removed claims
    invented_claims: list[str] = field(default_factory=list)
    figure_entries: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(ok for ok, _ in self.checks)


def diff_pair(pair: Path) -> dict[str, Any]:
    """The diff JSON of r1 -> r2, as `chronicle diff --json` prints it."""
    from chronicle.readers import parse_file
    from chronicle.views import diff_revisions

    before = parse_file(pair / "r1.txt").revision
    after = parse_file(pair / "r2.txt").revision
    diff = diff_revisions(pair.name, before, after, (1, 2))
    document: dict[str, Any] = json.loads(json.dumps(diff.model_dump(mode="json", by_alias=True)))
    return document


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def invented_claims(diff: dict[str, Any], pair: Path) -> tuple[int, list[str]]:
    """(added + removed claims, those whose sentence still stands in the other revision)."""
    from chronicle.readers import parse_file

    texts = {
        side: [c.text for c in (*rev.key_points, *rev.claims)]
        for side, rev in (
            ("r1", parse_file(pair / "r1.txt").revision),
            ("r2", parse_file(pair / "r2.txt").revision),
        )
    }
    reported = 0
    invented = []
    for kind, other in (("added", "r1"), ("removed", "r2")):
        others = [_squash(t) for t in texts[other]]
        whole = "".join(others)
        for claim in diff["claims"][kind] + diff["key_points"][kind]:
            reported += 1
            squashed = _squash(claim["text"])
            if not squashed:
                continue
            # verbatim, or split: the other side's consecutive sentences spell it out
            if squashed in others or (len(squashed) > 40 and squashed in whole):
                invented.append(f"{kind}: {claim['text'][:90]}")
    return reported, invented


def score_pair(pair_path: str) -> PairResult:
    pair = Path(pair_path)
    module = scorer()
    expected = json.loads((pair / "expected.json").read_text(encoding="utf-8"))
    result = PairResult(pair.name)
    try:
        diff = diff_pair(pair)
    except Exception as error:  # a crash is a failed pair, with its reason
        result.checks = [(False, f"chronicle failed: {type(error).__name__}: {error}")]
        return result
    checker = module.Checker(diff, expected)
    result.checks = checker.run()
    result.invented_figures = checker.invented
    result.claims_reported, result.invented_claims = invented_claims(diff, pair)
    for kind in ("changed", "added", "removed"):
        for entry in diff["figures"][kind]:
            result.figure_entries.append(module.show_entry(kind, entry))
    return result


def pair_folders(only: list[str]) -> list[Path]:
    pairs = sorted(p for p in PAIRS.iterdir() if (p / "expected.json").is_file())
    return [p for p in pairs if not only or p.name in only]


def score_all(only: list[str] | None = None, jobs: int = 1) -> list[PairResult]:
    paths = [str(p) for p in pair_folders(only or [])]
    if jobs <= 1:
        return [score_pair(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(score_pair, paths))


def source_of(name: str) -> str:
    return name.split("-", 1)[0]


def totals(results: list[PairResult]) -> dict[str, Any]:
    checks = [c for r in results for c in r.checks]
    numeric = [ok for ok, what in checks if what.startswith(NUMERIC_PREFIXES)]
    by_source: dict[str, list[int]] = {}
    for r in results:
        entry = by_source.setdefault(source_of(r.pair), [0, 0])
        entry[0] += r.passed
        entry[1] += len(r.checks)
    reported = sum(r.claims_reported for r in results)
    invented = sum(len(r.invented_claims) for r in results)
    return {
        "passed": sum(ok for ok, _ in checks),
        "checks": len(checks),
        "invented_figures": sum(r.invented_figures for r in results),
        "claims_reported": reported,
        "invented_claims": invented,
        "numeric_recall": (sum(numeric) / len(numeric)) if numeric else 1.0,
        "numeric_checks": len(numeric),
        "by_source": by_source,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--show", action="store_true", help="print the figure entries")
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    results = score_all(args.only, args.jobs)
    width = max(len(r.pair) for r in results)
    for r in results:
        extra = f"  invented figure entries: {r.invented_figures}" if r.invented_figures else ""
        print(f"{r.pair:<{width}}  {r.passed}/{len(r.checks)}{extra}")
        for ok, what in r.checks:
            if not ok or args.verbose:
                print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        for line in r.invented_claims:
            print(f"  INVENTED CLAIM {line}")
        if args.show:
            print("\n".join(f"    [{e}]" for e in r.figure_entries))
    t = totals(results)
    print("by source: " + ", ".join(f"{s} {p}/{n}" for s, (p, n) in t["by_source"].items()))
    share = t["invented_claims"] / t["claims_reported"] if t["claims_reported"] else 0.0
    print(
        f"invented figure entries: {t['invented_figures']}; invented claims: "
        f"{t['invented_claims']} of {t['claims_reported']} added/removed ({share:.1%}); "
        f"numeric-change recall: {t['numeric_recall']:.3f} of {t['numeric_checks']}"
    )
    print(f"{t['passed']} passed, {t['checks'] - t['passed']} failed of {t['checks']} checks")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
