"""What an extractor keeps at the edges of an article that no reader counts as the story.

Only the edges are trimmed, and only blocks of plain text: at the end, notices (copyright,
"All rights reserved", "Write to ... at name@host", sign-up and comment prompts) and a run
of three or more headline-like lines (related stories: short, in Title Case, no closing
punctuation); at
the start, a byline of fields split by bars ("Name | City | 08/01/2014"). A paragraph that
ends like a sentence ends the trimming, so the story itself is never cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .document import Document, Paragraph

MAX_NOTICE = 200  # characters: a notice is one short line
HEADLINE_RUN = 3  # so many headline-like lines in a row at the end are a list of links
MAX_HEADLINE = 120

_NOTICE = re.compile(
    r"(?i)©|\(c\)[ \t]*(?:19|20)[0-9]{2}|\ball rights reserved\b"
    r"|^write to\b.{0,80}@|^[^ @]+@[^ @]+\.[a-z]{2,}$|^(?:sign up|subscribe)\b"
    r"|^(?:[0-9]+[ \t]+)?(?:comments?|comentarios?|comentar|kommentare?|commentaires?)$"
    r"|^(?:leave a (?:comment|reply)|share (?:this|on)\b|follow us\b)"
)
_SENTENCE_END = re.compile(r"[.!?:;…\"”’»)]\s*$")
_BAR_BYLINE = re.compile(r"^[^|]{2,60}(?:[ \t]\|[ \t][^|]{2,60}){1,4}$")


def trim_edges(doc: Document) -> None:
    """Drop the boilerplate at the start and the end of ``doc`` (in place)."""
    _trim_start(doc)
    _trim_end(doc)


def _trim_start(doc: Document) -> None:
    if not doc.sections or not doc.sections[0].blocks:
        return
    first = doc.sections[0].blocks[0]
    if isinstance(first, Paragraph) and _BAR_BYLINE.match(first.text) and len(
            [b for section in doc.sections for b in section.blocks]) > 1:
        del doc.sections[0].blocks[0]


def _trim_end(doc: Document) -> None:
    while True:
        if _trailing(doc, _is_notice):
            dropped = _drop_last(doc, 1)
        else:
            headlines = _trailing(doc, _headline_like)
            dropped = len(headlines) >= HEADLINE_RUN and _drop_last(doc, len(headlines))
        if not dropped:
            return


def _trailing(doc: Document, test: Callable[[str], bool]) -> list[Paragraph]:
    """The plain paragraphs at the end of ``doc`` that pass ``test``, last first."""
    found: list[Paragraph] = []
    for section in reversed(doc.sections):
        for block in reversed(section.blocks):
            if not isinstance(block, Paragraph) or not test(block.text):
                return found
            found.append(block)
    return found


def _is_notice(text: str) -> bool:
    return len(text) <= MAX_NOTICE and _NOTICE.search(text) is not None


def _headline_like(text: str) -> bool:
    """A related story's title: short, four words or more, most of the longer ones
    capitalised (Title Case), and no closing punctuation (unlike a verse or a list item)."""
    words = text.split()
    long_words = [w for w in words if len(w) > 3]
    capitalised = sum(w[0].isupper() for w in long_words)
    return (len(text) <= MAX_HEADLINE and len(words) >= 4 and _SENTENCE_END.search(text) is None
            and bool(long_words) and capitalised >= 0.6 * len(long_words))


def _drop_last(doc: Document, count: int) -> bool:
    """Remove the last ``count`` blocks and the sections left empty at the end; False (and
    nothing removed) if that would leave no block."""
    if sum(len(section.blocks) for section in doc.sections) <= count:
        return False
    while count and doc.sections:
        section = doc.sections[-1]
        if section.blocks:
            section.blocks.pop()
            count -= 1
        if not section.blocks:
            doc.sections.pop()
    return True
