"""Plain-text briefings: headline, 'At a Glance' bullets, headings, quotes, 'Sources:'.

Lines that follow none of these become paragraphs, so any text reads without failing.
When the text separates paragraphs with blank lines, the lines of one block are joined
(they are a wrapped paragraph); otherwise every line is a paragraph of its own.

A short line without a full stop is a heading only when it reads like one: a line that
holds a figure ('Last Modified: 2025-01-25', '206.8 million (march 2007)') or reads like a
sentence ('Image of your ID is deleted in 72 hours after processing') is a paragraph, so
its claim and figures reach the diff.
"""

from __future__ import annotations

import itertools
import re

from .document import BlockQuote, DocSection, Document, Paragraph
from .patterns import (
    BLOCK_QUOTE,
    BULLET,
    CLOSING,
    KEY_POINTS_HEADING,
    SOURCES_HEADING,
    looks_like_heading,
    split_source,
)


def read_text(text: str) -> Document:
    blocks = _blocks(text)
    doc = Document()
    if blocks and len(blocks[0]) == 1 and len(blocks[0][0]) <= 300:
        doc.headline = blocks.pop(0)[0]
    elif blocks and len(blocks[0][0]) <= 300 and not _is_bullet(blocks[0][0]):
        doc.headline = blocks[0].pop(0)
    mode = "body"
    for block in blocks:
        mode = _read_block(doc, block, mode)
    return doc


def _blocks(text: str) -> list[list[str]]:
    """Groups of lines: one per line, or one per blank-line-separated block if wrapped."""
    lines = [line.strip() for line in text.splitlines()]
    if not _is_wrapped(lines):
        return [[line] for line in lines if line]
    groups: list[list[str]] = [[]]
    for line in lines:
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _is_wrapped(lines: list[str]) -> bool:
    """True when blank lines separate paragraphs whose lines were wrapped mid-sentence."""
    if "" not in lines[1:-1]:
        return False
    return any(
        line and not line.endswith(CLOSING) and following[:1].islower()
        for line, following in itertools.pairwise(lines)
    )


# A leading section number ('2.', '4.1', 'IV.') is part of a heading, not a figure in it.
_SECTION_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVX]{1,5}\.)\s+")
_DIGIT = re.compile(r"\d")
# Finite verbs that make a line a statement rather than a title.
_STATEMENT_WORDS = frozenset(
    {"is", "are", "was", "were", "will", "would", "has", "have", "had", "can", "could", "may",
     "might", "must", "shall", "should", "does", "did", "isn't", "aren't", "wasn't", "won't"}
)


def is_heading(line: str) -> bool:
    """A heading: short, no closing punctuation, no figure, and not worded as a statement."""
    if not looks_like_heading(line):
        return False
    rest = _SECTION_NUMBER.sub("", line, count=1)
    if _DIGIT.search(rest):
        return False
    words = re.findall(r"[\w’']+", rest)
    capitalised = sum(w[0].isupper() for w in words)
    title_case = bool(words) and capitalised * 2 > len(words)
    statement = any(w.lower() in _STATEMENT_WORDS for w in words)
    return title_case or not statement


def _is_bullet(line: str) -> bool:
    return BULLET.match(line) is not None


def _read_block(doc: Document, lines: list[str], mode: str) -> str:
    """Read one block of lines into ``doc``; return the mode for the next block."""
    if len(lines) == 1 or all(_is_bullet(line) for line in lines[1:]):
        for line in lines:
            mode = _read_line(doc, line, mode)
        return mode
    doc.add_block(Paragraph(join_wrapped(lines)))
    return "body"


def join_wrapped(lines: list[str]) -> str:
    """Join a wrapped paragraph; a line broken after a hyphen joins without a space."""
    text = lines[0]
    for line in lines[1:]:
        hyphenated = text.endswith("-") and not text.endswith(" -") and line[:1].isalpha()
        text += line if hyphenated else " " + line
    return text


def _read_line(doc: Document, line: str, mode: str) -> str:
    bullet = BULLET.match(line)
    if KEY_POINTS_HEADING.match(line):
        return "key_points"
    if SOURCES_HEADING.match(line):
        return "sources"
    if bullet and mode == "key_points":
        doc.key_points.append(bullet.group("text").strip())
        return mode
    if mode == "sources":
        doc.sources.append(split_source(bullet.group("text") if bullet else line))
        return mode
    quote = BLOCK_QUOTE.match(line)
    if quote:
        doc.add_block(BlockQuote(quote.group("text").strip(), quote.group("speaker").strip()))
    elif not bullet and is_heading(line):
        doc.sections.append(DocSection(heading=line))
    else:
        doc.add_block(Paragraph(bullet.group("text") if bullet else line))
    return "body"
