"""Readers keep structure: table rows, nested lists, list numbers, code, inline HTML;
speakers of the common attribution forms; German quotes never become block quotes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.extract import build_revision, inline_quotes
from chronicle.readers.document import BlockQuote, Paragraph, TableRow
from chronicle.readers.markdown import read_markdown
from chronicle.readers.patterns import match_block_quote
from chronicle.views import (
    _word_ends_after,
    _word_starts_before,
    diff_revisions,
    figure_context,
)

TABLE = """# Aid by country

## Budget by country

| Country | 2023 | 2024 |
|---|---|---|
| Germany | €1.2 billion | €2.5 billion |
| France | €0.9 billion | €1.1 billion |
"""


def test_a_table_is_one_claim_per_row_with_row_and_column_names() -> None:
    doc = read_markdown(TABLE)
    rows = doc.sections[0].blocks
    assert [b.text for b in rows if isinstance(b, TableRow)] == [
        "Germany — 2023: €1.2 billion; 2024: €2.5 billion",
        "France — 2023: €0.9 billion; 2024: €1.1 billion",
    ]
    revision = build_revision(doc)
    assert [f.text for f in revision.figures] == ["€1.2 billion", "€2.5 billion",
                                                  "€0.9 billion", "€1.1 billion"]  # no '2023'
    claims = revision.claim_by_id()
    labels = [figure_context(claims[f.claim].text, f) for f in revision.figures]
    assert labels == ["Germany, 2023: €1.2 billion", "Germany, 2024: €2.5 billion",
                      "France, 2023: €0.9 billion", "France, 2024: €1.1 billion"]


def test_a_changed_cell_is_a_figure_change_in_its_row_and_a_new_row_a_claim() -> None:
    before = build_revision(read_markdown(TABLE))
    after = build_revision(read_markdown(
        TABLE.replace("€2.5 billion", "€2.7 billion")
        + "| Italy | €0.4 billion | €0.5 billion |\n"))
    diff = diff_revisions("aid", before, after, (1, 2))
    [change] = diff.figures.changed
    assert (change.before.text, change.after.text) == ("€2.5 billion", "€2.7 billion")
    assert change.claim.startswith("Germany — ")
    assert [c.text for c in diff.claims.added] == ["Italy — 2023: €0.4 billion; 2024: €0.5 billion"]
    assert not diff.claims.removed


NESTED = """# Exposure

## Key points

- Total exposure rose to $4.2 billion
- Regional exposure:
  - Europe: 40%
  - Asia: 25%
- Aid rose to $61 billion
  - of which $5 billion is for air defence
- Outlook:
"""


def test_nested_key_points_keep_their_label_and_parent() -> None:
    doc = read_markdown(NESTED)
    assert doc.key_points == [
        "Total exposure rose to $4.2 billion",
        "Regional exposure — Europe: 40%",
        "Regional exposure — Asia: 25%",
        "Aid rose to $61 billion",
        "of which $5 billion is for air defence",
        "Outlook:",  # a label with nothing under it is said as it is
    ]
    assert doc.key_point_parents == {4: 3}


def test_body_lists_keep_numbers_and_labels() -> None:
    doc = read_markdown("# T\n\n## Steps\n\n9) Review the figures.\n10) Publish it.\n\n"
                        "- Costs:\n  - staff: $3 million\n")
    texts = [b.text for b in doc.sections[0].blocks]
    assert texts == ["9) Review the figures.", "10) Publish it.", "Costs — staff: $3 million"]
    revision = build_revision(doc)
    assert [f.text for f in revision.figures] == ["$3 million"]  # list numbers are not figures


def test_code_blocks_and_inline_html_keep_their_text() -> None:
    doc = read_markdown("# T\n\nSome <u>underlined</u> words here.\n\n"
                        "    Indented text, read as code by Markdown.\n\n"
                        "```\nfenced text\n```\n")
    assert [b.text for b in doc.sections[0].blocks] == [
        "Some underlined words here.", "Indented text, read as code by Markdown.", "fenced text"]


@pytest.mark.parametrize(("sentence", "quote", "speaker"), [
    ('Mayor Linda Park called the budget "a responsible plan for the city".',
     "a responsible plan for the city", "Mayor Linda Park"),
    ("“We will not raise taxes this year,” Park said in a statement.",
     "We will not raise taxes this year", "Park"),
    ("Park said in a statement: “We will not raise taxes this year.”",
     "We will not raise taxes this year.", "Park"),
    ("Park told reporters on Monday that “the plan is balanced and fair”.",
     "the plan is balanced and fair", "Park"),
    ("The plan is “balanced and fair for all,” according to the city treasurer.",
     "balanced and fair for all", "the city treasurer"),
    ('According to police spokesman Tom Hale, "the suspect fled on foot."',
     "the suspect fled on foot.", "police spokesman Tom Hale"),
    ("In a letter to staff, the chief executive wrote: “We will emerge stronger.”",
     "We will emerge stronger.", "the chief executive"),
    ("“This budget keeps buses running,” said Mayor Ana Ruiz on Monday.",
     "This budget keeps buses running", "Mayor Ana Ruiz"),
    ("„Wir schaffen das“, sagte Merkel am Montag in Berlin.", "Wir schaffen das", "Merkel"),
])
def test_speakers_of_the_common_attribution_forms(sentence: str, quote: str,
                                                  speaker: str) -> None:
    assert inline_quotes(sentence) == [(quote, speaker)]


def test_a_quote_without_attribution_has_no_speaker() -> None:
    assert inline_quotes("Many see “a turning point for the region” in the vote.") == [
        ("a turning point for the region", None)]


def test_german_quotes_never_make_article_text_a_speaker() -> None:
    paragraph = ("„Wir schaffen das“, sagte Merkel. Die Kanzlerin sprach lange. "
                 "„Das ist klar“ – so die Kanzlerin. Sie ging dann nach Hause.")
    assert match_block_quote(paragraph) is None
    doc = read_markdown(f"# T\n\n{paragraph}\n")
    assert isinstance(doc.sections[0].blocks[0], Paragraph)
    revision = build_revision(doc)
    assert [(q.text, q.speaker) for q in revision.quotes] == [
        ("Wir schaffen das", "Merkel"), ("Das ist klar", None)]


def test_a_real_block_quote_still_is_one() -> None:
    doc = read_markdown("# T\n\n“Strikes are not made with words.” – Ukrainian President "
                        "Volodymyr Zelenskyy\n\n> “Yes, we will.” – U.S. Secretary of State "
                        "Antony Blinken\n")
    blocks = doc.sections[0].blocks
    assert blocks == [
        BlockQuote("Strikes are not made with words.", "Ukrainian President Volodymyr Zelenskyy"),
        BlockQuote("Yes, we will.", "U.S. Secretary of State Antony Blinken"),
    ]



WORD = re.compile(r"\S+")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=150).map(lambda n: "a" * n)
                | st.sampled_from([" ", "; ", "\n", "b"]), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=20), st.integers(min_value=1, max_value=5),
       st.integers(min_value=1, max_value=5), st.data())
def test_the_words_around_a_figure_are_found_in_a_near_window_as_in_the_whole(
        pieces: list[str], repeat: int, before: int, after: int, data: st.DataObject) -> None:
    """The near-window search finds the word edges that scanning the whole span finds."""
    text = "".join(pieces) * repeat
    low = data.draw(st.integers(min_value=0, max_value=len(text)))
    high = data.draw(st.integers(min_value=low, max_value=len(text)))
    whole = list(WORD.finditer(text, low, high))
    assert _word_starts_before(text, low, high, before) == [m.start() for m in whole][-before:]
    assert _word_ends_after(text, low, high, after) == [m.end() for m in whole][:after]
