"""Markdown briefings, read with markdown-it-py's token stream.

``# Headline``; a heading such as ``## At a Glance`` opens the key points (a list);
other headings open sections; ``> “...” – Name`` is a quote; ``## Sources`` opens the
sources, whose links become source URLs. Anything else is a paragraph.

Structure is kept, not flattened:

- a pipe table becomes one row per claim, ``Row header — Column: cell; Column: cell``,
  so a changed cell is a figure change in its row and a new row is a new claim;
- a list item that only labels a nested list (``- Regional exposure:``) is not a claim of
  its own: each nested item carries it (``Regional exposure — Europe: 40%``); other nested
  items keep their own text and their parent is recorded in the Document;
- ordered list numbers (``9) ...``) stay in the text; indented and fenced code blocks are
  read as paragraphs (web pages turned into Markdown put body text there); inline HTML
  tags are dropped and their text kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import BlockQuote, DocSection, Document, Paragraph, TableRow
from .patterns import KEY_POINTS_HEADING, SOURCES_HEADING, looks_like_heading, match_block_quote

_PARSER = MarkdownIt("commonmark").enable("table")
_TAG = re.compile(r"<[^>]*>")
# A list item that introduces a nested list rather than saying something itself.
_LABEL = re.compile(r"^[^.!?]{1,80}:$")


def read_markdown(text: str, find_headline: bool = True) -> Document:
    """A Markdown briefing; ``find_headline=False`` when the headline comes from elsewhere
    (a web page's title), so that no first line is taken for it."""
    reader = _MarkdownReader(find_headline)
    for token in _PARSER.parse(text):
        reader.feed(token)
    return reader.doc


def plain_text(token: Token) -> tuple[str, str | None]:
    """The inline token's text without markup, and the first link it holds."""
    parts: list[str] = []
    link: str | None = None
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open" and link is None:
            link = str(child.attrs.get("href") or "") or None
        elif child.type == "image":
            parts.append(child.content)
        # html_inline (<u>, <span ...>) is markup: its tags go, the text between stays
    return " ".join("".join(parts).split()), link


@dataclass
class _ListItem:
    """An open list item: its number (ordered lists) and, once read, what it said."""

    number: str | None
    text: str | None = None
    label: str | None = None  # set when the item only introduces a nested list
    used: bool = False  # a nested item carried the label
    key_point: int | None = None  # index in doc.key_points


@dataclass
class _Table:
    header: list[str] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    in_head: bool = False
    used: set[int] = field(default_factory=set)  # header cells some row named
    start: tuple[int, int] = (0, 0)  # (section, block) where the table begins


class _MarkdownReader:
    def __init__(self, find_headline: bool = True) -> None:
        self.find_headline = find_headline
        self.doc = Document()
        self.mode = "body"
        self.heading_level = 0
        self.quote_depth = 0
        self.quote_parts: list[str] = []
        self.items: list[_ListItem] = []
        self.ordered: list[str | None] = []  # per open list: the delimiter of an ordered one
        self.table: _Table | None = None

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
            self.ordered.append(token.markup if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.ordered.pop()
        elif kind == "list_item_open":
            delimiter = self.ordered[-1] if self.ordered else None
            self.items.append(_ListItem(f"{token.info}{delimiter}" if delimiter else None))
        elif kind == "list_item_close":
            self._close_item(self.items.pop())
        elif kind in ("table_open", "table_close", "thead_open", "thead_close", "tr_open",
                      "tr_close"):
            self._table(kind)
        elif kind in ("code_block", "fence", "html_block"):
            self._code(token.content, html=kind == "html_block")
        elif kind == "inline":
            self._inline(token)

    # ----- inline text -------------------------------------------------------------------
    def _inline(self, token: Token) -> None:
        text, link = plain_text(token)
        if self.table is not None:
            self.table.row.append(text)
            return
        if not text:
            return
        if self.heading_level:
            self._heading(text, self.heading_level)
            self.heading_level = 0
        elif self.quote_depth:
            self.quote_parts.append(text)
        elif self.mode == "sources":
            self.doc.sources.append((text, link))
        elif self.items and self.items[-1].text is None:
            self._item_text(self.items[-1], text)
        else:
            self._paragraph(text)

    def _heading(self, text: str, level: int) -> None:
        if (level == 1 and self.find_headline and self.doc.headline is None
                and not self.doc.sections):
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
        if (self.find_headline and self._is_first_block() and len(text) <= 300
                and looks_like_heading(text)):
            self.doc.headline = text
            return
        self.mode = "body"
        quote = match_block_quote(text)
        if quote:
            self.doc.add_block(BlockQuote(*quote))
        else:
            self.doc.add_block(Paragraph(text))

    def _is_first_block(self) -> bool:
        doc = self.doc
        return doc.headline is None and not doc.sections and not doc.key_points

    # ----- lists ---------------------------------------------------------------------------
    def _item_text(self, item: _ListItem, text: str) -> None:
        """The first paragraph of a list item; a bare label waits to see if it has children."""
        label = self._label()
        for parent in self.items[:-1]:
            parent.used = parent.used or parent.label is not None
        is_label = _LABEL.match(text) is not None
        if item.number and self.mode != "key_points":
            text = f"{item.number} {text}"
        item.text = text
        if is_label:
            item.label = text.rstrip(":").strip()
            return  # emitted at close if no nested list used it
        self._emit_item(item, f"{label} — {text}" if label else text)

    def _label(self) -> str | None:
        """The labels of the open parent items, joined ('Exposure — Regional')."""
        labels = [i.label for i in self.items[:-1] if i.label]
        return " — ".join(labels) if labels else None

    def _emit_item(self, item: _ListItem, text: str) -> None:
        if self.mode == "key_points":
            parent = next((i.key_point for i in reversed(self.items[:-1])
                           if i.key_point is not None), None)
            item.key_point = len(self.doc.key_points)
            self.doc.key_points.append(text)
            if parent is not None:
                self.doc.key_point_parents[item.key_point] = parent
        else:
            self._paragraph(text)

    def _close_item(self, item: _ListItem) -> None:
        if item.label is not None and item.key_point is None and not item.used:
            label = self._label_of_parents()
            text = item.text or ""
            self._emit_item(item, f"{label} — {text}" if label else text)

    def _label_of_parents(self) -> str | None:
        labels = [i.label for i in self.items if i.label]
        return " — ".join(labels) if labels else None

    # ----- tables, code, quotes --------------------------------------------------------------
    def _table(self, kind: str) -> None:
        if kind == "table_open":
            sections = self.doc.sections
            self.table = _Table(start=(len(sections) - 1, len(sections[-1].blocks))
                                if sections else (0, 0))
        elif kind == "table_close":
            assert self.table is not None
            self._unused_header(self.table)
            self.table = None
        elif kind == "thead_open":
            assert self.table is not None
            self.table.in_head = True
        elif kind == "thead_close":
            assert self.table is not None
            self.table.in_head = False
        elif kind == "tr_open":
            assert self.table is not None
            self.table.row = []
        elif kind == "tr_close":
            assert self.table is not None
            self._row(self.table)

    def _row(self, table: _Table) -> None:
        if table.in_head:
            table.header = table.row
            return
        cells = table.row
        if not any(cells):
            return
        head = cells[0]
        if not head and table.header:
            head = table.header[0]
            table.used.add(0)
        text, labels = head, [(0, len(head))]
        for n, cell in enumerate(cells[1:], start=1):
            if not cell:
                continue
            column = table.header[n] if n < len(table.header) else ""
            table.used.add(n)
            text += " — " if len(labels) == 1 else "; "
            if column:
                labels.append((len(text), len(text) + len(column)))
                text += f"{column}: "
            text += cell
        self.mode = "body" if self.mode == "key_points" else self.mode
        self.doc.add_block(TableRow(text, tuple(labels)))

    def _unused_header(self, table: _Table) -> None:
        """A header no row named (a one-cell title row: '| Details zum Artikel | |') is
        text of the table, not column names: keep it."""
        unused = [c for n, c in enumerate(table.header) if c and n not in table.used]
        if unused and len(unused) == len([c for c in table.header if c]):
            row = TableRow(" — ".join(unused))
            section, block = table.start
            if self.doc.sections and section >= 0:
                self.doc.sections[section].blocks.insert(block, row)
            else:
                self.doc.add_block(row)

    def _code(self, content: str, html: bool) -> None:
        """Code and raw HTML blocks: their text, paragraph by paragraph."""
        if html:
            content = _TAG.sub(" ", content)
        for chunk in re.split(r"\n\s*\n", content):
            text = " ".join(chunk.split())
            if text and self.table is None:
                self._paragraph(text)

    def _close_quote(self) -> None:
        text = " ".join(self.quote_parts)
        self.quote_parts = []
        if not text:
            return
        speaker: str | None = None
        match = match_block_quote(text)
        if match:
            text, speaker = match
        elif " — " in text:
            text, _, speaker = text.rpartition(" — ")
        text = text.strip().strip('“”"„«»')
        self.doc.add_block(BlockQuote(text, speaker))
