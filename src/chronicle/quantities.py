"""When two figures state the same quantity, for the diff: '1670 hectares' and '16.7 km²'.

The base units are chronicle.units' (one base unit per dimension, money per currency,
percent apart from percentage points). On top of them the diff needs three things of its
own: counts and plain numbers are one dimension here ('two titles' and '2' can be one
figure; the counted noun is evidence of identity, weighed in chronicle.figure_match, not
part of the quantity); a date is its ISO text at the precision given, and a year read as a
date or as a plain number ('in 1356', '(1356)') is one year; and across units two values
agree to the precision they are written with ('6,000 feet' and '1,830 m').
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Figure
from .units import base_range


@dataclass(frozen=True)
class Quantity:
    """A figure's value in the base unit of what it measures."""

    dimension: str  # 'length', 'money:USD', 'percent', 'points', 'number', 'date', ...
    value: float
    value_max: float | None
    date: str | None = None

    def alias(self) -> str | None:
        """'year=1356' for a year, whether read as a date or as a plain number."""
        if (self.dimension == "date" and self.date is not None and len(self.date) == 4
                and self.value_max is None):  # '2019 to 2021' is a span, not the year 2019
            return f"year={self.date}"
        if (self.dimension == "number" and self.value_max is None
                and self.value.is_integer() and 1000 <= self.value <= 2999):
            return f"year={int(self.value)}"
        return None

    def key(self) -> tuple[str, str]:
        """A hashable key: equal keys are the same quantity written the same or restated."""
        if self.dimension == "date":
            return self.dimension, self.date or _number_key(self.value)
        high = "" if self.value_max is None else _number_key(self.value_max)
        return self.dimension, f"{_number_key(self.value)}:{high}"


def base_quantity(figure: Figure) -> Quantity:
    """The quantity a figure states (from what it measures: value, range, unit, kind,
    noun and date; cached, as the aligner asks it of each figure many times). A share in
    words ('a fifth', 'half of') is a percent: 'a fifth less' restates '20% less'."""
    if _is_share_in_words(figure):
        high = None if figure.value_max is None else figure.value_max * 100
        return Quantity("percent", figure.value * 100, high)
    return _quantity(figure.value, figure.value_max, figure.unit, figure.kind, figure.noun,
                     figure.date)


# the words of a share: 'a third', 'half', 'three quarters', 'two-fifths'
_SHARE_WORDS = re.compile(r"(?i)\b(?:half|halves|thirds?|quarters?|fifths?|sixths?|sevenths?"
                          r"|eighths?|ninths?|tenths?)\b")


def _is_share_in_words(figure: Figure) -> bool:
    return (figure.kind == "number" and figure.unit is None and 0 < figure.value < 1
            and not any(c.isdigit() for c in figure.text)
            and _SHARE_WORDS.search(figure.text) is not None)


@dataclass(frozen=True)
class _Measure:
    value: float
    value_max: float | None
    unit: str | None
    kind: str
    noun: str | None
    date: str | None


@lru_cache(maxsize=1 << 16)
def _quantity(value: float, value_max: float | None, unit: str | None, kind: str,
              noun: str | None, date: str | None) -> Quantity:
    if kind == "date":
        return Quantity("date", value, value_max, date)
    if kind in ("count", "number") and unit is None:
        return Quantity("number", value, value_max)
    dimension, low, high = base_range(_Measure(value, value_max, unit, kind, noun, date))
    return Quantity(dimension, low, high)


def same_quantity(before: Figure, after: Figure) -> bool:
    """True when two figures state the same quantity (maybe in another unit or format).

    The same unit must give the same value; across units the values must agree to the
    precision the figures are written with ('6,000 feet' and '1,830 m' agree).
    """
    first, second = base_quantity(before), base_quantity(after)
    if first.alias() is not None and first.alias() == second.alias():
        return True  # 'in 1356' and '(1356)': one year, whatever the reader called it
    if first.dimension != second.dimension:
        return False
    if first.dimension == "date":  # a range's end too: '2019 to 2021' is no '2019 to 2022'
        return ((first.date or "") == (second.date or "") and first.value == second.value
                and first.value_max == second.value_max)
    if (first.value_max is None) != (second.value_max is None):
        return False
    if before.unit == after.unit:
        return _close(before.value, after.value) and _close_or_none(
            before.value_max, after.value_max
        )
    if first.dimension == "time":  # counted, not measured: '18 months' is no 'two years'
        tolerance = _DURATION_SLACK * max(abs(first.value), abs(second.value))
    else:
        tolerance = _tolerance(before, after)
    pairs = [(first.value, second.value)]
    if first.value_max is not None and second.value_max is not None:
        pairs.append((first.value_max, second.value_max))
    return all(abs(a - b) <= tolerance * (1 + 1e-9) + 1e-12 for a, b in pairs)


# Durations in other units restate one another exactly ('1.5 hours', '90 minutes'), but
# for the days of a month ('3 months', '90 days': 1.4% apart): a writer does not round 18
# months to 'two years' as 1,830 m is rounded to '6,000 feet'.
_DURATION_SLACK = 0.02

# What a qualifier bounds: 'up to 300' and 'at least 300' are two claims, 'about 300' and
# '300' one.
_UPPER = frozenset({"less than", "fewer than", "at most", "up to", "as many as", "as much as",
                    "no more than", "just under", "well under", "well below", "nearly",
                    "almost", "under", "below"})
_LOWER = frozenset({"more than", "at least", "as few as", "as little as", "no fewer than",
                    "no less than", "in excess of", "upwards of", "just over", "well over",
                    "well above", "over", "above"})


def bound(figure: Figure) -> str | None:
    """'upper', 'lower' or None: which side of its value the figure's qualifier puts it."""
    qualifier = (figure.qualifier or "").lower()
    return "upper" if qualifier in _UPPER else "lower" if qualifier in _LOWER else None


# A verb of decrease just before a figure makes it a move down: 'fell 0.3%' states -0.3%,
# so 'fell 0.3%' -> 'rose 0.3%' is a change and 'dropped 0.3%' -> 'changed by -0.3%' is not.
# ('fell to 3%' is a level: 'to' stands between.)
_DOWN_BEFORE = re.compile(
    r"(?i)\b(?:fell|falls?|falling|dropped|drops?|dropping|declined|declines?|declining"
    r"|decreased|decreases?|slipped|slips?|slid|slides?|shrank|shrinks?|shrunk|contracted"
    r"|contracts?|lost|loses?|down|sank|sinks?|plunged|plunges?|plummeted|tumbled|tumbles?"
    r"|eased|eases?|cut|cuts|lowered|lowers?|reduced|reduces?)"
    r"(?:[ \t]+by)?[ \t]+\Z")
_MOVES = frozenset({"percent", "money", "count", "number", "mass", "volume"})


def as_signed_move(figure: Figure, claim_text: str) -> Figure:
    """``figure`` with the sign its verb gives it: 'fell 0.3%' as -0.3%."""
    if figure.kind not in _MOVES or figure.value <= 0 or figure.start > len(claim_text):
        return figure
    if _DOWN_BEFORE.search(claim_text, max(0, figure.start - 24), figure.start) is None:
        return figure
    high = None if figure.value_max is None else -figure.value_max
    return figure.model_copy(update={"value": -figure.value, "value_max": high})


def same_claim_of_quantity(before: Figure, after: Figure) -> bool:
    """The same quantity, claimed the same way: bounded on the same side, if at all."""
    return same_quantity(before, after) and bound(before) == bound(after)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _close_or_none(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and _close(a, b))


def _tolerance(before: Figure, after: Figure) -> float:
    """How far apart two figures in different units may be and still state one quantity:
    the looser of their written precisions; but when only one is a round number ('100
    km' beside '65 miles'), it is taken as exact, and the other must be its conversion to
    the other's own precision (100 km is 62 miles, not 65)."""
    round_b, round_a = _is_round(before), _is_round(after)
    if round_b != round_a:
        return _written_precision(after if round_b else before)
    return max(_written_precision(before), _written_precision(after))


def _is_round(figure: Figure) -> bool:
    """An integer ending in a zero, outside temperatures: a number whose last digits may be
    rounding ('60', '160', '6,000')."""
    value = abs(figure.value_max if figure.value_max is not None else figure.value)
    return (figure.kind != "temperature" and value >= 10 and value.is_integer()
            and int(value) % 10 == 0)


def _written_precision(figure: Figure) -> float:
    """Half the last significant place of the figure as written, in its base unit: '62
    miles' is good to 0.5 mile (805 m), '160 km' to 5 km and '6,000 feet' to 50 feet (a
    round number keeps two digits: conversions are rounded so), '40C' and '120F' to half
    a degree (temperatures are read, not rounded)."""
    value = abs(figure.value_max if figure.value_max is not None else figure.value)
    half = _half_place(value, all_digits=figure.kind == "temperature")
    one = _quantity(1.0, None, figure.unit, figure.kind, figure.noun, figure.date).value
    zero = _quantity(0.0, None, figure.unit, figure.kind, figure.noun, figure.date).value
    return half * abs(one - zero)  # base units per written unit (offsets cancel: degF)


def _half_place(value: float, all_digits: bool = False) -> float:
    """Half the last significant place of a written number: 62 -> 0.5, 16.7 -> 0.05,
    160 -> 5, 100 -> 5, 1830 -> 5, 6000 -> 50 (at least two digits of a round number
    count); with ``all_digits`` every digit counts (100 -> 0.5)."""
    if value == 0 or not math.isfinite(value):
        return 0.5
    text = f"{value:.12g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return 0.5 * 10.0 ** (int(exponent) - decimals)
    if "." in text:
        return 0.5 * 10.0 ** -len(text.split(".")[1])
    digits = text.lstrip("-")
    if all_digits or len(digits) < 3:
        return 0.5
    significant = max(2, len(digits.rstrip("0")))
    return 0.5 * 10.0 ** (len(digits) - significant)


def _number_key(value: float) -> str:
    return f"{value:.9g}"
