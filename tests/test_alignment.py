"""Alignment: robust to reordering, re-wrapping and small edits; one figure change is one change."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chronicle.diff_model import Diff
from chronicle.readers import parse_bytes
from chronicle.views import diff_revisions
from conftest import REVISIONS

DATA = Path(__file__).parent / "data"
R1 = REVISIONS[0].read_text()


def diff_texts(before: str, after: str, fmt: str = "text") -> Diff:
    first = parse_bytes(before.encode(), "before", fmt).revision  # type: ignore[arg-type]
    second = parse_bytes(after.encode(), "after", fmt).revision  # type: ignore[arg-type]
    return diff_revisions("t", first, second, (1, 2))


def assert_no_claim_or_figure_change(diff: Diff) -> None:
    for part in (diff.claims, diff.key_points):
        assert (part.added, part.removed, part.edited) == ((), (), ())
    assert diff.figures.changed == diff.figures.added == diff.figures.removed == ()
    assert diff.quotes.changed == diff.quotes.added == diff.quotes.removed == ()


def body_lines(text: str) -> tuple[list[str], list[str], list[str]]:
    """(head: headline + key points, body lines, tail: sources) of the example's shape."""
    lines = text.splitlines()
    first_body = lines.index("Biden’s Decision Sparks NATO’s Renewed Support")
    sources = lines.index("Sources:")
    return lines[:first_body], lines[first_body:sources], lines[sources:]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffled_paragraphs_change_no_claim(rnd: random.Random) -> None:
    head, body, tail = body_lines(R1)
    heading, paragraphs = body[0], body[1:]
    rnd.shuffle(paragraphs)
    diff = diff_texts(R1, "\n".join([*head, heading, *paragraphs, *tail]))
    assert_no_claim_or_figure_change(diff)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=30, max_value=100))
def test_rewrapped_lines_change_nothing(width: int) -> None:
    head, body, tail = body_lines(R1)
    blocks = ["\n".join(head)]
    for line in body:
        wrap = len(line) > 120 and not line.startswith("“")
        blocks.append(textwrap.fill(line, width) if wrap else line)
    blocks.append("\n".join(tail))
    diff = diff_texts(R1, "\n\n".join(blocks))
    assert_no_claim_or_figure_change(diff)
    assert diff.claims.moved == ()


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.data())
def test_changing_one_figure_reports_exactly_that_change(data: st.DataObject) -> None:
    revision = parse_bytes(R1.encode(), "r1", "text").revision
    texts = {c.id: c.text for c in (*revision.key_points, *revision.claims)}
    candidates = [f for f in revision.figures if f.claim in texts and NUMBER.search(f.text)]
    figure = data.draw(st.sampled_from(candidates))
    claim = texts[figure.claim]
    assume(R1.count(claim) == 1)
    old_number = NUMBER.search(figure.text)
    assert old_number is not None
    digits = len(old_number.group(0).split(".")[0].replace(",", ""))  # keep a year a year
    new_number = str(
        data.draw(st.integers(min_value=max(2, 10 ** (digits - 1)), max_value=10**digits - 1))
    )
    assume(new_number != old_number.group(0).replace(",", ""))
    new_text = figure.text.replace(old_number.group(0), new_number, 1)
    edited = claim[: figure.start] + new_text + claim[figure.end :]
    diff = diff_texts(R1, R1.replace(claim, edited))
    assert len(diff.figures.changed) == 1, diff.figures
    [change] = diff.figures.changed
    assert change.before.text == figure.text and change.after.text == new_text
    assert diff.figures.added == diff.figures.removed == ()
    for part in (diff.claims, diff.key_points):
        assert (part.added, part.removed, part.edited) == ((), (), ())


def test_unrelated_sentences_are_not_paired() -> None:
    before = "Title\n\nThe river flooded three towns on Monday. Officials opened two shelters.\n"
    after = "Title\n\nThe river flooded three towns on Monday. Schools will reopen next week.\n"
    diff = diff_texts(before, after)
    assert [c.text for c in diff.claims.removed] == ["Officials opened two shelters."]
    assert [c.text for c in diff.claims.added] == ["Schools will reopen next week."]
    assert diff.claims.edited == ()


def test_quake_pair() -> None:
    diff = diff_texts((DATA / "quake/r1.txt").read_text(), (DATA / "quake/r2.txt").read_text())
    assert [(c.before.text, c.after.text) for c in diff.figures.changed] == [
        ("At least 12", "At least 27"),
        ("three", "five"),
    ]
    assert [(c.after.noun, c.after.qualifier) for c in diff.figures.changed] == [
        ("people", "at least"),
        ("villages", None),
    ]
    assert [f.value for f in diff.figures.added] == [20e6]
    assert [c.text for c in diff.claims.added] == [
        "The World Bank pledged a further $20 million for reconstruction."
    ]
    assert [(e.before.text, e.after.text) for e in diff.claims.edited] == [
        (
            "Japan and Australia offered search teams.",
            "Japan, Australia and Singapore offered search teams.",
        )
    ]
    assert diff.claims.removed == ()
    # Two sentences of one paragraph swapped: the shorter one is the one that moved.
    [move] = diff.claims.moved
    assert move.claim.text == "Rescue teams reached five villages by nightfall."
    assert move.from_position is not None and move.to_position is not None
    assert (move.from_position.sentence, move.to_position.sentence) == (0, 1)
    assert diff.headline is None and diff.quotes.changed == ()
    assert [s.text for s in diff.sources.added] == [
        "World Bank statement on Sumatra reconstruction"
    ]


def test_budget_pair_in_markdown_with_reordered_sections() -> None:
    diff = diff_texts(
        (DATA / "budget/r1.md").read_text(), (DATA / "budget/r2.md").read_text(), "markdown"
    )
    assert diff.headline is not None
    assert diff.headline.after == "City council adopts 2025 budget after late amendment"
    assert [(c.before.value, c.after.value, c.after.unit) for c in diff.figures.changed] == [
        (1.2e9, 1.25e9, "EUR"),
        (95e6, 110e6, "EUR"),
    ]
    assert [c.text for c in diff.claims.removed] == ["Libraries will open on Sundays from March."]
    assert diff.claims.added == diff.claims.edited == ()
    # 'Spending' now comes first, Housing before Transit: the vote's longer claims keep their
    # order, so the two spending claims are the ones that moved (both within their section).
    assert [(m.claim.text[:17], m.from_section, m.to_section) for m in diff.claims.moved] == [
        ("Housing programs ", 1, 0),
        ("Transit receives ", 1, 0),
    ]
    [quote] = diff.quotes.changed
    assert quote.fields == ("text",) and quote.after.speaker == "Mayor Ana Ruiz"
    assert diff.key_points.edited == diff.key_points.added == diff.key_points.removed == ()


def test_a_merge_reworded_in_its_inflections_is_a_merge() -> None:
    """'The airline blamed a shortage' joined as ', blaming a shortage': the claim words
    are compared without their inflections."""
    from chronicle.readers import parse_bytes
    from chronicle.views import diff_revisions

    before = parse_bytes(b"T\n\nEasyFly will cancel 1,200 flights this winter. The airline "
                         b"blamed a shortage of pilots.\n", "b", "text").revision
    after = parse_bytes(b"T\n\nEasyFly will cancel 1,200 flights this winter, blaming a "
                        b"shortage of pilots.\n", "a", "text").revision
    diff = diff_revisions("t", before, after, (1, 2))
    [merge] = diff.claims.merged
    assert len(merge.before) == 2 and diff.claims.removed == ()


def test_the_summary_counts_the_edits_it_lists() -> None:
    """A merge's own pair is listed with the merge, so the summary does not count it as an
    edit too."""
    from chronicle.readers import parse_bytes
    from chronicle.views import diff_revisions, summary_line

    before = parse_bytes(b"T\n\nEasyFly will cancel 1,200 flights this winter. The airline "
                         b"blamed a shortage of pilots.\n", "b", "text").revision
    after = parse_bytes(b"T\n\nEasyFly will cancel 1,200 flights this winter, blaming a "
                        b"shortage of pilots.\n", "a", "text").revision
    assert summary_line(diff_revisions("t", before, after, (1, 2))) == "1 claim merged"


def test_an_ordered_list_number_opens_its_item_and_is_no_edit() -> None:
    from chronicle.sentences import sentences

    assert sentences("1. The threshold rises. It is big.") == ["1. The threshold rises.",
                                                               "It is big."]
    before = "# T\n\n1. The threshold rises.\n2. Care workers can no longer bring dependants.\n"
    after = "# T\n\n1. The threshold rises.\n2. It starts in April.\n" \
            "3. Care workers can no longer bring dependants.\n"
    diff = diff_texts(before, after, "markdown")
    assert [c.text for c in diff.claims.added] == ["2. It starts in April."]
    assert diff.claims.edited == ()
