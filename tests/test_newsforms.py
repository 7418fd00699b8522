"""A floor under the extractor on eval/newsforms, 863 news-style sentences (CI).

The set was written for this project by a red-team helper (stop 23), labelled before the
extractor was run on it: 810 sentences fully right at the first run, 821 after the fixes
it prompted. A change that reads fewer of them right fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent / "eval"
sys.path.insert(0, str(EVAL))

import score_newsforms  # noqa: E402

FLOOR = 825


def test_news_forms_stay_read() -> None:
    results = score_newsforms.score_all()
    wrong = [f"[{r.category}] {r.sentence} missing={r.missing} extra={r.extra}"
             for r in results if not r.right]
    assert len(results) == 863
    assert len(results) - len(wrong) >= FLOOR, "\n".join(wrong)


def test_a_label_reads_as_the_scorer_says() -> None:
    line = "Children aged 5 to 11 are eligible. || 5..11 year"
    assert score_newsforms.score_line("ages", line).right
    assert not score_newsforms.score_line("ages", "It cost $5. || 6 USD").right
    assert score_newsforms.score_line("x", "It ran 150 minutes. || 2.5 h").right


EVERYDAY_FLOOR = 928


def test_everyday_forms_stay_read() -> None:
    """eval/everyday: 984 sentences of shops, chat and apps from a third red-team round
    (stop 24), labelled before the run: 916 right at first, 928 after its fixes."""
    results = score_newsforms.score_all(score_newsforms.SETS["everyday"])
    wrong = [f"[{r.category}] {r.sentence} missing={r.missing} extra={r.extra}"
             for r in results if not r.right]
    assert len(results) == 984
    assert len(results) - len(wrong) >= EVERYDAY_FLOOR, "\n".join(wrong)
