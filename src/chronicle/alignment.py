"""What an alignment of two revisions says: pairs, groups (splits and merges), moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from .model import Claim, Figure, Quote


class Item(Protocol):
    """A claim or a quote: what the aligner pairs."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


T = TypeVar("T", bound=Item)


@dataclass(frozen=True)
class Pair(Generic[T]):
    """Two aligned items; ``score`` is 100 for identical text."""

    before: T
    after: T
    score: float
    reworded: bool  # wording changed beyond the figures in it


@dataclass(frozen=True)
class Group(Generic[T]):
    """One item that became several (a split) or several that became one (a merge)."""

    before: tuple[T, ...]
    after: tuple[T, ...]
    score: float
    principal: Pair[T]  # the closest part of each side

    @property
    def is_split(self) -> bool:
        return len(self.after) > 1


@dataclass
class ItemAlignment(Generic[T]):
    pairs: list[Pair[T]] = field(default_factory=list)  # one to one, in the after order
    added: list[T] = field(default_factory=list)
    removed: list[T] = field(default_factory=list)
    groups: list[Group[T]] = field(default_factory=list)  # splits and merges
    moved: list[Pair[T]] = field(default_factory=list)  # pairs (or principals) out of order

    @property
    def splits(self) -> list[Group[T]]:
        return [g for g in self.groups if g.is_split]

    @property
    def merges(self) -> list[Group[T]]:
        return [g for g in self.groups if not g.is_split]

    def all_pairs(self) -> list[Pair[T]]:
        """The one-to-one pairs and the principal pair of every group."""
        return [*self.pairs, *(g.principal for g in self.groups)]


@dataclass
class Alignment:
    claims: ItemAlignment[Claim] = field(default_factory=ItemAlignment)
    key_points: ItemAlignment[Claim] = field(default_factory=ItemAlignment)
    quotes: ItemAlignment[Quote] = field(default_factory=ItemAlignment)
    figures: list[tuple[Figure, Figure]] = field(default_factory=list)
    figures_added: list[Figure] = field(default_factory=list)
    figures_removed: list[Figure] = field(default_factory=list)
    # the diffs made from it (views.diff_from_alignment), so that the commit message and
    # the read model of one append share one
    diffs: dict[tuple[str, tuple[int, int], int, int], Any] = field(
        default_factory=dict, compare=False, repr=False)
