"""What log, timeline and blame answer: plain data, light to import (no aligner, no
model), so that the read model can give these answers without loading what computes them.
chronicle.views computes them from a replay; chronicle.projection reads them back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Shown(Protocol):
    """A figure as a revision shows it (chronicle.model.Figure)."""

    text: str
    value: float
    value_max: float | None
    unit: str | None
    qualifier: str | None
    claim: str


def run_key(figure: Shown) -> tuple[Any, ...]:
    """What must stay the same for a figure's run of revisions to go on: its text, value,
    range, unit and qualifier, in the same claim (the timeline and the read model's
    figure_runs both cut runs by it)."""
    return (figure.text, figure.value, figure.value_max, figure.unit, figure.qualifier,
            figure.claim)


@dataclass
class LogEntry:
    sequence: int
    recorded_at: str
    observed_at: str
    source: str | None
    headline: str | None
    summary: str
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "counts": dict(self.counts)}


@dataclass
class FigurePoint:
    """The figure as revisions ``sequence`` to ``until`` show it, unchanged: the same text,
    value and unit in the same claim (``claim``: that claim's text)."""

    sequence: int
    until: int
    text: str
    value: float
    value_max: float | None
    unit: str | None
    qualifier: str | None
    claim: str


@dataclass
class FigureThread:
    """One figure followed across revisions: its value wherever it appears, one point per
    run of consecutive revisions that show it unchanged."""

    label: str
    kind: str
    noun: str | None
    points: list[FigurePoint] = field(default_factory=list)
    last_key: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def see(self, sequence: int, figure: Shown, claim_text: str) -> None:
        """Note the figure as revision ``sequence`` shows it (in a claim of ``claim_text``):
        it extends the last point if that ran to the revision before with the same
        run_key, else it starts a new point."""
        key = run_key(figure)
        last = self.points[-1] if self.points else None
        if last is not None and last.until == sequence - 1 and key == self.last_key:
            last.until = sequence
            return
        self.last_key = key
        self.points.append(FigurePoint(sequence, sequence, figure.text, figure.value,
                                       figure.value_max, figure.unit, figure.qualifier,
                                       claim_text))

    def as_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every value (seconds for 4,000 revisions)
        return {"label": self.label, "kind": self.kind, "noun": self.noun,
                "points": [dict(vars(p)) for p in self.points]}

    def mentions(self, needle: str) -> bool:
        """Whether the figure itself (text, unit, noun, kind) contains ``needle``."""
        needle = needle.casefold()
        texts = [self.kind, self.noun or "", *(p.text for p in self.points),
                 *(p.unit or "" for p in self.points)]
        return any(needle in t.casefold() for t in texts)

    def mentioned_near(self, needle: str) -> bool:
        """Whether the words around the figure (its label) contain ``needle``."""
        return needle.casefold() in self.label.casefold()


@dataclass
class BlameLine:
    """A claim (or block quote) of a revision, where it is, and when it came and changed."""

    claim_id: str
    text: str
    where: str
    introduced: int
    changed: int
    kind: str = "claim"  # 'key point', 'claim' or 'quote' (a block quote)
    speaker: str | None = None
    quotes: list[dict[str, str | None]] = field(default_factory=list)  # inline: text, speaker

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "quotes": [dict(q) for q in self.quotes]}
