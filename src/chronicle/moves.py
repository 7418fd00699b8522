"""Moves: which aligned claims changed place, as few as can explain the new order.

The pairs that keep their order are a heaviest increasing subsequence of (old place, new
place), weighted by text length (the fewest letters moved), found in O(n log n) with a
Fenwick tree; every other pair moved. A pair now under a section that is not the
counterpart of its old one (the section most of the old one's claims went to) moved too.
NewsEdits removes crossing links greedily instead; a minimal set is what a reader expects.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .alignment import Pair, T


def heaviest_increasing(pairs: list[tuple[int, int]],
                weights: list[float] | None = None) -> list[tuple[int, int]]:
    """The heaviest subsequence of (b, a) pairs, sorted by b, whose a also increases."""
    if not pairs:
        return []
    order = sorted(range(len(pairs)), key=lambda i: pairs[i])
    values = sorted({a for _, a in pairs})
    rank = {a: i + 1 for i, a in enumerate(values)}
    size = len(values)
    tree_best = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)
    previous = [-1] * len(pairs)
    total = [0.0] * len(pairs)
    for i in order:
        r = rank[pairs[i][1]]
        best, at, k = 0.0, -1, r - 1
        while k > 0:  # best chain ending below r
            if tree_best[k] > best:
                best, at = tree_best[k], tree_at[k]
            k -= k & -k
        weight = weights[i] if weights is not None else 1.0
        total[i], previous[i] = best + weight, at
        k = r
        while k <= size:
            if total[i] > tree_best[k]:
                tree_best[k], tree_at[k] = total[i], i
            k += k & -k
    end = max(range(len(pairs)), key=lambda i: total[i])
    chain = []
    while end >= 0:
        chain.append(pairs[end])
        end = previous[end]
    return chain[::-1]


def moved_pairs(pairs: list[Pair[T]], before_index: dict[str, int], after_index: dict[str, int],
           sections_b: dict[str, int | None],
           sections_a: dict[str, int | None]) -> list[Pair[T]]:
    """Pairs out of the kept order, or now under a section not the counterpart of theirs."""
    positions = [(before_index[p.before.id], after_index[p.after.id]) for p in pairs]
    counterpart = _section_counterparts(pairs, sections_b, sections_a)
    elsewhere = [_left_its_section(p, counterpart, sections_b, sections_a) for p in pairs]
    # A claim now under another section moved anyway: the order that is kept is judged
    # among the others, so its old neighbours are not called moved in its place.
    weights = [1e-6 if away else float(len(p.before.text) + 1)
               for p, away in zip(pairs, elsewhere, strict=True)]
    kept = set(heaviest_increasing(positions, weights))
    moved = [pair for pair, position, away in zip(pairs, positions, elsewhere, strict=True)
             if away or position not in kept]
    moved.sort(key=lambda p: after_index[p.after.id])
    return moved


def _left_its_section(pair: Pair[T], counterpart: dict[int, int | None],
                      sections_b: dict[str, int | None],
                      sections_a: dict[str, int | None]) -> bool:
    section = sections_b.get(pair.before.id)
    return section is not None and counterpart.get(section) != sections_a.get(pair.after.id)


def _section_counterparts(pairs: list[Pair[T]], sections_b: dict[str, int | None],
                          sections_a: dict[str, int | None]) -> dict[int, int | None]:
    """Each before section's counterpart: the after section most of its claims went to."""
    votes: dict[int, Counter[int | None]] = defaultdict(Counter)
    for pair in pairs:
        section = sections_b.get(pair.before.id)
        if section is not None:
            votes[section][sections_a.get(pair.after.id)] += len(pair.before.text)
    return {s: counts.most_common(1)[0][0] for s, counts in votes.items()}
