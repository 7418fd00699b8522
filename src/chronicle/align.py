"""Align two revisions: which claim, quote and figure of one is which of the other.

Claims (and key points, and quotes) align in near-linear time, never through an n x m table:

1. **Same text.** Claims whose text is equal once case, spacing, quote marks, dashes and
   punctuation are set aside pair first (a hash lookup); repeats pair with the nearest.
2. **Candidates from an index.** Every other claim looks up the claims of the other
   revision that share its rare words or figures (an inverted index whose too-common
   entries are skipped) and the few that sit in the same place between two already paired
   claims. Only these candidates are scored.
3. **Scores.** rapidfuzz's ratio of the texts with figures masked (a changed number does not
   make a sentence look different), the idf-weighted word overlap (a reworded sentence keeps
   its rare words), and how much of the shorter one the longer one covers (a grown or
   shortened sentence). Pairs are taken best first, one to one.
4. **Splits and merges.** A paired claim grows into a group while a neighbouring unpaired
   claim of the other revision is made of its leftover words (one sentence became two or
   three, or two became one); an unpaired claim can found such a group too.
5. **Moves.** The pairs that keep their order are a heaviest increasing subsequence
   (weighted by text length, O(n log n)); every other pair moved, and so does a pair that
   lands under a section that is not the counterpart of its old one.

NewsEdits (Spangher et al., NAACL 2022) links each sentence to its most similar sentence of
the other version (asymmetric word-embedding matches, both directions, so a sentence can
link to two: splits and merges) and finds "refactors" by greedily removing crossing links.
Here the same shapes come from an index instead of all pairs, moves are a minimal set, and,
which NewsEdits does not do at all, figures are matched by what they measure
(``chronicle.figure_match``), with the claim alignment as a prior.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Sequence

from .alignment import Alignment, Group, ItemAlignment, Pair
from .figure_match import match_figures
from .model import Claim, Figure, Quote, Revision
from .pairing import align_items, masked_text
from .quantities import same_claim_of_quantity
from .wording import normal_text, without_list_number, wording

__all__ = ["Alignment", "align_items", "align_quotes", "align_revisions", "figure_changed",
           "figure_restated", "remember"]


# An alignment is a function of its two revisions, and an append aligns the same pair twice:
# for the commit message, then for the read model's rows. Each revision object keeps its
# latest alignment here (by identity; revisions are not changed once built) while it lives.
_ALIGNED: dict[int, tuple[weakref.ref[Revision], weakref.ref[Revision], Alignment]] = {}


def align_revisions(before: Revision, after: Revision) -> Alignment:
    """Which claim, key point, quote and figure of ``before`` is which of ``after``."""
    known = _ALIGNED.get(id(after))
    if known is not None and known[0]() is before and known[1]() is after:
        return known[2]
    found = _align(before, after)
    remember(before, after, found)
    return found


def remember(before: Revision, after: Revision, found: Alignment) -> None:
    """Keep ``found`` as the alignment of these two revision objects while they live (one
    made elsewhere, by a worker process of a bulk ingest, over these very objects)."""
    key = id(after)

    def forget(_gone: weakref.ref[Revision]) -> None:
        _ALIGNED.pop(key, None)

    _ALIGNED[key] = (weakref.ref(before), weakref.ref(after, forget), found)


def _align(before: Revision, after: Revision) -> Alignment:
    figures_b = _figures_by_item(before)
    figures_a = _figures_by_item(after)
    sections_b = {c.id: c.section for c in before.claims}
    sections_a = {c.id: c.section for c in after.claims}
    out = Alignment()
    out.claims = align_items(before.claims, after.claims, figures_b, figures_a,
                             sections_b, sections_a)
    out.key_points = align_items(before.key_points, after.key_points, figures_b, figures_a)
    out.quotes = align_quotes(before.quotes, after.quotes)
    held = [*_held(out.key_points), *_held(out.claims), *_held(out.quotes)]
    out.figures, out.figures_removed, out.figures_added = match_figures(before, after, held)
    changed = [(b, a) for b, a in out.figures if figure_changed(b, a)]
    changed_b = {b.id for b, _ in changed}
    changed_a = {a.id for _, a in changed}
    # '24 hours' -> '14 days' reads as new wording too, not only as a new value
    reunited = {(b.claim, a.claim) for b, a in changed if (b.unit, b.kind) != (a.unit, a.kind)}
    for part in (out.claims, out.key_points):
        _settle_wording(part, figures_b, figures_a, changed_b, changed_a, reunited)
    return out


def _settle_wording(part: ItemAlignment[Claim], figures_b: dict[str, list[Figure]],
                    figures_a: dict[str, list[Figure]], changed_b: set[str],
                    changed_a: set[str], reunited: set[tuple[str, str]]) -> None:
    """Mark a pair reworded when its texts differ beyond the figures whose value changed:
    'twenty feet' -> '20 feet' is a wording edit (the quantity is the same), '$25 billion'
    -> '$20 billion' alone is not (the figure change says it), punctuation alone is not,
    and a figure that changed its unit ('24 hours' -> '14 days', in ``reunited``) is."""

    def said(claim: Claim, figures: list[Figure], changed: set[str]) -> str:
        masked = masked_text(claim.text, [f for f in figures if f.id in changed])
        return wording(without_list_number(masked))

    def settle(pair: Pair[Claim]) -> Pair[Claim]:
        reworded = (pair.before.id, pair.after.id) in reunited or said(
            pair.before, figures_b.get(pair.before.id, []), changed_b
        ) != said(pair.after, figures_a.get(pair.after.id, []), changed_a)
        return Pair(pair.before, pair.after, pair.score, reworded)

    settled = {id(p): settle(p) for p in part.all_pairs()}
    part.pairs = [settled[id(p)] for p in part.pairs]
    part.moved = [settled.get(id(p), p) for p in part.moved]
    part.groups = [Group(g.before, g.after, g.score, settled[id(g.principal)])
                   for g in part.groups]


def _held(part: ItemAlignment[Claim] | ItemAlignment[Quote]) -> list[tuple[list[str], list[str]]]:
    """The ids on each side of every pair and group: what figures are matched inside."""
    found: list[tuple[list[str], list[str]]] = [([p.before.id], [p.after.id]) for p in part.pairs]
    for group in part.groups:
        found.append(([i.id for i in group.before], [i.id for i in group.after]))
    return found


def align_quotes(before: Sequence[Quote], after: Sequence[Quote]) -> ItemAlignment[Quote]:
    """Quotes pair by their words (punctuation, quote marks and spacing aside), a re-quote
    that is cut or extended pairs with the longer one, and the same speaker helps."""
    speakers = ({q.id: q.speaker for q in before}, {q.id: q.speaker for q in after})
    found = align_items(before, after, {}, {}, allow_groups=False, speakers=speakers)
    found.moved = []
    return found


def _figures_by_item(revision: Revision) -> dict[str, list[Figure]]:
    by_item: dict[str, list[Figure]] = defaultdict(list)
    for figure in revision.figures:
        by_item[figure.claim].append(figure)
    return by_item


def figure_changed(before: Figure, after: Figure) -> bool:
    """True when the quantity changed, or what is claimed of it ('up to 300' -> 'at least
    300'); not when merely its unit, format, wording or place did."""
    return not same_claim_of_quantity(before, after)


def figure_restated(before: Figure, after: Figure) -> bool:
    """The same quantity written another way: another unit, scale word, digits, or a
    qualifier that bounds it alike ('about 300' -> 'some 300')."""
    return not figure_changed(before, after) and normal_text(before.text) != normal_text(
        after.text
    )
