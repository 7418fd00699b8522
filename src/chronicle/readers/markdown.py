"""Markdown briefings, read with markdown-it-py's token stream.

``# Headline``; a heading such as ``## At a Glance`` opens the key points (a list);
other headings open sections; ``> “...” – Name`` is a quote; ``## Sources`` opens the
sources, whose links become source URLs. Anything else is a paragraph.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import BlockQuote, DocSection, Document, Paragraph
from .patterns import BLOCK_QUOTE, KEY_POINTS_HEADING, SOURCES_HEADING, looks_like_heading

_PARSER = MarkdownIt("commonmark")


def read_markdown(text: str) -> Document:
    reader = _MarkdownReader()
    for token in _PARSER.parse(text):
        reader.feed(token)
    return reader.doc


def _plain(token: Token) -> tuple[str, str | None]:
    """The inline token's text without markup, and the first link it holds."""
    parts: list[str] = []
    link: str | None = None
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open" and link is None:
            link = str(child.attrs.get("href") or "") or None
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split()), link


class _MarkdownReader:
    def __init__(self) -> None:
        self.doc = Document()
        self.mode = "body"
        self.heading_level = 0
        self.quote_depth = 0
        self.list_depth = 0
        self.quote_parts: list[str] = []

    def feed(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self.heading_level = int(token.tag[1:])
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
            if self.quote_depth == 0:
                self._close_quote()
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self.list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.list_depth -= 1
        elif kind == "inline":
            self._inline(token)

    def _inline(self, token: Token) -> None:
        text, link = _plain(token)
        if not text:
            return
        if self.heading_level:
            self._heading(text, self.heading_level)
            self.heading_level = 0
        elif self.quote_depth:
            self.quote_parts.append(text)
        elif self.mode == "sources":
            self.doc.sources.append((text, link))
        elif self.list_depth and self.mode == "key_points":
            self.doc.key_points.append(text)
        else:
            self._paragraph(text)

    def _heading(self, text: str, level: int) -> None:
        if level == 1 and self.doc.headline is None and not self.doc.sections:
            self.doc.headline = text
        elif KEY_POINTS_HEADING.match(text):
            self.mode = "key_points"
        elif SOURCES_HEADING.match(text):
            self.mode = "sources"
        else:
            self.mode = "body"
            self.doc.sections.append(DocSection(heading=text))

    def _paragraph(self, text: str) -> None:
        if KEY_POINTS_HEADING.match(text):
            self.mode = "key_points"
            return
        if SOURCES_HEADING.match(text):
            self.mode = "sources"
            return
        if self._is_first_block() and len(text) <= 300 and looks_like_heading(text):
            self.doc.headline = text
            return
        self.mode = "body"
        quote = BLOCK_QUOTE.match(text)
        if quote:
            self.doc.add_block(BlockQuote(quote["text"].strip(), quote["speaker"].strip()))
        else:
            self.doc.add_block(Paragraph(text))

    def _is_first_block(self) -> bool:
        doc = self.doc
        return doc.headline is None and not doc.sections and not doc.key_points

    def _close_quote(self) -> None:
        text = " ".join(self.quote_parts)
        self.quote_parts = []
        if not text:
            return
        speaker: str | None = None
        match = BLOCK_QUOTE.match(text)
        if match:
            text, speaker = match["text"].strip(), match["speaker"].strip()
        elif " — " in text:
            text, _, speaker = text.rpartition(" — ")
        text = text.strip().strip('“”"')
        self.doc.add_block(BlockQuote(text, speaker))
