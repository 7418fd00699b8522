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


class Position(Frozen):
    """Where a claim stands in its revision."""

    index: int = Field(ge=0, description="place among the claims (or key points), from 0")
    section: int | None = Field(description="index into sections; null for key points")
    paragraph: int | None = Field(description="paragraph within the section, from 0")
    sentence: int | None = Field(description="sentence within the paragraph, from 0")


class ClaimMove(Frozen):
    """A claim that changed place: out of the order the others keep, or to another section."""

    claim: Claim = Field(description="the claim where it now stands")
    from_section: int | None
    to_section: int | None
    before: Claim | None = Field(
        default=None, description="the claim as it was, when its wording changed too"
    )
    from_position: Position | None = None
    to_position: Position | None = None


class ClaimSplit(Frozen):
    """One claim written as several: each part keeps (most of its) words."""

    before: Claim
    after: tuple[Claim, ...] = Field(min_length=2)
    similarity: float = Field(ge=0, le=100, description="rapidfuzz ratio of the joined texts")


class ClaimMerge(Frozen):
    """Several claims written as one."""

    before: tuple[Claim, ...] = Field(min_length=2)
    after: Claim
    similarity: float = Field(ge=0, le=100, description="rapidfuzz ratio of the joined texts")


class ClaimChanges(Frozen):
    """Claim changes. A split or merge also lists its closest part pair under ``edited``
    when that part's wording changed, so a reader of ``edited`` alone sees the change; its
    other parts are neither added nor removed."""

    added: tuple[Claim, ...] = ()
    removed: tuple[Claim, ...] = ()
    edited: tuple[ClaimEdit, ...] = ()
    moved: tuple[ClaimMove, ...] = ()
    split: tuple[ClaimSplit, ...] = ()
    merged: tuple[ClaimMerge, ...] = ()

    def edits_outside_groups(self) -> list[ClaimEdit]:
        """The edits that are no split's or merge's own pair (those show with the group)."""
        in_groups = {c.id for s in self.split for c in s.after} | {
            m.after.id for m in self.merged}
        return [edit for edit in self.edited if edit.after.id not in in_groups]


class FigureChange(Frozen):
    before: Figure
    after: Figure
    claim: str = Field(description="text of the claim the figure sits in, after the change")


class FigureRestatement(Frozen):
    """The same quantity written another way: another unit, scale word, digits or wording."""

    before: Figure
    after: Figure
    claim: str = Field(description="text of the claim the figure sits in, after the change")


class FigureChanges(Frozen):
    changed: tuple[FigureChange, ...] = ()
    added: tuple[Figure, ...] = ()
    removed: tuple[Figure, ...] = ()
    restated: tuple[FigureRestatement, ...] = ()


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

