"""The shape of a claim- and figure-level diff: the JSON contract of ``chronicle diff``."""

from __future__ import annotations

from pydantic import Field

from .model import Claim, Figure, Frozen, Quote, Source


class TextChange(Frozen):
    before: str | None
    after: str | None


class ClaimEdit(Frozen):
    before: Claim
    after: Claim
    similarity: float = Field(ge=0, le=100, description="rapidfuzz ratio of the two texts")


class ClaimMove(Frozen):
    claim: Claim
    from_section: int | None
    to_section: int | None


class ClaimChanges(Frozen):
    added: tuple[Claim, ...] = ()
    removed: tuple[Claim, ...] = ()
    edited: tuple[ClaimEdit, ...] = ()
    moved: tuple[ClaimMove, ...] = ()


class FigureChange(Frozen):
    before: Figure
    after: Figure
    claim: str = Field(description="text of the claim the figure sits in, after the change")


class FigureChanges(Frozen):
    changed: tuple[FigureChange, ...] = ()
    added: tuple[Figure, ...] = ()
    removed: tuple[Figure, ...] = ()


class QuoteChange(Frozen):
    before: Quote
    after: Quote
    fields: tuple[str, ...] = Field(description="what differs: 'text', 'speaker'")


class QuoteChanges(Frozen):
    added: tuple[Quote, ...] = ()
    removed: tuple[Quote, ...] = ()
    changed: tuple[QuoteChange, ...] = ()


class SourceChanges(Frozen):
    added: tuple[Source, ...] = ()
    removed: tuple[Source, ...] = ()


class Diff(Frozen):
    """What changed between two revisions of one briefing, in claims and figures."""

    briefing: str
    from_: int = Field(alias="from", serialization_alias="from")
    to: int
    headline: TextChange | None
    claims: ClaimChanges = ClaimChanges()
    figures: FigureChanges = FigureChanges()
    quotes: QuoteChanges = QuoteChanges()
    key_points: ClaimChanges = ClaimChanges()
    sources: SourceChanges = SourceChanges()

