"""Sentence splitting, parsing and the diff grow linearly with their input (issue 12 item 8,
issue 10): eight times the input takes at most ~8x the time (quadratic would be 64x). The
ratio allowed is 24 so that a loaded machine does not fail it; the shapes are the ones that
were quadratic (ordinary prose, a run of dots, initials, one line repeated, quotations)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from chronicle.readers import parse_bytes
from chronicle.sentences import split_sentences
from chronicle.views import diff_revisions

SHAPES = ["Word word word. ", ".", "A. ", "U.S. ", "word word word. ", "“He said so,” she said. ",
          '"', "The same line again and again.\n", "Mr. Smith went. ", "… ", "?! ", "one ",
          "“", "A", "Aa Bb "]


def best_seconds(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def grows_linearly(make: Callable[[int], object], size: int) -> bool:
    small, large = best_seconds(lambda: make(size)), best_seconds(lambda: make(size * 8))
    return large <= 24 * small + 0.05


@pytest.mark.slow
@pytest.mark.parametrize("unit", SHAPES)
def test_sentence_splitting_is_linear(unit: str) -> None:
    assert grows_linearly(lambda n: split_sentences(unit * (n // len(unit))), 4_000)


@pytest.mark.slow
@pytest.mark.parametrize("unit", SHAPES)
def test_parsing_is_linear(unit: str) -> None:
    def parse(n: int) -> object:
        return parse_bytes(("Title\n\n" + unit * (n // len(unit))).encode(), "x", "text")

    assert grows_linearly(parse, 4_000)


@pytest.mark.slow  # doubles inputs to large sizes: CI runs it
def test_diffing_is_linear() -> None:
    def diff(n: int) -> object:
        lines = [f"Sentence {k} tells of item{k} and place{k % 97} today." for k in range(n)]
        edited = [line.replace("today", "now") if k % 9 == 0 else line
                  for k, line in enumerate(lines)]
        edited = edited[n // 2:] + edited[: n // 2]  # half the text moved
        before = parse_bytes(("Title\n\n" + "\n".join(lines)).encode(), "b", "text").revision
        after = parse_bytes(("Title\n\n" + "\n".join(edited)).encode(), "a", "text").revision
        return diff_revisions("t", before, after, (1, 2))

    assert grows_linearly(diff, 150)


@pytest.mark.parametrize("unit", ["A", "Aa Bb ", "(Aa Bb) "])
def test_a_markdown_quotes_speaker_is_linear(unit: str) -> None:
    """`> “…” — AAAA…`: the speaker's name was searched from every letter (quadratic)."""
    def parse(n: int) -> object:
        speaker = unit * (n // len(unit))
        return parse_bytes(f"# Title\n\n> “{'word ' * 20}” — {speaker}\n".encode(), "x",
                           "markdown")

    assert grows_linearly(parse, 4_000)


@pytest.mark.slow
def test_diffing_thousands_of_sources_is_linear() -> None:
    def diff(n: int) -> object:
        def markdown(shift: int) -> bytes:
            return ("# Title\n\nA sentence.\n\n## Sources\n" + "".join(
                f"- [Source {k}](https://example.com/{k + shift})\n" for k in range(n))).encode()
        before = parse_bytes(markdown(0), "b", "markdown").revision
        after = parse_bytes(markdown(1), "a", "markdown").revision
        return diff_revisions("t", before, after, (1, 2))

    assert grows_linearly(diff, 300)
