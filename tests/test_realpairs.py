"""The realpairs development set (eval/realpairs) as a regression floor.

All 34 pairs are diffed in-process through the API (eval/score_realpairs.py, the same
Checker as eval/realpairs/score.py) in a few seconds; two pairs also go through the real
`chronicle` executable with the shipped scorer, so the scorer keeps working from the
repository with the repository's own chronicle and agrees with the in-process run.

Raise the floors when the score improves; never lower them to make a change pass.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval"

# Measured at the commit that set them (stop 21: 596 of 598 checks, no invented figure
# entry, no invented claim, numeric-change recall 1.000 of 127).
CHECKS_PASSED_FLOOR = 596
INVENTED_FIGURES_CEILING = 0
INVENTED_CLAIMS_SHARE = 0.02  # of the reported added/removed claims
NUMERIC_RECALL_FLOOR = 0.98


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_realpairs", EVAL / "score_realpairs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_realpairs"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results() -> tuple[ModuleType, list[object]]:
    module = scorer()
    return module, module.score_all(jobs=2)


@pytest.mark.slow
def test_every_pair_is_scored(results: tuple[ModuleType, list[object]]) -> None:
    _, found = results
    folders = [p for p in (EVAL / "realpairs").iterdir() if (p / "expected.json").is_file()]
    assert len(found) == len(folders) == 34
    crashed = [r.pair for r in found if any("chronicle failed" in c for _, c in r.checks)]
    assert crashed == []


def test_score_stays_above_its_floor(results: tuple[ModuleType, list[object]]) -> None:
    module, found = results
    totals = module.totals(found)
    failed = [f"{r.pair}: {c}" for r in found for ok, c in r.checks if not ok]
    assert totals["passed"] >= CHECKS_PASSED_FLOOR, "\n".join(failed)
    assert totals["invented_figures"] <= INVENTED_FIGURES_CEILING
    assert totals["numeric_recall"] >= NUMERIC_RECALL_FLOOR
    invented = [line for r in found for line in r.invented_claims]
    assert len(invented) <= INVENTED_CLAIMS_SHARE * max(totals["claims_reported"], 1), invented


def test_controls_report_no_figure_at_all(results: tuple[ModuleType, list[object]]) -> None:
    _, found = results
    controls = {"fomc-2015-04-29-to-06-17", "wiki-haemophilia", "wiki-hillbilly"}
    for result in found:
        if result.pair in controls:
            assert result.figure_entries == [], (result.pair, result.figure_entries)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="the CLI needs git")
def test_shipped_scorer_runs_the_real_executable() -> None:
    chronicle = Path(sys.executable).parent / "chronicle"
    pairs = ["wiki-haemophilia", "fomc-2014-03-19-to-04-30"]
    args = [sys.executable, str(EVAL / "realpairs" / "score.py"), str(chronicle)]
    for pair in pairs:
        args += ["--only", pair]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert "chronicle failed" not in result.stdout, result.stdout
    module = scorer()
    in_process = {r.pair: r for r in module.score_all(pairs, jobs=1)}
    for pair in pairs:
        line = next(x for x in result.stdout.splitlines() if x.startswith(pair))
        passed, total = line.split()[1].split("/")
        assert (int(passed), int(total)) == (in_process[pair].passed,
                                             len(in_process[pair].checks)), line
