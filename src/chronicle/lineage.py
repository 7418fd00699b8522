"""Identity across revisions: which claim, quote or figure is the same one as before.

Consecutive revisions are aligned with ``chronicle.align.align_revisions``; a figure (claim,
quote) paired with one of the previous revision continues its lineage, anything unpaired
starts a new one. A lineage id names where it started: ``r<sequence>:<id>``. A split claim
continues in its closest part (the other parts start lineages of their own); merged claims
continue in the one they became, through the closest of them. ``Step.predecessors`` keeps
every claim's claims of the revision before, whole groups included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .align import align_revisions
from .alignment import Alignment
from .model import Figure
from .replay import RevisionState


@dataclass(frozen=True)
class Step:
    """One revision with its alignment to the one before and the lineage of its parts."""

    state: RevisionState
    alignment: Alignment | None
    claims: dict[str, str]
    quotes: dict[str, str]
    figures: dict[str, str]
    predecessors: dict[str, tuple[str, ...]] = field(default_factory=dict)


def lineage_id(sequence: int, item_id: str) -> str:
    return f"r{sequence}:{item_id}"


def walk(states: list[RevisionState]) -> list[Step]:
    """Every revision in order, aligned to its predecessor, with lineage ids."""
    steps: list[Step] = []
    previous: Step | None = None
    for state in states:
        revision = state.revision
        alignment = align_revisions(previous.state.revision, revision) if previous else None
        claims: dict[str, str] = {}
        quotes: dict[str, str] = {}
        figures: dict[str, str] = {}
        predecessors: dict[str, tuple[str, ...]] = {}
        if previous is not None and alignment is not None:
            for part in (alignment.key_points, alignment.claims):
                for pair in part.all_pairs():
                    claims[pair.after.id] = previous.claims[pair.before.id]
                    predecessors[pair.after.id] = (pair.before.id,)
                for group in part.groups:
                    for claim in group.after:
                        predecessors[claim.id] = tuple(c.id for c in group.before)
            for quote_pair in alignment.quotes.pairs:
                quotes[quote_pair.after.id] = previous.quotes[quote_pair.before.id]
            for before_figure, after_figure in alignment.figures:
                figures[after_figure.id] = previous.figures[before_figure.id]
        for claim in (*revision.key_points, *revision.claims):
            claims.setdefault(claim.id, lineage_id(state.sequence, claim.id))
        for quote in revision.quotes:
            quotes.setdefault(quote.id, lineage_id(state.sequence, quote.id))
        for figure in revision.figures:
            figures.setdefault(figure.id, lineage_id(state.sequence, figure.id))
        previous = Step(state, alignment, claims, quotes, figures, predecessors)
        steps.append(previous)
    return steps


@dataclass
class SeriesPoint:
    sequence: int
    figure: Figure
    claim_text: str


@dataclass
class FigureSeries:
    """One figure followed through the revisions where it appears."""

    id: str
    points: list[SeriesPoint] = field(default_factory=list)

    @property
    def latest(self) -> Figure:
        return self.points[-1].figure

    def changed(self) -> bool:
        values = {(p.figure.value, p.figure.value_max, p.figure.unit) for p in self.points}
        return len(values) > 1


def figure_series(steps: list[Step]) -> list[FigureSeries]:
    """Every figure lineage with its points, in order of first appearance."""
    series: dict[str, FigureSeries] = {}
    for step in steps:
        revision = step.state.revision
        texts = revision.text_by_id()
        for figure in revision.figures:
            lineage = step.figures[figure.id]
            entry = series.setdefault(lineage, FigureSeries(lineage))
            text = texts.get(figure.claim, "")
            entry.points.append(SeriesPoint(step.state.sequence, figure, text))
    return list(series.values())
