"""Pairing claims (or quotes) of two revisions: exact, then index candidates, then groups.

See chronicle.align for the whole method. Everything here works on ``_Unit``s: an item
with its masked text, content words and figure tokens, so a sentence is compared by its
wording and by what its figures measure, never by their values.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic

from rapidfuzz import fuzz

from .alignment import Group, ItemAlignment, Pair, T
from .model import Figure
from .moves import heaviest_increasing, moved_pairs
from .quantities import base_quantity
from .wording import STOP_WORDS, identity_key, normal_text, wording, words

# Below this masked-text ratio (0-100) two texts are different claims, unless their words say
# otherwise (WORD_OVERLAP, COVERAGE).
CLAIM_THRESHOLD = 62.0
RATIO_NEEDS_WORDS, SURE_RATIO = 0.2, 80.0  # short unrelated texts can reach 60: ask the words
WORD_OVERLAP = 0.5  # idf-weighted Dice of the content words
COVERAGE = 0.75  # share of the shorter claim's weighted words found in the longer one
PART_COVERAGE = 0.5  # a split part: this much of it comes from the other side's claim,
PART_NEW = 0.35  # ... this much of it from words the other parts did not use yet,
PART_SHARE = 0.15  # ... and those words are this much of the other side's claim;
VERBATIM_PART = 92.0  # or it is a cut of the other side's claim, near word for word
QUOTE_THRESHOLD = 80.0
CUT_QUOTE = 90.0  # a re-quote cut or extended: the shorter one stands in the longer
SAME_SPEAKER_BONUS = 15.0  # a reworded quote by the same speaker is still that quote
IN_PLACE_BONUS = 5.0  # same place between two paired neighbours
# Enough for the only unpaired claims in one place: a line diff's one-line change. Figures of
# the same kind in both (a data line whose numbers were updated) need less of the words.
ALONE_RATIO, ALONE_OVERLAP, ALONE_RATIO_WITH_FIGURES = 55.0, 0.3, 20.0
CANDIDATES = 8  # index candidates scored per claim
NEIGHBOURS = 3  # same-place candidates scored per claim
MAX_POSTINGS = 48  # an index word shared by more claims than this does not pick candidates
MAX_PARTS = 4


@dataclass
class _Unit(Generic[T]):
    index: int  # reading order on its side
    item: T
    key: str
    masked: str  # normal text with each figure replaced by '#'
    words: frozenset[str]  # content words and figure keys
    section: int | None = None
    dimensions: tuple[str, ...] = ()  # what its figures measure, in reading order

    @property
    def text(self) -> str:
        return self.item.text


def masked_text(text: str, figures: Sequence[Figure]) -> str:
    """The text with each figure replaced by '#', so only wording compares."""
    last_first = sorted(figures, key=lambda f: f.start, reverse=True)
    return _masked(text, tuple((f.start, f.end) for f in last_first))


# A sentence is read again in every alignment of its revision (as the later side, then as
# the earlier one) and in every revision that keeps it: its wording is kept (by text).
_CACHED = 1 << 14


@lru_cache(maxsize=_CACHED)
def _masked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` with each (start, end) span, last first, replaced by '#'; normal_text."""
    for start, end in spans:
        text = text[:start] + "#" + text[end:]
    return normal_text(text)


def figure_token(figure: Figure) -> str:
    """A word standing for the figure's quantity, for the index and the word overlap."""
    dimension, value = base_quantity(figure).key()
    return f"#{dimension}={value}"


def _units(items: Sequence[T], figures: dict[str, list[Figure]],
           sections: dict[str, int | None]) -> list[_Unit[T]]:
    units = []
    for index, item in enumerate(items):
        own = figures.get(item.id, [])
        masked = masked_text(item.text, own)
        tokens = [figure_token(f) for f in sorted(own, key=lambda f: f.start)]
        content = content_words(masked).union(tokens)
        units.append(_Unit(index, item, identity_key(item.text), masked, content,
                           sections.get(item.id), tuple(t.split("=")[0] for t in tokens)))
    return units


# Consecutive revisions repeat most sentences: the words of each masked text are worked out
# once (keyed on the exact text; a frozenset cannot be changed by its users). Long texts,
# which are rare, are not kept.
MEMO_LONGEST = 2000


def content_words(masked: str) -> frozenset[str]:
    """The stemmed content words of a masked text (no stop words)."""
    return _remembered_words(masked) if len(masked) <= MEMO_LONGEST else _words_of(masked)


@lru_cache(maxsize=16384)
def _remembered_words(masked: str) -> frozenset[str]:
    return _words_of(masked)


def _words_of(masked: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(masked) if w not in STOP_WORDS)


def _stem(word: str) -> str:
    """A word without its inflection, so a reworded claim keeps its words ('blamed' and
    'blaming', 'pilot' and 'pilots'): a light suffix cut, never below four letters."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)]
    return word


class _Weights:
    """Inverse document frequency of every word over both sides."""

    def __init__(self, units: Sequence[_Unit[T]]) -> None:
        counts: Counter[str] = Counter()
        for unit in units:
            counts.update(unit.words)
        total = max(len(units), 1)
        self.idf = {w: math.log(1 + total / n) for w, n in counts.items()}
        self.counts = counts

    def weight(self, words: frozenset[str] | set[str]) -> float:
        # fsum: exact, so the same in any order (a set's order changes with the hash seed,
        # and a last-bit difference could tip two near-equal candidates)
        return math.fsum(self.idf.get(w, 0.0) for w in words)


@dataclass(frozen=True)
class _Score:
    rank: float  # what pairs are sorted by
    accepted: bool  # similar enough to be one item


def _score(b: _Unit[T], a: _Unit[T], weights: _Weights, place: int) -> _Score:
    ratio = fuzz.ratio(b.masked, a.masked)
    common = weights.weight(b.words & a.words)
    wb, wa = weights.weight(b.words), weights.weight(a.words)
    dice = 2 * common / (wb + wa) if wb + wa else 0.0
    shorter, size = (wb, len(b.words)) if wb <= wa else (wa, len(a.words))
    cover = common / shorter if shorter else 0.0
    bonus = IN_PLACE_BONUS if place != ELSEWHERE else 0.0
    threshold = CLAIM_THRESHOLD - bonus
    few = min(len(b.words), len(a.words))
    accepted = (
        (ratio >= threshold and (dice >= RATIO_NEEDS_WORDS or ratio >= SURE_RATIO))
        or (dice >= WORD_OVERLAP - bonus / 100 and few >= 3)
        or (cover >= COVERAGE and size >= 4)
        or (place == ALONE and (ratio >= ALONE_RATIO or dice >= ALONE_OVERLAP or (
            bool(set(b.dimensions) & set(a.dimensions)) and (
                ratio >= ALONE_RATIO_WITH_FIGURES or _same_lead(b, a)))))
    )
    rank = max(ratio, 100 * dice, 90 * cover if size >= 4 else 0.0) + bonus
    return _Score(rank, accepted)


def _same_lead(b: _Unit[T], a: _Unit[T]) -> bool:
    """Both open with the same two kinds of figure: a data line ('206.8 million (march
    2007) ...' -> '218.06 million (may 2007)') whose numbers were updated."""
    return (len(b.dimensions) >= 2 and b.dimensions[:2] == a.dimensions[:2]
            and b.masked.startswith("#") and a.masked.startswith("#"))


# ----- step 1: same text ------------------------------------------------------------------
def _exact(before: list[_Unit[T]], after: list[_Unit[T]]) -> list[tuple[int, int]]:
    """(before index, after index) of units with the same identity key."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for unit in after:
        by_key[unit.key].append(unit.index)
    wanted: dict[str, list[int]] = defaultdict(list)
    for unit in before:
        if unit.key in by_key:
            wanted[unit.key].append(unit.index)
    ratio = len(after) / max(len(before), 1)
    pairs = []
    for key, bs in wanted.items():
        pairs += _nearest(bs, by_key[key], ratio)
    return pairs


def _nearest(bs: list[int], as_: list[int], ratio: float) -> list[tuple[int, int]]:
    """Pair repeats of one text: in order when the counts agree, else the nearest first."""
    if len(bs) == len(as_) or len(bs) * len(as_) > 2500:
        return list(zip(bs, as_, strict=False))
    options = sorted((abs(b * ratio - a), b, a) for b in bs for a in as_)
    used_b: set[int] = set()
    used_a: set[int] = set()
    chosen = []
    for _, b, a in options:
        if b not in used_b and a not in used_a:
            used_b.add(b)
            used_a.add(a)
            chosen.append((b, a))
    return sorted(chosen)


# ----- step 2: candidates -----------------------------------------------------------------
def _candidates(
    rest_b: list[_Unit[T]], rest_a: list[_Unit[T]], anchors: list[tuple[int, int]],
    n_before: int, n_after: int, weights: _Weights,
) -> dict[int, dict[int, int]]:
    """For each unpaired before unit: the after units worth scoring, and whether in place."""
    postings: dict[str, list[int]] = defaultdict(list)
    for position, unit in enumerate(rest_a):
        for word in unit.words:
            postings[word].append(position)
    after_index = [u.index for u in rest_a]
    chain = heaviest_increasing(anchors)
    chain_b = [b for b, _ in chain]
    gaps = {u.index: _gap(u.index, chain, chain_b, n_before, n_after) for u in rest_b}
    before_in_gap = Counter((low, high) for low, high, _ in gaps.values())
    found: dict[int, dict[int, int]] = {}
    for unit in rest_b:
        shared: dict[int, float] = defaultdict(float)
        for word in sorted(unit.words):  # one order of addition, whatever the hash seed
            listed = postings.get(word)
            if listed and len(listed) <= MAX_POSTINGS:
                weight = weights.idf[word]
                for position in listed:
                    shared[position] += weight
        best = heapq.nlargest(CANDIDATES, shared.items(), key=lambda kv: (kv[1], -kv[0]))
        options = {position: ELSEWHERE for position, _ in best}
        low, high, expected = gaps[unit.index]
        near = _closest(after_index, low, high, expected, NEIGHBOURS)
        alone = len(near) == 1 and before_in_gap[(low, high)] == 1 and _count_between(
            after_index, low, high) == 1
        for position in near:
            options[position] = ALONE if alone else IN_PLACE
        found[unit.index] = options
    return found

# Where a candidate stands: anywhere, between the same paired neighbours, or the only
# unpaired claim between them on both sides (what a line diff calls a one-line change).
ELSEWHERE, IN_PLACE, ALONE = 0, 1, 2


def _count_between(sorted_indices: list[int], low: int, high: int) -> int:
    return bisect.bisect_left(sorted_indices, high) - bisect.bisect_right(sorted_indices, low)


def _gap(index: int, chain: list[tuple[int, int]], chain_b: list[int], n_before: int,
         n_after: int) -> tuple[int, int, float]:
    """The open interval of after indices between the paired neighbours of a before index."""
    at = bisect.bisect_left(chain_b, index)
    low = chain[at - 1][1] if at > 0 else -1
    high = chain[at][1] if at < len(chain) else n_after
    b_low = chain[at - 1][0] if at > 0 else -1
    b_high = chain[at][0] if at < len(chain) else n_before
    share = (index - b_low) / max(b_high - b_low, 1)
    return low, high, low + share * (high - low)


def _closest(sorted_indices: list[int], low: int, high: int, expected: float,
             count: int) -> list[int]:
    """Positions in ``sorted_indices`` of up to ``count`` values in (low, high) near expected."""
    start = bisect.bisect_right(sorted_indices, low)
    stop = bisect.bisect_left(sorted_indices, high)
    middle = bisect.bisect_left(sorted_indices, expected, start, stop)
    left, right = middle - 1, middle
    picked: list[int] = []
    while len(picked) < count and (left >= start or right < stop):
        take_right = right < stop and (
            left < start or sorted_indices[right] - expected <= expected - sorted_indices[left]
        )
        if take_right:
            picked.append(right)
            right += 1
        else:
            picked.append(left)
            left -= 1
    return picked


# ----- step 3-4: pairs and groups ---------------------------------------------------------
def align_items(
    before: Sequence[T], after: Sequence[T], figures_before: dict[str, list[Figure]],
    figures_after: dict[str, list[Figure]], sections_before: dict[str, int | None] | None = None,
    sections_after: dict[str, int | None] | None = None, allow_groups: bool = True,
    speakers: tuple[dict[str, str | None], dict[str, str | None]] | None = None,
) -> ItemAlignment[T]:
    """Align two sequences of claims (or quotes) in reading order."""
    units_b = _units(before, figures_before, sections_before or {})
    units_a = _units(after, figures_after, sections_after or {})
    exact = _exact(units_b, units_a)
    matcher = _Matcher(units_b, units_a, exact, speakers)
    matcher.pair_rest()
    if allow_groups:
        matcher.grow_groups()
    return matcher.result(sections_before or {}, sections_after or {})


class _Matcher(Generic[T]):
    def __init__(self, units_b: list[_Unit[T]], units_a: list[_Unit[T]],
                 exact: list[tuple[int, int]],
                 speakers: tuple[dict[str, str | None], dict[str, str | None]] | None) -> None:
        self.b, self.a = units_b, units_a
        self.weights = _Weights([*units_b, *units_a])
        self.exact = exact
        self.pair_of_b: dict[int, int] = dict(exact)
        self.pair_of_a: dict[int, int] = {a: b for b, a in exact}
        self.scores: dict[tuple[int, int], float] = {p: 100.0 for p in exact}
        self.speakers = speakers
        self.groups: list[tuple[list[int], list[int]]] = []
        self.options: dict[int, dict[int, int]] = {}  # before index -> after index -> place
        self.options_of_a: dict[int, list[int]] = defaultdict(list)
        self._before_index = {u.item.id: u.index for u in units_b}
        self._after_index = {u.item.id: u.index for u in units_a}

    def _same_speaker(self, b: _Unit[T], a: _Unit[T]) -> bool:
        if self.speakers is None:
            return False
        speaker = self.speakers[0].get(b.item.id)
        other = self.speakers[1].get(a.item.id)
        return speaker is not None and other is not None and normal_text(speaker) == normal_text(
            other
        )

    def pair_rest(self) -> None:
        rest_b = [u for u in self.b if u.index not in self.pair_of_b]
        rest_a = [u for u in self.a if u.index not in self.pair_of_a]
        if not rest_b or not rest_a:
            return
        self.options = _candidates(rest_b, rest_a, self.exact, len(self.b), len(self.a),
                                   self.weights)
        scored = []
        for unit in rest_b:
            for position, place in self.options[unit.index].items():
                other = rest_a[position]
                score = self._pair_score(unit, other, place)
                if score.accepted:
                    scored.append((score.rank, unit.index, other.index))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        for rank, b, a in scored:
            if b not in self.pair_of_b and a not in self.pair_of_a:
                self.pair_of_b[b], self.pair_of_a[a] = a, b
                self.scores[(b, a)] = min(rank, 99.9)
        # remember candidates by after position -> after index for group growth
        self.options = {
            b: {rest_a[p].index: place for p, place in opts.items()}
            for b, opts in self.options.items()
        }
        self._pair_alone()
        for b, opts in self.options.items():
            for a in opts:
                self.options_of_a[a].append(b)

    def _pair_alone(self) -> None:
        """Second look, with every pair as a landmark: an unpaired claim now alone between
        two pairs, opposite one unpaired claim of the other side, is its edit if they are
        at all alike (a line diff's one-line change)."""
        anchors = sorted((b, a) for b, a in self.pair_of_b.items() if a >= 0)
        chain = heaviest_increasing(anchors)
        chain_b = [b for b, _ in chain]
        rest_b = [u for u in self.b if u.index not in self.pair_of_b]
        rest_a = [u.index for u in self.a if u.index not in self.pair_of_a]
        gaps = {u.index: _gap(u.index, chain, chain_b, len(self.b), len(self.a)) for u in rest_b}
        before_in_gap = Counter((low, high) for low, high, _ in gaps.values())
        for unit in rest_b:
            low, high, expected = gaps[unit.index]
            if before_in_gap[(low, high)] != 1:
                continue
            near = _closest(rest_a, low, high, expected, 2)
            if len(near) != 1:
                continue
            other = self.a[rest_a[near[0]]]
            self.options.setdefault(unit.index, {})[other.index] = ALONE
            score = self._pair_score(unit, other, ALONE)
            if score.accepted:
                self.pair_of_b[unit.index], self.pair_of_a[other.index] = other.index, unit.index
                self.scores[(unit.index, other.index)] = min(score.rank, 99.9)

    def _pair_score(self, b: _Unit[T], a: _Unit[T], place: int) -> _Score:
        if self.speakers is not None:
            return _quote_score(b, a, self._same_speaker(b, a))
        return _score(b, a, self.weights, place)

    # -- groups --
    def grow_groups(self) -> None:
        for b_index, a_index in sorted(self.pair_of_b.items()):
            if self.scores.get((b_index, a_index), 0.0) >= 100.0:
                continue  # the same text: nothing was split off
            self._grow([b_index], [a_index])
        for unit in self.b:
            if unit.index not in self.pair_of_b:
                self._found(unit.index, forward=True)
        for unit in self.a:
            if unit.index not in self.pair_of_a:
                self._found(unit.index, forward=False)

    def _grow(self, bs: list[int], as_: list[int]) -> None:
        """Add unpaired neighbours made of the group's leftover words; record a group."""
        grew = False
        while len(bs) + len(as_) < MAX_PARTS + 1:
            added = False
            if len(bs) == 1:
                added = self._extend(bs, as_, self.a, self.pair_of_a)
            if not added and len(as_) == 1:
                added = self._extend(as_, bs, self.b, self.pair_of_b)
            if not added:
                break
            grew = True
        if grew:
            self.groups.append((bs, as_))

    def _extend(self, single: list[int], parts: list[int], side: list[_Unit[T]],
                taken: dict[int, int]) -> bool:
        """Add to ``parts`` (indices on ``side``) an unpaired neighbour made of single's words."""
        whole = self._other(side)[single[0]]
        used: set[str] = set()
        for index in parts:
            used |= side[index].words
        for neighbour in (min(parts) - 1, max(parts) + 1):
            if not 0 <= neighbour < len(side) or neighbour in taken:
                continue
            unit = side[neighbour]
            if self._is_part(unit, whole, used):
                parts.append(neighbour)
                parts.sort()
                taken[neighbour] = -1  # held by a group
                return True
        return False

    def _other(self, side: list[_Unit[T]]) -> list[_Unit[T]]:
        return self.b if side is self.a else self.a

    def _is_part(self, unit: _Unit[T], whole: _Unit[T], used: set[str]) -> bool:
        own = self.weights.weight(unit.words)
        if own == 0 or len(unit.words) < 2:
            return normal_text(unit.text).strip(" .") in normal_text(whole.text)
        if len(unit.masked) >= 12 and fuzz.partial_ratio(unit.masked.strip(" ."),
                                                          whole.masked) >= VERBATIM_PART:
            return True  # cut out of the whole, near enough word for word
        shared = unit.words & whole.words
        from_whole = self.weights.weight(shared) / own
        fresh = self.weights.weight(shared - used)
        # the part is mostly the whole's words, and it carries a real share of the whole
        # that the other parts did not carry yet
        whole_weight = self.weights.weight(whole.words) or 1.0
        return (from_whole >= PART_COVERAGE and fresh / own >= PART_NEW
                and fresh / whole_weight >= PART_SHARE)

    def _found(self, index: int, forward: bool) -> None:
        """An unpaired unit whose content went into several unpaired units of the other side."""
        side, taken = (self.a, self.pair_of_a) if forward else (self.b, self.pair_of_b)
        own_side = self.b if forward else self.a
        whole = own_side[index]
        options = self.options.get(index, {}) if forward else self.options_of_a.get(index, [])
        for start in sorted(options):
            if start in taken:
                continue
            parts = [start]
            if not self._is_part(side[start], whole, set()):
                continue
            taken[start] = -1
            while len(parts) < MAX_PARTS and self._extend([index], parts, side, taken):
                pass
            if len(parts) > 1 and self._group_similar(whole, [side[p] for p in parts]):
                (self.pair_of_b if forward else self.pair_of_a)[index] = -1
                self.groups.append(([index], parts) if forward else (parts, [index]))
                return
            for p in parts:
                del taken[p]

    def _group_similar(self, whole: _Unit[T], parts: list[_Unit[T]]) -> bool:
        joined = " ".join(p.masked for p in parts)
        words = frozenset().union(*(p.words for p in parts))
        common = self.weights.weight(whole.words & words)
        total = self.weights.weight(whole.words) + self.weights.weight(words)
        dice = 2 * common / total if total else 0.0
        return fuzz.ratio(whole.masked, joined) >= CLAIM_THRESHOLD or dice >= WORD_OVERLAP

    # -- result --
    def result(self, sections_b: dict[str, int | None],
               sections_a: dict[str, int | None]) -> ItemAlignment[T]:
        out: ItemAlignment[T] = ItemAlignment()
        in_group_b: set[int] = set()
        in_group_a: set[int] = set()
        for bs, as_ in self.groups:
            in_group_b.update(bs)
            in_group_a.update(as_)
            out.groups.append(self._group(bs, as_))
        for b_index, a_index in self.pair_of_b.items():
            if a_index < 0 or b_index in in_group_b or a_index in in_group_a:
                continue
            out.pairs.append(self._pair(b_index, a_index))
        out.pairs.sort(key=lambda p: self._after_index[p.after.id])
        out.removed = [u.item for u in self.b if u.index not in in_group_b
                       and self.pair_of_b.get(u.index, -1) < 0]
        out.added = [u.item for u in self.a if u.index not in in_group_a
                     and self.pair_of_a.get(u.index, -1) < 0]
        out.moved = moved_pairs(out.all_pairs(), self._before_index, self._after_index,
                           sections_b, sections_a)
        return out

    def _pair(self, b_index: int, a_index: int) -> Pair[T]:
        b, a = self.b[b_index], self.a[a_index]
        score = self.scores.get((b_index, a_index))
        if score is None:
            score = fuzz.ratio(b.masked, a.masked)
        exact = b.key == a.key
        return Pair(b.item, a.item, 100.0 if exact else round(score, 1),
                    not exact and wording(b.masked) != wording(a.masked))

    def _group(self, bs: list[int], as_: list[int]) -> Group[T]:
        before = [self.b[i] for i in bs]
        after = [self.a[i] for i in as_]
        joined_b = " ".join(u.masked for u in before)
        joined_a = " ".join(u.masked for u in after)
        principal = max(
            ((x, y) for x in before for y in after),
            key=lambda xy: self.weights.weight(xy[0].words & xy[1].words),
        )
        pair = Pair(principal[0].item, principal[1].item,
                    round(fuzz.ratio(principal[0].masked, principal[1].masked), 1),
                    wording(principal[0].masked) != wording(principal[1].masked))
        return Group(tuple(u.item for u in before), tuple(u.item for u in after),
                     round(fuzz.ratio(joined_b, joined_a), 1), pair)


def _quote_score(b: _Unit[T], a: _Unit[T], same_speaker: bool) -> _Score:
    """Quotes: the same words after punctuation is set aside, or one a cut of the other."""
    ratio = fuzz.ratio(b.masked, a.masked) + (SAME_SPEAKER_BONUS if same_speaker else 0.0)
    shorter = min(len(b.masked), len(a.masked))
    partial = fuzz.partial_ratio(b.masked, a.masked) if shorter >= 20 else 0.0
    rank = max(ratio, partial)
    return _Score(rank, ratio >= QUOTE_THRESHOLD or partial >= CUT_QUOTE)
