"""What an extractor keeps at the edges of an article that no reader counts as the story.

Only the edges are trimmed, and only blocks of plain text: at the end, a comment section
(a prompt such as "Comentar" with a few short lines after it), a short lead-in ending in a
colon ("See more photos:"), notices (copyright, "All rights reserved", "Write to ... at
name@host", sign-up and comment prompts, paywall notices, comment policies and "the views
below are not ours", contact lines of a label and an address: "Twitter https://...") and a
run of three or more headline-like lines (related stories: short, in Title Case, no closing
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
# contact and social lines: 'Twitter https://twitter.com/example', 'LINE ID = @example'
_CONTACT = re.compile(r"https?://\S+|(?:^|\s)@\w{2,}\s*$")
MAX_CONTACT_WORDS = 3  # words beside the address: a label, not a sentence or a byline
# a paywall's end of the article: 'Subscribe to continue reading', 'この記事は会員限定です'
_PAYWALL = re.compile(
    r"(?i)\b(?:subscribe|sign in|log in|register)\b.{0,30}\b(?:to (?:continue|keep) reading|"
    r"to read (?:the|this) (?:full|rest|whole))|\b(?:this|the) (?:article|story|content) is "
    r"(?:only )?(?:for|available to|reserved for) (?:subscribers|members)\b"
    r"|réservé aux abonnés|nur für abonnenten|exclusivo para (?:suscriptores|socios)"
    r"|会員限定|続きをお読みいただけます|続きを読むには"
)
# what a comment section says of itself: its rules, and that the views below are the readers'
_COMMENT_POLICY = re.compile(
    r"(?i)\b(?:comments|comentarios|kommentare|commentaires|commenti)\b|التعليقات"
    r"|\bdo(?:es)? not (?:necessarily )?(?:reflect|represent) the (?:views?|opinions?)\b"
    r"|\bno (?:reflejan?|representan?) (?:necesariamente )?(?:la|las) (?:opini[oó]n|opiniones)"
    r"|لا تعبر عن رأي"
)
MAX_POLICY = 400
_COMMENT_PROMPT = re.compile(
    r"(?i)^(?:[0-9]+[ \t]+)?(?:comments?|comentarios?|comentar|kommentare?|kommentieren"
    r"|commentaires?|commenter|leave a (?:comment|reply))$"
)
COMMENT_TAIL = 4  # so many short blocks after a comment prompt are the comment section
MAX_LEAD_IN_WORDS = 6  # 'See more photos:' ending the article leads in to what was not kept
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
    _drop_comment_section(doc)
    _drop_lead_in(doc)
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
    if len(text) <= MAX_POLICY and _COMMENT_POLICY.search(text):
        return True
    if len(text) > MAX_NOTICE:
        return False
    if _NOTICE.search(text) or _PAYWALL.search(text):
        return True
    return _CONTACT.search(text) is not None and 0 < len(
        _CONTACT.sub(" ", text).split()) <= MAX_CONTACT_WORDS


def _drop_lead_in(doc: Document) -> None:
    """'See more photos:' as the article's last block leads in to what was not kept."""
    last = _trailing(doc, lambda text: text.endswith(":"))[:1]
    if last and len(last[0].text.split()) <= MAX_LEAD_IN_WORDS:
        _drop_last(doc, 1)


def _drop_comment_section(doc: Document) -> None:
    """A comment prompt ('Comentar', '12 Comments') among the last blocks or as the last
    section's heading, with only short plain paragraphs after it: the comment section, from
    the prompt on."""
    blocks = [b for section in doc.sections for b in section.blocks]
    last = doc.sections[-1] if doc.sections else None
    for back in range(1, min(COMMENT_TAIL + 1, len(blocks)) + 1):
        block = blocks[-back]
        if not isinstance(block, Paragraph) or len(block.text) > MAX_POLICY:
            return
        if _COMMENT_PROMPT.match(block.text.strip()):
            _drop_last(doc, back)
            return
        if last and back == len(last.blocks) and _COMMENT_PROMPT.match(
                (last.heading or "").strip()):
            _drop_last(doc, back)  # the section goes with its blocks, heading and all
            return


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
