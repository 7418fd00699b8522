"""Line patterns shared by the text and Markdown readers."""

from __future__ import annotations

import re

KEY_POINTS_HEADING = re.compile(
    r"^(at a glance|key points|key takeaways|highlights|in brief|the essentials|summary)\s*:?$",
    re.IGNORECASE,
)
SOURCES_HEADING = re.compile(
    r"^(sources?|references|further reading|read more)\s*:?$", re.IGNORECASE
)
BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
# A quotation on its own, then a dash and who said it: “...” – Name. The speaker is a
# name or a short attribution: no quotation marks and no sentence end inside ('U.S.' and
# 'Sen.' are abbreviations, 'Scholz. The' is two sentences).
_ABBREVIATIONS = ("Sen", "Rep", "Gov", "Gen", "Mrs", "Sgt", "Dr", "Mr", "Ms", "St", "Lt", "Jr")
_SPEAKER_CHAR = r"(?:[^–—“”\"„«».!?]|(?<=[A-Z])\.|" + "|".join(
    rf"(?<={word})\." for word in _ABBREVIATIONS) + ")"
BLOCK_QUOTE = re.compile(
    rf"^[“\"«„](?P<text>.+)[”\"»“]\s*[–—―-]{{1,2}}\s*(?P<speaker>{_SPEAKER_CHAR}{{2,120}})$"
)
_OPENING = re.compile(r"[“„«]")
URL = re.compile(r"https?://[^\s)>\]]+")
CLOSING = tuple('.!?:;,…”"’)]')


def match_block_quote(text: str) -> tuple[str, str] | None:
    """(quotation, speaker) of a paragraph that is a quotation and its speaker, else None.

    A quotation that opens again inside (“A” said she. “B” – X, or German „A“ … „B“) is
    several quotations with article text between them, not one block quote.
    """
    match = BLOCK_QUOTE.match(text)
    if match is None:
        return None
    quoted = match["text"].strip()
    if _OPENING.search(quoted) and not quoted.startswith(("“", "„", "«")):
        return None
    speaker = match["speaker"].strip()
    if len(speaker.split()) > 12:
        return None
    return quoted, speaker


def looks_like_heading(line: str) -> bool:
    """A short line without closing punctuation, starting with a capital or digit."""
    words = line.split()
    return (
        0 < len(words) <= 14
        and len(line) <= 120
        and not line.endswith(CLOSING)
        and (line[0].isupper() or line[0].isdigit())
    )


def split_source(text: str) -> tuple[str, str | None]:
    """A source line as (title, url); the url is taken out of the title."""
    match = URL.search(text)
    if not match:
        return text.strip(), None
    url = match.group(0).rstrip(".,;")
    title = (text[: match.start()] + text[match.end() :]).strip(" -–—:()[]<>")
    return (title or url), url
