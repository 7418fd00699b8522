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
# A quotation on its own, then a dash and who said it: “...” – Name
BLOCK_QUOTE = re.compile(
    r"^[“\"«„](?P<text>.+)[”\"»“]\s*[–—―-]{1,2}\s*(?P<speaker>[^–—“”\"]{2,120})$"
)
URL = re.compile(r"https?://[^\s)>\]]+")
CLOSING = tuple('.!?:;,…”"’)]')


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
