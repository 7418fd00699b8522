"""Sentence splitting that survives 'U.S.', 'U.N.', 'Sen.', decimals and quotations.

Linear in the length of the text: one regex pass finds candidate boundaries, each is judged
by looking at a bounded window before it, and "inside a quotation" is a binary search in
the merged quotation spans. Text written all in lower case (as some archives store it) is
split before lower-case words too; elsewhere a sentence must start with a capital, a digit
or an opening quote.
"""

from __future__ import annotations

import bisect
import re

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "sens",
        "rep",
        "reps",
        "gov",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "adm",
        "cmdr",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "fig",
        "figs",
        "approx",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "pres",
        "sec",
        "rev",
        "hon",
        "amb",
        "univ",
        "assn",
        "bros",
        "gov't",
        "op",
        "cit",
        "al",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "e.u",
        "d.c",
        "n.y",
        "l.a",
    ]
)
# After an abbreviation such as "U.S." these words show that a new sentence has begun.
SENTENCE_STARTERS = frozenset(
    [
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "In",
        "But",
        "And",
        "A",
        "An",
        "As",
        "At",
        "On",
        "Meanwhile",
        "However",
        "Still",
        "Yet",
        "Earlier",
        "Later",
        "Officials",
        "There",
    ]
)
_END = r"(?<![.!?…])[.!?…]++[”’\"')\]]*+"
_BOUNDARY = re.compile(_END + r"(?=\s+[“‘\"(\[]?[A-Z0-9À-Ý])")
_BOUNDARY_LOWER = re.compile(_END + r"(?=\s+[“‘\"(\[]?[\w])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_ENUMERATOR = re.compile(r"\s*[0-9]{1,3}\.")
_WINDOW = 64  # characters looked at before a full stop: an abbreviation is shorter
OPENING, CLOSING = "“", "”"
_QUOTE_MARK = re.compile("[“”]")
_STRAIGHT = re.compile('"')
_STARTERS_LOWER = frozenset(word.lower() for word in SENTENCE_STARTERS)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, stripped of surrounding space."""
    lower_case = is_lower_case(text)
    inside = _Spans(_quotations(text))
    boundary = _BOUNDARY_LOWER if lower_case else _BOUNDARY
    spans: list[tuple[int, int]] = []
    start = 0
    for match in boundary.finditer(text):
        end = match.end()
        if inside(end) or _ends_with_abbreviation(text, match.start(), end, lower_case):
            continue
        if _ENUMERATOR.fullmatch(text, start, end):
            continue  # "1. The threshold rises": an ordered list's number opens its item
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[0] < s[1]]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def is_lower_case(text: str) -> bool:
    """True for text with letters but no capital at all (e.g. a lower-cased archive)."""
    return text == text.lower() and any(c.isalpha() for c in text)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _quotations(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the balanced quotations in ``text``."""
    pairs: list[tuple[int, int]] = []
    opened: list[int] = []
    for match in _QUOTE_MARK.finditer(text):
        if match.group() == OPENING:
            opened.append(match.start())
        elif opened:
            pairs.append((opened.pop(), match.start()))
    straight = [m.start() for m in _STRAIGHT.finditer(text)]
    if len(straight) % 2 == 0:
        pairs.extend(zip(straight[::2], straight[1::2], strict=True))
    return pairs


class _Spans:
    """Is an offset strictly inside one of some (open, close) spans? In O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for left, right in sorted(spans):
            if merged and left < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], right)
            else:
                merged.append([left, right])
        self.lefts = [left for left, _ in merged]
        self.rights = [right for _, right in merged]

    def __call__(self, offset: int) -> bool:
        index = bisect.bisect_left(self.lefts, offset) - 1
        return index >= 0 and offset < self.rights[index]


def _ends_with_abbreviation(text: str, stop: int, end: int, lower_case: bool) -> bool:
    """True when the '.' at ``stop`` closes an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    found = _WORD_BEFORE.search(text, max(0, stop - _WINDOW), stop)
    if not found:
        return False
    word = found.group(1).lstrip("(“‘\"'[").lower()
    is_initial = len(word) == 1 and word.isalpha()
    if word not in ABBREVIATIONS and not is_initial:
        return False
    if "." in word:  # U.S. / U.N.: a sentence may still end here
        following = text[end : end + _WINDOW].split(maxsplit=1)
        first = following[0].strip('“‘"(') if following else ""
        starters = _STARTERS_LOWER if lower_case else SENTENCE_STARTERS
        return first not in starters
    return True
