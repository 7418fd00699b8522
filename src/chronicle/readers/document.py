"""The reader-neutral shape every reader produces before claims are extracted."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BlockQuote:
    text: str
    speaker: str | None


Block = Paragraph | BlockQuote


@dataclass
class DocSection:
    heading: str | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """A briefing's structure as read, before sentences become claims."""

    headline: str | None = None
    key_points: list[str] = field(default_factory=list)
    sections: list[DocSection] = field(default_factory=list)
    sources: list[tuple[str, str | None]] = field(default_factory=list)
    published: str | None = None
    url: str | None = None

    def add_block(self, block: Block) -> None:
        if not self.sections:
            self.sections.append(DocSection(heading=None))
        self.sections[-1].blocks.append(block)
