"""Property tests of the aligner on real prose: an edit of a known shape is reported as that
shape and nothing else (a split as a split, a merge as a merge, a move as a move, a
restated figure as restated), whatever sentence hypothesis picks."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chronicle.align import align_items
from chronicle.diff_model import Diff
from chronicle.model import Claim
from chronicle.readers import parse_bytes
from chronicle.views import diff_revisions
from conftest import REVISIONS

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {
    "example": REVISIONS[0].read_text(),
    "fomc": (ROOT / "eval/realpairs/fomc-2012-08-01-to-09-13/r1.txt").read_text(),
    "policy": (ROOT / "eval/realpairs/pga-youtube-cg-strikes/r1.txt").read_text(),
}
WORD = re.compile(r"\S+")


def diff_of(before: str, after: str) -> Diff:
    first = parse_bytes(before.encode(), "before", "text").revision
    second = parse_bytes(after.encode(), "after", "text").revision
    return diff_revisions("t", first, second, (1, 2))


def claims_of(text: str) -> list[Claim]:
    return list(parse_bytes(text.encode(), "t", "text").revision.claims)


def no_figure_news(diff: Diff) -> bool:
    figures = diff.figures
    return figures.changed == figures.added == figures.removed == ()


def plain_sentences(text: str, words: int) -> list[str]:
    """Sentences that occur once, with at least ``words`` words and no quotation marks."""
    found = []
    for claim in claims_of(text):
        plain = len(claim.text.split()) >= words and not re.search("[“”\"]", claim.text)
        if plain and text.count(claim.text) == 1:
            found.append(claim.text)
    return found


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_a_sentence_split_in_two_is_a_split(name: str, data: st.DataObject) -> None:
    text = TEXTS[name]
    sentence = data.draw(st.sampled_from(plain_sentences(text, 16)))
    words = sentence.rstrip(".").split()
    cut = data.draw(st.integers(min_value=7, max_value=len(words) - 7))
    first = " ".join(words[:cut]).rstrip(",;:") + "."
    second = words[cut][:1].upper() + " ".join(words[cut:])[1:] + "."
    assume([c.text for c in claims_of(f"Title\n\n{first} {second}")] == [first, second])
    figures = parse_bytes(f"Title\n\n{sentence}".encode(), "t", "text").revision.figures
    parts = parse_bytes(f"Title\n\n{first} {second}".encode(), "t", "text").revision.figures
    assume(sorted(f.text for f in figures) == sorted(f.text for f in parts))  # cut between
    diff = diff_of(text, text.replace(sentence, f"{first} {second}"))
    assert [(s.before.text, [c.text for c in s.after]) for s in diff.claims.split] == [
        (sentence, [first, second])
    ]
    assert diff.claims.added == diff.claims.removed == ()
    assert no_figure_news(diff), diff.figures


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_two_sentences_joined_are_a_merge(name: str, data: st.DataObject) -> None:
    text = TEXTS[name]
    candidates = []
    for line in text.splitlines():
        found = [c.text for c in claims_of("Title\n\n" + line)] if line.strip() else []
        for left, right in itertools.pairwise(found):
            if (left.endswith(".") and len(left.split()) >= 6 and len(right.split()) >= 6
                    and f"{left} {right}" in line and text.count(left) == 1
                    and text.count(right) == 1):
                candidates.append((left, right))
    assume(candidates)
    left, right = data.draw(st.sampled_from(candidates))
    joined = left[:-1] + ", and " + right[0].lower() + right[1:]
    diff = diff_of(text, text.replace(f"{left} {right}", joined))
    assert [([c.text for c in m.before], m.after.text) for m in diff.claims.merged] == [
        ([left, right], joined)
    ]
    assert diff.claims.added == diff.claims.removed == ()
    assert no_figure_news(diff), diff.figures


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_a_sentence_moved_to_another_paragraph_is_one_move(name: str,
                                                           data: st.DataObject) -> None:
    text = TEXTS[name]
    sentence = data.draw(st.sampled_from(plain_sentences(text, 8)))
    lines = text.splitlines()
    home = next(n for n, line in enumerate(lines) if sentence in line)
    rest = lines[home].replace(sentence, "").strip()
    assume(sentence.endswith(".") and rest.endswith(".") and not rest.startswith("-"))
    # not the paragraph just before: its end is where a paragraph's first sentence stood
    bodies = [n for n, line in enumerate(lines)
              if line.endswith(".") and not line.startswith(("-", "“", '"')) and n > 1]
    target = data.draw(st.sampled_from([n for n in bodies if n != home]))
    # the claims' order must change: something between, or it leaves others behind it
    first_in_home = lines[home].strip().startswith(sentence)
    assume(target > home or not first_in_home or any(target < n < home for n in bodies))
    lines[home] = " ".join(lines[home].replace(sentence, "").split())
    lines[target] = lines[target] + " " + sentence
    moved_text = "\n".join(lines) + "\n"
    diff = diff_of(text, moved_text)
    moved = [m.claim.text for m in diff.claims.moved]
    if moved != [sentence]:
        # the fewest letters moved: the claims it jumped over, when they are shorter, and
        # only if none of them left their section (then the sentence itself moved too)
        before = [c.text for c in claims_of(text)]
        after = [c.text for c in claims_of(moved_text)]
        jumped = [c for c in before if c != sentence and (
            before.index(c) < before.index(sentence)) != (after.index(c) < after.index(sentence))]
        assert sorted(moved) == sorted(jumped), moved
        assert sum(map(len, jumped)) <= len(sentence)
    assert diff.claims.added == diff.claims.removed == diff.claims.edited == ()
    assert no_figure_news(diff), diff.figures


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_a_removed_sentence_is_removed_with_its_figures(name: str, data: st.DataObject) -> None:
    text = TEXTS[name]
    revision = parse_bytes(text.encode(), "t", "text").revision
    sentence = data.draw(st.sampled_from(plain_sentences(text, 5)))
    claim = next(c for c in revision.claims if c.text == sentence)
    home = next(line for line in text.splitlines() if sentence in line)
    assume(re.search(r"[A-Za-z]{3}", home.replace(sentence, "")))  # its paragraph stays
    diff = diff_of(text, text.replace(sentence, "", 1))
    assert [c.text for c in diff.claims.removed] == [sentence]
    assert diff.claims.added == diff.claims.edited == diff.claims.split == ()
    removed = sorted(f.text for f in diff.figures.removed)
    assert removed == sorted(f.text for f in revision.figures_of(claim.id))
    assert diff.figures.changed == diff.figures.added == ()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_digits_grouped_differently_are_restated_not_changed(name: str,
                                                             data: st.DataObject) -> None:
    text = TEXTS[name]
    revision = parse_bytes(text.encode(), "t", "text").revision
    grouped = [f for f in revision.figures if re.fullmatch(r"\d{1,3}(,\d{3})+", f.text)]
    plain = [f for f in revision.figures if re.fullmatch(r"\d{4,}", f.text) and f.kind != "date"]
    assume(grouped or plain)
    figure = data.draw(st.sampled_from(grouped + plain))
    claim = next(c for c in revision.claims if c.id == figure.claim)
    assume(text.count(claim.text) == 1)
    new = figure.text.replace(",", "") if "," in figure.text else f"{int(figure.text):,}"
    edited = claim.text[: figure.start] + new + claim.text[figure.end :]
    diff = diff_of(text, text.replace(claim.text, edited))
    assert no_figure_news(diff), diff.figures
    assert [(r.before.text, r.after.text) for r in diff.figures.restated] == [(figure.text, new)]
    assert diff.claims.edited == diff.claims.added == diff.claims.removed == ()


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.randoms(use_true_random=False))
def test_a_revision_against_itself_or_reshuffled_changes_nothing(name: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    text = TEXTS[name]
    lines = text.splitlines()
    # the paragraphs trade places; headings, bullets, quotes and sources stay put
    slots = [n for n, line in enumerate(lines) if n > 1 and line.endswith(".")
             and not line.startswith(("-", "“", '"'))]
    paragraphs = [lines[n] for n in slots]
    rnd.shuffle(paragraphs)
    for n, paragraph in zip(slots, paragraphs, strict=True):
        lines[n] = paragraph
    diff = diff_of(text, "\n".join(lines) + "\n")
    for part in (diff.claims, diff.key_points):
        assert (part.added, part.removed, part.edited, part.split, part.merged) == (
            (), (), (), (), ())
    assert no_figure_news(diff) and diff.figures.restated == ()


def test_alignment_of_many_repeats_is_positional() -> None:
    """Repeated sentences pair in order; the extra copies are the removed ones."""
    one = Claim(id="c1", text="The same sentence.", section=0)
    before = [Claim(id=f"c{n}", text=one.text, section=0) for n in range(6)]
    after = [Claim(id=f"c{n}", text=one.text, section=0) for n in range(4)]
    found = align_items(before, after, {}, {})
    assert len(found.pairs) == 4 and len(found.removed) == 2 and found.added == []


@pytest.mark.slow
def test_a_synthetic_revision_of_a_thousand_sentences_is_told_exactly() -> None:
    """benchmarks/bench_align.py's generator edits 1,000 sentences (reworded, removed, added,
    split, merged, figures changed, paragraphs moved) and counts what it did: the diff
    finds every split, merge, addition, removal and figure change, and nothing else."""
    import importlib.util
    import sys

    path = ROOT / "benchmarks" / "bench_align.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_align", path)
        assert spec is not None and spec.loader is not None
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(path.parent))
    for seed in (7, 11):
        truth: dict[str, int] = {}
        paragraphs = bench.first_revision(1000, seed)
        edited = bench.second_revision(paragraphs, seed, truth)
        diff = diff_of(bench.render(paragraphs), bench.render(edited))
        found = {"split": len(diff.claims.split), "merged": len(diff.claims.merged),
                 "added": len(diff.claims.added), "removed": len(diff.claims.removed),
                 "figures_changed": len(diff.figures.changed)}
        assert found == {kind: truth.get(kind, 0) for kind in found}, (seed, truth)
        # figures come and go only with the sentences that hold them
        assert {f.claim for f in diff.figures.added} <= {c.id for c in diff.claims.added}
        assert {f.claim for f in diff.figures.removed} <= {c.id for c in diff.claims.removed}
