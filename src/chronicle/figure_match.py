"""Figure identity: which figure of one revision is the same figure in the other.

A figure is matched by what it measures, not by the order figures happen to have:

1. **Inside aligned claims** (a pair, a split, a merge, a quote): the texts of each side
   are read as words and figure tokens (a token names the figure's dimension and
   quantity, e.g. ``#money:USD=2.5e10``) and aligned word by word (rapidfuzz's Indel
   opcodes, a longest common subsequence). Figures the word alignment puts opposite each
   other are one figure: ``at a pace of $25 billion per month rather than $30 billion``
   -> ``... $20 billion ... $25 billion`` is 25 -> 20 and 30 -> 25 (by place), while a
   year that moves with its clause stays the same year. Figures left in an edited stretch
   pair by dimension (same quantity first, then in order, or by the words around them).
2. **Across claims**: what is still unpaired (figures of removed and added claims, and the
   leftovers of step 1) pairs when the dimension agrees and the surrounding words or the
   counted noun show it is the same figure: the claim alignment is a prior, not a cage.

Whether a pair is a change, a restatement or nothing is for ``chronicle.quantities``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz.distance import Indel

from .model import Figure, Revision
from .quantities import base_quantity
from .wording import STOP_WORDS, identity_key, words

CONTEXT = 5  # words each side that describe what a figure measures
MAX_TOKENS = 4000  # longer groups are matched by dimension and context only


@dataclass
class _Fig:
    figure: Figure
    dimension: str
    key: str  # dimension and quantity: equal keys are the same quantity
    alias: str | None = None  # 'year=1356' for a year read as a date or as a number
    context: frozenset[str] = frozenset()
    order: int = 0
    loose: bool = False  # its claim is aligned with none (added or removed)
    before: tuple[str, ...] = ()  # the nearest words before it, nearest first
    after: tuple[str, ...] = ()  # and after it: its role ("rose to _ from", "_ people died")
    period: str | None = None  # the year it is given for: '2.1% in 2023', '2023: $35bn'

    @property
    def noun(self) -> str | None:
        return self.figure.noun.casefold() if self.figure.noun else None


@dataclass
class _Text:
    """The words and figure tokens of some items in reading order."""

    tokens: list[str] = field(default_factory=list)
    figures: list[_Fig | None] = field(default_factory=list)  # the figure at each token


def _tokens(texts: Sequence[str], figures: Sequence[Sequence[Figure]],
            by_value: bool = True) -> _Text:
    """The words and figures of the texts; a figure's token names its quantity, or with
    ``by_value`` off only its dimension (dates and years keep their value: they name
    themselves), so that the word alignment pairs figures by their place in the words."""
    out = _Text()
    for text, own in zip(texts, figures, strict=True):
        at = 0
        for figure in sorted(own, key=lambda f: f.start):
            if figure.start < at:
                continue  # overlapping spans: keep the first
            _words(out, text[at : figure.start])
            fig = _fig(figure)
            out.tokens.append(f"#{_token(fig, by_value)}")
            out.figures.append(fig)
            at = figure.end
        _words(out, text[at:])
    for index, found in enumerate(out.figures):
        if found is not None:
            found.context = _context(out, index)
            found.order = index
            found.before, found.after = _role(out, index)
            found.period = _period(out, index)
    return out


def _token(fig: _Fig, by_value: bool) -> str:
    if by_value or fig.dimension == "date":
        return fig.key
    return fig.alias or fig.dimension


ROLE = 2  # words each side that say what a figure is in its sentence


# Words that join the items of a list ('10 mg, 20 mg and 40 mg'): they say nothing of an
# item's role, so a list that grows keeps each value where it was.
LIST_WORDS = frozenset({"and", "or", "nor", "plus", "&"})


def _role(text: _Text, index: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ROLE nearest words before and after a figure (other figures and the words that
    join list items skipped)."""
    sides = []
    for side in (range(index - 1, -1, -1), range(index + 1, len(text.tokens))):
        sides.append(tuple(text.tokens[k] for k in side if text.figures[k] is None
                           and text.tokens[k] not in LIST_WORDS)[:ROLE])
    return sides[0], sides[1]


_YEAR_WORD = re.compile(r"(?:fy)?((?:19|20)\d\d)")
_FOR_A_PERIOD = frozenset({"in", "for", "during"})
_PERIOD_KINDS = frozenset({"fiscal", "calendar", "fy"})


def _period(text: _Text, index: int) -> str | None:
    """The year a figure is stated for, when the words say so next to it: '2.1% in 2023',
    '$4bn for fiscal 2024', or a year label just before it (a table cell '2023: $35bn')."""
    fig = text.figures[index]
    if fig is None or fig.dimension == "date" or fig.alias is not None:
        return None
    k = index + 1
    if k < len(text.tokens) and text.figures[k] is None and text.tokens[k] in _FOR_A_PERIOD:
        k += 1
        if k < len(text.tokens) and text.figures[k] is None and text.tokens[k] in _PERIOD_KINDS:
            k += 1
        if (year := _year_at(text, k)) is not None:
            return year
    return _year_at(text, index - 1, label=True)


def _year_at(text: _Text, k: int, label: bool = False) -> str | None:
    """The year at token k: a year figure, or a year written as a label word."""
    if not 0 <= k < len(text.tokens):
        return None
    fig = text.figures[k]
    if fig is None:
        found = _YEAR_WORD.fullmatch(text.tokens[k])
        return found.group(1) if found else None
    if label:
        return None  # '... 2023 $35bn': a year figure before a figure is no label
    date = fig.figure.date
    if fig.dimension == "date" and date is not None and len(date) == 4:
        return date
    return None


def _words(out: _Text, text: str) -> None:
    for word in words(text):
        out.tokens.append(word)
        out.figures.append(None)


def _fig(figure: Figure) -> _Fig:
    quantity = base_quantity(figure)
    dimension, value = quantity.key()
    return _Fig(figure, dimension, f"{dimension}={value}", quantity.alias())


def _context(text: _Text, index: int) -> frozenset[str]:
    words: set[str] = set()
    for side in (range(index - 1, -1, -1), range(index + 1, len(text.tokens))):
        taken = 0
        for k in side:
            if taken >= CONTEXT:
                break
            if text.figures[k] is not None:
                continue
            taken += 1
            if text.tokens[k] not in STOP_WORDS:
                words.add(text.tokens[k])
    return frozenset(words)


@dataclass
class _Result:
    pairs: list[tuple[Figure, Figure]] = field(default_factory=list)
    left_b: list[_Fig] = field(default_factory=list)
    left_a: list[_Fig] = field(default_factory=list)


def match_figures(
    before: Revision, after: Revision, held: list[tuple[list[str], list[str]]]
) -> tuple[list[tuple[Figure, Figure]], list[Figure], list[Figure]]:
    """(pairs, removed, added): the figures of both revisions, given the ids held together by
    the claim alignment (each pair or group as the ids of its before and after side)."""
    texts_b, texts_a = before.text_by_id(), after.text_by_id()
    own_b, own_a = _by_item(before.figures), _by_item(after.figures)
    result = _Result()
    seen_b: set[str] = set()
    seen_a: set[str] = set()
    for ids_b, ids_a in held:
        seen_b.update(ids_b)
        seen_a.update(ids_a)
        _within(
            [texts_b.get(i, "") for i in ids_b], [own_b.get(i, []) for i in ids_b],
            [texts_a.get(i, "") for i in ids_a], [own_a.get(i, []) for i in ids_a], result,
        )
    result.left_b += _loose(before, texts_b, own_b, seen_b)
    result.left_a += _loose(after, texts_a, own_a, seen_a)
    _across(result, _common_words([*texts_b.values(), *texts_a.values()]))
    order_b = {f.id: n for n, f in enumerate(before.figures)}
    order_a = {f.id: n for n, f in enumerate(after.figures)}
    return (
        sorted(result.pairs, key=lambda p: order_a[p[1].id]),
        sorted((f.figure for f in result.left_b), key=lambda f: order_b[f.id]),
        sorted((f.figure for f in result.left_a), key=lambda f: order_a[f.id]),
    )


def _by_item(figures: Iterable[Figure]) -> dict[str, list[Figure]]:
    by_item: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_item[figure.claim].append(figure)
    return by_item


def _loose(revision: Revision, texts: dict[str, str], own: dict[str, list[Figure]],
           seen: set[str]) -> list[_Fig]:
    """The figures of items no alignment holds, with their context."""
    loose: list[_Fig] = []
    for item in texts:
        if item in seen or item not in own:
            continue
        tokens = _tokens([texts[item]], [own[item]])
        loose += [f for f in tokens.figures if f is not None]
    for figure in loose:
        figure.loose = True
    return loose


# ----- inside aligned items ---------------------------------------------------------------
def _within(texts_b: list[str], figs_b: list[list[Figure]], texts_a: list[str],
            figs_a: list[list[Figure]], result: _Result) -> None:
    if not any(figs_b) and not any(figs_a):
        return
    if len(texts_b) == len(texts_a) == 1 and identity_key(texts_b[0]) == identity_key(
        texts_a[0]
    ) and len(figs_b[0]) == len(figs_a[0]):
        result.pairs += list(zip(figs_b[0], figs_a[0], strict=True))  # the same sentence
        return
    tb, ta = _tokens(texts_b, figs_b), _tokens(texts_a, figs_a)
    by_id_b, by_id_a = _figs(tb), _figs(ta)
    local = _pair_in_group(tb, ta, prefer_the_same=True)
    if _worth_pairing_by_place(local, by_id_b, by_id_a):
        # 'rose to 12 from 9' -> 'rose to 15 from 12': the old value came back in another
        # role; pairing by place in the words, with no preference for equal values, wins
        # when the words either side of each pair agree better
        by_place = _pair_in_group(_tokens(texts_b, figs_b, by_value=False),
                                  _tokens(texts_a, figs_a, by_value=False),
                                  prefer_the_same=False)
        # ... but not where the new value is still there, unpaired: 'Chelsea paid £35m and
        # Spurs spent £20m' -> 'Chelsea spent £35m' dropped the £20m, it did not change it
        _prefer_the_same(by_place, by_id_b, by_id_a, twins_after=False)
        if _role_agreement(by_place, by_id_b, by_id_a) > _role_agreement(local, by_id_b, by_id_a):
            local = by_place
    _undo_a_reorder(local, by_id_b, by_id_a)
    _pair_by_period(local, by_id_b, by_id_a)
    _pair_with_the_new_value(local, by_id_b, by_id_a, ta)
    _pair_rates_by_role(local)
    result.pairs += local.pairs
    result.left_b += local.left_b
    result.left_a += local.left_a


def _pair_in_group(tb: _Text, ta: _Text, prefer_the_same: bool) -> _Result:
    """The figures of one aligned group paired: by the word alignment, then leftovers."""
    local = _Result()
    left_b: list[_Fig] = []
    left_a: list[_Fig] = []
    if len(tb.tokens) * len(ta.tokens) > MAX_TOKENS * MAX_TOKENS:
        _in_gap([f for f in tb.figures if f], [f for f in ta.figures if f], local, left_b,
                left_a)
    else:
        _by_words(tb, ta, local, left_b, left_a)
    _leftovers_of_group(left_b, left_a, local)
    if prefer_the_same:
        _prefer_the_same(local, _figs(tb), _figs(ta))
    return local


def _role_match(fb: _Fig, fa: _Fig) -> int:
    """How well the words next to two figures agree (their roles, see _role)."""
    return _side_agreement(fb.before, fa.before) + _side_agreement(fb.after, fa.after)


def _side_agreement(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    """The nearest word counts twice what the next one does ('killed 5' is no 'injured 5'
    though both are followed by 'people')."""
    return sum((ROLE - n) * (x == y) for n, (x, y) in enumerate(zip(first, second,
                                                                   strict=False)))


def _role_agreement(result: _Result, figs_b: dict[str, _Fig], figs_a: dict[str, _Fig]) -> int:
    """How many of the words next to paired figures agree, over all pairs (a figure's role
    is the same whichever tokens the pairing used)."""
    return sum(_role_match(figs_b[b.id], figs_a[a.id]) for b, a in result.pairs
               if b.id in figs_b and a.id in figs_a)


def _undo_a_reorder(local: _Result, figs_b: dict[str, _Fig], figs_a: dict[str, _Fig]) -> None:
    """'$10, $15 and $25' -> '$25, $15 and $10': when the changed pairs only trade values
    among themselves, they are the same figures reordered, unless the words next to them
    say the values moved between fixed places ('Dunn 40%, Ortiz 35%' -> 'Dunn 35%, Ortiz
    40%', where the pairing by place agrees better with the words)."""
    changed = [(n, figs_b[b.id], figs_a[a.id]) for n, (b, a) in enumerate(local.pairs)
               if b.id in figs_b and a.id in figs_a and not _same(figs_b[b.id], figs_a[a.id])]
    if len(changed) < 2 or sorted(fb.key for _, fb, _ in changed) != sorted(
            fa.key for _, _, fa in changed):
        return
    free = [fa for _, _, fa in changed]
    same: list[tuple[int, _Fig, _Fig]] = []
    for n, fb, _ in changed:
        twin = next(fa for fa in free if fa.key == fb.key)
        free.remove(twin)
        same.append((n, fb, twin))
    now = sum(_role_match(fb, fa) for _, fb, fa in changed)
    kept = sum(_role_match(fb, fa) for _, fb, fa in same)
    if kept >= now:
        for n, fb, fa in same:
            local.pairs[n] = (fb.figure, fa.figure)


def _pair_by_period(local: _Result, figs_b: dict[str, _Fig], figs_a: dict[str, _Fig]) -> None:
    """A series that rolls on by a year ('2.1% in 2023 after 1.8% in 2022' -> '2.4% in 2024
    after 2.1% in 2023', a table whose year columns move on): figures given for a year are
    the same figure when the year is the same, so the year both sides give keeps its value,
    the year dropped is removed and the year added is added. Pairing by place would invent
    a revision of every value. Acts only when a figure of a year both sides give was paired
    with another year's: a year corrected alone ('in 2024' -> 'in 2025') stays a change."""
    order_b, order_a = _years_in_order(figs_b), _years_in_order(figs_a)
    shared = set(order_b) & set(order_a)
    crossing = [(fb.period, fa.period) for fb, fa in (
        (figs_b[b.id], figs_a[a.id]) for b, a in local.pairs)
        if fb.period and fa.period and fb.period != fa.period]
    # the years both give stand elsewhere among each side's years (a reorder of them too)
    rolled = [order_b.index(y) for y in sorted(shared)] != [
        order_a.index(y) for y in sorted(shared)]
    if not crossing or not shared or not (rolled or any(
            b in shared or a in shared for b, a in crossing)):
        return
    years = set(order_b) | set(order_a)
    series_b: dict[tuple[str, str], list[_Fig]] = defaultdict(list)
    series_a: dict[tuple[str, str], list[_Fig]] = defaultdict(list)
    kept: list[tuple[Figure, Figure]] = []
    loose_b, loose_a = list(local.left_b), list(local.left_a)
    for b, a in local.pairs:
        kb, ka = _series_key(figs_b[b.id], years), _series_key(figs_a[a.id], years)
        if kb is None and ka is None:
            kept.append((b, a))
            continue
        for key, fig, series, loose in ((kb, figs_b[b.id], series_b, loose_b),
                                        (ka, figs_a[a.id], series_a, loose_a)):
            (series[key] if key is not None else loose).append(fig)
    for key, bs in series_b.items():
        as_ = series_a.pop(key, [])
        kept += [(b.figure, a.figure) for b, a in zip(bs, as_, strict=False)]
        loose_b += bs[len(as_):]
        loose_a += as_[len(bs):]
    for as_ in series_a.values():
        loose_a += as_
    local.pairs, local.left_b, local.left_a = kept, loose_b, loose_a


def _years_in_order(figs: dict[str, _Fig]) -> list[str]:
    """The years figures are given for, each once, in reading order."""
    years: list[str] = []
    for fig in sorted(figs.values(), key=lambda f: f.order):
        if fig.period is not None and fig.period not in years:
            years.append(fig.period)
    return years


def _pair_with_the_new_value(local: _Result, figs_b: dict[str, _Fig], figs_a: dict[str, _Fig],
                             ta: _Text) -> None:
    """'grew 2.3%' -> 'was revised down to 2.1% from 2.3%': the old value is cited beside
    the new one, so the figure changed 2.3% -> 2.1%; pairing it with its own citation would
    hide the revision (the citation is left as a figure of its own)."""
    for n, (b, a) in enumerate(local.pairs):
        fb, fa = figs_b[b.id], figs_a[a.id]
        if not _same(fb, fa) or fb.before[:1] == ("from",):
            continue
        new = _new_value_beside(ta, fa.order)
        if new is not None and new in local.left_a and new.dimension == fb.dimension:
            local.pairs[n] = (b, new.figure)
            local.left_a = [f for f in local.left_a if f is not new] + [fa]


_RATES = frozenset({"percent", "percentage_points"})


def _pair_rates_by_role(local: _Result) -> None:
    """'rose 2 percentage points to 7.5%' -> 'rose 2% to 7.5%': a percent and a move in
    points left over in one claim, in the same role (the nearest words either side agree),
    are one figure whose unit changed, not one removed and one added."""
    for fb in [f for f in local.left_b if f.dimension in _RATES]:
        fa = next((f for f in local.left_a if f.dimension in _RATES
                   and f.dimension != fb.dimension and _role_match(fb, f) >= 2 * ROLE),
                  None)
        if fa is not None:
            local.pairs.append((fb.figure, fa.figure))
            local.left_b = [f for f in local.left_b if f is not fb]
            local.left_a = [f for f in local.left_a if f is not fa]


def _new_value_beside(text: _Text, k: int) -> _Fig | None:
    """Y when the figure at token k is X of 'to Y from X', 'Y, up from X' or 'from X to Y'."""
    tokens, figures = text.tokens, text.figures
    if k < 1 or tokens[k - 1] != "from":
        return None
    j = k - 2 - (k >= 3 and tokens[k - 2] in ("up", "down"))
    if j >= 0 and figures[j] is not None:
        return figures[j]
    if k + 2 < len(tokens) and tokens[k + 1] == "to":
        return figures[k + 2]
    return None


def _series_key(fig: _Fig, years: set[str]) -> tuple[str, str] | None:
    """The year and dimension of a figure given for a year, or the year a date names when
    it is one of those years: what pairs figures of a rolling series."""
    if fig.period is not None:
        return fig.period, fig.dimension
    date = fig.figure.date
    if fig.dimension == "date" and date is not None and date in years:
        return date, "date"
    return None


def _worth_pairing_by_place(local: _Result, figs_b: dict[str, _Fig],
                            figs_a: dict[str, _Fig]) -> bool:
    """Whether an equal value may have been paired out of its role: some pair keeps its
    value while a figure changed or came or went beside it (dates and years aside)."""
    kept: list[tuple[int, int]] = []
    changed = False
    for b, a in local.pairs:
        fb, fa = figs_b.get(b.id), figs_a.get(a.id)
        if fb is None or fa is None or fb.dimension == "date" or fb.alias is not None:
            continue
        if _same(fb, fa):
            kept.append((fb.order, fa.order))
        else:
            changed = True
    # kept values that cross ('Dunn 40%, Ortiz 35%' -> 'Dunn 35%, Ortiz 40%'): moved
    # clauses, or values traded between places
    kept.sort()
    crossing = any(later[1] < earlier[1] for earlier, later in pairwise(kept))
    return bool(kept) and (changed or crossing or bool(local.left_b) or bool(local.left_a))


def _figs(text: _Text) -> dict[str, _Fig]:
    return {f.figure.id: f for f in text.figures if f is not None}


def _prefer_the_same(local: _Result, figs_b: dict[str, _Fig], figs_a: dict[str, _Fig],
                     twins_after: bool = True) -> None:
    """A change b -> a is undone when the group still holds b's very quantity unpaired:
    'in 2012 and 2013' -> 'in 2012, 2013 and 2014' added 2014, it did not change 2013.
    Without ``twins_after`` only a's quantity unpaired before counts (an old value back in
    another role, 'killed 4' -> 'killed 6 and destroyed 4 homes', stays a change)."""
    for _ in range(len(local.pairs)):
        repaired = False
        for n, (b, a) in enumerate(local.pairs):
            fb, fa = figs_b.get(b.id), figs_a.get(a.id)
            if fb is None or fa is None or _same(fb, fa):
                continue
            twin_a = next((x for x in local.left_a if _same(fb, x)), None) if twins_after else None
            if twin_a is not None:
                local.pairs[n] = (b, twin_a.figure)
                local.left_a = [x for x in local.left_a if x is not twin_a] + [fa]
                repaired = True
                break
            twin_b = next((x for x in local.left_b if _same(x, fa)), None)
            if twin_b is not None:
                local.pairs[n] = (twin_b.figure, a)
                local.left_b = [x for x in local.left_b if x is not twin_b] + [fb]
                repaired = True
                break
        if not repaired:
            return


def _same(b: _Fig, a: _Fig) -> bool:
    return b.key == a.key or (b.alias is not None and b.alias == a.alias)


def _by_words(tb: _Text, ta: _Text, result: _Result, left_b: list[_Fig],
              left_a: list[_Fig]) -> None:
    """Pair figures the word alignment puts opposite each other; edited stretches by gap."""
    gap_b: list[_Fig] = []
    gap_a: list[_Fig] = []
    for op in Indel.opcodes(tb.tokens, ta.tokens):
        if op.tag == "equal":
            _in_gap(gap_b, gap_a, result, left_b, left_a)
            gap_b, gap_a = [], []
            for k in range(op.src_end - op.src_start):
                fb, fa = tb.figures[op.src_start + k], ta.figures[op.dest_start + k]
                if fb is not None and fa is not None:
                    result.pairs.append((fb.figure, fa.figure))
        else:
            gap_b += [f for f in tb.figures[op.src_start : op.src_end] if f is not None]
            gap_a += [f for f in ta.figures[op.dest_start : op.dest_end] if f is not None]
    _in_gap(gap_b, gap_a, result, left_b, left_a)


def _in_gap(gap_b: list[_Fig], gap_a: list[_Fig], result: _Result, left_b: list[_Fig],
            left_a: list[_Fig]) -> None:
    """Figures of one edited stretch: same quantity first, then by dimension in order."""
    if not gap_b or not gap_a:
        left_b += gap_b
        left_a += gap_a
        return
    start_b, start_a = len(left_b), len(left_a)
    rest_b, rest_a = _same_quantity(gap_b, gap_a, result, need_context=False)
    by_dim_b: dict[str, list[_Fig]] = defaultdict(list)
    by_dim_a: dict[str, list[_Fig]] = defaultdict(list)
    for f in rest_b:
        by_dim_b[f.dimension].append(f)
    for f in rest_a:
        by_dim_a[f.dimension].append(f)
    for dimension, bs in by_dim_b.items():
        as_ = by_dim_a.pop(dimension, [])
        if len(bs) == len(as_) and all(map(_agree, bs, as_)):
            result.pairs += [(b.figure, a.figure) for b, a in zip(bs, as_, strict=True)]
            continue
        paired_b, paired_a = _by_context(bs, as_, result, minimum=0.0)
        left_b += [b for b in bs if id(b) not in paired_b]
        left_a += [a for a in as_ if id(a) not in paired_a]
    for as_ in by_dim_a.values():
        left_a += as_
    _currency_changes(left_b, left_a, result, start_b, start_a)


def _currency_changes(left_b: list[_Fig], left_a: list[_Fig], result: _Result, from_b: int,
                      from_a: int) -> None:
    """Amounts of one edited stretch left over in other currencies, as many on each side,
    are the same amounts restated in another currency: 'C$2.5bn' -> 'US$2.5bn'."""
    money_b = [f for f in left_b[from_b:] if f.dimension.startswith("money:")]
    money_a = [f for f in left_a[from_a:] if f.dimension.startswith("money:")]
    if not money_b or len(money_b) != len(money_a) or not all(map(_agree, money_b, money_a)):
        return
    result.pairs += [(b.figure, a.figure) for b, a in zip(money_b, money_a, strict=True)]
    gone = {id(f) for f in money_b + money_a}
    left_b[:] = [f for f in left_b if id(f) not in gone]
    left_a[:] = [f for f in left_a if id(f) not in gone]


def _leftovers_of_group(left_b: list[_Fig], left_a: list[_Fig], result: _Result) -> None:
    """Figures of one group the word alignment left: same quantity, then same dimension."""
    rest_b, rest_a = _same_quantity(left_b, left_a, result, need_context=False)
    paired_b, paired_a = _by_context(rest_b, rest_a, result, minimum=0.2)
    result.left_b += [f for f in rest_b if id(f) not in paired_b]
    result.left_a += [f for f in rest_a if id(f) not in paired_a]


# ----- across claims ----------------------------------------------------------------------
def _common_words(texts: list[str]) -> frozenset[str]:
    """Words in more than 2% of the items (and at least 4): they say little of a figure."""
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        for word in set(words(text)):
            counts[word] += 1
    limit = max(3, len(texts) // 50)
    return frozenset(w for w, n in counts.items() if n > limit)


def _across(result: _Result, common: frozenset[str]) -> None:
    """Unpaired figures anywhere: same quantity and context, then same dimension and context.

    One of the two must sit in a claim aligned with none: two claims aligned elsewhere
    each keep their figures (the prior holds unless nothing holds the figure). A change of
    value across claims needs two shared words around the figures that are not common."""
    rest_b, rest_a = _same_quantity(result.left_b, result.left_a, result, need_context=True,
                                    one_loose=True)
    # the same value gone from one aligned claim and come in another ('... and open in
    # 2026' moved to the sentence before) is that figure moved, when a rare word around
    # both says so (two for a bare number, which is easily met by chance; the same counted
    # noun is one)
    rest_b, rest_a = _same_quantity(rest_b, rest_a, result, need_context=True,
                                    shared_words=(1, common))
    paired_b, paired_a = _by_context(rest_b, rest_a, result, minimum=0.4, strict=True,
                                     common=common)
    result.left_b = [f for f in rest_b if id(f) not in paired_b]
    result.left_a = [f for f in rest_a if id(f) not in paired_a]


def _agree(b: _Fig, a: _Fig) -> bool:
    """Not two different things counted: '12 people' is no earlier '3 towns'."""
    if b.noun is None or a.noun is None:
        return True
    if _stem(b.noun) == _stem(a.noun):
        return True
    return b.noun in a.context or a.noun in b.context


def _stem(noun: str) -> str:
    word = noun.split()[-1] if noun.split() else noun
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _context_score(b: _Fig, a: _Fig) -> float:
    """How alike the words around two figures are (0-1), and their counted nouns."""
    union = len(b.context | a.context)
    score = len(b.context & a.context) / union if union else 0.0
    if b.noun is not None and b.noun == a.noun:
        score += 0.5
    return score


def _same_quantity(bs: list[_Fig], as_: list[_Fig], result: _Result, need_context: bool,
                   one_loose: bool = False,
                   shared_words: tuple[int, frozenset[str]] | None = None
                   ) -> tuple[list[_Fig], list[_Fig]]:
    """Pair figures stating the same quantity, the most alike context first (with
    ``shared_words`` (n, common), only those with n words around both not in common)."""
    by_key: dict[str, list[_Fig]] = defaultdict(list)
    for a in as_:
        by_key[a.key].append(a)
        if a.alias is not None and a.alias != a.key:
            by_key[a.alias].append(a)
    place = _places(as_)
    options = []
    for nb, b in enumerate(bs):
        found = by_key.get(b.key, [])[:64]
        if b.alias is not None:
            found = found + [a for a in by_key.get(b.alias, [])[:64] if a not in found]
        for a in found:
            if one_loose and not (a.loose or b.loose):
                continue
            if shared_words is not None and len((b.context & a.context) - shared_words[1]) + (
                    b.noun is not None and b.noun == a.noun) < (
                    shared_words[0] + (b.dimension == "number")):
                continue
            score = _context_score(b, a)
            if not need_context or score > 0.0:
                options.append((-score, abs(b.order - a.order), nb, place[id(a)], b, a))
    paired_b, paired_a = _take(options, result)
    return ([b for b in bs if id(b) not in paired_b], [a for a in as_ if id(a) not in paired_a])


def _by_context(bs: list[_Fig], as_: list[_Fig], result: _Result, minimum: float,
                strict: bool = False, common: frozenset[str] = frozenset()
                ) -> tuple[set[int], set[int]]:
    """Pair figures of one dimension by the words around them (above ``minimum``)."""
    by_dim: dict[str, list[_Fig]] = defaultdict(list)
    for a in as_:
        by_dim[a.dimension].append(a)
    place = _places(as_)
    options = []
    for nb, b in enumerate(bs):
        for a in by_dim.get(b.dimension, ())[:256]:
            if not _agree(b, a):
                continue
            score = _context_score(b, a)
            shared = len((b.context & a.context) - common)
            if score < minimum or (strict and (shared < 2 or not (a.loose or b.loose))):
                continue
            options.append((-score, abs(b.order - a.order), nb, place[id(a)], b, a))
    return _take(options, result)


def _places(figures: list[_Fig]) -> dict[int, int]:
    """Each figure's place in its list, by identity: the last tie-break of _take."""
    return {id(f): n for n, f in enumerate(figures)}


def _take(options: list[tuple[float, int, int, int, _Fig, _Fig]],
          result: _Result) -> tuple[set[int], set[int]]:
    """Best first, one to one. Ties go to the earlier figures in their lists, never to
    where they sit in memory (ids), which differs from one run to the next."""
    options.sort(key=lambda o: o[:4])
    paired_b: set[int] = set()
    paired_a: set[int] = set()
    for _, _, _, _, b, a in options:
        if id(b) not in paired_b and id(a) not in paired_a:
            paired_b.add(id(b))
            paired_a.add(id(a))
            result.pairs.append((b.figure, a.figure))
    return paired_b, paired_a
