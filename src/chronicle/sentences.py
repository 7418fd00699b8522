"""Sentence splitting that survives 'U.S.', 'U.N.', 'Sen.', decimals and quotations."""

from __future__ import annotations

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
_BOUNDARY = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"(\[]?[A-Z0-9À-Ý])")
_WORD_BEFORE = re.compile(r"(\S+)$")
OPENING, CLOSING = "“", "”"
_QUOTE_MARK = re.compile("[“”]")
_STRAIGHT = re.compile('"')


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, stripped of surrounding space."""
    quotations = _quotations(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        inside = any(left < end < right for left, right in quotations)
        if inside or _ends_with_abbreviation(text, match.start(), end):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[0] < s[1]]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


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


def _ends_with_abbreviation(text: str, stop: int, end: int) -> bool:
    """True when the '.' at ``stop`` closes an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    found = _WORD_BEFORE.search(text, 0, stop)
    if not found:
        return False
    word = found.group(1).lstrip("(“‘\"'[").lower()
    is_initial = len(word) == 1 and word.isalpha()
    if word not in ABBREVIATIONS and not is_initial:
        return False
    if "." in word:  # U.S. / U.N.: a sentence may still end here
        following = text[end:].split(maxsplit=1)
        return not (following and following[0].strip('“‘"(') in SENTENCE_STARTERS)
    return True
