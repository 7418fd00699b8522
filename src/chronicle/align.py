"""Align claims, key points, quotes and figures between two revisions.

Same normalised text (hence same id) pairs first; what is left pairs best-first by
rapidfuzz similarity above a threshold, comparing texts with their figures masked so
that a changed number does not make a claim look different. Figures pair only inside
paired claims, so a changed value is a change of that figure, not a removal plus an
addition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rapidfuzz import fuzz

from .model import Claim, Figure, Quote, Revision

# Below this similarity (0-100) two texts are different claims, not an edit of one.
CLAIM_THRESHOLD = 62.0
QUOTE_THRESHOLD = 80.0
SAME_SPEAKER_BONUS = 15.0  # a reworded quote by the same speaker is still that quote

T = TypeVar("T")


@dataclass(frozen=True)
class Pair:
    """Two aligned claims; ``score`` is 100 for identical text."""

    before: Claim
    after: Claim
    score: float
    reworded: bool  # wording changed beyond the figures in it


@dataclass
class Alignment:
    claims: list[Pair] = field(default_factory=list)
    claims_added: list[Claim] = field(default_factory=list)
    claims_removed: list[Claim] = field(default_factory=list)
    key_points: list[Pair] = field(default_factory=list)
    key_points_added: list[Claim] = field(default_factory=list)
    key_points_removed: list[Claim] = field(default_factory=list)
    figures: list[tuple[Figure, Figure]] = field(default_factory=list)
    figures_added: list[Figure] = field(default_factory=list)
    figures_removed: list[Figure] = field(default_factory=list)
    quotes: list[tuple[Quote, Quote]] = field(default_factory=list)
    quotes_added: list[Quote] = field(default_factory=list)
    quotes_removed: list[Quote] = field(default_factory=list)


def masked_text(claim: Claim, figures: Sequence[Figure]) -> str:
    """The claim's text with each figure replaced by '#', so only wording compares."""
    text = claim.text
    for figure in sorted(figures, key=lambda f: f.start, reverse=True):
        text = text[: figure.start] + "#" + text[figure.end :]
    return " ".join(text.split())


def pair_best_first(
    before: Sequence[T], after: Sequence[T], score: Callable[[T, T], float], threshold: float
) -> tuple[list[tuple[T, T, float]], list[T], list[T]]:
    """Greedy one-to-one pairing by descending score; returns pairs, unpaired before/after."""
    candidates = [(score(b, a), i, j) for i, b in enumerate(before) for j, a in enumerate(after)]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_b: set[int] = set()
    used_a: set[int] = set()
    chosen: list[tuple[int, int, float]] = []
    for value, i, j in candidates:
        if value < threshold:
            break
        if i in used_b or j in used_a:
            continue
        used_b.add(i)
        used_a.add(j)
        chosen.append((j, i, value))
    pairs = [(before[i], after[j], value) for j, i, value in sorted(chosen)]
    left = [b for i, b in enumerate(before) if i not in used_b]
    right = [a for j, a in enumerate(after) if j not in used_a]
    return pairs, left, right


def align_revisions(before: Revision, after: Revision) -> Alignment:
    out = Alignment()
    out.claims, out.claims_removed, out.claims_added = align_claims(
        before.claims, after.claims, before, after
    )
    out.key_points, out.key_points_removed, out.key_points_added = align_claims(
        before.key_points, after.key_points, before, after
    )
    for pair in (*out.key_points, *out.claims):
        _align_figures(before.figures_of(pair.before.id), after.figures_of(pair.after.id), out)
    for claim in (*out.key_points_removed, *out.claims_removed):
        out.figures_removed.extend(before.figures_of(claim.id))
    for claim in (*out.key_points_added, *out.claims_added):
        out.figures_added.extend(after.figures_of(claim.id))
    out.quotes, out.quotes_removed, out.quotes_added = align_quotes(before.quotes, after.quotes)
    for quote_before, quote_after in out.quotes:
        _align_figures(before.figures_of(quote_before.id), after.figures_of(quote_after.id), out)
    for quote in out.quotes_removed:
        out.figures_removed.extend(before.figures_of(quote.id))
    for quote in out.quotes_added:
        out.figures_added.extend(after.figures_of(quote.id))
    return out


def align_claims(
    before: Sequence[Claim], after: Sequence[Claim], rev_before: Revision, rev_after: Revision
) -> tuple[list[Pair], list[Claim], list[Claim]]:
    """Pairs of the same claim (identical or edited), then removed and added claims."""
    after_ids = {c.id: c for c in after}
    exact = [Pair(b, after_ids[b.id], 100.0, False) for b in before if b.id in after_ids]
    taken = {p.before.id for p in exact}
    rest_before = [b for b in before if b.id not in taken]
    rest_after = [a for a in after if a.id not in taken]
    masks_b = {c.id: masked_text(c, rev_before.figures_of(c.id)) for c in rest_before}
    masks_a = {c.id: masked_text(c, rev_after.figures_of(c.id)) for c in rest_after}

    def similarity(b: Claim, a: Claim) -> float:
        return max(fuzz.ratio(b.text, a.text), fuzz.ratio(masks_b[b.id], masks_a[a.id]))

    fuzzy, removed, added = pair_best_first(rest_before, rest_after, similarity, CLAIM_THRESHOLD)
    pairs = exact + [
        Pair(b, a, score, masks_b[b.id].casefold() != masks_a[a.id].casefold())
        for b, a, score in fuzzy
    ]
    order = {c.id: i for i, c in enumerate(after)}
    pairs.sort(key=lambda p: order[p.after.id])
    return pairs, removed, added


def align_quotes(
    before: Sequence[Quote], after: Sequence[Quote]
) -> tuple[list[tuple[Quote, Quote]], list[Quote], list[Quote]]:
    def similarity(b: Quote, a: Quote) -> float:
        same_speaker = b.speaker is not None and b.speaker == a.speaker
        return fuzz.ratio(b.text, a.text) + (SAME_SPEAKER_BONUS if same_speaker else 0.0)

    pairs, removed, added = pair_best_first(before, after, similarity, QUOTE_THRESHOLD)
    return [(b, a) for b, a, _ in pairs], removed, added


def _figure_key(figure: Figure) -> tuple[str, str | None, str | None]:
    return figure.kind, figure.unit, figure.noun.casefold() if figure.noun else None


def _align_figures(before: list[Figure], after: list[Figure], out: Alignment) -> None:
    """Pair figures of one aligned claim: same kind, unit and noun first, then same kind."""
    rest_b, rest_a = list(before), list(after)
    for key in (_figure_key, lambda f: (f.kind, f.unit, None), lambda f: (f.kind, None, None)):
        for b in list(rest_b):
            match = next((a for a in rest_a if key(a) == key(b)), None)
            if match is not None:
                out.figures.append((b, match))
                rest_b.remove(b)
                rest_a.remove(match)
    out.figures_removed.extend(rest_b)
    out.figures_added.extend(rest_a)


def figure_changed(before: Figure, after: Figure) -> bool:
    """True when what the figure says changed (not merely where it sits)."""
    fields = ("value", "value_max", "unit", "kind", "qualifier", "noun", "date")
    return any(getattr(before, f) != getattr(after, f) for f in fields)
