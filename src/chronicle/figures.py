"""Find the figures in a text: money, counts, measures, percentages, ranges, dates, times.

A pure, hand-written scanner (compiled regexes plus unit, currency and number-word tables):
text in, a list of FoundFigure out, in order of position and without overlaps. quantulum3,
dateparser and price-parser were measured against it and rejected: they are 15-40x over
the time budget and misread news text ("six ATACMS" as ampere-turn-acre milliseconds,
"€3bn" as euro-bit-newton); eval/score_figures.py holds the numbers. Every repetition in
its patterns is bounded, so the scan is linear in the length of the text.

Conventions worth knowing (each has tests in tests/test_figures.py):
- Dates keep the precision the text gives, as ISO 8601 partial dates in `date`: "2014",
  "2014-06", "2014-06-12"; with no year "--06-12" (12 June) or "--06" (June), and a day
  alone "---05" ("on the 5th"). `value` is the year, 0 when the text gives none.
  "late 2014", "mid-2015", "early June" keep early/mid/late (or end/start/beginning/middle)
  as the qualifier.
- Numeric dates: "2023-06-01" (ISO); "04/02/2025" and "04-02-2025" are read month first,
  as American text writes them, unless the first number is over 12 (then day first);
  "04.02.2025" with dots is read day first, as European text writes it, unless the second
  number is over 12.
- Times of day ("9:30 a.m.", "2 pm", "14:45") are kind "time", value in hours (9.5),
  unit "h".
- Percent ("%"), percentage points ("pp") and basis points ("bp") are distinct units of
  kind "percent"; units.base_quantity keeps % apart from pp and bp.
- Decimal comma is read only where the text clearly uses it: dot-grouped thousands
  ("1.234,56", "1.234.567"), one or two decimals right before a unit, a currency, "%" or a
  scale word ("3,5 %", "12,50 €", "2,5 million"), or two decimals right after a currency
  sign ("€49,95"). Otherwise "1,234" is 1234 and "1.234" is 1.234.
- "$" alone is USD and "kr" is SEK (the most traded of the currencies written so).
"""

from __future__ import annotations

import calendar
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

from .figure_words import (
    _ADJECTIVE_ENDINGS,
    _ADJECTIVES,
    _AMBIGUOUS_SYMBOLS,
    _CHANGE_WORDS,
    _CODE_ALIASES,
    _CURRENCY_ADJECTIVES,
    _CURRENCY_CODES,
    _CURRENCY_FAMILIES,
    _CURRENCY_PLURALS,
    _CURRENCY_SUFFIX_ONLY,
    _CURRENCY_SYMBOLS,
    _DATE_PREPOSITIONS,
    _FRACTION_DENOMINATORS,
    _FRACTION_WORDS,
    _FUNCTION_WORDS,
    _ID_PREFIXES,
    _INCH_FOLLOWERS,
    _IRREGULAR_PLURALS,
    _MONTHS,
    _MOVED_BY_VERBS,
    _ONE_DETERMINERS,
    _ONES,
    _PLURAL_SCALES,
    _QUALIFIER_NORMAL,
    _QUALIFIER_SYMBOLS,
    _QUALIFIERS,
    _RANGE_VERBS,
    _SCALE_ABBR,
    _SCALE_WORDS,
    _SCALES_AFTER,
    _STOP_WORDS,
    _SUBUNIT_FACTOR,
    _SYMBOL_UNITS,
    _TENS,
    _VULGAR,
    _WORD_UNITS,
    _Unit,
    _word_set,
)

__all__ = ["FIGURES_VERSION", "FoundFigure", "describe", "figures_json_lines",
           "figures_record", "find_figures", "reading", "scan_figures"]

# Bump when find_figures gives different output for some text; extract.EXTRACTOR_VERSION
# (what events record) is bumped with it.
FIGURES_VERSION = "2"


@dataclass(frozen=True)
class FoundFigure:
    """One figure as it stands in a text, with its normalised value.

    text: the surface text, with its qualifier ("over $56.2 billion").
    value: the number, scale words and sub-units applied (56.2e9); for a range its low end;
      for a date its year (0 if none is given); for a time of day the hour (9.5).
    value_max: the high end of a range ("74-76%" -> 76), else None.
    unit: an ISO 4217 code for money ("USD"), a unit symbol ("km", "kWh", "%", "pp", "bp",
      "degC", "deg", "h" ...), or None for counts, plain numbers and dates.
    kind: money, count, number, percent, date, time, duration, distance, mass, speed, area,
      volume, temperature, energy, power, data, data_rate, frequency or pressure.
    qualifier: "over", "about", "at least" ... or for dates early/mid/late; else None.
    noun: what a count counts ("troops"), or the noun a measure applies to; else None.
    date: ISO 8601 partial date for kind "date" ("2014", "2014-06", "--06-12"); else None.
    start, end: the offsets of text in the input (text == input[start:end]).
    """

    text: str
    value: float
    value_max: float | None
    unit: str | None
    kind: str
    qualifier: str | None
    noun: str | None
    date: str | None
    start: int
    end: int


# --------------------------------------------------------------------------- regexes

_CHANGE_NEARBY = re.compile(rf"(?i)\b(?:{'|'.join(sorted(_CHANGE_WORDS))})\b")


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so prefixes never win early."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_NUMBER_WORDS = _alternation([*_ONES, *_TENS, *_SCALE_WORDS, "dozen"])
# Months: capitalised names and abbreviations, or lower-case full names ("june 2011"),
# which _read_month_first only takes with a day or a year next to them.
_FULL_MONTHS = [m for m in _MONTHS if len(m) > 3 and m != "sept"]
# Capitals too, for headings and datelines ("MAR 18, 2024"): every month form is a date
# only with a day or a year next to it.
_MONTH_ALT = (
    rf"(?:(?:{_alternation([*(m.capitalize() for m in _MONTHS if len(m) <= 4), 'sept'])}"
    rf"|{_alternation(m.upper() for m in _MONTHS if len(m) <= 4)})\b"
    r"(?:(?<!May)(?<!June)(?<!July)(?<!MAY)(?<!JUNE)(?<!JULY)\.)?"  # "Sept.", not "June."
    rf"|(?:{_alternation([*(m.capitalize() for m in _FULL_MONTHS), *_FULL_MONTHS])}"
    rf"|{_alternation(m.upper() for m in _FULL_MONTHS)})\b"
    r"|may(?=[ \u00a0]+(?:1[89]|2[01])[0-9]{2}\b))"  # lower-case "may" only before a year
)
_ALL_CURRENCY_MARKS = {**_CURRENCY_SYMBOLS, **_CURRENCY_SUFFIX_ONLY}
_SYMBOL_ALT = _alternation(_CURRENCY_SYMBOLS)
_KNOWN_CODES = _CURRENCY_CODES | frozenset(_CODE_ALIASES)
_SCALE_AHEAD = r"(?:hundred|thousand|million|billion|trillion|dozen)\b"
# "a fifth less", "a third more": a share, as much as "a fifth of"
_COMPARATIVES = r"less|more|fewer|lower|higher|smaller|larger|bigger|cheaper|dearer"
_FRACTION_AHEAD = (rf"(?:{_alternation(_FRACTION_WORDS)})(?:[ \t]+(?:of|{_COMPARATIVES})"
                   r"|[ \t-]+points?)\b")
# "a litre", "a dollar", "half a gallon", "an hour and a half": the article is the number.
# A duration takes it only with "and a half": "a year ago" and "twice a day" are no figures.
_ARTICLE_UNIT_NAMES = sorted(
    {name for name, (_, kind, _) in _WORD_UNITS.items()
     if kind not in ("duration", "percent", "temperature") and not name.endswith("s")}
    | {"dollar", "euro", "rupee", "rouble", "ruble", "franc", "peso"}, key=len, reverse=True)
_DURATION_NAMES = "hour|day|week|month|year|minute|second|decade|century|fortnight"
_UNIT_AHEAD = (rf"(?:{_alternation(_ARTICLE_UNIT_NAMES)})\b"
               rf"|(?:{_DURATION_NAMES})[ \t]+and[ \t]+a[ \t]+half\b")
_HALF_UNIT_AHEAD = (rf"(?:{_alternation(_ARTICLE_UNIT_NAMES)}|{_DURATION_NAMES}"
                    r"|percentage point|basis point|percent|per cent|point)\b")
# "half a gallon", "a half percentage point", "a quarter mile", "quarter-litre".
_ARTICLE_UNIT = re.compile(
    rf"(?i)(?:(?:an?[ \t]+)?(?P<part>half|quarter)(?:[ \t]+an?)?(?=[ \t-]+{_HALF_UNIT_AHEAD})"
    rf"|an?(?=[ \t]+(?:{_UNIT_AHEAD})))"
)

# Where a figure can begin: a currency, a sign, a digit, a number word or a month.
_START = re.compile(
    rf"(?P<cur>(?:{_SYMBOL_ALT})(?=[ \u00a0]?[-−]?[0-9.])"
    r"|\b[A-Z]{3}\$?(?=[ \u00a0]?[-−]?[0-9]))"
    r"|(?P<sign>[-−+](?=[0-9]|\.[0-9])|[-−](?=[$€£¥]))"
    rf"|(?P<minus>(?i:\b(?:minus|negative)[ \t]+)(?=[0-9]|(?i:{_NUMBER_WORDS})\b))"
    r"|(?P<digit>(?<![0-9A-Za-z.])\.(?=[0-9])|[0-9])"
    rf"|(?P<vulgar>[{''.join(_VULGAR)}])"
    rf"|(?P<word>(?i:\b(?:an?[ \t]+(?={_SCALE_AHEAD}|{_FRACTION_AHEAD})"
    rf"|an?(?=[ \t]+(?:{_UNIT_AHEAD}|(?:half|quarter)[ \t-]+{_HALF_UNIT_AHEAD}))"
    r"|(?<=\bby )an?(?=[ \t]+(?:half|third|quarter|fifth|tenth)\b)"
    rf"|(?:half|quarter)(?=[ \t-]+(?:an?[ \t]+)?{_HALF_UNIT_AHEAD})"
    rf"|half[ \t]+an?[ \t]+(?={_SCALE_AHEAD})|half(?=[ \t]+of\b)|(?:{_NUMBER_WORDS})\b"
    r"|(?:an?[ \t]+)?half-(?:an?-)?(?=(?:million|billion|trillion)\b))))"
    rf"|(?P<month>\b{_MONTH_ALT})"
)
# Cheap first pass: a sentence without these characters or words has no figure.
_SYMBOL_HIT = re.compile(rf"[0-9$€£¥₹₽₴₩₺₪₦₱₫฿₸₾₼₨₵+−.{''.join(_VULGAR)}-]")
_LETTER_WORD = re.compile(r"[A-Za-z]+")
_LETTER_CURRENCY_MARKS = [m for m in _CURRENCY_SYMBOLS if m.rstrip(".").isalpha()]
_TRIGGER_WORDS = frozenset(
    [form for word in [*_ONES, *_TENS, *_SCALE_WORDS, *_FRACTION_WORDS, "dozen", "minus",
                       "negative", *(n.split()[0] for n in _ARTICLE_UNIT_NAMES),
                       *_DURATION_NAMES.split("|")]
     for form in (word, word.capitalize(), word.upper())]
    + [m.capitalize() for m in _MONTHS] + [m.upper() for m in _MONTHS] + _FULL_MONTHS
    + ["sept", "may"]
    + [*_CURRENCY_CODES, *_CODE_ALIASES, *(m.rstrip(".") for m in _LETTER_CURRENCY_MARKS)]
)
_CUR_PREFIX = re.compile(rf"(?:{_SYMBOL_ALT}|\b[A-Z]{{3}}\$?(?![A-Za-z]))[ \u00a0]?")
# Repetitions are bounded so that no start re-reads an unbounded run (the scan stays linear).
# Indian grouping ("1,50,000", "6,21,940") is tried first: no other convention writes
# two-digit groups before the last three digits.
_DIGITS = re.compile(
    r"(?P<int>[0-9]{1,2}(?:,[0-9]{2}){1,6},[0-9]{3}(?![0-9]|,[0-9])"
    r"|[0-9]{1,3}(?:,[0-9]{3}){1,8}(?![0-9])"
    r"|[0-9]{1,3}(?:[\u00a0\u202f\u2009 ][0-9]{3}){1,8}(?![0-9]|,[0-9]|-)"
    r"|[0-9]{1,3}(?:['’][0-9]{3}){1,8}(?![0-9'’])"  # Swiss: "2'310.50"
    r"|[0-9]{1,400})?(?P<dec>\.[0-9]{1,40})?"
)
# Decimal comma, read only where the text is clearly in that convention: dot-grouped
# thousands ("1.234,56", "1.234.567"), or a comma with one or two decimals right before a
# unit, currency or percent sign ("3,5 %", "12,50 €", "7 654 321,09 EUR").
_COMMA_DECIMAL = re.compile(
    r"(?P<int>[0-9]{1,3}(?P<dots>(?:\.[0-9]{3}){1,8})|[0-9]{1,3}(?:[\u00a0\u202f\u2009 ][0-9]{3})"
    r"{1,8}|[0-9]{1,12})(?:,(?P<dec>[0-9]{1,12})|,(?P<dash>[-–—])(?![-–—0-9]))?"
    r"(?![0-9]|[.,][0-9])"
)
_COMMA_DECIMAL_MARK = re.compile(
    r"[ \u00a0]?(?:%|€|£|\$|¥|₽|zł|Kč|kr\b|[A-Z]{3}(?![A-Za-z])"
    r"|(?:km|kg|m|cm|mm|g|l|t|h|min|s|°|ha|MW|GW|kW|kWh|m2|m²|km2|km²)(?![A-Za-z])"
    r"|[ \u00a0](?:million|billion|trillion|thousand|mln|mn|bn)\b)"
)
# A currency just before the number: "€49,95" is a price in the decimal-comma convention.
_CURRENCY_JUST_BEFORE = re.compile(r"(?:[€£$¥₽₹₩₺₪₦₱]|\b[A-Z]{3}|\bkr\.?|zł)[ \u00a0]?\Z")
_CURRENCY_JUST_AFTER = re.compile(
    r"[ \u00a0]?(?:[€£$¥₽₹₩₺₪₦₱]|zł|Kč|kr\b|Fr\.|[A-Z]{3}(?![A-Za-z]))")
# Where dots group thousands in a money amount ("Rp 10.000", "10.000 €", "2.500 euros"): a
# currency with no minor unit in use before it, or a currency after it, the continental
# order. "€1.659" (a fuel price) and "$3.499" stay English decimals, as does any amount with
# a scale word ("€1.234 billion").
_DOT_GROUPING_CURRENCY_BEFORE = re.compile(
    r"(?:[¥₩₫]|\bRp\.?|\b(?:JPY|KRW|IDR|VND|CLP|HUF|ISK|COP|PYG|UGX))[ \u00a0]?\Z")
_DOT_GROUPING_CURRENCY_AFTER = re.compile(
    r"[ \u00a0]?(?:[€¥₽₩₺₫]|(?:zł|Kč|kr|Ft|Rp)\b"
    r"|(?!USD|GBP|AUD|CAD|NZD|SGD|HKD)[A-Z]{3}(?![A-Za-z])|(?i:euros?|rupiah|dong|forint|yen|won)\b)")
_EXPONENT = re.compile(r"[eE](?P<e>[-−+]?[0-9]{1,3})(?![A-Za-z0-9])"
                       r"|[ ]?(?:×[ ]?10\^?|x10\^|x10(?=[-−]))(?P<p>[-−]?[0-9]{1,3})(?![0-9])")
# "5 3/4" and, as the Federal Reserve writes, "6-1/2".
_MIXED_FRACTION = re.compile(r"[ \u00a0-]([0-9]{1,2})/([0-9]{1,3})(?![0-9/])")
_SIMPLE_FRACTION = re.compile(r"/([0-9]{1,3})(?![0-9/])")
_WORD_SEQUENCE = re.compile(
    rf"(?i)(?:half[ \t]+)?(?:an?[ \t]+)?(?:{_NUMBER_WORDS})\b"
    rf"(?:(?:[ \t]*[-‐][ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*|,[ \t]*|[ \t]+)(?:{_NUMBER_WORDS})\b)"
    r"{0,24}"
)
_WORD_TOKEN = re.compile(r"[A-Za-z]+|&|,")
_AND_A_HALF = re.compile(
    r"(?i)(?:[ \t]+and[ \t]+(?:a[ \t]+)?|-and-(?:a-)?)half\b(?![ \t]+(?:of|an?)\b)")
_FRACTION_WORD = re.compile(rf"(?i)[ \t-]+({_alternation(_FRACTION_WORDS)})\b")
_A_FRACTION_COMPARED = re.compile(
    rf"(?i)an?[ \t]+({_alternation(_FRACTION_WORDS)})\b"
    rf"(?=[ \t]+(?:{_COMPARATIVES})\b|[ \t-]+points?\b)")
# "a quarter point", "a half-point": where rates are the subject, a share of a percentage
# point (a score's "half a point" stays a number)
_FRACTION_POINT = re.compile(r"(?i)[ \t-]+points?\b")
_BEFORE_A_DURATION = re.compile(
    r"(?i)[ \t]+(?:straight|consecutive|full|whole|more|extra|additional|long)(?=[ \t]+[a-z])")
# "rose 0.3 point to 4.1 percent": points before a percent level are percentage points.
_TO_A_PERCENT = re.compile(
    r"(?i)[ \t]+to[ \t]+[0-9]{1,3}(?:\.[0-9]+)?[ \t]*(?:%|percent\b|per cent\b)")
_RATE_WORDS = re.compile(r"(?i)\b(?:rates?|yields?|interest|percent|per cent|basis|bps|fed"
                         r"|federal funds|central bank|inflation)\b")
_OF_A = re.compile(r"(?i)[ \t]+of[ \t]+an?(?=[ \t]+[A-Za-z])")
_HALF_OF = re.compile(r"(?i)half(?=[ \t]+of\b)")
_PART_BEFORE_HALF = re.compile(
    r"(?i)(?<![A-Za-z])(?:first|second|last|other|back|front|top|bottom|latter|former|better"
    r"|1st|2nd)[ \t]+\Z")
_BY_A_FRACTION = re.compile(r"(?i)an?[ \t]+(half|third|quarter|fifth|tenth)\b(?![ \t]+of\b)")
_A_FRACTION = re.compile(rf"(?i)an?[ \t]+({_alternation(_FRACTION_WORDS)})(?=[ \t]+of\b)")
_ORDINAL_WORDS = _word_set(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth hundredth "
    "thousandth millionth billionth"
)
# "thirty-first", "one hundred and first": an ordinal, not a count of thirty.
_ORDINAL_AFTER = re.compile(rf"(?i)(?:[ \t]*[-‐][ \t]*|[ \t]+(?:and[ \t]+)?)"
                            rf"({_alternation(_ORDINAL_WORDS)})\b")
# Spoken decimals: "four hundred point zero five", "1 point 1", "three point five".
_DIGIT_WORD = _alternation([w for w, v in _ONES.items() if v < 10] + ["oh"])
_SPOKEN_POINT = re.compile(
    rf"(?i)[ \t]+point[ \t]+((?:{_DIGIT_WORD})\b(?:[ \t]+(?:{_DIGIT_WORD})\b){{0,11}}"
    r"|[0-9]{1,12}(?![0-9,.]))"
)
_SCALE_WORD = re.compile(rf"(?i)(?:[ \u00a0]+|-)({_alternation(_SCALES_AFTER)})\b")
_SCALE_ABBREVIATION = re.compile(
    r"([ \u00a0]?)(bln|bn|bil|mln|mil|mn|trn|tn|cr|k|K|m|M|B|T)(?![A-Za-z0-9])")
_GRAND = re.compile(r"[ \t]+grand(?=[ \t]*(?:[,.;:!?)]|\Z)|[ \t]+(?:a|an|in|for|to|on|of|from"
                    r"|per|each|and|or|but|more|less|worth|cash|apiece)\b)")
# "1.5m people", "40m Americans", "2.3m barrels": a glued "m" before a plural noun or a
# capitalised word is millions (the British press's style); "3m tall", "the 100m final",
# "2m-high" and "8.9m." stay metres.
_MILLIONS_OF = re.compile(r"[ \u00a0]+(?:[A-Z][a-z]+s|[a-z]{2,}[a-rt-z]s|people|children|men"
                          r"|women|staff|youth|cattle|sheep|livestock|poultry)\b(?![-'])")
_CLAUSE_STOP = re.compile(r"[.;!?][ \t]")
_COUNTED_IN_MILLIONS = re.compile(
    r"(?i)\b(?:population|viewers|viewership|audiences?|turnout|subscribers|membership"
    r"|readership|downloads|profits?|revenues?|sales|turnover|earnings|losses|budget"
    r"|funding)\b")
_METRE_CONTEXT = frozenset((
    "tall", "high", "long", "wide", "deep", "away", "above", "below", "across", "thick",
    "apart", "short", "underground", "freestyle", "butterfly", "backstroke", "breaststroke",
    "medley", "hurdles", "sprint", "race", "final", "dash", "relay", "metres", "meters",
    "races", "heats", "sprints", "finals", "laps"))
_UNCERTAINTY = re.compile(r"[ ]?(?:±|\+/-|\+/−)[ ]?[0-9]+(?:\.[0-9]+)?")
# "twenty-four (24) hours": the digits restate the words; one figure.
_RESTATED = re.compile(r"[ \u00a0]?\(([0-9][0-9,.]{0,20})\)")
# "35 (kg)": a unit in brackets after the number.
_BRACKETED = re.compile(r"[ \u00a0]?\(([^()\s][^()]{0,24})\)")
_SYMBOL_LENGTHS = sorted({len(symbol) for symbol in _SYMBOL_UNITS}, reverse=True)
# After a unit symbol: no letter, digit or "/x" that would make it part of a longer token.
# "30C/86F" reads "30C"; a period after the slash ends the symbol ("100GB/month")
_SYMBOL_END = re.compile(
    r"[A-Za-z0-9²³_]|/(?!(?:month|mo|year|yr|week|wk|day|hour|hr)s?\b)[A-Za-z]")
# Up to four words after a number; the longest run that names a unit wins.
_WORDS_AHEAD = re.compile(
    r"(?:[ \u00a0]+|[ ]?-[ ]?)([A-Za-z]{1,30})(?:[ \t-]+([A-Za-z]{1,30}))?"
    r"(?:[ \t-]+([A-Za-z]{1,30}))?(?:[ \t-]+([A-Za-z]{1,30}))?"
)
_UNIT_WORD_MAX = max(len(name.split()) for name in _WORD_UNITS)
_CURRENCY_WORD_FORMS = sorted(
    {*_CURRENCY_FAMILIES, *(f"{name}s" for name in _CURRENCY_FAMILIES), *_CURRENCY_PLURALS,
     "pounds sterling", "pound sterling"}, key=len, reverse=True)
_CURRENCY_SUFFIX = re.compile(
    rf"(?:[ \u00a0]|-(?=[A-Za-z]))?(?:(?P<sym>{_alternation(_ALL_CURRENCY_MARKS)})(?![A-Za-z])"
    r"|(?P<code>[A-Z]{3}|usd|eur|gbp|jpy|cny|rmb|inr|chf|aud|hkd|sgd|nzd)(?![A-Za-z])"
    rf"|(?i:(?P<adj>{_alternation(_CURRENCY_ADJECTIVES)})[ ]+)?"
    rf"(?P<word>(?i:{_alternation(_CURRENCY_WORD_FORMS)})\b))"
)
# "7 dollars and 25 cents", "£5 and 20p", "$20 and 43c": the sub-unit completes the amount.
_AND_SUBUNIT = re.compile(
    r"(?i)(?:,?[ \t]+and|,)?[ \t]+([0-9]{1,2}|[a-z]+(?:[ -][a-z]+)?)[ \t]*"
    r"(cents?|c|pence|p|paise|kopecks?|kopeks?|sens?)\b"
)
# The currencies a sub-unit belongs to; cents and the rest belong to any other.
_SUBUNIT_OF = {"p": "GBP", "pence": "GBP", "sen": "MYR", "sens": "MYR"}
_CLOCK = re.compile(
    r"(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2}))?[ \u00a0]?"
    r"(?P<ap>[aApP])(?:\.[mM]\.?|[mM])(?![A-Za-z])"
    r"|(?P<h24>[0-9]{1,2}):(?P<m24>[0-9]{2})(?::[0-9]{2})?(?![0-9])"
)
# "2:02:40", "1:52.85": hours, minutes and seconds, or minutes and seconds with a fraction
_STOPWATCH = re.compile(
    r"(?P<h>[0-9]{1,2}):(?P<m>[0-5][0-9]):(?P<s>[0-5][0-9](?:\.[0-9]{1,3})?)(?![0-9:])"
    r"|(?P<mm>[0-9]{1,2}):(?:(?P<ss>[0-5][0-9]\.[0-9]{1,3})(?![0-9])"
    r"|(?<=\bby [0-9]:)(?P<gs>[0-5][0-9])(?![0-9:.]))"  # a lead or a margin: "by 1:12"
)
_CLOCK_AFTER = re.compile(
    r"[ \u00a0]?(?:[aApP]\.?[mM]\b\.?|(?:GMT|UTC|BST|CET|CEST|EST|EDT|CST|CDT|PST|PDT|ET|PT"
    r"|local time)\b)")
_ZONED_HOURS = re.compile(
    r"([01][0-9]|2[0-3])([0-5][0-9])(?=[ \u00a0]?(?:GMT|UTC|BST|CET|CEST|EST|EDT|Zulu|hrs"
    r"|local[ \u00a0]time)\b)")
_AT_BEFORE = re.compile(r"(?i)(?<![A-Za-z])at[ \t]+\Z")
_DECADE = re.compile(r"([12][0-9]{2}0)['’]?s\b")
_FEET_AND_INCHES = re.compile(r"([4-8])['′][ ]?([0-9]|1[01])(?:\"|″|''|”)(?![0-9A-Za-z])")
_CENTURY = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)[ -](?i:century)\b")
_ORDINAL_OR_GLUE = re.compile(r"[A-Za-z0-9]|[.,:/][0-9]|-[A-Z]")
# "12 March 2024", "5th of June", "15Sep", and a two-digit year only where the phrase ends
# ("3 Aug 96."), as "on 3 May 15 people died" holds no year.
_DAY_MONTH = re.compile(
    rf"([0-9]{{1,2}})(?:st|nd|rd|th)?(?:[ \u00a0]+(?:of[ ]+)?|[-/]|(?=[A-Z]))({_MONTH_ALT})"
    r"(?:(?:,?[ \u00a0]+|[-/])([0-9]{4}"
    r"|'?[0-9]{2}(?=[ \t]*(?:[,;)!?]|:(?![0-9])|\.(?![0-9])|\Z))))?"
    r"(?![0-9])"
)
# "10-22 August 2012", "22-23 Feb", "10 to 22 August": the first day borrows the month.
_DAY_RANGE = re.compile(
    rf"([0-9]{{1,2}})(?:st|nd|rd|th)?[ \u00a0]*(?:[-–—]|to|and)[ \u00a0]*(?=([0-9]{{1,2}})"
    rf"(?:st|nd|rd|th)?(?:[ \u00a0]+(?:of[ ]+)?)({_MONTH_ALT})(?:,?[ \u00a0]+([0-9]{{4}}))?"
    r"(?![0-9]))"
)
_DAY_LIST = re.compile(
    rf"([0-9]{{1,2}})(?:st|nd|rd|th)?,[ \u00a0]*(?=([0-9]{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,[ \u00a0]*[0-9]{{1,2}}(?:st|nd|rd|th)?)*,?[ \u00a0]+(?:and|or|&)[ \u00a0]+"
    rf"[0-9]{{1,2}}(?:st|nd|rd|th)?[ \u00a0]+({_MONTH_ALT})(?:,?[ \u00a0]+([0-9]{{4}}))?"
    r"(?![0-9]))"
)
_DATE_RANGE_JOIN = re.compile(r"[ \u00a0]*(?:[-–—]|to|until|till|through)[ \u00a0]*")
_OCLOCK = re.compile(r"([0-9]{1,2})[ \u00a0]?o['’ ]?[ ]?clock\b")
_MONTH_DAY = re.compile(
    rf"({_MONTH_ALT})(?:(?:[ \u00a0]+(?:the[ ]+)?|[-/])([0-9]{{1,2}})(?:st|nd|rd|th)?"
    r"(?![0-9]))?(?:(?:,?[ \u00a0]+|[ \u00a0]+of[ \u00a0]+|[-/])([0-9]{4})(?![0-9]))?"
)
# The second day of "August 10 - 22, 2012": the month stands before the first day.
_MONTH_RANGE_BEFORE = re.compile(
    rf"({_MONTH_ALT})[ \u00a0]+([0-9]{{1,2}})(?:st|nd|rd|th)?[ \u00a0]*"
    r"(?:[-–—]|to|and|until|through)[ \u00a0]*\Z"
)
# "June 18, 20 and 25": a day in a list after a month and its first day (the last day before
# it in group 2); the item must end the list or be followed by another ("June 18, 20 people"
# are people).
_MONTH_LIST_BEFORE = re.compile(
    rf"({_MONTH_ALT})[ \u00a0]+(?:[0-9]{{1,2}}(?:st|nd|rd|th)?,[ \t]*)*([0-9]{{1,2}})"
    r"(?:st|nd|rd|th)?(?:,[ \t]*|,?[ \t]+(?:and|or|&)[ \t]+)\Z")
_DAY_LIST_ITEM = re.compile(
    r"[0-9]{1,2}(?:st|nd|rd|th)?(?=,[ \t]*[0-9]|,?[ \t]+(?:and|or|&)[ \t]+[0-9]|[ \t]*(?:[.;:)!?]"
    r"|,[ \t]+[A-Za-z]|\Z))")
_DAY_YEAR = re.compile(
    rf"([0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9])(?![ \u00a0]*(?:of[ ]+)?{_MONTH_ALT})"
    r"(?:,?[ \u00a0]+([0-9]{4})(?![0-9]))?"
)
# ISO 8601 dates: "2023-06-01", also with a time after "T".
# "2023-06-01", and year first with slashes or dots as East Asian and some European texts
# write it: "2024/12/31", "2024.12.31".
_ISO_DATE = re.compile(r"([12][0-9]{3})(?:-([01][0-9])-([0-3][0-9])"
                       r"|([/.])([01]?[0-9])\4([0-3]?[0-9]))(?![0-9]|[/.][0-9])")
# Numeric dates: "04/02/2025" (slashes or dashes: month first, as in the US, unless the
# first number cannot be a month) and "04.02.2025" (dots: day first, as in Europe).
_NUMERIC_DATE = re.compile(
    r"([0-9]{1,2})([/.-])([0-9]{1,2})\2((?:1[89]|2[01])[0-9]{2})(?![0-9]|[/.-][0-9])"
)
# "on the 5th": a day of the month with no month named.
_ON_THE_BEFORE = re.compile(r"(?i)(?<![A-Za-z])on[ \t]+the[ \t]+\Z")
_DAY_ORDINAL = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)(?=[ \t]*(?:[,.;:)!?]|\Z|[ \t]+(?:at|and"
                          r"|or|when|as|after|before|of[ \t]+(?:this|next|last)[ \t]+month)\b))")
# "late 2014", "mid-2015", "early June", "the end of 2016": the part of the period.
_PERIOD_PART_BEFORE = re.compile(
    r"(?i)(?<![A-Za-z])(?:(early|mid|late)[- \t]|(?:the[ \t]+)?(end|start|beginning|middle)"
    r"[ \t]+of[ \t]+)\Z"
)
# "Q3 2024", "the third quarter of 2024", "first-half 2024", "H1 2024": a part of the year.
_QUARTER_BEFORE = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:(?:the[ \t]+)?(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th)"
    r"[- \t]+(?P<which>quarter|half)|(?P<code>Q[1-4]|[1-4]Q|H[12]|[12]H))"
    r"(?:[ \t]+of|,)?[ \t]+\Z"
)
_PART_NUMBER = {"first": "1", "second": "2", "third": "3", "fourth": "4",
                "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}
# Phone numbers: "+1 555-123-4567", "(555) 123-4567", "020 7946 0958", "555-123-4567".
_PHONE = re.compile(
    r"\+?[0-9]{1,3}[ .-]\(?[0-9]{2,4}\)?[ .-][0-9]{3,4}[ .-][0-9]{3,4}(?![0-9])"
    r"|\+[0-9]{1,3}[ .-]?[0-9]{2,4}[ .-][0-9]{3,4}(?:[ .-][0-9]{2,4})?(?![0-9])"
    r"|[0-9]{3}\)[ .-]?[0-9]{3}[ .-][0-9]{4}(?![0-9])"
    r"|0[0-9]{2,4}[ ][0-9]{3,4}[ ][0-9]{3,4}(?![0-9])"
    r"|[0-9]{3}-[0-9]{3}-[0-9]{4}(?![0-9])"
)
# A number right after these words is a result: "won 31-24", "a 24-31 defeat".
_SCORE_WORDS = _word_set(
    "won win wins beat beats defeated defeat defeats lost lose loses drew draw draws victory "
    "thrashed edged routed trounced score scored scores leads led trailed trail trailing "
    "winning losing vote voted votes"
)
# "one official said": a source being described, not a count.
_SPEECH_AFTER = re.compile(
    r"(?i)(?:[ \t]+[A-Za-z-]{1,30}){0,3}?,?[ \t]+(?:who|said|says|told|added|explained|noted"
    r"|wrote|argued|warned|claimed|insisted|recalled|stated|suggested|described|familiar|"
    r"speaking|briefed|cautioned|confirmed|declined|asked|replied|tweeted|posted)\b"
)
_PER_BEFORE = re.compile(r"(?i)(?:[0-9%¢]|[0-9]p|\b(?:dollars?|euros?|cents?|pence|pounds?|bucks))"
                         r"[ \t]+\Z")
_PARTNER_QUALIFIER = re.compile(r"(?i)(?:about|around|approximately|roughly)[ \t]+|~[ ]?")
_HYPHEN_NOUN = re.compile(r"-([a-z]{3,20})(?=[ \t]+[a-z])")
# "1792 bc", "717 CE": a year of an era.
_ERA = re.compile(r"[ \u00a0]?(?i:(b\.c\.(?:e\.)?|a\.d\.|c\.e\.|bce|bc|ad|ce))(?![A-Za-z])")
# "at age 14", "aged 83", "under the age of 13": an age in years.
_AGE_BEFORE = re.compile(r"(?i)(?<![A-Za-z])(?:age|aged|ages)(?:[ \t]+of)?(?:[ \t]+(?:between"
                         r"|under|over|about|around|from|up[ \t]+to|at[ \t]+least))?[ \t]+\Z")
# A list's enumerator: "5." or "(8)" at the start of a text, not a figure.
_ENUMERATOR = re.compile(r"[ \t]*(?:\(([0-9]{1,3})\)|([0-9]{1,3})[.)])(?:[ \t]|\Z)")
_SCORE_OF_BEFORE = re.compile(r"(?i)(?<![A-Za-z])score[ \t]+of[ \t]+\Z")
_MINUS_WORD = re.compile(r"(?i)(?<!plus or )(?<!plus/)(?:minus|negative)[ \t]+")
_ANGLE_CONTEXT = re.compile(
    r"(?i)\b(?:angles?|angled|turns?|turned|turning|tilt|tilted|tilts|rotat\w*|slopes?|sloping"
    r"|inclin\w*|latitude|longitude|north|south|east|west|arc|pitch|banked|heading|bearing"
    r"|axis|orbit\w*|spin|swivel\w*|view|field|cone|wedge|sector|compass|steer\w*|veer\w*)\b"
)
_BELOW_ZERO = re.compile(r"(?i)[ \t]+below[ \t]+(?:zero|freezing)\b")
_GLUED_SECONDS = re.compile(r"s(?![A-Za-z0-9])")
_ZERO_BELOW = re.compile(r"(?i)[ \t]+below[ \t]+zero\b")
# Words that make a bare "degrees" or "°" a temperature rather than an angle.
_TEMPERATURE_CONTEXT = re.compile(
    r"(?i)\b(?:temperatures?|temps?|thermostat|fever|heat|heatwave|hot|hotter|hottest|cold|colder|coldest|warm"
    r"|warmer|warmest|weather|thermometer|forecast|freezing|chill|climate|celsius|fahrenheit"
    r"|centigrade|degrees?[ \t]+(?:c|f)\b|boil|boiling|melt|melting|oven|cool|cooler|mercury"
    r"|thaw|frost|scorching|sweltering|balmy|highs?|lows?|below[ \t]+zero)\b"
)
_QUALIFIER_BEFORE = re.compile(
    rf"(?i)(?:(?<![A-Za-z-])({_QUALIFIERS})[ \t\u00a0]+|([~≈<>≤≥])[ ]?)\Z"
)
_BETWEEN_BEFORE = re.compile(r"(?i)(?<![A-Za-z])between[ \t\u00a0]+\Z")
# The look-behinds see past the search window, so a window edge never yields half a word.
_FROM_BEFORE = re.compile(r"(?i)(?<![A-Za-z])(?:([A-Za-z]+)[ \t]+)?from[ \t]+\Z")
_WORD_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z.]*)[ \t\u00a0]+\Z")
_TIME_PREFIX = re.compile(r"(?i)(?<![A-Za-z])(?:mid|early|late|pre|post)-\Z")
_NOUGHT = frozenset({"zero", "nought", "naught"})
_ONE_OR_NOUGHT = _NOUGHT | {"one"}
_ZERO_LEVEL_BEFORE = _word_set(
    "to at from near above below than toward towards is was were are be been reached hit "
    "fell dropped")
_CUT_VERBS = _word_set("cut cuts raised raises lowered lowers reduced reduces widened narrowed "
                       "expanded trimmed boosted lifted slashed hiked")
_ONE_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z]+)[ \t]+\Z")
_RANGE_JOIN = re.compile(r"[ \t]*(?:[–—]|--)[ \t]*|-(?=[0-9$€£])|[ ]+-[ ]+"
                         r"|-?[ \t]+(to|and|or)[ \t]+")
# The middle of a list after its first number: ", 10 and ", ", 2.5, 3 or ", or of the sides
# of a size: " x 20 x " (30 x 20 x 10 cm).
_LIST_TAIL = re.compile(r",[ \t]*(?:[0-9][0-9.]*,[ \t]*)*[0-9][0-9.]*,?[ \t]+(?:and|or)[ \t]+"
                        r"|(?:[ \t]?[x×][ \t]?[0-9][0-9.]*)*[ \t]?[x×][ \t]?(?=[0-9])")
_RUN_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_][\w'’.-]{0,40}[\w'’]|[^\W\d_])")
_DESIGNATION = re.compile(r"[ \t][0-9]{1,3}[A-Z]?(?=[ \t][A-Za-z])")
_AFTER_NOUN_BLOCK = re.compile(r"[ \t\u00a0]*[,.;:!?()\"“”]")
_INCH_END = re.compile(r"[ \t]*(?:[.,;:)!?]|\Z)")


# --------------------------------------------------------------------------- parsing


@dataclass
class _Quantity:
    """A number with what was read around it, before it becomes a FoundFigure."""

    start: int
    end: int
    raw: float
    scale: float = 1.0
    currency: str | None = None
    unit: str | None = None
    kind: str | None = None
    factor: float = 1.0
    is_word: bool = False
    prefixed: bool = False
    plain_int: bool = False
    single_word: str | None = None
    per: str | None = None  # what a price is per: "kWh" in "35 cents per kWh"

    @property
    def value(self) -> float:
        """The number with its scale and unit factor applied (to 15 digits: "35 cents" is
        0.35, not 0.35000000000000003)."""
        product = self.raw * self.scale * self.factor
        return float(f"{product:.15g}") if self.factor != 1.0 or self.scale != 1.0 else product

    @property
    def bare(self) -> bool:
        """True when nothing but the number itself was read."""
        return self.currency is None and self.unit is None and self.scale == 1.0


def _read_digits(s: str, i: int) -> tuple[float, int, bool] | None:
    """Read a written-out numeral at i: (value, end, is a plain integer)."""
    comma = _read_comma_decimal(s, i)
    if comma is not None:
        return comma
    m = _DIGITS.match(s, i)
    if m is None or m.end() == i:
        return None
    int_part, dec_part = m.group("int"), m.group("dec")
    text = _strip_grouping(int_part or "0") + (dec_part or "")
    end = m.end()
    plain = dec_part is None and int_part is not None and int_part.isdigit()
    exponent = _EXPONENT.match(s, end)
    if exponent is not None:
        power = (exponent.group("e") or exponent.group("p")).replace("−", "-")
        # float() of the joined text overflows to inf (dropped later) instead of raising.
        return float(f"{text}e{int(power)}"), exponent.end(), False
    value = float(text)
    if plain and int_part is not None:
        spoken = _SPOKEN_POINT.match(s, end)
        if spoken is not None:  # "1 point 1"
            return value + _spoken_decimals(spoken.group(1)), spoken.end(), False
        if len(int_part) <= 2:
            return _with_fraction(s, value, end)
    return value, end, plain


def _strip_grouping(digits: str) -> str:
    """Digits without the commas, dots or (thin) spaces that group thousands."""
    for mark in (",", ".", " ", "\u00a0", "\u202f", "\u2009", "'", "’"):
        digits = digits.replace(mark, "")
    return digits


def _read_comma_decimal(s: str, i: int) -> tuple[float, int, bool] | None:
    """A number in the decimal-comma convention, when the text clearly uses it."""
    m = _COMMA_DECIMAL.match(s, i)
    if m is None:
        return None
    dots, dec = m.group("dots"), m.group("dec")
    if m.group("dash") is not None:  # "34,- €", "€ 1.299,–": a whole price
        if not _a_currency_beside(s, i, m.end()):
            return None
        return float(_strip_grouping(m.group("int"))), m.end(), False
    if dots is not None:
        # "1.234,56" or "1.234.567"; a single "1.234" stays an English decimal unless a
        # currency that groups with dots is written with it ("€10.000").
        if dec is None and dots.count(".") < 2 and not _dot_grouping_currency(s, i, m.end()):
            return None
    elif dec is None or len(dec) > 2 or not (
            _COMMA_DECIMAL_MARK.match(s, m.end()) is not None
            or (len(dec) == 2 and _CURRENCY_JUST_BEFORE.search(s, max(0, i - 5), i))):
        return None
    whole = _strip_grouping(m.group("int"))
    value = float(f"{whole}.{dec}") if dec is not None else float(whole)
    return value, m.end(), dec is None


def _a_currency_beside(s: str, start: int, end: int) -> bool:
    return (_CURRENCY_JUST_AFTER.match(s, end) is not None
            or _CURRENCY_JUST_BEFORE.search(s, max(0, start - 5), start) is not None)


def _dot_grouping_currency(s: str, start: int, end: int) -> bool:
    """Whether a currency written in the dot-grouping convention touches s[start:end]."""
    if s[start] == "0" or _SCALE_WORD.match(s, end) or _SCALE_ABBREVIATION.match(s, end):
        return False
    return (_DOT_GROUPING_CURRENCY_BEFORE.search(s, max(0, start - 5), start) is not None
            or _DOT_GROUPING_CURRENCY_AFTER.match(s, end) is not None)


def _spoken_decimals(text: str) -> float:
    """The fraction that "zero five" or "77" after "point" stands for (0.05, 0.77)."""
    if text[0].isdigit():
        return float(f"0.{text}")
    digits = "".join(str(_ONES.get(word.lower(), 0)) for word in text.split())
    return float(f"0.{digits}")


def _with_fraction(s: str, whole: float, end: int) -> tuple[float, int, bool]:
    """Extend a small integer with "1/2", " 1/2", "½" or "and a half" when one follows."""
    if end < len(s) and s[end] in _VULGAR:
        return whole + _VULGAR[s[end]], end + 1, False
    if s.startswith(" ", end) and end + 1 < len(s) and s[end + 1] in _VULGAR:
        return whole + _VULGAR[s[end + 1]], end + 2, False  # "2 ½ hours"
    half = _AND_A_HALF.match(s, end)
    if half is not None and _unit_word_at(s, half.end()) is not None:
        return whole + 0.5, half.end(), False  # "3 and a half miles"
    mixed = _MIXED_FRACTION.match(s, end)
    if mixed is not None and _is_prose_fraction(int(mixed.group(1)), int(mixed.group(2))):
        return whole + int(mixed.group(1)) / int(mixed.group(2)), mixed.end(), False
    simple = _SIMPLE_FRACTION.match(s, end)
    if simple is not None and _is_prose_fraction(int(whole), int(simple.group(1)),
                                                 s.startswith(" of ", simple.end())):
        return whole / int(simple.group(1)), simple.end(), False
    return whole, end, True


def _is_prose_fraction(numerator: int, denominator: int, before_of: bool = False) -> bool:
    """True for fractions written in prose ("3/4", "1/40 of"), not for names like "9/11"."""
    common = denominator in _FRACTION_DENOMINATORS or before_of
    return common and denominator > 0 and numerator < denominator


def _read_words(s: str, i: int) -> tuple[float, int, str | None] | None:
    """Read a number in words at i: (value, end, the word if it was a single one)."""
    half_scale = _HALF_SCALE.match(s, i)
    if half_scale is not None:  # "a half-billion dollars", "half-a-million pounds"
        return _SCALE_WORDS[half_scale.group(1).lower()] / 2, half_scale.end(), None
    article = _ARTICLE_UNIT.match(s, i)
    if article is not None:  # "a litre", "half a gallon": the unit is read after it
        part = (article.group("part") or "").lower()
        if not part and _PER_BEFORE.search(s, max(0, i - 12), i):
            return None  # "$80 a barrel": "a" means "per"
        return {"half": 0.5, "quarter": 0.25}.get(part, 1.0), article.end(), None
    by_fraction = _BY_A_FRACTION.match(s, i) if s.startswith("by ", max(0, i - 3)) else None
    if by_fraction is not None:  # "cut by a third", "rose by a half"
        return 1 / _FRACTION_WORDS[by_fraction.group(1).lower()], by_fraction.end(), None
    a_fraction = _A_FRACTION.match(s, i) or _A_FRACTION_COMPARED.match(s, i)
    if a_fraction is not None:  # "a quarter of", "a third of", "a fifth less"
        end = a_fraction.end()
        of_a = _OF_A.match(s, end)  # "a quarter of a percentage point": that unit
        if of_a is not None and _unit_word_at(s, of_a.end()) is not None:
            end = of_a.end()
        return _of_a_scale(s, 1 / _FRACTION_WORDS[a_fraction.group(1).lower()], end)
    half_of = _HALF_OF.match(s, i)
    if half_of is not None and not _PART_BEFORE_HALF.search(s, max(0, i - 12), i):
        return 0.5, half_of.end(), None  # "Half of the 1,200 staff", not "the first half of"
    m = _WORD_SEQUENCE.match(s, i)
    if m is None:
        return None
    tokens = [(t.group().lower(), t.end() + i) for t in _WORD_TOKEN.finditer(m.group())]
    half = tokens[0][0] == "half"
    parsed = _words_value(tokens[1:] if half else tokens)
    if parsed is None:
        return None
    value, used = parsed
    if half:
        value, used = value / 2, used + 1
    end = tokens[used - 1][1]
    last = tokens[used - 1][0]
    if last not in _ONES and _ORDINAL_AFTER.match(s, end) is not None:
        return None  # "thirty-first", "one hundred and first"
    single = tokens[0][0] if used == 1 else None
    spoken = _SPOKEN_POINT.match(s, end) if value == int(value) else None
    if spoken is not None:  # "four hundred point zero five"
        value, end, single = value + _spoken_decimals(spoken.group(1)), spoken.end(), None
    else:
        fraction = _word_fraction(s, value, end, single, last)
        if fraction is not None:
            value, end, single = fraction[0], fraction[1], None
            if value < 1:  # "three quarters of a million"
                value, end, single = _of_a_scale(s, value, end)
    restated = _RESTATED.match(s, end)
    if restated is not None and _same_number(restated.group(1), value):
        end = restated.end()  # "twenty-four (24) hours"
    return value, end, single


_HALF_SCALE = re.compile(r"(?i)(?:an?[ \t]+)?half-(?:an?-)?(million|billion|trillion)\b")
_OF_A_SCALE = re.compile(r"(?i)[ \t]+of[ \t]+an?[ \t]+(million|billion|trillion)\b")


def _of_a_scale(s: str, share: float, end: int) -> tuple[float, int, None]:
    """ "a quarter of a billion": the share of that scale; "three-quarters of an acre": of
    that unit (read next)."""
    scale = _OF_A_SCALE.match(s, end)
    if scale is None:
        of_a = _OF_A.match(s, end)
        if of_a is not None and _unit_word_at(s, of_a.end()) is not None:
            return share, of_a.end(), None
        return share, end, None
    return share * _SCALE_WORDS[scale.group(1).lower()], scale.end(), None


def _same_number(digits: str, value: float) -> bool:
    """Whether digits such as "24" or "1,000" write the same number as value."""
    try:
        return float(digits.replace(",", "")) == value
    except ValueError:
        return False


_AND_A_FRACTION = re.compile(
    rf"(?i)[ \t]+and[ \t]+(an?|one|two|three|four|five|six|seven|eight|nine)[ \t-]+"
    rf"({_alternation(_FRACTION_WORDS)})\b")


def _word_fraction(s: str, value: float, end: int, single: str | None,
                   last: str = "") -> tuple[float, int] | None:
    """Read "and a half" or "two thirds" / "one-half" after a small number word."""
    half = _AND_A_HALF.match(s, end)
    if half is not None:  # "a million and a half" is 1.5 million
        return value + _SCALE_WORDS.get(last, 1.0) / 2, half.end()
    part = _AND_A_FRACTION.match(s, end)
    if part is not None and value >= 1:  # "three and three quarters", "two and a third"
        numerator = _ONES.get(part.group(1).lower(), 1)
        share = numerator / _FRACTION_WORDS[part.group(2).lower()]
        if share < 1 and (numerator > 1) == part.group(2).lower().endswith("s"):
            return value + _SCALE_WORDS.get(last, 1.0) * share, part.end()
    if single is not None and single in _ONES and value >= 1:
        frac = _FRACTION_WORD.match(s, end)
        if frac is not None:
            word = frac.group(1).lower()
            plural = word.endswith("s") or word == "halves"
            if plural == (value > 1) or word == "half":
                return value / _FRACTION_WORDS[word], frac.end()
    return None


def _words_value(tokens: list[tuple[str, int]]) -> tuple[float, int] | None:
    """Value of number-word tokens and how many of them belong to the number."""
    total, group, last, used = 0.0, 0.0, "", 0
    last_scale = math.inf
    saved: tuple[float, float, str, int] | None = None
    for index, (word, _) in enumerate(tokens):
        if word in ("and", "&", ","):
            if last not in ("hundred", "scale"):
                break
            saved = (total, group, last, used)
            continue
        if word in ("a", "an"):
            if index != 0:
                break
            last = "a"
            continue
        step = _word_step(word, group, last, last_scale)
        if step is None:
            if saved is not None and word in _SCALE_WORDS:
                total, group, last, used = saved
            break
        group, last = step
        if last == "scale":
            scale = _SCALE_WORDS.get(word, 12.0)
            total, group, last_scale = total + group, 0.0, scale
        used = index + 1
        if word == "dozen":
            break
    if used == 0 or last == "a":
        return None
    return total + group, used


def _word_step(word: str, group: float, last: str, last_scale: float) -> tuple[float, str] | None:
    """Apply one number word to the running group; None when it cannot follow."""
    if word in _ONES:
        if last in ("ones", "teen") or (last == "tens" and not 0 < _ONES[word] < 10):
            return None
        return group + _ONES[word], "teen" if _ONES[word] >= 10 else "ones"
    if word in _TENS:
        if last in ("ones", "teen", "tens"):
            return None
        return group + _TENS[word], "tens"
    base = 1.0 if last == "a" else group
    if word == "hundred":
        return (base * 100, "hundred") if last in ("a", "ones", "teen") else None
    if word == "dozen":
        return (base * 12, "scale") if last in ("a", "ones", "teen", "tens") else None
    scale = _SCALE_WORDS[word]
    if last not in ("a", "ones", "teen", "tens", "hundred") or scale >= last_scale:
        return None
    return base * scale, "scale"


def _read_number(s: str, i: int) -> tuple[float, int, bool, bool, str | None] | None:
    """Read digits, a vulgar fraction or number words: value, end, plain, is_word, word."""
    if s[i] in _VULGAR:
        return _VULGAR[s[i]], i + 1, False, False, None
    if s[i].isdigit() or s[i] == ".":
        digits = _read_digits(s, i)
        return None if digits is None else (*digits, False, None)
    words = _read_words(s, i)
    if words is None:
        return None
    value, end, single = words
    return value, end, False, True, single


def _read_quantity(s: str, i: int) -> _Quantity | None:
    """Read [sign][currency][sign] number [scale] [± x] [currency | unit] starting at i."""
    start, sign = i, 1.0
    minus = _MINUS_WORD.match(s, i)
    if minus is not None:
        sign, i = -1.0, minus.end()
    elif s[i] in "-−+":
        sign, i = (-1.0 if s[i] != "+" else 1.0), i + 1
    currency = None
    prefix = _CUR_PREFIX.match(s, i)
    code = _currency_code(prefix.group().strip()) if prefix is not None else None
    if prefix is not None and code is not None:
        currency, i = code, prefix.end()
        if sign == 1.0 and i < len(s) and s[i] in "-−":
            sign, i = -1.0, i + 1
    if i >= len(s):
        return None
    number = _read_number(s, i)
    if number is None:
        return None
    value, end, plain, is_word, single = number
    if currency == "COP" and plain and value < 100 and (
            s[i - 1] == "P" or _SUMMIT_BEFORE.search(s, max(0, start - 8), start)):
        return None  # "COP28", "at COP 29": the climate summit, not Colombian pesos
    q = _Quantity(start, end, sign * value, currency=currency, is_word=is_word,
                  prefixed=currency is not None, plain_int=plain and sign == 1.0,
                  single_word=single)
    if currency is not None:
        q.kind = "money"
    _read_scale(s, q)
    uncertainty = _UNCERTAINTY.match(s, q.end)
    if uncertainty is not None:
        q.end = uncertainty.end()
    if q.prefixed and q.currency == "USD" and s[start:i].strip(" -−+\u00a0") == "$":
        _read_dollar_code(s, q)  # "$50 CAD": which dollar the code says
    if q.prefixed and q.scale == 1.0:
        _read_subunit(s, q, after_comma=False)  # "$20 and 43c", not "$3, 45 cents"
    if q.currency is None and not _read_currency_suffix(s, q):
        _read_unit(s, q)
        _read_inches_of_a_height(s, q)
        _read_rest_of_a_duration(s, q)
    if q.unit is not None and q.raw == int(q.raw) and q.raw > 0:
        half = _AND_A_HALF.match(s, q.end)
        if half is not None:  # "an hour and a half", "two years and a half"
            q.raw, q.end = q.raw + 0.5, half.end()
    if q.kind == "money":
        _read_per_unit(s, q)
    return q


_PER_UNIT = re.compile(
    r"(?:[ \t]+(?:per|a|an|each)[ \t]+|[ ]?/[ ]?)([A-Za-z]+)(?:[ -]([A-Za-z]+))?")
_NOT_PER_AFTER = re.compile(r"[ \t]+(?:ago|earlier|later|before|after|on|old)\b")
_PER_KINDS = frozenset(("energy", "volume", "mass", "distance", "area", "duration", "data",
                        "power"))
_PER_NOUNS = _word_set("share shares barrel person head capita night passenger vehicle seat "
                       "ticket household student resident acre hectare unit tonne ton pack")


def _read_per_unit(s: str, q: _Quantity) -> None:
    """ "€95 per megawatt hour", "$3.50/gallon", "45 cents a share": what a price is per (its
    noun), so that per kWh -> per MWh is a change of the figure, not only of its claim's
    words. The figure's text stays the amount ("€95")."""
    m = _PER_UNIT.match(s, q.end)
    if m is None:
        return
    for words, end in (((m.group(1), m.group(2)), m.end()), ((m.group(1),), m.end(1))):
        if None in words or _NOT_PER_AFTER.match(s, end):
            continue
        name = " ".join(words)
        unit = _WORD_UNITS.get(name.lower()) or _SYMBOL_UNITS.get(name)
        if unit is not None and unit[1] in _PER_KINDS and unit[2] == 1.0:
            q.per = unit[0]
            return
        if len(words) == 1 and name.lower() in _PER_NOUNS:
            q.per = name.lower().rstrip("s") if name.lower() != "shares" else "share"
            return


_DOLLAR_CODE = re.compile(r"[ \u00a0](USD|CAD|AUD|NZD|HKD|SGD|TWD|MXN|JMD|BSD|BBD|BZD|FJD|NAD|"
                          r"LRD|TTD|XCD|BND)(?![A-Za-z])")


def _read_dollar_code(s: str, q: _Quantity) -> None:
    found = _DOLLAR_CODE.match(s, q.end)
    if found is not None:
        q.currency, q.end = found.group(1), found.end()


_SUMMIT_BEFORE = re.compile(r"(?i)(?<![A-Za-z])(?:at|the|of)[ \t]+\Z")


def _currency_code(mark: str) -> str | None:
    """The ISO code of a currency mark before a number ("$", "HK$", "USD", "SGD$", "RM")."""
    if mark in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[mark]
    code = mark[:-1] if len(mark) == 4 and mark.endswith("$") else mark
    if code in _KNOWN_CODES:  # three capitals that are a known code ("USD", not "NATO")
        return _CODE_ALIASES.get(code, code)
    return None


def _is_currency_mark(mark: str) -> bool:
    """A currency symbol or a known ISO code, as it may stand before a number."""
    return _currency_code(mark) is not None


def _read_scale(s: str, q: _Quantity) -> None:
    """Apply "million", "bn", "k" or (next to a currency) "m"/"M"/"B"/"T" after the number."""
    word = _SCALE_WORD.match(s, q.end)
    if word is not None and not (word.group(1).lower() in _PLURAL_SCALES and _is_year_like(q)):
        q.scale, q.end = _SCALES_AFTER[word.group(1).lower()], word.end()
        larger = _SCALE_WORD.match(s, q.end)  # "2.5 lakh crore", "three thousand millions"
        if larger is not None and _SCALES_AFTER[larger.group(1).lower()] > q.scale:
            q.scale, q.end = q.scale * _SCALES_AFTER[larger.group(1).lower()], larger.end()
        _read_smaller_part(s, q)
        return
    grand = _GRAND.match(s, q.end)
    if grand is not None and not _is_year_like(q):
        q.scale, q.end = 1e3, grand.end()  # "paid 50 grand", not "three grand slams"
        return
    abbr = _SCALE_ABBREVIATION.match(s, q.end)
    if abbr is None or q.is_word:
        return
    spaced, symbol = bool(abbr.group(1)), abbr.group(2)
    if symbol == "K" and _near_kelvin_words(s, q.start, q.end):
        return  # "2700K" among words of heat is kelvin (read as a unit next)
    if symbol in "kK" and "." in s[q.start:q.end - 2]:
        return  # "573.15K" is no thousands count; "2.5K" still is
    money_only = symbol in ("m", "B", "T", "cr", "bil", "mil") or (symbol == "M" and spaced)
    if money_only and q.currency is None and not _millions_of(s, symbol, spaced, abbr.end(),
                                                              q.start):
        return
    if spaced and symbol in ("k", "K"):
        return
    q.scale, q.end = _SCALE_ABBR[symbol], abbr.end()


_SMALLER_PART = re.compile(r"(?:[ \t]+and)?[ \t]+([0-9]{1,3})[ \t]+(million|thousand|hundred)\b")


def _read_smaller_part(s: str, q: _Quantity) -> None:
    """ "1 million 200 thousand" is 1,200,000, one figure."""
    part = _SMALLER_PART.match(s, q.end) if not q.is_word and q.raw == int(q.raw) else None
    if part is not None and _SCALE_WORDS[part.group(2)] * 1000 <= q.scale:
        q.raw += int(part.group(1)) * _SCALE_WORDS[part.group(2)] / q.scale
        q.end = part.end()


def _is_year_like(q: _Quantity) -> bool:
    """Digits that may be a year: "In 2019 millions fled" is no count of 2,019 millions."""
    return q.plain_int and not q.is_word and 1000 <= q.raw <= 2100


def _millions_of(s: str, symbol: str, spaced: bool, end: int, start: int) -> bool:
    """Whether a glued "m" with no currency counts millions: of the noun after it ("2.3m
    people"), "1.5m-strong", or of what the clause before counts ("a population of 1.2m",
    "viewers peaked at 8.5m"), not metres ("jumped 8.95m", "3m tall")."""
    if symbol != "m" or spaced:
        return False
    at = end
    for _ in range(3):  # "175m monthly active users": up to two words before the noun
        noun = _MILLIONS_OF.match(s, at)
        if noun is not None:
            return noun.group().strip().lower() not in _METRE_CONTEXT
        word = _RUN_WORD.match(s, at) if at == end or s[at - 1].isalpha() else None
        if word is None or not word.group(1).islower() or word.group(1) in _METRE_CONTEXT:
            break
        at = word.end()
    if s.startswith("-strong", end):
        return True
    after = _RUN_WORD.match(s, end)
    if after is not None and after.group(1).lower() in _METRE_CONTEXT:
        return False
    clause = s[max(0, start - 60):start]
    stops = [m.end() for m in _CLAUSE_STOP.finditer(clause)]
    return _COUNTED_IN_MILLIONS.search(clause, stops[-1] if stops else 0) is not None


def _read_currency_suffix(s: str, q: _Quantity) -> bool:
    """Read "€", "USD", "dollars", "Canadian dollars" or "pounds sterling" after the number."""
    m = _CURRENCY_SUFFIX.match(s, q.end)
    if m is None:
        return _read_glued_pence(s, q)
    code = _currency_of_suffix(m, q)
    if code is None:
        return False
    q.currency, q.kind, q.end = code, "money", m.end()
    word = (m.group("word") or "").lower()
    family = _currency_family(word) if word else ""
    q.factor = _SUBUNIT_FACTOR.get(family, 0.01 if m.group("sym") == "¢" else 1.0)
    cents = _CENTS_OF.match(s, q.end) if word == family and q.factor == 1.0 else None
    if cents is not None:  # "35 euro cents", "50 US cents": cents of that currency
        q.factor, q.end = 0.01, cents.end()
        return True
    if q.scale == 1.0 and not word:
        _read_scale(s, q)  # "30 EUR million"
        if q.scale == 1.0 and q.factor == 1.0:
            _read_subunit(s, q)  # "3 GBP 1 pence"
    elif q.factor == 1.0 and q.scale == 1.0 and word:
        _read_subunit(s, q)  # "7 dollars and 25 cents", not "3 million euros, 45 cents"
        _read_spoken_subunit(s, q)  # "7 dollars 50", "twelve pounds fifty"
    return True


_DIGIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# the cents said after the currency word, as a price is said aloud: "7 dollars 50, please"
_SPOKEN_SUBUNIT = re.compile(
    rf"[ \t]+([0-9]{{2}}|(?:{_TENS_WORDS})(?:-(?:{_DIGIT_WORDS}))?|ten|eleven|twelve"
    r"|[a-z]+teen)(?=[ \t]*(?:[.,;!?]|\Z)|[ \t]+(?:for|each|please|a|per|apiece)\b)",
    re.IGNORECASE)


def _read_spoken_subunit(s: str, q: _Quantity) -> None:
    m = _SPOKEN_SUBUNIT.match(s, q.end)
    if m is None or q.raw != int(q.raw) or q.currency is None:
        return
    _add_cents(s, q, m, m.end(1))


_CENTS_OF = re.compile(r"[ \t]+cents?\b")
# "closed at 410p", "a 5p coin": pence glued to the number (not "9p.m.", "1080p" video).
_GLUED_PENCE = re.compile(r"p(?![A-Za-z0-9]|\.[A-Za-z])")
_VIDEO_LINES = frozenset({144, 240, 360, 480, 576, 720, 1080, 1440, 2160, 4320})


def _read_glued_pence(s: str, q: _Quantity) -> bool:
    if q.is_word or q.scale != 1.0 or q.raw <= 0 or _GLUED_PENCE.match(s, q.end) is None:
        return False
    if q.raw in _VIDEO_LINES:
        return False
    q.currency, q.kind, q.factor, q.end = "GBP", "money", 0.01, q.end + 1
    return True


def _read_subunit(s: str, q: _Quantity, after_comma: bool = True) -> None:
    """Add the cents of "7 dollars and 25 cents" (or pence, paise, kopecks) to the amount."""
    m = _AND_SUBUNIT.match(s, q.end)
    if m is None or q.raw != int(q.raw) or (not after_comma and m.group().startswith(",")):
        return
    subunit = m.group(2).lower()
    if _SUBUNIT_OF.get(subunit) not in (q.currency, None) or (
            subunit not in _SUBUNIT_OF and q.currency in _SUBUNIT_OF.values()):
        return
    _add_cents(s, q, m, m.end())


def _add_cents(s: str, q: _Quantity, m: re.Match[str], end: int) -> None:
    """Add the cents written in m's first group (1-99) to the amount; it then ends at end."""
    number = _read_number(s, m.start(1))
    if number is None or number[1] != m.end(1) or not 0 < number[0] < 100:
        return
    q.raw += math.copysign(number[0] / 100, q.raw) / q.scale
    q.end = end


def _currency_family(word: str) -> str:
    """The family name of a currency word: "dollars" -> "dollar", "pennies" -> "penny"."""
    word = word.lower()
    if word in _CURRENCY_PLURALS:
        return _CURRENCY_PLURALS[word]
    if word in ("pounds sterling", "pound sterling"):
        return "sterling"
    return word if word in _CURRENCY_FAMILIES else word[:-1]


# words of paying just before "12 pounds" make it money; words of weighing keep it a weight
_MONEY_VERB_BEFORE = re.compile(
    r"(?i)\b(?:costs?|costing|paid|pays?|paying|price[ds]?|worth|spen[dt]|spends|lend|lent"
    r"|borrow(?:ed)?|owes?|owed|charged?|charges|fined?|earns?|earned|sold for|bought for)\b"
    r"(?:[ \t]+(?:me|us|him|her|them|you|just|only|about|around|over|under|nearly|almost"
    r"|less than|more than|at least|up to))*[ \t]+\Z")
_WEIGHT_WORDS = re.compile(r"(?i)\b(?:weigh(?:s|ed|ing|t)?|heav(?:y|ier)|lighter|mass)\b")


def _currency_of_suffix(m: re.Match[str], q: _Quantity) -> str | None:
    """The ISO code a currency suffix names, or None when it is not money here."""
    if m.group("sym"):
        return _ALL_CURRENCY_MARKS[m.group("sym")]
    if m.group("code"):
        code = m.group("code").upper()  # "15 usd", as chat and forums write it
        return _CODE_ALIASES.get(code, code) if code in _KNOWN_CODES else None
    word = m.group("word").lower()
    family = _currency_family(word)
    adjective = re.sub(r"\s+", " ", (m.group("adj") or "").lower())
    default, members = _CURRENCY_FAMILIES.get(family, (None, {}))
    if family == "pound" and not _scaled(q) and adjective not in members and not (
            _pounds_paid(m.string, q.start, m.end())):
        return None  # "20 million pounds" is money, "10 pounds" is a weight
    if family == "won" and q.scale == 1.0:
        return None  # "the team won"
    return members.get(adjective, default)


def _pounds_paid(s: str, start: int, end: int) -> bool:
    """Whether "12 pounds" is money by its words: "costs 12 pounds", "two pounds fifty"."""
    if _SPOKEN_SUBUNIT.match(s, end) is not None:
        return True
    return (_MONEY_VERB_BEFORE.search(s, max(0, start - 24), start) is not None
            and _WEIGHT_WORDS.search(s, max(0, start - 40), start) is None)


def _scaled(q: _Quantity) -> bool:
    """Whether the number was written with a scale: "20 million", "a billion", "£5m"."""
    return q.scale != 1.0 or (q.is_word and abs(q.raw) >= 1e5)


def _read_unit(s: str, q: _Quantity) -> None:
    """Read a unit symbol or a unit word after the number, when one fits."""
    found = _unit_at(s, q)
    if (found is None and q.is_word and 0 < q.raw < 1
            and (point := _FRACTION_POINT.match(s, q.end)) is not None
            and _RATE_WORDS.search(s, max(0, q.start - 80), point.end() + 80) is not None):
        found = (_WORD_UNITS["percentage point"], point.end())
    if found is None and (adjective := _BEFORE_A_DURATION.match(s, q.end)) is not None:
        later = _unit_word_at(s, adjective.end())  # "36 straight hours", "3 more days"
        found = later if later is not None and later[0][1] == "duration" else None
    if (found is None and (point := _FRACTION_POINT.match(s, q.end)) is not None
            and _TO_A_PERCENT.match(s, point.end()) is not None):
        found = (_WORD_UNITS["percentage point"], point.end())  # "rose 0.3 point to 4.1%"
    if found is None and not q.plain_int and not q.is_word and _GLUED_SECONDS.match(s, q.end):
        found = (_WORD_UNITS["seconds"], q.end + 1)  # "9.58s": a time in seconds
    if found is None and (below := _ZERO_BELOW.match(s, q.end)) is not None:
        q.unit, q.kind, q.raw, q.end = "deg", "temperature", -abs(q.raw), below.end()
        return  # "2 below zero": a temperature with no unit named
    if found is None or (found[0][0] == "bit" and s.startswith("-", q.end)):
        return  # "a 64-bit system" names an architecture, not a size
    (q.unit, q.kind, q.factor), q.end = found
    if q.unit == "deg" and _near_angle_words(s, q.start, q.end):
        q.kind = "number"  # "a 90 degree turn": an angle; otherwise news means heat
    if q.kind == "temperature":
        below = _BELOW_ZERO.match(s, q.end)
        if below is not None:  # "2 degrees below zero"
            q.raw, q.end = -abs(q.raw), below.end()


# One figure in the smaller unit: a height "6-foot-2" is 74 inches (written out, "6 feet 2
# inches" stays two figures, as labelled sets count them), and a duration in two units "1
# minute 10 seconds" is 70 s, "2 hours and 5 minutes" 125 min (a time, as a race's
# "2:05:00" is).
_INCHES_AFTER_FOOT = re.compile(r"-([0-9]{1,2})(?![0-9.,:/%])(?!-?[A-Za-z])")
_INCHES_AFTER_FT = re.compile(r"[ \t]+([0-9]{1,2})in(?:s|\.)?(?![A-Za-z])")
_BARE_INCHES_AFTER_FT = re.compile(r"[ \t]+([0-9]|1[01])(?![0-9])(?=[ \t]*(?:[.,;!?)]|\Z))")
_INCHES_SAID_AFTER_FOOT = re.compile(
    r"(?i)[ \t]+(one|two|three|four|five|six|seven|eight|nine|ten|eleven|[0-9]|1[01])"
    r"(?![0-9A-Za-z-])")
_OUNCES_AFTER_POUNDS = re.compile(r"[ \t]+([0-9]{1,2})[ \t]?(?:oz|ounces?)\b")
_TWO_PART_DURATIONS = {"h": ("minutes", 60), "min": ("seconds", 60)}
_SECOND_PART = re.compile(r"(?:,?[ \t]+and[ \t]+|[ \t]+)([0-9]{1,2})(?![0-9.,:/])")


def _read_inches_of_a_height(s: str, q: _Quantity) -> None:
    found = _INCHES_AFTER_FOOT.match(s, q.end) if q.unit == "ft" else None
    if found is None and q.unit == "ft" and s.startswith("ft", q.end - 2):
        found = _INCHES_AFTER_FT.match(s, q.end)  # "6ft 2in", "5ft 10in"
    if found is None and q.unit == "ft":
        found = _BARE_INCHES_AFTER_FT.match(s, q.end)  # "I'm 5 ft 10."
    if found is None and q.unit == "ft" and s[:q.end].lower().endswith("foot"):
        said = _INCHES_SAID_AFTER_FOOT.match(s, q.end)  # "six foot two", "5 foot 10"
        if said is not None and _unit_word_at(s, said.end()) is None:
            inches = _ONES.get(said.group(1).lower(), None)
            value = float(inches) if inches is not None else float(said.group(1))
            _fold_smaller_part(q, 12, value, "inches", said.end())
            return
    if found is not None:
        _fold_smaller_part(q, 12, float(found.group(1)), "inches", found.end())
    ounces = _OUNCES_AFTER_POUNDS.match(s, q.end) if q.unit == "lb" else None
    if ounces is not None:  # "7 lb 8 oz" at birth
        _fold_smaller_part(q, 16, float(ounces.group(1)), "ounces", ounces.end())


def _read_rest_of_a_duration(s: str, q: _Quantity) -> None:
    part = _TWO_PART_DURATIONS.get(q.unit or "")
    found = _SECOND_PART.match(s, q.end) if part is not None else None
    if part is None or found is None:
        return
    rest = _Quantity(found.start(1), found.end(1), float(found.group(1)))
    _read_unit(s, rest)
    if q.unit == "h" and rest.unit == "m" and s[rest.end - 1] == "m":
        rest.unit = "min"  # "1h 45m": minutes after hours, not metres
    if rest.unit == _WORD_UNITS[part[0]][0]:
        _fold_smaller_part(q, part[1], rest.raw, part[0], rest.end)


def _fold_smaller_part(q: _Quantity, ratio: int, part: float, unit_word: str, end: int) -> None:
    """q (a whole number of the larger unit) and ``part`` (fewer than ``ratio`` of the
    smaller) as one figure in the smaller unit."""
    if q.raw != int(q.raw) or q.raw <= 0 or q.scale != 1.0 or part >= ratio:
        return
    q.raw = q.raw * ratio + part
    (q.unit, q.kind, q.factor), q.end = _WORD_UNITS[unit_word], end


_KELVIN = re.compile(r"[ \u00a0]?K(?![A-Za-z0-9])")
# where a bare "K" is kelvin, not thousands (a "5K run" on a hot day stays a race)
_KELVIN_CONTEXT = re.compile(
    r"(?i)\b(?:colou?r[ \t]+temperature|absolute[ \t]+zero|kelvins?|boils?|boiling[ \t]+point"
    r"|melts?|melting[ \t]+point|freezes|cryogenic|liquid[ \t]+(?:nitrogen|helium|hydrogen|oxygen)"
    r"|surface[ \t]+temperature)\b|°[CF]")


def _near_kelvin_words(s: str, start: int, end: int) -> bool:
    return _KELVIN_CONTEXT.search(s, max(0, start - 80), end + 80) is not None


def _unit_at(s: str, q: _Quantity) -> tuple[_Unit, int] | None:
    """The unit after the number: a word, a symbol, or either in brackets ("35 (kg)")."""
    word_unit = _unit_word_at(s, q.end)
    if word_unit is not None:
        return word_unit
    kelvin = _KELVIN.match(s, q.end)
    if kelvin is not None and not q.is_word and _near_kelvin_words(s, q.start, q.end):
        return _WORD_UNITS["kelvin"], kelvin.end()  # "77 K", "a colour temperature of 2700K"
    symbol = _unit_symbol_at(s, q.end)
    if symbol is not None and q.is_word and (len(symbol[0]) < 2 or not symbol[0][0].isalpha()):
        symbol = None  # "two kg", "one sec", but not "six m" or "three C"
    if symbol is not None:
        name, end = symbol
        if name not in _AMBIGUOUS_SYMBOLS or _ambiguous_symbol_fits(s, name, end):
            return _SYMBOL_UNITS[name], end
        return None
    bracket = _BRACKETED.match(s, q.end)
    if bracket is not None:
        inside = bracket.group(1).strip()
        unit = _SYMBOL_UNITS.get(inside) or _WORD_UNITS.get(inside.lower())
        if unit is not None and inside not in _AMBIGUOUS_SYMBOLS:
            return unit, bracket.end()
    return None


def _near_angle_words(s: str, start: int, end: int) -> bool:
    """Whether words about angles (and no words about heat) stand near a figure."""
    if _ANGLE_CONTEXT.search(s, max(0, start - 60), end + 60) is None:
        return False
    return not _near_temperature_words(s, start, end)


def _near_temperature_words(s: str, start: int, end: int) -> bool:
    """Whether words about heat or weather stand within a sentence's reach of a figure."""
    return _TEMPERATURE_CONTEXT.search(s, max(0, start - 120), end + 120) is not None


def _unit_symbol_at(s: str, i: int) -> tuple[str, int] | None:
    """The longest unit symbol at i (after one space or hyphen), and where it ends."""
    hyphen = s.startswith("-", i)
    if hyphen or s.startswith((" ", "\u00a0"), i):
        i += 1
    for length in _SYMBOL_LENGTHS:
        name = s[i:i + length]
        if len(name) == length and name in _SYMBOL_UNITS and _SYMBOL_END.match(
                s, i + length) is None:
            # "450-kg warhead" is a unit; "5-F" or "2-in-1" are not.
            return None if hyphen and name in _AMBIGUOUS_SYMBOLS else (name, i + length)
    if (not hyphen and s[i:i + 1] in ("c", "f") and s[i - 1:i] == " "
            and _SYMBOL_END.match(s, i + 1) is None and _near_temperature_words(s, i - 8, i)):
        return s[i].upper(), i + 1  # "temp is 20 c": a scale in lower case, among heat words
    return None


def _unit_word_at(s: str, i: int) -> tuple[_Unit, int] | None:
    """The unit named by the longest run of up to three words at i, and its end."""
    m = _WORDS_AHEAD.match(s, i)
    if m is None:
        return None
    words = [w.lower() for w in m.groups() if w is not None]
    for count in range(min(len(words), _UNIT_WORD_MAX), 0, -1):
        unit = _WORD_UNITS.get(" ".join(words[:count]))
        if unit is not None:
            return unit, m.end(count)
    return None


def _ambiguous_symbol_fits(s: str, name: str, end: int) -> bool:
    """Whether "in", "C", "F", "bar" or "Mt" after a number is a unit, not a word or a letter."""
    if name == "in":
        # "2 in thick" and "2 in." are inches; "2 in Kyiv" is a preposition.
        follower = _RUN_WORD.match(s, end)
        ends = _INCH_END.match(s, end) is not None
        return ends or (follower is not None and follower.group(1).lower() in _INCH_FOLLOWERS)
    after = s[end:end + 2]
    # "F-16" and "C.I.A." are letters of a name, "30 C." is a temperature, "12.5C/" a price;
    # "30C/86F" gives it in two scales.
    slash_number = (after.startswith("/") and after[1:].isdigit()) or s.startswith("/-", end)
    if (after.startswith(("-", "/")) and not slash_number) or (
            after.startswith(".") and after[1:].isalnum()):
        return False
    if name == "pc":
        return True  # but not hyphened: "a 12-pc set" counts pieces
    if name in ('"', "''"):
        # glued to the number and closing no quotation: 'a 65" TV', not '"we lost 5"'
        start = end - len(name)
        return s[start - 1:start].isdigit() and s.count(name, 0, start) % 2 == 0
    if name in ("C", "F"):
        if _near_temperature_words(s, end - 2, end):
            return True
        # "a 10F form": a letter naming a model or a form, unless the text is about heat.
        follower = _RUN_WORD.match(s, end)
        word = follower.group(1) if follower is not None else ""
        return not (word[:1].islower() and word.lower() not in _STOP_WORDS)
    if name in ("bar", "Mt"):
        follower = _RUN_WORD.match(s, end)  # "Mt Everest", "the 3 bar gate"
        return follower is None or follower.group(1).lower() in _STOP_WORDS
    return True


# --------------------------------------------------------------------------- context


_UNIT_BEFORE_SLASH = re.compile(r"[0-9](?:°?[CF]|km|mi|m|ft|kg|lb|l|mph|km/h)\Z")


def _glued_before(s: str, i: int) -> bool:
    """True when the number at i is part of a name: "F-16", "G7", "COVID-19", "#1"."""
    if i == 0:
        return False
    before = s[i - 1]
    if before.isalnum() or before in "#№_@":
        return True
    if before in "-‐+/.:" and i >= 2 and s[i - 2].isalnum():
        if before == "/" and _UNIT_BEFORE_SLASH.search(s, max(0, i - 12), i - 1):
            return False  # "30C/86F", "100km/62 miles": the second of two units
        return _TIME_PREFIX.search(s, max(0, i - 7), i) is None
    return False


def _token_end(s: str, i: int) -> int:
    """End of the run of non-space characters that starts at i."""
    j = i
    while j < len(s) and not s[j].isspace():
        j += 1
    return max(j, i + 1)


def _after_is_glued(s: str, end: int) -> bool:
    """True when the number runs on into letters or digits: "06F6", "21st", "9/11", "737-MAX"."""
    return _ORDINAL_OR_GLUE.match(s, end) is not None


def _other_unit_after_slash(s: str, q: _Quantity) -> bool:
    """ "30C/86F", "100km/62 miles": the same measure in another unit after a slash."""
    if q.unit is None or not s.startswith("/", q.end) or q.end + 1 >= len(s):
        return False
    other = _read_quantity(s, q.end + 1) if s[q.end + 1].isdigit() or s[q.end + 1] in "-−" \
        else None
    return other is not None and other.kind == q.kind and other.unit not in (None, q.unit)


def _named_by_word_before(s: str, q: _Quantity, noun: str | None) -> bool:
    """True for "Article 5", "Voyager 2", "Resolution 2231": a number naming a thing."""
    m = _WORD_BEFORE.search(s, max(0, q.start - 20), q.start)
    if m is None:
        return False
    word = m.group(1)
    if word in _ID_PREFIXES:  # "Formula One" too: a capitalised number word names
        return q.bare and (not q.is_word or s[q.start].isupper())
    if len(word) > 1 and word.isupper() and (_shouted_after(s, q.end) or _shouted(s)):
        return False  # "ARMY SENDS 500 TROOPS", "AT LEAST 13": capitals name nothing here
    if (len(word) > 1 and word.isupper() and q.bare and q.plain_int and not q.is_word
            and word.capitalize() not in _FUNCTION_WORDS
            and (word not in _KNOWN_CODES or word == "COP")):
        return True  # "FTSE 100 companies", "CAC 40": an index or a model name
    if not word[0].isupper() or word in _FUNCTION_WORDS or word.lower() in _MONTHS:
        return False
    if not (q.bare and q.plain_int and not q.is_word):
        return False
    if noun is None and _is_gapped_count(s, m.start(), q.end):
        return False  # "won 87 seats and the Conservatives 21": 21 seats, no "Conservatives 21"
    # News style spells out one to nine, so "Leopard 2 tanks" names a model.
    return (noun is None and q.raw < 1000) or (q.raw < 10 and m.start() > 0)


# "won 87 seats and the Conservatives 21", "scored 12 points, Jones 8": a name, then a
# number that ends its clause, after a count of the same sentence: the count's noun is
# left out (gapping), so the number is a count, not part of a name.
_GAP_JOIN = re.compile(r"(?:,|\band|\bwhile|\bwith)[ \t]+(?:the[ \t]+)?\Z")
_GAP_END = re.compile(r"[ \t]*(?:[,.;:)]|and\b|or\b|\Z)")
_COUNT_BEFORE = re.compile(r"[0-9][0-9,.]*[ \t]+[a-z]{3,}s\b")
_NAME_AT = re.compile(r"[A-Za-z][A-Za-z.]*")


def _is_gapped_count(s: str, name_start: int, end: int) -> bool:
    """Whether "Name N" ending at ``end`` is a count whose noun is left out."""
    if _GAP_END.match(s, end) is None:
        return False
    low = max(s.rfind(". ", 0, name_start) + 1, name_start - 200, 0)
    joined = _GAP_JOIN.search(s, low, name_start)
    name = _NAME_AT.match(s, name_start)
    if joined is None or name is None:
        return False
    if joined.group().rstrip().endswith("the") and not name.group().endswith("s"):
        return False  # "and the Leopard 2": a thing's name; "and the Conservatives 21" a party
    return _COUNT_BEFORE.search(s, low, joined.start()) is not None


def _shouted(s: str) -> bool:
    """Whether the sentence is written in capitals (a legal clause, a shouted headline)."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _shouted_after(s: str, end: int) -> bool:
    """Whether the word after end is in capitals too, as in "ARMY SENDS 500 TROOPS"."""
    follower = _RUN_WORD.match(s, end)
    return follower is not None and follower.group(1).isupper()


def _qualifier(s: str, start: int, floor: int) -> tuple[str | None, int]:
    """The qualifier just before start ("over", "about", "~") and where it begins."""
    m = _QUALIFIER_BEFORE.search(s, max(floor, start - 30), start)
    if m is None:
        return None, start
    if m.group(1):
        word = re.sub(r"\s+", " ", m.group(1).lower())
        return _QUALIFIER_NORMAL.get(word, word), m.start()
    symbol = m.group(2)
    return _QUALIFIER_SYMBOLS.get(symbol), m.start()


def _is_plural(word: str) -> bool:
    """Whether a word looks like a plural noun ("troops", "people")."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return True
    return (len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
            and lower not in _STOP_WORDS and "'" not in lower and "’" not in lower)


def _is_adjective(word: str) -> bool:
    """Whether a lowercase word is likely a modifier rather than the head noun."""
    lower = word.lower()
    return lower in _ADJECTIVES or "-" in lower or lower.endswith(_ADJECTIVE_ENDINGS)


def _words_after(s: str, i: int, limit: int) -> list[str]:
    """Up to limit words after i, stopping at punctuation and function words."""
    words: list[str] = []
    j = i
    while len(words) < limit:
        m = _RUN_WORD.match(s, j)
        if m is None:
            break
        word = m.group(1).rstrip("'’")
        if word.lower() in _STOP_WORDS or word.lower() in _MONTHS or word.endswith(("'s", "’s")):
            break
        words.append(word)
        j = m.end()
        if word[0].isupper() and (designation := _DESIGNATION.match(s, j)) is not None:
            j = designation.end()  # "Leopard 2 tanks": look past the model number
        if _AFTER_NOUN_BLOCK.match(s, j) is not None:
            break
    return words


# a golfer's "4-under" and "2-over" say where a score stands, they count nothing
_TO_PAR = frozenset({"under", "over"})


def _noun_after(s: str, i: int, value: float) -> str | None:
    """The head noun of what a count counts: skip modifiers, take the first plural."""
    hyphened = _HYPHEN_NOUN.match(s, i)
    if (hyphened is not None and hyphened.group(1) not in _WORD_UNITS  # "a 6,300-room hotel"
            and hyphened.group(1).lower() not in _TO_PAR):
        return hyphened.group(1)
    words = _words_after(s, i, 4)
    if not words:
        return None
    if value != 1:
        for word in words:
            if word[0].islower() and _is_plural(word):
                return word
        for word in words:
            if word[0].isupper() and not word.isupper() and _is_plural(word):
                return word
        return None
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if (word[0].isupper() or _is_adjective(word)) and not last:
            continue
        return None if _is_adjective(word) and word.lower() in _ADJECTIVES else word
    return None


def _unit_noun(s: str, end: int) -> str | None:
    """The plural noun a measure directly applies to: "450 kg warheads" -> "warheads"."""
    words = _words_after(s, end, 1)
    if words and words[0][0].islower() and _is_plural(words[0]):
        return words[0]
    return None


# --------------------------------------------------------------------------- dates


def _iso(year: int | None, month: int | None, day: int | None) -> str:
    """ISO 8601 (partial) date: "2022", "2022-02", "2022-02-24"; "--02-24" and "--02" when
    the text names no year, "---05" for a day alone (the truncated forms of ISO 8601:2000,
    as XML Schema's gMonthDay, gMonth and gDay)."""
    head = "-" if year is None else f"{year:04d}"
    if month is None:
        return f"{head}--{day:02d}" if day is not None else head
    if day is None:
        return f"{head}-{month:02d}"
    return f"{head}-{month:02d}-{day:02d}"


def _valid_day(year: int | None, month: int, day: int) -> bool:
    """Whether the day exists in that month (29 February only in a leap or unknown year)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year is None or calendar.isleap(year)
    return day <= calendar.monthrange(2001, month)[1]


def _date_figure(s: str, start: int, end: int, year: int | None, iso: str,
                 floor: int = 0) -> FoundFigure:
    """A FoundFigure of kind "date"; its value is the year (0 when the text gives none).

    "late 2014" and "mid-June" keep early/mid/late (or end/start/beginning/middle) as the
    qualifier, and the figure's text includes it."""
    qualifier, start = _period_part(s, start, floor)
    return FoundFigure(s[start:end], float(year or 0), None, None, "date", qualifier, None, iso,
                       start, end)


def _part_of_year(s: str, start: int, floor: int, year: str) -> tuple[str, int]:
    """A year's quarter or half named just before it, as "2024-Q3" or "2024-H1"."""
    m = _QUARTER_BEFORE.search(s, max(floor, start - 24), start)
    if m is None:
        return year, start
    if m.group("code"):
        code = m.group("code").upper()
        part = code if code[0] in "QH" else code[::-1]  # "3Q" is Q3
    else:
        half = m.group("which").lower() == "half"
        part = ("H" if half else "Q") + _PART_NUMBER[m.group("nth").lower()]
        if half and part not in ("H1", "H2"):
            return year, start
    return f"{year}-{part}", m.start()


def _period_part(s: str, start: int, floor: int) -> tuple[str | None, int]:
    """"late", "mid", "end" ... just before a date, and where that word starts."""
    m = _PERIOD_PART_BEFORE.search(s, max(floor, start - 20), start)
    if m is None:
        return None, start
    return (m.group(1) or m.group(2)).lower(), m.start()


def _read_day_first(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """"24 February 2022", "12 March", "5th of June"."""
    m = _DAY_MONTH.match(s, i)
    if m is None:
        return None
    month, day = _MONTHS[m.group(2).rstrip(".").lower()], int(m.group(1))
    year = _full_year(m.group(3)) if m.group(3) else None
    if not _valid_day(year, month, day):
        return None, m.end()  # "32 August 2014" is no date, nor is its "August 2014"
    year = year if year is not None else _year_of_range_end(s, m.end())
    return _date_figure(s, i, m.end(), year, _iso(year, month, day), floor), m.end()


def _full_year(text: str) -> int:
    """The year that "2024", "96" or "'24" stands for: two digits under 50 are 20xx."""
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    return int(digits) + (2000 if int(digits) < 50 else 1900)


def _year_of_range_end(s: str, end: int) -> int | None:
    """The year of the date that closes "10 August - 12 September 2013", if one does."""
    join = _DATE_RANGE_JOIN.match(s, end)
    if join is None:
        return None
    tail = _DAY_MONTH.match(s, join.end()) or _MONTH_DAY.match(s, join.end())
    if tail is not None:
        return _full_year(tail.group(3)) if tail.group(3) else None
    day_year = _DAY_YEAR.match(s, join.end())  # "August 10 - 22, 2012"
    return int(day_year.group(2)) if day_year is not None and day_year.group(2) else None


def _read_day_after_month(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """The second day of "August 10 - 22, 2012" (or a later one of "June 18, 20 and 25"),
    dated in the month named before."""
    before = _MONTH_RANGE_BEFORE.search(s, max(0, i - 30), i)
    listed = _MONTH_LIST_BEFORE.search(s, max(0, i - 40), i) if before is None else None
    if listed is not None and _DAY_LIST_ITEM.match(s, i) is not None:
        before = listed
    if before is None:
        return None
    m = _DAY_YEAR.match(s, i)
    if m is None or int(m.group(1)) <= int(before.group(2)):
        return None
    month, day = _MONTHS[before.group(1).rstrip(".").lower()], int(m.group(1))
    year = int(m.group(2)) if m.group(2) else None
    if not _valid_day(year, month, day):
        return None
    return _date_figure(s, i, m.end(), year, _iso(year, month, day), floor), m.end()


def _read_day_range(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """The first day of "10-22 August 2012" (or an early one of "18, 20 and 25 June"): a
    date of its own, in the last day's month."""
    m = _DAY_RANGE.match(s, i) or _DAY_LIST.match(s, i)
    if m is None or int(m.group(1)) >= int(m.group(2)):
        return None
    month, day = _MONTHS[m.group(3).rstrip(".").lower()], int(m.group(1))
    year = int(m.group(4)) if m.group(4) else None
    if not _valid_day(year, month, day):
        return None
    end = i + len(m.group(1))
    while end < len(s) and s[end].isalpha():  # "10th"
        end += 1
    return _date_figure(s, i, end, year, _iso(year, month, day), floor), m.end()


def _read_month_first(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int]:
    """"February 2022", "Sept. 4", "February 24, 2022"; a month alone is no figure."""
    m = _MONTH_DAY.match(s, i)
    if m is None:
        return None, i + 1
    name = m.group(1)
    month = _MONTHS[name.rstrip(".").lower()]
    day = int(m.group(2)) if m.group(2) else None
    year = int(m.group(3)) if m.group(3) else None
    if day is not None and not _valid_day(year, month, day):
        day, end = None, i + len(name)
        if year is None:
            return None, end
    if day is None and year is None:
        return None, i + len(name)  # "in June" alone: a reworded claim, not a dated figure
    if year is None and day is not None:
        year = _year_of_range_end(s, m.end())  # "Aug 10 - Nov 12, 2013", "August 10 - 22, 2012"
    return _date_figure(s, i, m.end(), year, _iso(year, month, day), floor), m.end()


def _read_numeric_date(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """ISO "2023-06-01", US "04/02/2025" (month first), European "04.02.2025" (day first).

    The order rule: slashes and dashes are read month first, as in American text, unless
    the first number cannot be a month (then day first); dots are read day first unless
    the second number cannot be a month."""
    iso = _ISO_DATE.match(s, i)
    if iso is not None:
        year = int(iso.group(1))
        month, day = int(iso.group(2) or iso.group(5)), int(iso.group(3) or iso.group(6))
        if _valid_day(year, month, day):
            return _date_figure(s, i, iso.end(), year, _iso(year, month, day), floor), iso.end()
        return None, iso.end()  # "2023-13-01" is no date, and no year either
    m = _NUMERIC_DATE.match(s, i)
    if m is None:
        return None
    a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    day_first = (m.group(2) == "." and b <= 12) or a > 12
    day, month = (a, b) if day_first else (b, a)
    if not _valid_day(year, month, day):
        return None
    return _date_figure(s, i, m.end(), year, _iso(year, month, day), floor), m.end()


def _read_day_alone(s: str, i: int, floor: int) -> tuple[FoundFigure, int] | None:
    """"on the 5th": the day of a month the text does not name."""
    if _ON_THE_BEFORE.search(s, max(0, i - 10), i) is None:
        return None
    m = _DAY_ORDINAL.match(s, i)
    if m is None or not 1 <= int(m.group(1)) <= 31:
        return None
    end = m.end()
    return _date_figure(s, i, end, None, _iso(None, None, int(m.group(1))), floor), end


_EVENING_AFTER = re.compile(r"(?i)[ \t]+(?:tonight|this[ \t]+evening|in[ \t]+the[ \t]+(?:evening"
                            r"|afternoon)|on[ \t]+\w+[ \t]+(?:evening|night))\b")


def _read_clock(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """"9:30 a.m.", "2 pm", "14:45": a time of day, in hours (kind "time", unit "h")."""
    oclock = _OCLOCK.match(s, i)
    if oclock is not None and 1 <= int(oclock.group(1)) <= 12:  # "10 o'clock"
        qualifier, start = _qualifier(s, i, floor)
        return FoundFigure(s[start:oclock.end()], float(oclock.group(1)), None, "h", "time",
                           qualifier, None, None, start, oclock.end()), oclock.end()
    stopwatch = _read_stopwatch(s, i, floor)
    if stopwatch is not None:
        return stopwatch
    zoned = _ZONED_HOURS.match(s, i)
    if zoned is not None:  # "0600 GMT": a time of day in four digits
        qualifier, start = _qualifier(s, i, floor)
        value = int(zoned.group(1)) + int(zoned.group(2)) / 60
        return FoundFigure(s[start:zoned.end(2)], value, None, "h", "time", qualifier, None,
                           None, start, zoned.end(2)), zoned.end(2)
    m = _CLOCK.match(s, i)
    if m is None:
        return None
    if m.group("ap"):
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None, m.end()
        hour = hour % 12 + (12 if m.group("ap").lower() == "p" else 0)
    else:
        hour, minute = int(m.group("h24")), int(m.group("m24"))
        if hour > 24 or minute > 59 or _named_before(s, i):
            return None, m.end()  # "John 3:16" is a verse
        if 1 <= hour < 12 and _EVENING_AFTER.match(s, m.end()):
            hour += 12  # "7:30 tonight" is 19:30
    qualifier, start = _qualifier(s, i, floor)
    figure = FoundFigure(s[start:m.end()], hour + minute / 60, None, "h", "time", qualifier,
                         None, None, start, m.end())
    return figure, m.end()


def _read_stopwatch(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int] | None:
    """"2:02:40" (a marathon) and "1:52.85" (a swim): a duration in seconds; "14:30:15
    GMT" or "at 9:30:15" stays a time of day, its seconds kept."""
    m = _STOPWATCH.match(s, i)
    if m is None:
        return None
    qualifier, start = _qualifier(s, i, floor)
    if m.group("h") is not None:
        hours, minutes, seconds = int(m.group("h")), int(m.group("m")), float(m.group("s"))
        if hours <= 24 and (_CLOCK_AFTER.match(s, m.end()) or _AT_BEFORE.search(
                s, max(0, i - 4), i)):
            value = hours + minutes / 60 + seconds / 3600
            return FoundFigure(s[start:m.end()], value, None, "h", "time", qualifier, None,
                               None, start, m.end()), m.end()
    else:
        hours, minutes, seconds = 0, int(m.group("mm")), float(m.group("ss") or m.group("gs"))
    value = hours * 3600 + minutes * 60 + seconds
    return FoundFigure(s[start:m.end()], value, None, "s", "duration", qualifier, None, None,
                       start, m.end()), m.end()


def _named_before(s: str, i: int) -> bool:
    """Whether a capitalised word that is not a function word stands just before i."""
    m = _WORD_BEFORE.search(s, max(0, i - 20), i)
    if m is None:
        return False
    word = m.group(1)
    return word[0].isupper() and word not in _FUNCTION_WORDS and word.lower() not in _MONTHS


def _year_like(q: _Quantity) -> bool:
    """A bare four-digit integer that could be a year."""
    return q.bare and q.plain_int and q.end - q.start == 4 and 1000 <= q.raw <= 2199


_YEAR_DETERMINERS = _word_set("the its their his her our this that last next whose")
_REPORT_NOUNS = _word_set(
    "results earnings revenues sales profits losses accounts figures forecasts estimates "
    "elections games championships finals olympics budgets accounts statements filings "
    "reports returns levels prices rates targets numbers data")


def _year_of_a_report(s: str, q: _Quantity, noun: str) -> bool:
    """ "The 2023 results", "Q2 2024 earnings": a year naming a period, not 2,023 results
    ("It sent 2015 troops" stays a count)."""
    if not 1900 <= q.raw <= 2100:
        return False
    before = _ONE_BEFORE.search(s, max(0, q.start - 12), q.start)
    word = before.group(1) if before is not None else ""
    round_count = q.raw % 100 == 0  # "the 2000 workers" are more likely counted
    return ((word.lower() in _YEAR_DETERMINERS and not round_count) or _QUARTER_BEFORE.search(
        s, max(0, q.start - 24), q.start) is not None
        or noun.split()[-1].lower() in _REPORT_NOUNS)


def _is_year(s: str, q: _Quantity) -> bool:
    """Whether a bare four-digit number is a year: "in 2022", "since 2014", "1979"."""
    if not _year_like(q):
        return False
    bracketed = q.start > 0 and s[q.start - 1] == "(" and s.startswith(")", q.end)
    return _after_date_preposition(s, q) or bracketed or 1800 <= q.raw <= 2100


def _after_date_preposition(s: str, q: _Quantity) -> bool:
    """Whether the number follows "in", "since", "of" ...: "in 2015 profits rose"."""
    before = _ONE_BEFORE.search(s, max(0, q.start - 14), q.start)
    return before is not None and before.group(1).lower() in _DATE_PREPOSITIONS


# --------------------------------------------------------------------------- ranges


def _range_partner(s: str, q: _Quantity) -> tuple[re.Match[str], _Quantity] | None:
    """The connector and second number of "X to Y", "X-Y", "X and Y", if any."""
    join = _RANGE_JOIN.match(s, q.end)
    if join is None or join.end() >= len(s):
        return None
    j = join.end()
    if _glued_before(s, j) and s[j - 1] != "-":
        return None
    qualified = _PARTNER_QUALIFIER.match(s, j)
    if qualified is not None:  # "between 2 g and about 7 g", "2 - ~7 grams"
        j = qualified.end()
    other = _read_quantity(s, j) if _START.match(s, j) is not None else None
    if other is None or _after_is_glued(s, other.end):
        return None
    return join, other


def _compatible(x: _Quantity, y: _Quantity) -> bool:
    """Whether X can share Y's currency and unit: the same ones, or X has none."""
    if x.currency is None and y.prefixed:
        return False  # "10 and $20": the "$" is Y's own, not shared
    if x.currency is not None and y.currency is not None and x.currency != y.currency:
        return False
    if x.unit is not None and y.unit is not None and x.unit != y.unit:
        return False
    if x.unit is not None and y.unit is None and y.currency is None:
        return False
    return not (x.kind is not None and y.kind is not None and x.kind != y.kind)


def _borrow(x: _Quantity, y: _Quantity, scale: bool = True) -> _Quantity:
    """X with the currency, unit (and scale) it shares with Y ("1 to 2 billion dollars")."""
    borrowed = replace(x)
    if borrowed.currency is None and borrowed.unit is None:
        borrowed.currency, borrowed.unit = y.currency, y.unit
        borrowed.kind, borrowed.factor = y.kind, y.factor
    if scale and borrowed.scale == 1.0 and y.scale != 1.0 and abs(x.raw) <= abs(y.raw):
        borrowed.scale = y.scale
    return borrowed


def _year_range(x: _Quantity, y: _Quantity, join: str) -> float | None:
    """End year of "2013-14" / "2014–2022" / "between 2014 and 2022", else None."""
    if not (_year_like(x) and y.bare and y.plain_int):
        return None
    width = y.end - y.start
    end_year = x.raw - x.raw % 100 + y.raw if width == 2 and join.strip() in "-–—" else y.raw
    if width not in (2, 4) or not x.raw < end_year <= 2199:
        return None
    return end_year


def _range_context(s: str, start: int, floor: int) -> tuple[int | None, str]:
    """Where "between" starts, and how a "from" reads: "range", "change" or ""."""
    between = _BETWEEN_BEFORE.search(s, max(floor, start - 12), start)
    from_ = _FROM_BEFORE.search(s, max(floor, start - 24), start)
    reading = ""
    if from_ is not None:
        verb = (from_.group(1) or "").lower()
        reading = "range" if verb in _RANGE_VERBS else "change" if verb in _CHANGE_WORDS else ""
        if not reading and _CHANGE_NEARBY.search(s, max(0, from_.start() - 50),
                                                 from_.start()) is not None:
            reading = "change"  # "an increase in the discount rate from 3 percent to 3-1/2"
    return (between.start() if between is not None else None), reading


# --------------------------------------------------------------------------- assembly


@dataclass
class _Span:
    """What surrounds a quantity: where its text starts, its qualifier, the range it closes."""

    start: int
    qualifier: str | None
    floor: int = 0
    value_max: float | None = None
    end: int | None = None
    noun: str | None = None


def _build(s: str, q: _Quantity, span: _Span) -> FoundFigure | None:
    """Turn a read quantity into a FoundFigure, or None when it is no figure."""
    end = span.end if span.end is not None else q.end
    value = q.value if span.value_max is None else min(q.value, span.value_max)
    value_max = None if span.value_max is None else max(q.value, span.value_max)
    if not math.isfinite(value) or (value_max is not None and not math.isfinite(value_max)):
        return None
    kind, noun, date = q.kind, None, None
    if kind is None:
        noun = span.noun or _noun_after(s, end, value)
        kind, date = _bare_kind(s, q, noun)
        if kind == "":
            return None
        noun = None if kind == "date" else noun
    else:
        noun = _unit_noun(s, end)
    if _named_by_word_before(s, q, noun):
        return None
    start, qualifier = span.start, span.qualifier
    if kind == "date" and qualifier is None and date is not None:
        date, start = _part_of_year(s, start, span.floor, date)  # "Q3 2024": 2024-Q3
    if kind == "date" and qualifier is None:
        qualifier, start = _period_part(s, start, span.floor)  # "late 2014", "mid-2015"
    if q.per is not None:
        noun = f"per {q.per}"  # the price's unit stays its currency; what it is per, its noun
    return FoundFigure(s[start:end], value, value_max, q.currency or q.unit, kind, qualifier,
                       noun, date, start, end)


def _zero_as_a_level(s: str, q: _Quantity) -> bool:
    """ "rates cut to zero", "stands at zero": a level of nought, not "ground zero"."""
    if q.single_word != "zero" or s.startswith("-", q.end):  # "came to naught": no level
        return False
    before = _ONE_BEFORE.search(s, max(0, q.start - 12), q.start)
    return before is not None and before.group(1).lower() in _ZERO_LEVEL_BEFORE


def _bare_kind(s: str, q: _Quantity, noun: str | None) -> tuple[str, str | None]:
    """Kind ("count", "date", "number", or "" for none) and ISO date of a bare number."""
    if q.single_word in _ONE_OR_NOUGHT and noun is None and not _zero_as_a_level(s, q):
        return "", None  # "one of the", "the only one", "ground zero", "came to naught"
    if q.single_word in _NOUGHT and s.startswith("-", q.end):
        return "", None  # "zero-tolerance", "zero-sum": a word, not a count
    if q.single_word == "one":
        before = _ONE_BEFORE.search(s, max(0, q.start - 12), q.start)
        if before is not None and before.group(1).lower() in _ONE_DETERMINERS and not (
                noun is not None and before.group(1).lower() == "only"
                and not s[max(0, before.start() - 4):before.start()].lower().endswith("the ")):
            return "", None  # "the one thing", "no one"; but "only one ticket" counts
        if _SPEECH_AFTER.match(s, q.end) is not None:
            return "", None  # "one official said": a source, not a count
    if noun is not None and not (_year_like(q) and (_after_date_preposition(s, q)
                                                   or _year_of_a_report(s, q, noun))):
        return "count", None
    if _is_year(s, q):
        return "date", f"{int(q.raw):04d}"
    return "number", None


_ADDRESS_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][a-z]+){1,3}[ \t]+(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Boulevard"
    r"|Blvd\.?|Drive|Place|Square|Terrace|Crescent)(?![A-Za-z])")
_NOT_A_COUNT_AFTER = re.compile(r"\(k\)|[ \t]+another\b|-on-(?:one|ones)\b")
_FOR_OVER = re.compile(r"(?i)(?<![A-Za-z])(?:for|of|after|lasting|than|took|takes|spent|aged"
                       r"|lasted|been)[ \t]+\Z")
_ENDS_IN_AN_ARTICLE = re.compile(r"(?i)[ \t]an?\Z")
_DISPLAY_FORMAT = re.compile(
    r"[248]K(?=[ \t]+(?:TVs?|televisions?|video|resolution|screens?|displays?|monitors?"
    r"|footage|streaming|Ultra|HDR|content|cameras?)\b)")
_ONE_DAY_IDIOM = re.compile(r"(?:One|Some)[ \t]+(?:day|night|morning|evening),")
_WEEKDAYS = _word_set("monday tuesday wednesday thursday friday saturday sunday")
_APPOSED_TO = re.compile(
    r"(?:(?<![A-Za-z])[A-Z][a-z'’-]+|\b(?:boy|girl|man|woman|son|daughter|mother|father|wife"
    r"|husband|teenager|pensioner|student|driver|victim|suspect|defendant|baby|toddler"
    r"|child))\)?,[ \t]+\Z")
_AGE_CLAUSE_AFTER = re.compile(
    r",[ \t]+(?:of|from|who|was|is|were|has|had|a|an|the|died|said|told|appeared|pleaded"
    r"|admitted|denied|remains|suffered|faces|lives|works)\b")


def _age_in_apposition(s: str, q: _Quantity) -> bool:
    """ "John Smith, 45, of Leeds", "A boy, 12, was hit": an age between commas after a
    name or a person."""
    if not 1 <= q.raw <= 110 or q.raw != int(q.raw) or not _AGE_CLAUSE_AFTER.match(s, q.end):
        return False
    before = _APPOSED_TO.search(s, max(0, q.start - 30), q.start)
    name = before.group().split(",")[0].strip(")").lower() if before is not None else ""
    return bool(name) and name not in _MONTHS and name not in _WEEKDAYS


_ONE_IN_N = re.compile(
    r"(?i)(one|two|three|four|five|six|seven|eight|nine|[1-9])[ \t]+in[ \t]+(?:every[ \t]+)?"
    r"(two|three|four|five|six|seven|eight|nine|ten|twenty|[2-9]|[1-9][0-9]{1,3})\b"
    r"(?![ \t]*(?:[-,.][0-9]|%|years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b"
    r"|seconds?\b|games?\b|matches\b))")


def _one_in_n(s: str, i: int, floor: int) -> tuple[FoundFigure, int] | None:
    """ "one in five adults", "3 in 10 voters": a share, as a percent (20 %, 30 %)."""
    m = _ONE_IN_N.match(s, i)
    if m is None or _glued_before(s, i):
        return None
    part, whole = (_ONES.get(g.lower(), 20 if g.lower() == "twenty" else None) if g.isalpha()
                   else int(g) for g in m.groups())
    if part is None or whole is None or not 0 < part < whole <= 1000:
        return None
    qualifier, start = _qualifier(s, i, floor)
    value = float(f"{100 * part / whole:.4g}")
    return FoundFigure(s[start:m.end()], value, None, "%", "percent", qualifier,
                       None, None, start, m.end()), m.end()


# "twenty twenty-six", "nineteen eighty-four", "nineteen oh five": a year said aloud
_SPOKEN_YEAR = re.compile(
    rf"(?i)(?<![A-Za-z-])(?P<c>eighteen|nineteen|twenty)[ \t]+(?P<y>oh[ \t-]+(?:{_DIGIT_WORDS})"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    rf"|(?:{_TENS_WORDS})(?:[ -](?:{_DIGIT_WORDS}))?)(?![A-Za-z-]|[ \t]+(?:hundred|thousand"
    r"|million|billion|percent|per cent|and|point|of)\b)")

_NUMBER_WORD_BEFORE = re.compile(
    rf"(?i)(?<![A-Za-z])(?:{_DIGIT_WORDS}|{_TENS_WORDS}|ten|eleven|twelve|[a-z]+teen)[ \t,]+\Z")


def _spoken_year(s: str, m: re.Match[str], floor: int) -> FoundFigure:
    words = [w for w in re.split(r"[ \t-]+", m.group("y").lower()) if w != "oh"]
    parsed = _words_value([(w, 0) for w in words])
    century = {"eighteen": 18, "nineteen": 19, "twenty": 20}[m.group("c").lower()]
    year = century * 100 + int(parsed[0] if parsed else 0)
    return _date_figure(s, m.start(), m.end(), year, f"{year:04d}", floor)


_DESIGNATOR_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:page|pages|pp\.|p\.|terminal|gate|platform|room|route|exit|chapter"
    r"|junction|pier|berth|bay|aisle|seat|row|lane|channel|track|bus|tram|level|floor"
    r"|(?:the|a|wears|wore|shirt|jersey)[ \t]+number|no\.|PIN|ZIP)[ \t]+\Z")


def _parse_quantity_at(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int]:
    """Read the figure starting at i (with its qualifier, range and noun)."""
    enumerator = _ENUMERATOR.match(s, i) if not s[:i].strip(" \t(-*•–") else None
    if enumerator is not None:
        return None, enumerator.end()  # "5. Your use of the Service", "(8) your use"
    share = _one_in_n(s, i, floor)
    if share is not None:
        return share
    spoken = _SPOKEN_YEAR.match(s, i)
    if spoken is not None and not _NUMBER_WORD_BEFORE.search(s, max(0, i - 12), i):
        # (in a run of number words read out, "four twenty fifteen" is 20 and 15)
        return _spoken_year(s, spoken, floor), spoken.end()
    q = _read_quantity(s, i)
    if q is None:
        return None, i + 1
    era = _ERA.match(s, q.end) if q.bare and q.plain_int and not q.is_word else None
    if era is not None:
        return _era_year(s, q, era, floor), era.end()
    if not q.is_word and _after_is_glued(s, q.end) and not _other_unit_after_slash(s, q):
        return None, _token_end(s, q.end)
    if q.bare and q.is_word and _ENDS_IN_AN_ARTICLE.search(s, q.start, q.end):
        return None, q.end  # "won by half a point": "half a" read for a unit that is none
    if _DISPLAY_FORMAT.match(s, q.start) or (not s[:q.start].strip(" \t\"“'(")
                                             and _ONE_DAY_IDIOM.match(s, q.start)):
        return None, q.end  # "a 4K TV" names a format; "One day, he left" no duration
    if q.bare and q.plain_int and _DESIGNATOR_BEFORE.search(s, max(0, q.start - 14), q.start):
        return None, q.end  # "page 42", "terminal 2", "the number 73 bus": which, not how many
    if q.bare and (_ADDRESS_AFTER.match(s, q.end) or _NOT_A_COUNT_AFTER.match(s, q.end)
                   or s[max(0, q.start - 7):q.start].lower() == "one-on-"):
        return None, q.end  # "10 Downing Street", "a 401(k)", "one another", "one-on-one"
    aged = q.bare and q.plain_int and _AGE_BEFORE.search(s, max(0, q.start - 28), q.start)
    if aged or (q.bare and (q.is_word or q.plain_int) and _age_in_apposition(s, q)):
        q.unit, q.kind = "year", "duration"  # "at age 14", "John Smith, 45, of Leeds"
    qualifier, start = _qualifier(s, q.start, floor)
    if qualifier == "over" and q.kind == "duration" and not _FOR_OVER.search(
            s, max(floor, start - 12), start):
        qualifier, start = None, q.start  # "paid over 12 months": during, not more than
    between, reading = _range_context(s, q.start, floor)
    span = _Span(start if between is None else between, qualifier, floor)
    partner = _range_partner(s, q)
    if partner is None:
        return _build(s, _lent_by_list(s, q, span), span), q.end
    join, other = partner
    if aged and other.bare and other.plain_int:
        other.unit, other.kind = "year", "duration"  # "aged 5 to 11", "aged 13-17"
    return _with_partner(s, q, other, join, span, between is not None, reading)


def _lent_by_list(s: str, q: _Quantity, span: _Span) -> _Quantity:
    """A bare first item of a list takes the unit, currency and scale, or the counted noun,
    of its last item: "8, 10 and 12 inches", "1, 2 or 3 billion", "3, 4 and 5 cases"."""
    tail = _LIST_TAIL.match(s, q.end) if q.bare and not q.is_word else None
    if tail is None or _is_year(s, q) or _START.match(s, tail.end()) is None:
        return q
    last = _read_quantity(s, tail.end())
    if last is None or _after_is_glued(s, last.end):
        return q
    if not last.bare:
        if last.kind != "distance" and "x" in tail.group().lower().replace("×", "x"):
            return q  # sides are lengths: "2 x 20 kg dumbbells" is two of 20 kg
        return _borrow(q, last) if not last.prefixed and _compatible(q, last) else q
    span.noun = _noun_after(s, last.end, last.value)
    return q


def _era_year(s: str, q: _Quantity, era: re.Match[str], floor: int) -> FoundFigure:
    """"1792 BC" (value -1792; ISO 8601 year -1791, as 1 BC is year 0) or "717 CE"."""
    year = int(q.raw)
    before_christ = era.group(1).lower().startswith("b")
    iso = f"-{year - 1:04d}" if before_christ else f"{year:04d}"
    return _date_figure(s, q.start, era.end(), -year if before_christ else year, iso, floor)


def _with_partner(s: str, q: _Quantity, other: _Quantity, join: re.Match[str], span: _Span,
                  between: bool, reading: str) -> tuple[FoundFigure | None, int]:
    """Join "X to Y" into a range when it is one; else X stands alone, maybe borrowing."""
    word = (join.group(1) or "").lower()
    hyphen, explicit, change = word == "", between or reading == "range", reading == "change"
    other_noun = _noun_after(s, other.end, other.value) if other.bare else None
    year_end = _year_range(q, other, join.group()) if other_noun is None else None
    if year_end is not None and (hyphen or explicit or (word == "to" and not change)):
        return _year_span(s, q, year_end, span, other.end), other.end
    if (_is_year(s, q) and not _year_like(other)) or not _compatible(q, other):
        return _build(s, q, span), q.end  # "in 2014 and $5 billion": a year borrows nothing
    if word == "to" and not q.bare and not other.bare and _moved_by(s, span.start):
        return _build(s, q, span), q.end  # "rose $1.20 to $84.35": by how much, then where
    shares_a_scale = q.scale == 1.0 and other.scale != 1.0  # "$2 to 3 billion": a range
    if word == "to" and _moved_by_by(s, span.start) and not shares_a_scale and (
            not (q.bare or other.bare) or abs(other.value) > 3 * abs(_borrow(q, other).value)):
        return _build(s, _borrow(q, other) if q.bare else q, span), q.end  # "rose by 300 to 4,500"
    x, y = _borrow(q, other), _borrow(other, q, scale=False)
    ordered = x.value < y.value
    joins = (word in ("to", "") and not change and (ordered or explicit)) or (
        explicit and word == "and")
    if q.bare and other.bare and word == "to" and (_SCORE_OF_BEFORE.search(
            s, max(0, q.start - 12), q.start) is not None or _is_score(s, q.start, other.end)):
        return None, other.end  # "by a score of 29 to 23", "they won 5 to 2"
    if hyphen and q.bare and other.bare and (not ordered or _is_score(s, q.start, other.end)):
        return None, other.end  # "a 7-2 vote", "won 24-31": a score, not two figures
    if joins and x.kind == y.kind:
        span.value_max, span.end = y.value, other.end
        return _build(s, x, span), other.end
    if q.bare and not hyphen and not (_is_year(s, q) and _year_like(other)):
        span.noun = other_noun  # "45 and 50 cases", "two or three missiles"
        return _build(s, x, span), q.end
    return _build(s, q, span), q.end


def _moved_by(s: str, start: int) -> bool:
    """Whether a verb of change stands just before start ("rose", "fell", "gained")."""
    before = _ONE_BEFORE.search(s, max(0, start - 14), start)
    return before is not None and before.group(1).lower() in _MOVED_BY_VERBS


_BY_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z]+)[ \t]+by[ \t]+\Z")


def _moved_by_by(s: str, start: int) -> bool:
    """ "rose by", "was cut by": a move reported (in the past or present tense), so "X to Y"
    after it is the move and the new level; "is expected to rise by 2 to 3%" stays a range."""
    before = _BY_BEFORE.search(s, max(0, start - 20), start)
    return before is not None and before.group(1).lower() in _MOVED_BY_VERBS | _CUT_VERBS


def _is_score(s: str, start: int, end: int) -> bool:
    """Whether "X-Y" stands by words of a result: "won 24-31", "a 3-4 defeat"."""
    before = _ONE_BEFORE.search(s, max(0, start - 14), start)
    if before is not None and before.group(1).lower() in _SCORE_WORDS:
        return True
    after = _RUN_WORD.match(s, end)
    return after is not None and after.group(1).lower() in _SCORE_WORDS


def _year_span(s: str, q: _Quantity, year_end: float, span: _Span, end: int) -> FoundFigure:
    """A date range such as "2013-14" or "between 2014 and 2022"."""
    return FoundFigure(s[span.start:end], q.raw, year_end, None, "date", span.qualifier, None,
                       f"{int(q.raw):04d}", span.start, end)


# "a man in his 40s", "temperatures in the low 90s": a band of ten (or of its low, mid or
# high part) read as an age or, among words of weather, a temperature.
_BAND = re.compile(r"([1-9]0)s\b")
_BAND_BEFORE = re.compile(r"(?i)(?<![A-Za-z])(?P<whose>the|his|her|their|its)[ \t]+"
                          r"(?:(?P<part>low|mid|high|upper|early|late)[- \t])?\Z")
_BAND_PART = {"low": (0, 3), "early": (0, 3), "mid": (4, 6), "high": (7, 9), "upper": (7, 9),
              "late": (7, 9), None: (0, 9)}


def _band(s: str, i: int, floor: int) -> tuple[FoundFigure, int] | None:
    m = _BAND.match(s, i)
    before = _BAND_BEFORE.search(s, max(floor, i - 14), i) if m is not None else None
    if m is None or before is None:
        return None
    whose = before.group("whose").lower()
    if whose != "the" and whose != "its":
        unit, kind = "year", "duration"  # "in her 40s": an age
    elif (_TEMPERATURE_CONTEXT.search(s, max(0, before.start() - 120), before.start())
          or _TEMPERATURE_CONTEXT.search(s, m.end(), m.end() + 120)):
        unit, kind = "deg", "temperature"  # the band's own "low" is no word of weather
    else:
        return None
    part = before.group("part")
    low, high = _BAND_PART[part.lower() if part else None]
    tens = int(m.group(1))
    start = before.start("part") if part else i
    return FoundFigure(s[start:m.end()], float(tens + low), float(tens + high), unit, kind,
                       None, None, None, start, m.end()), m.end()


_AGE_GROUP = re.compile(r"([0-9]{1,2})['’]?s\b")
_AGE_GROUP_BEFORE = re.compile(r"(?i)(?<![A-Za-z])(over|under)[ -]\Z")
_YEARS_OLD_ABBREVIATED = re.compile(r"([0-9]{1,3})[ ]?(?:yo|y\.o\.|yrs?[ ]old)(?![A-Za-z])")


def _parse_digit_at(s: str, i: int, floor: int) -> tuple[FoundFigure | None, int]:
    """A figure that starts with a digit: a date, a time of day, a decade or a quantity."""
    phone = _PHONE.match(s, i)
    if phone is not None:
        return None, phone.end()
    for read in (_read_numeric_date, _read_day_range, _read_day_first, _read_day_after_month,
                 _read_day_alone, _read_clock):
        found = read(s, i, floor)
        if found is not None:
            return found
    band = _band(s, i, floor)
    if band is not None:
        return band
    ages = _AGE_GROUP.match(s, i)
    group_of = _AGE_GROUP_BEFORE.search(s, max(floor, i - 6), i) if ages else None
    if ages is not None and group_of is not None:  # "over-60s travel free", "the under-18s"
        qualifier = group_of.group(1).lower()
        return FoundFigure(s[group_of.start():ages.end()], float(ages.group(1)), None, "year",
                           "duration", qualifier, None, None, group_of.start(),
                           ages.end()), ages.end()
    yo = _YEARS_OLD_ABBREVIATED.match(s, i)
    if yo is not None:  # "my 7 yo", "a 7yo", "7 y.o."
        return FoundFigure(s[i:yo.end()], float(yo.group(1)), None, "year", "duration", None,
                           None, None, i, yo.end()), yo.end()
    height = _FEET_AND_INCHES.match(s, i)
    if height is not None:  # "6'2\"", "5′11″": a height in inches
        inches = 12 * float(height.group(1)) + float(height.group(2))
        return FoundFigure(height.group(), inches, None, "in", "distance", None, None, None,
                           i, height.end()), height.end()
    decade = _DECADE.match(s, i)
    if decade is not None:
        year = int(decade.group(1))
        # "the 1800s" is a century; "the 1990s", and "the 1900s" (as often a decade), decades
        iso = f"{year // 100:02d}XX" if year % 100 == 0 and year < 1900 else f"{year // 10:03d}X"
        return _date_figure(s, i, decade.end(), year, iso, floor), decade.end()
    century = _CENTURY.match(s, i)
    if century is not None and 1 <= int(century.group(1)) <= 22:
        first = (int(century.group(1)) - 1) * 100
        return _date_figure(s, i, century.end(), first, f"{first // 100:02d}XX",
                            floor), century.end()
    return _parse_quantity_at(s, i, floor)


def _parse_at(s: str, m: re.Match[str], floor: int) -> tuple[FoundFigure | None, int]:
    """Dispatch on what kind of start _START found."""
    i, group = m.start(), m.lastgroup
    if group == "month":
        return _read_month_first(s, i, floor)
    if group == "sign" and (_glued_before(s, i) or (i > 0 and s[i - 1] in "-−")):
        return None, i + 1
    if group == "sign" and s[i] == "+" and (phone := _PHONE.match(s, i)) is not None:
        return None, phone.end()
    fy = _FY_BEFORE.search(s, max(0, i - 3), i) if group == "digit" else None
    if fy is not None and (fiscal := _FISCAL_YEAR.match(s, fy.start())) is not None:
        return _fiscal_year(s, fiscal, floor)
    if group == "digit" and _AGE_GROUP_BEFORE.search(s, max(floor, i - 6), i) is not None \
            and _AGE_GROUP.match(s, i) is not None:
        return _parse_digit_at(s, i, floor)  # "over-60s": glued by its hyphen, still an age
    if group in ("digit", "cur") and _glued_before(s, i) and not _day_after_dash(s, i):
        return None, _token_end(s, i)
    if group == "cur" and not _is_currency_mark(m.group().strip()):
        if m.group().strip().lower() in _MONTHS:  # "MAR 18, 2024": capitals, not a code
            return _read_month_first(s, i, floor)
        return None, m.end()
    if group == "digit" and s[i].isdigit():
        return _parse_digit_at(s, i, floor)
    return _parse_quantity_at(s, i, floor)


# "FY2024", "FY24", "FY 2024-25": a fiscal year.
_FY_BEFORE = re.compile(r"(?<![A-Za-z])FY[ ]?\Z")
_FISCAL_YEAR = re.compile(r"(?<![A-Za-z])(?P<fy>FY)[ ]?(?P<y>20[0-9]{2}|[0-9]{2})"
                          r"(?:[-/](?P<end>[0-9]{2}|20[0-9]{2}))?(?![0-9A-Za-z])")


def _fiscal_year(s: str, m: re.Match[str], floor: int) -> tuple[FoundFigure | None, int]:
    year = _full_year(m.group("y"))
    found = FoundFigure(m.group(), float(year), None, None, "date", "fiscal", None,
                        f"{year:04d}", m.start(), m.end())
    if m.group("end"):
        found = replace(found, value_max=float(_full_year(m.group("end")[-2:])))
    return found, m.end()


def _day_after_dash(s: str, i: int) -> bool:
    """Whether i starts the second day of "22-23 Feb" (glued to the first by a dash)."""
    return s[i - 1] in "-–—" and (_DAY_MONTH.match(s, i) is not None or _MONTH_RANGE_BEFORE.search(
        s, max(0, i - 30), i) is not None)


def _next_start(s: str, pos: int, with_words: bool, floor: int) -> re.Match[str] | None:
    """The next place a figure may begin; words are searched for only when present."""
    if with_words:
        return _START.search(s, pos)
    while (hit := _SYMBOL_HIT.search(s, pos)) is not None:
        i = hit.start()
        if s[i] in "$£₵":
            # "US$", "HK$", "U.S.$", "E£", "GH₵": the symbol starts with letters before it
            # (perhaps before pos, as "U.S." holds dots the scan already passed).
            for j in range(max(floor, i - 4), i):
                prefixed = _START.match(s, j)
                if prefixed is not None and prefixed.lastgroup == "cur":
                    return prefixed
        m = _START.match(s, i)
        if m is not None:
            return m
        pos = i + 1
    return None


# A briefing's revisions repeat most of their sentences, so find_figures remembers the last
# few thousand it read (each keyed on its exact text and FIGURES_VERSION; FoundFigure is
# frozen, so a remembered answer cannot be changed by its users). Longer texts are rare.
MEMO_SENTENCES, MEMO_LONGEST = 8192, 2000


def find_figures(sentence: str) -> list[FoundFigure]:
    """Every figure in the sentence, in order of position and without overlaps."""
    if len(sentence) > MEMO_LONGEST:
        return scan_figures(sentence)
    return list(_remembered(FIGURES_VERSION, sentence))


@lru_cache(maxsize=MEMO_SENTENCES)
def _remembered(version: str, sentence: str) -> tuple[FoundFigure, ...]:
    """scan_figures of ``sentence``, once per (version, text) while it stays in the memo."""
    return tuple(scan_figures(sentence))


def scan_figures(sentence: str) -> list[FoundFigure]:
    """find_figures without the memo: the scan itself."""
    found: list[FoundFigure] = []
    pos, floor = 0, 0
    with_words = not _TRIGGER_WORDS.isdisjoint(_LETTER_WORD.findall(sentence))
    while pos < len(sentence):
        m = _next_start(sentence, pos, with_words, floor)
        if m is None:
            break
        figure, next_pos = _parse_at(sentence, m, floor)
        if figure is not None and figure.start >= floor:
            found.append(_with_the_unit_of_from(sentence, figure, found[-1] if found else None))
            floor = figure.end
            next_pos = max(next_pos, figure.end)
        pos = max(next_pos, m.start() + 1, pos + 1)  # always forward: a look-back start
    return found


# "from 3 per cent to 3.5", "from 20C to 25": the end of a move in percent or a measure
_FROM_TO = re.compile(r"(?i)(?<![A-Za-z])from[ \t]+\Z")
_TO_BETWEEN = re.compile(r"[ \t]+to[ \t]+\Z")
_LENT_KINDS = frozenset({"percent", "temperature", "distance", "mass", "volume", "speed",
                         "area", "energy", "power"})


def _with_the_unit_of_from(s: str, figure: FoundFigure,
                           previous: FoundFigure | None) -> FoundFigure:
    """A bare number after "from X% to" takes X's unit: the move names it once."""
    if (previous is None or figure.kind != "number" or figure.unit is not None
            or previous.kind not in _LENT_KINDS or previous.value_max is not None
            or not _TO_BETWEEN.fullmatch(s, previous.end, figure.start)
            or _FROM_TO.search(s, max(0, previous.start - 6), previous.start) is None
            or not 0.1 <= abs(figure.value) / max(abs(previous.value), 1e-9) <= 10):
        return figure
    return replace(figure, unit=previous.unit, kind=previous.kind)


# --------------------------------------------------------------------------- interface


def figures_record(text: str) -> dict[str, Any]:
    """{"text": text, "figures": [each FoundFigure as a dict]}: what `chronicle figures` prints."""
    return {"text": text, "figures": [asdict(f) for f in find_figures(text)]}


def figures_json_lines(lines: Iterable[str], source: str = "stdin") -> Iterator[str]:
    """One JSON line out per JSON line in: {"text": ...} (other keys kept) or a JSON string.

    Blank lines are skipped. A line that is not such JSON raises InputError naming it.
    """
    from .errors import InputError

    for number, line in enumerate(_decoded(lines, source), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{source} line {number}", f"not JSON ({error.msg})") from None
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(f"{source} line {number}",
                             'expected a JSON object with a "text" string, or a JSON string')
        yield json.dumps({**item, **figures_record(item["text"])}, ensure_ascii=False)


def _decoded(lines: Iterable[str], source: str) -> Iterator[str]:
    """The lines, with a decoding error of the stream turned into InputError."""
    from .errors import InputError

    iterator = iter(lines)
    while True:
        try:
            line = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InputError(source, "not UTF-8 text") from None
        yield line


class _Readable(Protocol):
    """What reading() needs of a figure (a FoundFigure or a stored model.Figure)."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def value_max(self) -> float | None: ...
    @property
    def date(self) -> str | None: ...


def reading(figure: _Readable) -> str:
    """A date or a time as a person reads it: "2014-06", "2013-14", "09:30"."""
    if figure.kind == "time":
        seconds = round(figure.value * 3600)
        if seconds % 60:
            return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        minutes = seconds // 60
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    text = figure.date or f"{figure.value:g}"
    if figure.value_max is not None:  # "2013-14": a span of years
        text += f" to {figure.value_max:g}"
    return text


def describe(figure: FoundFigure) -> str:
    """One line for a person: the text, then what it was read as ("2014-06 (date)")."""
    if figure.kind in ("date", "time"):
        read = reading(figure)
    else:
        read = f"{figure.value:,.10g}"
        if figure.value_max is not None:
            read += f" to {figure.value_max:,.10g}"
        read += f" {figure.unit}" if figure.unit else ""
        read += f" {figure.noun}" if figure.noun else ""
    qualifier = f"{figure.qualifier} " if figure.qualifier else ""
    return f"{figure.text}\t{qualifier}{read} ({figure.kind})"
