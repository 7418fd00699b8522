"""Tests of chronicle.figures.find_figures: the example briefing, formats, and properties."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from num2words import num2words

from chronicle import figures as figures_module
from chronicle.cli import main
from chronicle.figures import (
    FIGURES_VERSION,
    FoundFigure,
    figures_json_lines,
    find_figures,
    scan_figures,
)
from chronicle.units import UNIT_BASES, base_quantity, base_range

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


def only(sentence: str) -> FoundFigure:
    """The single figure of a sentence (fails when there is not exactly one)."""
    figures = find_figures(sentence)
    assert len(figures) == 1, figures
    return figures[0]


def check_spans(sentence: str, figures: list[FoundFigure]) -> None:
    """Every figure's text is the slice it claims, in order and without overlaps."""
    previous_end = 0
    for figure in figures:
        assert sentence[figure.start:figure.end] == figure.text
        assert previous_end <= figure.start < figure.end
        previous_end = figure.end


# --------------------------------------------------------------- the example briefing


def test_security_assistance_money_and_month() -> None:
    sentence = ("U.S. has provided over $56.2 billion in security assistance to Ukraine "
                "since February 2022")
    money, date = find_figures(sentence)
    assert money == FoundFigure(
        text="over $56.2 billion", value=56.2e9, value_max=None, unit="USD", kind="money",
        qualifier="over", noun=None, date=None, start=18, end=36)
    assert (date.kind, date.text, date.date, date.value) == (
        "date", "February 2022", "2022-02", 2022.0)
    assert date.unit is None and date.qualifier is None
    check_spans(sentence, [money, date])


def test_troops_and_approximate_soldiers() -> None:
    sentence = ("The move comes in response to Russia’s deployment of 50,000 troops, among them "
                "about 11,000 North Korean soldiers, to the southern region of Kursk")
    troops, soldiers = find_figures(sentence)
    assert (troops.text, troops.kind, troops.value, troops.noun, troops.qualifier) == (
        "50,000", "count", 50000.0, "troops", None)
    assert (soldiers.text, soldiers.kind, soldiers.value, soldiers.noun,
            soldiers.qualifier) == ("about 11,000", "count", 11000.0, "soldiers", "about")
    assert troops.unit is None and soldiers.unit is None
    check_spans(sentence, [troops, soldiers])


def test_missile_range_and_warhead_mass() -> None:
    sentence = ("These military packages include Storm Shadow missiles, which boast a range of "
                "500 kilometers and carry 450 kg warheads.")
    distance, mass = find_figures(sentence)
    assert (distance.text, distance.kind, distance.value, distance.unit) == (
        "500 kilometers", "distance", 500.0, "km")
    assert (mass.text, mass.kind, mass.value, mass.unit) == ("450 kg", "mass", 450.0, "kg")
    assert distance.value_max is None and mass.value_max is None


def test_six_atacms_missiles_is_one_count() -> None:
    sentence = ("Russia’s defense ministry said Ukraine fired six ATACMS missiles at a military "
                "facility in the Bryansk region on Tuesday.")
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.value, figure.noun, figure.unit) == (
        "six", "count", 6.0, "missiles", None)


def test_atacms_authorisation_has_no_figures() -> None:
    sentence = ("President Biden authorizes Ukraine to use U.S.-supplied ATACMs missiles against "
                "Russian targets")
    assert find_figures(sentence) == []


# --------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("sentence", "text", "kind", "value", "unit"),
    [
        ("In all, 1.5m people fled.", "1.5m", "count", 1.5e6, None),
        ("Yesterday 40m Americans voted.", "40m", "count", 4e7, None),
        ("The plan saves 2m jobs.", "2m", "count", 2e6, None),
        ("The wall is 3m tall.", "3m", "distance", 3.0, "m"),
        ("She won the 100m final.", "100m", "distance", 100.0, "m"),
        ("A 2m-high fence stands.", "2m", "distance", 2.0, "m"),
        ("It rose 8.9m.", "8.9m", "distance", 8.9, "m"),
    ],
)
def test_a_glued_m_is_millions_before_a_plural_noun(sentence: str, text: str, kind: str,
                                                    value: float, unit: str | None) -> None:
    """The British press's "1.5m people": millions; "3m tall", "the 100m final": metres."""
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.value, figure.unit) == (text, kind, value, unit)


@pytest.mark.parametrize(
    ("sentence", "text", "kind", "value", "unit"),
    [
        ("The EU pledged €3bn in aid.", "€3bn", "money", 3e9, "EUR"),
        ("London sent £400m more.", "£400m", "money", 4e8, "GBP"),
        ("Japan gave US$ 5 million.", "US$ 5 million", "money", 5e6, "USD"),
        ("He was paid 5 million dollars.", "5 million dollars", "money", 5e6, "USD"),
        ("The fee is USD 12 a day.", "USD 12", "money", 12.0, "USD"),
        ("They spent 20 million pounds.", "20 million pounds", "money", 2e7, "GBP"),
        ("Missiles flew 300 miles.", "300 miles", "distance", 300.0, "mi"),
        ("The target was 500km away.", "500km", "distance", 500.0, "km"),
        ("A convoy 5 km long.", "5 km", "distance", 5.0, "km"),
        ("Each shell weighs 10 pounds.", "10 pounds", "mass", 10.0, "lb"),
        ("It carried 3 tonnes of food.", "3 tonnes", "mass", 3.0, "t"),
        ("Support fell to 40%.", "40%", "percent", 40.0, "%"),
        ("Support fell to 40 per cent.", "40 per cent", "percent", 40.0, "%"),
        ("Support fell to 40 percent.", "40 percent", "percent", 40.0, "%"),
        ("The war has lasted three years.", "three years", "duration", 3.0, "year"),
        ("Talks ran for 48 hours.", "48 hours", "duration", 48.0, "h"),
        ("Jets flew at 900 km/h.", "900 km/h", "speed", 900.0, "km/h"),
        ("Fires burned 200 hectares.", "200 hectares", "area", 200.0, "ha"),
        ("The plant makes 4,500 MW.", "4,500 MW", "power", 4500.0, "MW"),
        ("It was 30 °C in Kyiv.", "30 °C", "temperature", 30.0, "degC"),
    ],
)
def test_units_and_currencies(sentence: str, text: str, kind: str, value: float,
                              unit: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.unit) == (text, kind, unit)
    assert math.isclose(figure.value, value)


def test_scaled_count_takes_its_noun() -> None:
    figure = only("Some 1.5 million people fled.")
    assert (figure.text, figure.kind, figure.value, figure.noun, figure.qualifier) == (
        "Some 1.5 million", "count", 1.5e6, "people", "some")


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("A dozen soldiers were hurt.", 12.0), ("Two hundred civilians left.", 200.0),
     ("Nearly two and a half million people voted.", 2.5e6),
     ("They fired one hundred and two shells.", 102.0)],
)
def test_number_words(sentence: str, value: float) -> None:
    figure = only(sentence)
    assert figure.kind == "count"
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "unit"),
    [
        ("Between 10 and 20 people died.", "Between 10 and 20", 10.0, 20.0, None),
        ("A front of 10-20 km.", "10-20 km", 10.0, 20.0, "km"),
        ("A front of 10 to 20 km.", "10 to 20 km", 10.0, 20.0, "km"),
        ("It costs between $1 and 2 billion.", "between $1 and 2 billion", 1e9, 2e9, "USD"),
        ("Temperatures ranged from -18 °C to -34 °C.", "-18 °C to -34 °C", -34.0, -18.0,
         "degC"),
    ],
)
def test_ranges(sentence: str, text: str, low: float, high: float, unit: str | None) -> None:
    figure = only(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert figure.value_max is not None
    assert math.isclose(figure.value, low) and math.isclose(figure.value_max, high)


def test_a_change_is_two_figures_not_a_range() -> None:
    before, after = find_figures("Prices rose from $350 to $680.")
    assert (before.value, after.value, before.value_max) == (350.0, 680.0, None)


def test_shared_unit_in_a_list() -> None:
    first, second = find_figures("Patients got 45 and 50 mg.")
    assert (first.text, first.unit, second.text, second.unit) == ("45", "mg", "50 mg", "mg")


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Forecasters expect 8, 10 and 12 inches of rain.",
     [("8", "in", None), ("10", "in", None), ("12 inches", "in", None)]),
    ("It could cost 1, 2 or 3 billion dollars.",
     [("1", "USD", None), ("2", "USD", None), ("3 billion dollars", "USD", None)]),
    ("Police arrested 3, 4 and 5 people.",
     [("3", None, "people"), ("4", None, "people"), ("5", None, "people")]),
    # a currency written before the last item is that item's own
    ("Tickets cost 10, 12 and $15.", [("10", None, None), ("12", None, None),
                                      ("$15", "USD", None)]),
    ("In 2019, 2020 and 2021 sales grew.", [("2019", None, None), ("2020", None, None),
                                            ("2021", None, None)]),
])
def test_the_first_item_of_a_list_takes_the_last_items_unit(
        sentence: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    assert [(f.text, f.unit, f.noun) for f in find_figures(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "text", "iso", "year"),
    [
        ("Russia invaded on 24 February 2022.", "24 February 2022", "2022-02-24", 2022.0),
        ("It began on February 24, 2022.", "February 24, 2022", "2022-02-24", 2022.0),
        ("Fighting has raged since 2014.", "2014", "2014", 2014.0),
        ("Prices peaked in 2022.", "2022", "2022", 2022.0),
        ("The 1990s were calmer.", "1990s", "199X", 1990.0),
        ("the golden bull (1356) set it", "1356", "1356", 1356.0),
    ],
)
def test_dates(sentence: str, text: str, iso: str, year: float) -> None:
    figure = only(sentence)
    assert (figure.kind, figure.text, figure.date, figure.value) == ("date", text, iso, year)


def test_year_range() -> None:
    figure = only("Output fell in 2013-14.")
    assert (figure.kind, figure.value, figure.value_max, figure.date) == (
        "date", 2013.0, 2014.0, "2013")


@pytest.mark.parametrize(
    "sentence",
    [
        "Ukraine wants F-16 jets.",
        "Su-34 bombers struck after COVID-19 ended.",
        "The G7 met on Tuesday.",
        "NATO may invoke Article 5.",
        "Iran breached Resolution 2231.",
        "Russia fired one of the missiles.",
        "It was the only one left.",
        "Kyiv came first and second.",
        "Germany sent Leopard 2 tanks.",
        "The attacks of 9/11 changed that.",
        "The 21st session began.",
        "Shahed-136 drones and S-400 systems.",
    ],
)
def test_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_decimal_stays_one_number() -> None:
    figure = only("Aid reached 56.2 in the index.")
    assert (figure.text, figure.value) == ("56.2", 56.2)


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [("More than 1,000 tanks were lost.", "more than"), ("at least 5 drones", "at least"),
     ("up to 7 missiles", "up to"), ("roughly 300 people", "roughly"),
     ("~500 troops", "about"), ("fewer than 20 ships", "fewer than")],
)
def test_qualifiers(sentence: str, qualifier: str) -> None:
    figure = only(sentence)
    assert figure.qualifier == qualifier
    assert figure.text.lower().startswith(qualifier) or figure.text.startswith("~")


@pytest.mark.parametrize("text", ["20/2030 and", "1 '2", "$99(", "($99", "", "-", "$", "1e999",
                                  "9" * 400, "0x10^310", "between and", "½"])
def test_odd_strings_do_not_crash(text: str) -> None:
    check_spans(text, find_figures(text))


# --------------------------------------------------------------- properties


@PROPERTY_SETTINGS
@given(st.text())
def test_never_raises_and_spans_hold(sentence: str) -> None:
    figures = find_figures(sentence)
    check_spans(sentence, figures)
    for figure in figures:
        assert math.isfinite(figure.value)
        assert figure.value_max is None or math.isfinite(figure.value_max)


FRAGMENTS = st.sampled_from(
    ["1", "2,000", "56.2", " ", "$", "€", "-", "–", " to ", " and ", "between ", "million",
     " km", "%", "February ", "2022", "one ", "six ", "hundred ", "F-", "bn", "m", "x10^",
     "±", ".", ",", "/", "troops", " per cent", "from ", "rose ", "about ", "(", ")",
     "a ", "half ", " degrees", "(24)", "Kč", "RM", "-1/2", "June", "10-", " o'clock", "minus ",
     ",5", " litre", " and a half", "2023-06-01", "04/02/", "late ", "mid-", " basis points",
     "9:30", " a.m.", "+1 ", "555-123-4567", "thirty-", "first", " dollars", " and 25 cents"])


@PROPERTY_SETTINGS
@given(st.lists(FRAGMENTS, max_size=20).map("".join))
def test_figure_like_noise_keeps_invariants(sentence: str) -> None:
    figures = find_figures(sentence)
    check_spans(sentence, figures)
    assert all(math.isfinite(f.value) for f in figures)


SCALES = [("", 1), (" thousand", 10**3), (" million", 10**6), (" billion", 10**9),
          (" trillion", 10**12), ("bn", 10**9), (" bn", 10**9)]
PREFIXES = [("", None), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("US$", "USD"),
            ("USD ", "USD"), ("¥", "JPY")]
SUFFIXES = [(" dollars", "USD"), (" euros", "EUR"), (" yen", "JPY"), (" USD", "USD")]


def written(number: Decimal, separators: bool) -> str:
    """The number as a reporter would type it, with or without thousands separators."""
    whole, _, fraction = f"{number:f}".partition(".")
    whole = f"{int(whole):,}" if separators else whole
    return f"{whole}.{fraction}" if fraction else whole


@PROPERTY_SETTINGS
@given(
    st.integers(min_value=0, max_value=999_999_999),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=999),
    st.booleans(),
    st.sampled_from(SCALES),
    st.one_of(st.sampled_from(PREFIXES).map(lambda p: (p, True)),
              st.sampled_from(SUFFIXES).map(lambda p: (p, False))),
)
def test_round_trip_of_written_amounts(whole: int, places: int, digits: int, separators: bool,
                                       scale: tuple[str, int],
                                       currency: tuple[tuple[str, str | None], bool]) -> None:
    number = Decimal(whole) + (Decimal(digits % 10**places) / 10**places if places else 0)
    (mark, code), is_prefix = currency
    amount = written(number, separators)
    text = f"{mark}{amount}{scale[0]}" if is_prefix else f"{amount}{scale[0]}{mark}"
    figure = only(f"The fund received {text} last year.")
    groups_with_dots = mark == "¥" if is_prefix else mark in (" euros", " yen")
    three_decimals = len(amount.partition(".")[2]) == 3
    if groups_with_dots and three_decimals and 1 <= whole < 1000 and not scale[0]:
        number *= 1000  # "2.500 euros", "¥1.001": the yen has no decimals; a euro after it
    assert math.isclose(figure.value, float(number) * scale[1], rel_tol=1e-9)
    assert figure.unit == code
    assert figure.text == text


@pytest.mark.parametrize(("text", "value", "code"), [
    ("Rp 10.000", 10_000, "IDR"), ("¥10.000", 10_000, "JPY"), ("VND 250.000", 250_000, "VND"),
    ("10.000 €", 10_000, "EUR"), ("2.500 Euro", 2_500, "EUR"), ("1.234 euros", 1_234, "EUR"),
    # English decimals: the symbol first, a scale word, a leading zero, the dollar
    ("€1.659", 1.659, "EUR"), ("€1.234 billion", 1.234e9, "EUR"), ("0.125 euros", 0.125, "EUR"),
    ("$3.499", 3.499, "USD"), ("£1.250", 1.25, "GBP"),
])
def test_grouping_dot_in_money_follows_the_currency(text: str, value: float, code: str) -> None:
    figure = only(f"It cost {text} in the end.")
    assert (figure.value, figure.unit) == (pytest.approx(value), code)


@pytest.mark.parametrize(("text", "value", "code"), [
    ("7 dollars and 25 cents", 7.25, "USD"), ("10 bucks", 10, "USD"),
])
def test_amount_words(text: str, value: float, code: str) -> None:
    figure = only(f"It cost {text} in the end.")
    assert (figure.value, figure.unit) == (pytest.approx(value), code)


def test_cents_do_not_join_an_amount_with_a_scale() -> None:
    figures = find_figures("The grant was 3 million euros, 45 cents of it unspent.")
    assert [(f.text, f.value) for f in figures] == [("3 million euros", 3e6), ("45 cents", 0.45)]


@pytest.mark.parametrize(("text", "iso"), [
    ("3 Aug 96", "1996-08-03"), ("3rd Feb 82.", "1982-02-03"), ("5 June '24,", "2024-06-05"),
    ("Sun 15Sep", "--09-15"),
])
def test_day_month_with_short_year(text: str, iso: str) -> None:
    assert [f.date for f in find_figures(text) if f.kind == "date"] == [iso]


def test_a_number_after_day_month_is_no_year() -> None:
    figures = find_figures("On 3 May 15 people were hurt.")
    assert [(f.kind, f.date or f.value) for f in figures] == [("date", "--05-03"), ("count", 15)]


def test_below_zero_is_a_temperature() -> None:
    figure = only("Overnight it fell to 20 below zero.")
    assert (figure.kind, figure.value) == ("temperature", -20)


# --------------------------------------------------------------- issue 11: categories


def read(sentence: str) -> list[tuple[str, str, float, float | None, str | None]]:
    """(text, kind, value, value_max, unit) of every figure, rounded to hide float noise."""
    figures = find_figures(sentence)
    check_spans(sentence, figures)
    return [(f.text, f.kind, round(f.value, 9), None if f.value_max is None else
             round(f.value_max, 9), f.unit) for f in figures]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        ("The rate was raised to 6-1/2 percent.", "6-1/2 percent", 6.5, "%"),
        ("The discount rate is 1-1/4 percent.", "1-1/4 percent", 1.25, "%"),
        ("Prices are 5 3/4 percent higher.", "5 3/4 percent", 5.75, "%"),
        ("A 2½% rise.", "2½%", 2.5, "%"),
        ("It costs two and a half billion dollars.", "two and a half billion dollars", 2.5e9,
         "USD"),
        ("Four fifths of the budget.", "Four fifths", 0.8, None),
        ("Two thirds voted yes.", "Two thirds", 2 / 3, None),
        ("One third of voters agreed.", "One third", 1 / 3, None),
        ("A quarter of staff left.", "A quarter", 0.25, None),
        ("Output fell by a third.", "a third", 1 / 3, None),
        ("three-quarters of the land", "three-quarters", 0.75, None),
    ],
)
def test_fractions(sentence: str, text: str, value: float, unit: str | None) -> None:
    figure = only(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


def test_fraction_range_of_the_funds_rate() -> None:
    assert read("The target range is 0 to 1/4 percent.") == [
        ("0 to 1/4 percent", "percent", 0.0, 0.25, "%")]


def test_a_rate_move_is_a_before_and_an_after() -> None:
    figures = read("an increase in the discount rate from 3 percent to 3-1/2 percent")
    assert [f[2] for f in figures] == [3.0, 3.5]
    assert all(f[3] is None for f in figures)


@pytest.mark.parametrize(
    ("sentence", "text", "iso", "year"),
    [
        ("It happened on 12 March.", "12 March", "--03-12", 0.0),
        ("Talks resume Sept. 4 in Geneva.", "Sept. 4", "--09-04", 0.0),
        ("he moved there in june 2011 with his wife", "june 2011", "2011-06", 2011.0),
        ("on the may 2013 rating list", "may 2013", "2013-05", 2013.0),
        ("DEADLINE EXTENDED TO JUNE 30, 2026", "JUNE 30, 2026", "2026-06-30", 2026.0),
        ("NEW YORK, DEC 4 2025", "DEC 4 2025", "2025-12-04", 2025.0),
        ("on november 9, 1914 the ship sank", "november 9, 1914", "1914-11-09", 1914.0),
        ("Last modified 17 November, 2022.", "17 November, 2022", "2022-11-17", 2022.0),
        ("Last Modified: 2023-06-01", "2023-06-01", "2023-06-01", 2023.0),
        ("Last modified on 04/02/2025 See", "04/02/2025", "2025-04-02", 2025.0),
        ("Signed 25/12/2024 in London.", "25/12/2024", "2024-12-25", 2024.0),
        ("Signed 04.02.2025 in Berlin.", "04.02.2025", "2025-02-04", 2025.0),
        ("We meet on the 5th, as agreed.", "5th", "---05", 0.0),
        ("the 5th of June 2020", "5th of June 2020", "2020-06-05", 2020.0),
    ],
)
def test_dates_keep_the_precision_given(sentence: str, text: str, iso: str,
                                        year: float) -> None:
    figure = only(sentence)
    assert (figure.kind, figure.text, figure.date, figure.value) == ("date", text, iso, year)


@pytest.mark.parametrize(
    ("sentence", "text", "qualifier", "iso"),
    [
        ("Rates stay low through late 2014.", "late 2014", "late", "2014"),
        ("Rates stay low until mid-2015.", "mid-2015", "mid", "2015"),
        ("The plant opens in early June 2026.", "early June 2026", "early", "2026-06"),
        ("It ends at the end of 2016.", "the end of 2016", "end", "2016"),
    ],
)
def test_part_of_a_period_is_the_qualifier(sentence: str, text: str, qualifier: str,
                                           iso: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.qualifier, figure.date) == (text, qualifier, iso)


@pytest.mark.parametrize(
    "sentence", ["Talks resume in June.", "on 31 February", "on 30/02/2024", "2023-13-01",
                 "the 45th of them", "they march 5 miles"[:9]])
def test_no_date_without_a_day_or_year_or_a_valid_one(sentence: str) -> None:
    assert [f for f in find_figures(sentence) if f.kind == "date"] == []


def test_dates_change_at_month_precision() -> None:
    before = only("The deal closes in June 2026.")
    after = only("The deal closes in December 2026.")
    assert before.value == after.value and before.date != after.date


@pytest.mark.parametrize(
    ("sentence", "text", "hours"),
    [("The meeting starts at 9:30 a.m.", "9:30 a.m.", 9.5),
     ("They met at 2 pm.", "2 pm", 14.0), ("Polls close at 22:00 tonight.", "22:00", 22.0),
     ("Doors open at 12 a.m.", "12 a.m.", 0.0), ("Lunch at 12:15 p.m.", "12:15 p.m.", 12.25)],
)
def test_times_of_day(sentence: str, text: str, hours: float) -> None:
    figure = only(sentence)
    assert (figure.kind, figure.text, figure.unit) == ("time", text, "h")
    assert math.isclose(figure.value, hours)


def test_a_verse_is_no_time() -> None:
    assert find_figures("He quoted John 3:16 to them.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rates rose 25 basis points.", [("25 basis points", "percent", 25.0, None, "bp")]),
        ("A cut of 50bps.", [("50bps", "percent", 50.0, None, "bp")]),
        ("It rose 0.5 percentage points.",
         [("0.5 percentage points", "percent", 0.5, None, "pp")]),
        ("Growth was 3 per cent.", [("3 per cent", "percent", 3.0, None, "%")]),
        ("Growth was minus three percent.",
         [("minus three percent", "percent", -3.0, None, "%")]),
        ("Output fell -4.1%.", [("-4.1%", "percent", -4.1, None, "%")]),
        ("Support was 74-76%.", [("74-76%", "percent", 74.0, 76.0, "%")]),
        ("Support was 75--80%.", [("75--80%", "percent", 75.0, 80.0, "%")]),
        ("Support was 75 -- 80%.", [("75 -- 80%", "percent", 75.0, 80.0, "%")]),
    ],
)
def test_percent_points_and_basis_points(sentence: str, expected: list[Any]) -> None:
    assert read(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        ("It cost USD 450.", "USD 450", 450.0, "USD"),
        ("It cost 30 EUR million.", "30 EUR million", 3e7, "EUR"),
        ("It cost CHF 2,310.50.", "CHF 2,310.50", 2310.5, "CHF"),
        ("It cost 450 USD.", "450 USD", 450.0, "USD"),
        ("It cost Rs 500.", "Rs 500", 500.0, "INR"),
        ("It cost ₹200.", "₹200", 200.0, "INR"),
        ("Profit hit ¥3bn.", "¥3bn", 3e9, "JPY"),
        ("It cost 500元.", "500元", 500.0, "CNY"),
        ("It cost R$20.", "R$20", 20.0, "BRL"),
        ("It cost A$5.", "A$5", 5.0, "AUD"),
        ("It cost C$7.", "C$7", 7.0, "CAD"),
        ("It cost HK$9.", "HK$9", 9.0, "HKD"),
        ("It cost S$4.", "S$4", 4.0, "SGD"),
        ("It cost 300 Kč.", "300 Kč", 300.0, "CZK"),
        ("It cost 50 zł.", "50 zł", 50.0, "PLN"),
        ("It cost ₩1000.", "₩1000", 1000.0, "KRW"),
        ("It cost 100 kr.", "100 kr", 100.0, "SEK"),
        ("It cost 7 dollars and 25 cents.", "7 dollars and 25 cents", 7.25, "USD"),
        ("It cost RM75.", "RM75", 75.0, "MYR"),
        ("It cost SGD$12.40.", "SGD$12.40", 12.4, "SGD"),
        ("It cost USD3.14.", "USD3.14", 3.14, "USD"),
        ("It cost 5 C$.", "5 C$", 5.0, "CAD"),
        ("It cost 20 Canadian dollars.", "20 Canadian dollars", 20.0, "CAD"),
        ("It cost 42 Kuwaiti dinars.", "42 Kuwaiti dinars", 42.0, "KWD"),
        ("It cost 10 Egyptian pounds.", "10 Egyptian pounds", 10.0, "EGP"),
        ("It cost 3 million rupiah.", "3 million rupiah", 3e6, "IDR"),
        ("1 dollar and forty-two cents more", "1 dollar and forty-two cents", 1.42, "USD"),
    ],
)
def test_currencies_beyond_usd_eur_gbp(sentence: str, text: str, value: float,
                                       unit: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.unit) == (text, "money", unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["He weighs 10 pounds.", "They won 3 games.",
                                      "a 10 dinars note"[:9]])
def test_currency_words_that_are_not_money_here(sentence: str) -> None:
    assert all(f.kind != "money" for f in find_figures(sentence))


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("There are two quadrillion stars.", "two quadrillion", 2e15),
        ("A debt of three sextillion.", "three sextillion", 3e21),
        ("It read four hundred point zero five.", "four hundred point zero five", 400.05),
        ("It grew two point two million.", "two point two million", 2.2e6),
        ("The index is 1 point 1 higher.", "1 point 1", 1.1),
        ("The sum was 7 654 321.09.", "7 654 321.09", 7654321.09),
        ("The sum was 7\u202f654\u202f321.", "7\u202f654\u202f321", 7654321.0),
        ("It reached 1.234.567 in total.", "1.234.567", 1234567.0),
        ("It reached 1.234,56 in total.", "1.234,56", 1234.56),
        ("The fee is 12,50 € a day.", "12,50 €", 12.5),
        ("Inflation was 3,5 % last year.", "3,5 %", 3.5),
        ("Prices start from €49,95 today.", "€49,95", 49.95),
        ("It took a 2,5 million loan.", "2,5 million", 2.5e6),
        ("It costs €1,234 today.", "€1,234", 1234.0),
        ("It reached 1,234 in total.", "1,234", 1234.0),
        ("It reached 1.234 in total.", "1.234", 1.234),
        ("seven hundred twenty-one thousand and twelve", "seven hundred twenty-one thousand and "
         "twelve", 721012.0),
    ],
)
def test_numbers(sentence: str, text: str, value: float) -> None:
    figure = only(sentence)
    assert figure.text == text
    assert math.isclose(figure.value, value)


def test_restated_digits_are_one_figure() -> None:
    assert read("Cancel at least twenty-four (24) hours before.") == [
        ("at least twenty-four (24) hours", "duration", 24.0, None, "h")]
    assert read("within five (5) days") == [("five (5) days", "duration", 5.0, None, "day")]


@pytest.mark.parametrize("sentence", ["On the thirty-first day.", "the twenty-first century",
                                      "its one hundred and first birthday",
                                      "the twenty-third session", "the 21st century"])
def test_ordinals_are_not_counts(sentence: str) -> None:
    # a century in digits is a period (a date, "20XX"), never a count of 21
    assert [f for f in find_figures(sentence) if f.kind != "date"] == []


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        ("It was 35 deg celsius.", "35 deg celsius", 35.0, "degC"),
        ("A fever of 101 degrees.", "101 degrees", 101.0, "deg"),
        ("Limit the rise to 1.5 degrees.", "1.5 degrees", 1.5, "deg"),
        ("The heat reached 72°F.", "72°F", 72.0, "degF"),
        ("It will be 25C in London.", "25C", 25.0, "degC"),
        ("Temperatures hit 30 C on Monday.", "30 C", 30.0, "degC"),
        ("It was 37 ° celsius.", "37 ° celsius", 37.0, "degC"),
        ("It fell to 2 degrees below zero in the cold.", "2 degrees below zero", -2.0, "deg"),
    ],
)
def test_temperatures(sentence: str, text: str, value: float, unit: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.unit) == (text, "temperature", unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["Fill in a 10F form.", "The Airbus A330F landed.",
                                      "It sells at 12.5C/ per unit.", "It cost 5 C$ each.",
                                      "Turn 90 degrees to the left.",
                                      "The axis is tilted 23.5 degrees."])
def test_temperature_false_positives(sentence: str) -> None:
    assert all(f.kind != "temperature" for f in find_figures(sentence))


@pytest.mark.parametrize(
    ("sentence", "text", "kind", "unit"),
    [
        ("Add 5 μg of salt.", "5 μg", "mass", "µg"),
        ("Add 5 µg of salt.", "5 µg", "mass", "µg"),
        ("A 3 dm pipe.", "3 dm", "distance", "dm"),
        ("It holds 40 cubic feet.", "40 cubic feet", "volume", "ft3"),
        ("He drove at 60 miles an hour.", "60 miles an hour", "speed", "mph"),
        ("He drove at 60 mph.", "60 mph", "speed", "mph"),
        ("A link of 256kbps.", "256kbps", "data_rate", "kbit/s"),
        ("A 100 Mbps line.", "100 Mbps", "data_rate", "Mbit/s"),
        ("A 2 TB disk.", "2 TB", "data", "TB"),
        ("It weighs 35 (kg).", "35 (kg)", "mass", "kg"),
        ("It used 5 kWh.", "5 kWh", "energy", "kWh"),
        ("It used 3 GWh.", "3 GWh", "energy", "GWh"),
        ("A 2.4 GHz chip.", "2.4 GHz", "frequency", "GHz"),
        ("Pressure of 1013 hPa.", "1013 hPa", "pressure", "hPa"),
        ("Tyres at 32 psi.", "32 psi", "pressure", "psi"),
        ("It spans 1670 hectares.", "1670 hectares", "area", "ha"),
        ("It spans 16.7 km².", "16.7 km²", "area", "km2"),
    ],
)
def test_units(sentence: str, text: str, kind: str, unit: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.kind, figure.unit) == (text, kind, unit)


def test_an_architecture_is_not_a_size() -> None:
    assert only("a 64-bit system").kind == "number"


@pytest.mark.parametrize(
    "sentence",
    ["The Chiefs won 31-24.", "The Chiefs won 24-31 on Sunday.", "The FTSE 250 rose.",
     "The FTSE 100 companies gained.", "The S&P 500 fell.", "The Pixel 8 sold well.",
     "Call +1 555-123-4567 now.", "Call (555) 123-4567 now.", "Call 020 7946 0958 now.",
     "Call 555-123-4567 now.", "One official said the talks failed.",
     "one senior official, who asked not to be named, said so", "a 2-1 win", "a 1-1 draw"],
)
def test_not_quantities(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_one_person_is_still_a_count() -> None:
    figure = only("One person was killed.")
    assert (figure.kind, figure.noun) == ("count", "person")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Revenue Up 12 Percent To $4.5 Billion",
         [("12 Percent", "percent", 12.0, None, "%"), ("$4.5 Billion", "money", 4.5e9, None,
                                                        "USD")]),
        ("| 2023 | 45% | 1,200 troops |",
         [("2023", "date", 2023.0, None, None), ("45%", "percent", 45.0, None, "%"),
          ("1,200", "count", 1200.0, None, None)]),
        ("TROOPS RISE TO 50,000", [("50,000", "number", 50000.0, None, None)]),
    ],
)
def test_headings_and_table_cells(sentence: str, expected: list[Any]) -> None:
    assert read(sentence) == expected


# --------------------------------------------------------------- number words at any scale


@PROPERTY_SETTINGS
@given(st.integers(min_value=2, max_value=10**15 - 1))
def test_number_words_round_trip(number: int) -> None:
    """Whatever num2words writes ("one million, two hundred and thirty-four thousand ...")
    reads back as the same number."""
    words = num2words(number)
    figure = only(f"They counted {words} votes.")
    assert figure.value == number and figure.text == words


@PROPERTY_SETTINGS
@given(st.integers(min_value=21, max_value=999).filter(lambda n: n % 10 != 0))
def test_ordinal_words_are_not_figures(number: int) -> None:
    assert find_figures(f"the {num2words(number, to='ordinal')} time") == []


# --------------------------------------------------------------- linearity


def best_seconds(text: str, repeat: int = 3) -> float:
    """Fastest of a few runs of the scan on text (scan_figures: find_figures remembers)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        scan_figures(text)
        times.append(time.perf_counter() - t0)
    return min(times)


@pytest.mark.slow  # doubles inputs to large sizes: CI runs it
@pytest.mark.parametrize(
    "unit",
    ["one ", "Word word word. ", ".", "A. ", "1 ", "1,000 ", "$1 ", "9", "2014 ", "one two ",
     "twenty-four (24) ", "1 000 ", "June ", "5 km ", "a 7-2 ", "+1 ", "minus ", "1.234,5 "],
)
def test_scan_is_linear(unit: str) -> None:
    """Eight times the input takes at most ~8x the time (quadratic would be 64x); the ratio
    allowed is 24 so that a loaded machine does not fail it."""
    small = unit * max(1, 2_000 // len(unit))
    large = small * 8
    assert best_seconds(large) <= 24 * best_seconds(small) + 0.05


# --------------------------------------------------------------- base units


def base(sentence: str) -> tuple[str, float]:
    return base_quantity(only(sentence))


@pytest.mark.parametrize(
    ("before", "after"),
    [("It used 5,000 kWh.", "It used 5 MWh."), ("It used 3,600 GWh.", "It used 3.6 TWh."),
     ("It spans 1670 hectares.", "It spans 16.7 km²."), ("A 5 km walk.", "A 5,000 metres walk."),
     ("It weighs 2 tonnes.", "It weighs 2,000 kg."), ("It hit 100 °C.", "It hit 212 °F."),
     ("It cost $9400.", "It cost $9,400."), ("It cost $1.5 billion.", "It cost $1,500 million."),
     ("Rates rose 25 basis points.", "Rates rose 0.25 percentage points."),
     ("It took two hours.", "It took 120 minutes."), ("A 1 GB file.", "A 1,000 MB file."),
     ("A 1 Gbps link.", "A 1,000 Mbps link."), ("sent twenty feet", "sent 20 feet")],
)
def test_restatements_normalise_to_one_base(before: str, after: str) -> None:
    (dim_a, value_a), (dim_b, value_b) = base(before), base(after)
    assert dim_a == dim_b
    assert math.isclose(value_a, value_b, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("first", "second"),
    [("It rose 5%.", "It rose 5 percentage points."), ("It cost €5.", "It cost $5."),
     ("It killed 5 soldiers.", "It killed 5 civilians."), ("It used 5 kWh.", "It used 5 kW."),
     ("A fever of 101 degrees.", "It hit 101 °F.")],
)
def test_different_dimensions_stay_apart(first: str, second: str) -> None:
    assert base(first)[0] != base(second)[0]


def test_base_range_converts_both_ends() -> None:
    assert base_range(only("A front of 10-20 km.")) == ("length", 10_000.0, 20_000.0)
    assert base_range(only("It used 5 kWh.")) == ("energy", 1.8e7, None)


def test_every_unit_the_extractor_writes_has_a_base() -> None:
    from chronicle import figures

    units = {u for u, _, _ in (*figures._WORD_UNITS.values(), *figures._SYMBOL_UNITS.values())}
    special = {"degC", "degF", "K", "deg"}
    assert sorted(units - set(UNIT_BASES) - special) == []


def test_base_quantity_reads_stored_figures_too() -> None:
    from chronicle.model import Figure

    stored = Figure(id="c1.f1", claim="c1", text="5 GWh", value=5.0, unit="GWh", kind="energy",
                    start=0, end=5)
    assert base_quantity(stored) == ("energy", 1.8e13)


# --------------------------------------------------------------- public API and command


def test_public_api() -> None:
    import chronicle

    assert chronicle.find_figures is find_figures
    assert chronicle.FIGURES_VERSION == FIGURES_VERSION
    assert [f.name for f in fields(chronicle.FoundFigure)] == [
        "text", "value", "value_max", "unit", "kind", "qualifier", "noun", "date", "start",
        "end"]
    for name in ("value_max", "qualifier", "noun", "date", "start, end"):
        assert name in (chronicle.FoundFigure.__doc__ or "")
    with pytest.raises(AttributeError):
        _ = chronicle.no_such_name  # type: ignore[attr-defined]


def test_command_prints_figures_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["figures", "Rates stay low until mid-2015, at 6-1/2 percent."])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["mid-2015\tmid 2015 (date)",
                                          "6-1/2 percent\t6.5 % (percent)"]
    result = runner.invoke(main, ["figures", "--json", "It cost 5 C$"])
    data = json.loads(result.output)
    assert data["text"] == "It cost 5 C$"
    assert [(f["unit"], f["kind"], f["start"], f["end"]) for f in data["figures"]] == [
        ("CAD", "money", 8, 12)]
    assert runner.invoke(main, ["figures", "no numbers here"]).output == "no figures\n"
    assert runner.invoke(main, ["figures"]).exit_code == 2


def test_command_reads_json_lines_in_one_process() -> None:
    lines = [json.dumps({"id": n, "text": f"{n} troops and {n}%"}) for n in range(200)]
    done = subprocess.run([str(Path(sys.executable).parent / "chronicle"), "figures", "-"],
                          input="\n".join([*lines[:100], "", *lines[100:]]) + "\n",
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == list(range(200))
    assert out[7]["figures"][0]["value"] == 7 and out[7]["figures"][1]["unit"] == "%"
    assert all(set(o) == {"id", "text", "figures"} for o in out)


@pytest.mark.parametrize(("stdin", "message"),
                         [('{"text": "1 km"}\nnot json\n', "stdin line 2: not JSON"),
                          ('{"txt": 1}\n', 'stdin line 1: expected a JSON object'),
                          ("[1, 2]\n", "stdin line 1: expected")])
def test_command_names_a_bad_line(stdin: str, message: str) -> None:
    result = CliRunner().invoke(main, ["figures", "-"], input=stdin)
    assert result.exit_code == 3
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_string_line_is_a_text() -> None:
    lines = list(figures_json_lines(['"It rose 5%"']))
    assert json.loads(lines[0])["figures"][0]["value"] == 5.0


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [("no more than a half percentage point above", "no more than a half percentage point",
      0.5, "pp"), ("half a percentage point", "half a percentage point", 0.5, "pp"),
     ("a quarter mile away", "a quarter mile", 0.25, "mi"),
     ("half an hour later", "half an hour", 0.5, "h"),
     ("an hour and a half later", "an hour and a half", 1.5, "h"),
     ("a liter of milk", "a liter", 1.0, "l"),
     ("above a dollar and 42 cents", "above a dollar and 42 cents", 1.42, "USD")],
)
def test_articles_and_parts_before_units(sentence: str, text: str, value: float,
                                         unit: str) -> None:
    figure = only(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["Oil hit $80 a barrel.", "He left a year ago.",
                                      "She runs twice a day.", "half the staff left"])
def test_articles_that_are_not_numbers(sentence: str) -> None:
    assert [f.text for f in find_figures(sentence)] in ([], ["$80"])


def test_a_year_after_a_preposition_is_a_date_even_before_a_plural() -> None:
    figure = only("In the first quarter of 2015 profits rose.")
    assert (figure.kind, figure.date, figure.noun) == ("date", "2015-Q1", None)
    assert only("It sent 2015 troops.").kind == "count"


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [("The summit runs 10-12 June 2025.", ["2025-06-10", "2025-06-12"]),
     ("The summit runs June 10-12 in Rome.", ["--06-10", "--06-12"]),
     ("from 10 August to 12 September 2013", ["2013-08-10", "2013-09-12"]),
     ("Aug 10 - Nov 12, 2013", ["2013-08-10", "2013-11-12"])],
)
def test_date_ranges_are_two_dates(sentence: str, dates: list[str]) -> None:
    assert [f.date for f in find_figures(sentence)] == dates


def test_oclock_is_a_time() -> None:
    figure = only("They met at 10 o'clock.")
    assert (figure.kind, figure.value) == ("time", 10.0)


# --------------------------------------------------------------- more properties

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


@PROPERTY_SETTINGS
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["{d} {M} {y}", "{M} {d}, {y}", "{iso}", "{d} {m} {y}", "{M} {y}",
                        "{d}th of {M} {y}", "{mm}/{dd}/{y}", "{dd}.{mm}.{y}"]))
def test_written_dates_read_back(day: date, form: str) -> None:
    """Every common way of writing a date reads back as that date, at the precision given."""
    month = MONTH_NAMES[day.month - 1]
    text = form.format(d=day.day, M=month, m=month.lower(), y=day.year, iso=day.isoformat(),
                       mm=f"{day.month:02d}", dd=f"{day.day:02d}")
    if form == "{d}th of {M} {y}" and day.day in (1, 2, 3, 21, 22, 23, 31):
        text = text.replace("th of", {1: "st", 2: "nd", 3: "rd"}[day.day % 10] + " of")
    if form == "{dd}.{mm}.{y}" and day.day <= 12:
        return  # "04.02.2025" with both parts <= 12 is read day first: tested elsewhere
    figure = only(f"It was signed on {text} in Geneva.")
    expected = f"{day.year:04d}-{day.month:02d}" if form == "{M} {y}" else day.isoformat()
    assert (figure.kind, figure.date, figure.value) == ("date", expected, float(day.year))


ENERGY_UNITS = [("Wh", 1.0), ("kWh", 1e3), ("MWh", 1e6), ("GWh", 1e9), ("TWh", 1e12)]


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(ENERGY_UNITS),
       st.sampled_from(ENERGY_UNITS))
def test_restated_energy_has_one_base(amount: int, first: tuple[str, float],
                                      second: tuple[str, float]) -> None:
    """The same energy written in two units has the same base value."""
    converted = Decimal(amount) * Decimal(first[1]) / Decimal(second[1])
    a = only(f"It used {amount:,} {first[0]}.")
    b = only(f"It used {written(converted, True)} {second[0]}.")
    assert base_quantity(a)[0] == base_quantity(b)[0] == "energy"
    assert math.isclose(base_quantity(a)[1], base_quantity(b)[1], rel_tol=1e-9)


def test_printed_dates_read_as_dates() -> None:
    """The terminal's figure line shows a date as a date, never "(2,026, date)"."""
    from chronicle.model import Figure
    from chronicle.render import figure_text

    def stored(sentence: str) -> Figure:
        f = only(sentence)
        return Figure(id="c1.f1", claim="c1", text=f.text, value=f.value,
                      value_max=f.value_max, unit=f.unit, kind=f.kind,  # type: ignore[arg-type]
                      qualifier=f.qualifier, date=f.date, start=f.start, end=f.end)

    assert "(2026-06, date)" in figure_text(stored("It closes in June 2026."))
    assert "(late 2014, date)" in figure_text(stored("Rates stay low until late 2014."))
    assert "(2013-2014, date)" in figure_text(stored("Output fell in 2013-14."))
    assert "(09:30, time)" in figure_text(stored("It starts at 9:30 a.m."))
    assert "2,026" not in figure_text(stored("It closes in June 2026."))


@pytest.mark.parametrize("sentence", ["5.", "(8) your use of the Service", "- 20.",
                                      "12. Termination"])
def test_list_enumerators_are_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "text", "value", "iso"),
    [("hammurabi (1792 bc) was the sixth", "1792 bc", -1792.0, "-1791"),
     ("It opened in 717 CE.", "717 CE", 717.0, "0717"),
     ("Rome was founded in 753 B.C. by Romulus.", "753 B.C.", -753.0, "-0752")],
)
def test_years_of_an_era(sentence: str, text: str, value: float, iso: str) -> None:
    figure = only(sentence)
    assert (figure.kind, figure.text, figure.value, figure.date) == ("date", text, value, iso)


def test_age_is_a_duration_in_years() -> None:
    assert read("at age 14 krush won") == [("14", "duration", 14.0, None, "year")]
    assert read("not for persons under the age of 13.") == [("13", "duration", 13.0, None,
                                                              "year")]


def test_hyphenated_noun_is_what_is_counted() -> None:
    figure = only("It has a 6,300-room hotel complex.")
    assert (figure.kind, figure.noun) == ("count", "room")


def test_a_score_of_x_to_y_is_no_range() -> None:
    assert find_figures("they won by a score of 29 to 23 in a nine innings game")[0].text == (
        "nine")


def test_lower_case_unit_symbols() -> None:
    assert read("the 900 mhz band") == [("900 mhz", "frequency", 900.0, None, "MHz")]


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=99),
       st.sampled_from(sorted(figures_module._CURRENCY_SYMBOLS.items())),
       st.sampled_from(["", " "]))
def test_every_currency_symbol_reads_before_an_amount(whole: int, cents: int,
                                                      symbol: tuple[str, str],
                                                      space: str) -> None:
    mark, code = symbol
    text = f"{mark}{space}{whole:,}.{cents:02d}"
    figure = only(f"The bill came to {text} in all.")
    assert (figure.text, figure.unit, figure.kind) == (text, code, "money")
    assert math.isclose(figure.value, whole + cents / 100)


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=10**6),
       st.sampled_from(sorted(figures_module._CURRENCY_CODES)), st.booleans())
def test_every_iso_code_reads_before_or_after(amount: int, code: str, before: bool) -> None:
    text = f"{code} {amount:,}" if before else f"{amount:,} {code}"
    figure = only(f"The bill came to {text} in all.")
    assert (figure.text, figure.unit, figure.value) == (text, code, float(amount))


@pytest.mark.parametrize(("sentence", "value"), [
    ("ARMY SENDS 500 TROOPS TO THE BORDER", 500),
    ("IF YOU ARE BETWEEN 13 AND THE AGE OF LEGAL MAJORITY", 13),
    ("YOU REPRESENT THAT YOU ARE AT LEAST 13", 13),
])
def test_numbers_in_capitals_are_figures(sentence: str, value: float) -> None:
    """A clause in capitals (terms of service, a shouted headline) names no models."""
    assert [f.value for f in find_figures(sentence)] == [value]


def test_a_capitalised_index_in_prose_is_still_a_name() -> None:
    assert find_figures("Shares in the FTSE 250 rose, and the CAC 40 fell.") == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("She won in 2:02:40 on Sunday.", "duration", 7360),
    ("He swam 1:52.85 in the final.", "duration", 112.85),
    ("The blast came at 14:30:15 GMT.", "time", 14 + 30 / 60 + 15 / 3600),
    ("Pogacar leads the race by 1:12 over Vingegaard.", "duration", 72),
    ("The meeting is at 1:12 today.", "time", 1.2),
])
def test_times_with_seconds_keep_them(text: str, kind: str, value: float) -> None:
    figure = only(text)
    assert (figure.kind, figure.value) == (kind, pytest.approx(value))


@pytest.mark.parametrize(("text", "values"), [
    ("Brent crude rose $1.20 to $84.35 a barrel.", [(1.2, None), (84.35, None)]),
    ("Support rose 2% to 31% in the poll.", [(2, None), (31, None)]),
    # a range of change, and a range: no unit on the first number, or no verb of change
    ("Prices rose 5 to 10 percent this year.", [(5, 10)]),
    ("Estimates range from $5 to $7 million.", [(5e6, 7e6)]),
])
def test_a_change_by_x_to_y_is_two_figures(text: str, values: list[tuple[float, float | None]],
                                           ) -> None:
    assert [(f.value, f.value_max) for f in find_figures(text)] == values


def test_four_digit_hours_with_a_time_zone_are_a_time_of_day() -> None:
    figures = find_figures("The strike began at 0600 GMT and ended at 1830 UTC.")
    assert [(f.kind, f.value) for f in figures] == [("time", 6), ("time", 18.5)]


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("The bank raised rates by a quarter of a percentage point.", 0.25, "pp"),
    ("It took a quarter of an hour.", 0.25, "h"),
    ("Prices are roughly a fifth less than a year ago.", 0.2, None),
    ("Half of the staff were laid off.", 0.5, None),
])
def test_shares_in_words(text: str, value: float, unit: str | None) -> None:
    figure = only(text)
    assert (figure.value, figure.unit) == (pytest.approx(value), unit)


def test_the_first_half_of_a_year_is_no_share() -> None:
    assert find_figures("Profits rose in the first half of the year.") == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Bolt ran 9.58s in Berlin.", "duration", 9.58),
    ("The quake struck at 0342 local time.", "time", 3.7),
])
def test_seconds_and_local_hours(text: str, kind: str, value: float) -> None:
    figure = only(text)
    assert (figure.kind, figure.value) == (kind, pytest.approx(value))


@pytest.mark.parametrize("text", ["The Fed cut rates by a quarter point.",
                                  "The central bank made a quarter-point cut in rates."])
def test_a_share_of_a_point_on_rates_is_percentage_points(text: str) -> None:
    figure = only(text)
    assert (figure.value, figure.unit) == (0.25, "pp")


def test_a_share_of_a_point_elsewhere_is_a_number() -> None:
    assert only("She won by a half point in the vault.").unit is None


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("The scheme cost Rs 5 crore.", "Rs 5 crore", 5e7, "INR"),
    ("About 10 lakh people attended.", "About 10 lakh", 1e6, None),
    # a scale word then a larger one multiply: Indian budgets run to lakh crore
    ("The budget is ₹2.5 lakh crore.", "₹2.5 lakh crore", 2.5e12, "INR"),
    ("It set aside Rs 1.2 thousand crore.", "Rs 1.2 thousand crore", 1.2e10, "INR"),
    ("Some 5 hundred thousand people fled.", "Some 5 hundred thousand", 5e5, None),
])
def test_indian_and_compound_scales(sentence: str, text: str, value: float,
                                    unit: str | None) -> None:
    [figure] = [f for f in find_figures(sentence) if f.kind != "date"]
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("It won a $1.2-billion contract.", "$1.2-billion", 1.2e9, "USD"),
    ("a 1.2-billion-dollar deal", "1.2-billion-dollar", 1.2e9, "USD"),
    ("It charges a 5-dollar fee.", "5-dollar", 5.0, "USD"),
    ("a 20-rupee coin", "20-rupee", 20.0, "INR"),
    ("the 6-foot-2 guard", "6-foot-2", 74.0, "in"),
    ("a 6-foot wall", "6-foot", 6.0, "ft"),
])
def test_hyphenated_scales_currencies_and_heights(sentence: str, text: str, value: float,
                                                  unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


def test_feet_and_inches_written_out_stay_two_figures() -> None:
    assert [(f.text, f.unit) for f in find_figures("He is 6 feet 2 inches tall.")] == [
        ("6 feet", "ft"), ("2 inches", "in")]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Shares rose 3.5pc to 410p.", [("3.5pc", 3.5, "%"), ("410p", 4.1, "GBP")]),
    ("It rose 2 pc on the year.", [("2 pc", 2.0, "%")]),
    ("A 5p coin.", [("5p", 0.05, "GBP")]),
    ("We met at 9p.m.", [("9p.m.", 21.0, "h")]),
    ("a 12-pc set", [("12", 12.0, None)]),  # pieces, not percent
    ("a 1080p screen", []),  # video lines, not pence
])
def test_british_pence_and_pc(sentence: str, expected: list[tuple[str, float, str | None]]
                              ) -> None:
    found = [(f.text, f.value, f.unit) for f in find_figures(sentence)]
    assert [(t, u) for t, _, u in found] == [(t, u) for t, _, u in expected]
    assert all(math.isclose(a[1], b[1]) for a, b in zip(found, expected, strict=True))


@pytest.mark.parametrize(("sentence", "expected"), [
    # gapping: the count's noun is left out after a name, so the number is still a count
    ("Labour has won 87 seats and the Conservatives 21.", ["87", "21"]),
    ("Smith scored 12 points and Jones 8.", ["12", "8"]),
    # a thing's name after "the" stays a name
    ("The army sent 500 troops and the Leopard 2.", ["500"]),
    ("Voyager 2 reached Neptune.", []),
])
def test_a_count_whose_noun_is_left_out_after_a_name(sentence: str,
                                                      expected: list[str]) -> None:
    assert [f.text for f in find_figures(sentence)] == expected


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("It took 1 minute 10 seconds.", "1 minute 10 seconds", 70.0, "s"),
    ("It took 2 hours and 15 minutes.", "2 hours and 15 minutes", 135.0, "min"),
    ("after 3 hours 2 people left", "3 hours", 3.0, "h"),  # no unit: no second part
])
def test_a_duration_in_two_units_is_one_figure(sentence: str, text: str, value: float,
                                               unit: str) -> None:
    figure = find_figures(sentence)[0]
    assert (figure.text, figure.value, figure.unit) == (text, value, unit)


@pytest.mark.parametrize(("sentence", "expected"), [
    ('It has a 6.1" screen.', [('6.1"', "in")]),
    ("a 9'' plate", [("9''", "in")]),
    ('Bahco wrench 8"', [('8"', "in")]),
    ('He said "we lost 5" and left.', [("5", None)]),  # the quote closes, no inches
    ('a 5 "gift"', [("5", None)]),
])
def test_inches_written_with_a_quote_mark(sentence: str,
                                          expected: list[tuple[str, str | None]]) -> None:
    assert [(f.text, f.unit) for f in find_figures(sentence)] == expected


def test_plus_or_minus_is_a_margin_not_a_sign() -> None:
    [figure] = find_figures("a margin of error of plus or minus 3 percentage points")
    assert (figure.text, figure.value, figure.unit) == ("3 percentage points", 3.0, "pp")
    [minus] = find_figures("It fell to minus 3 percent.")
    assert minus.value == -3.0


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("Officials counted three billions in losses.", "three billions", 3e9, None),
    ("It cost three thousand millions.", "three thousand millions", 3e9, None),
    ("The farm sold 200 dozens of eggs.", "200 dozens", 2400, None),
    ("They bought 2 dozen eggs.", "2 dozen", 24, None),
    ("The scheme cost Rs 300 cr.", "Rs 300 cr", 3e9, "INR"),
    ("Rates rose 15 percents.", "15 percents", 15, "%"),
])
def test_plural_scales_and_cr(sentence: str, text: str, value: float, unit: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["In 2019 millions of people moved.",
                                      "In 2020 thousands fled the city."])
def test_a_year_before_a_plural_scale_stays_a_year(sentence: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.kind, figure.value) == ("date", float(sentence.split()[1]))


def test_cr_without_a_currency_is_no_scale() -> None:
    assert [f.value for f in find_figures("He took 3 cr of classes.")] == [3]


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("A ticket was $20 and 43c.", "$20 and 43c", 20.43, "USD"),
    ("It cost 20 dollar 43c.", "20 dollar 43c", 20.43, "USD"),
    ("The fee is 3 GBP 1 pence.", "3 GBP 1 pence", 3.01, "GBP"),
    ("A drink is £3 and 50p.", "£3 and 50p", 3.5, "GBP"),
    ("A meal is 20 ringgit and 43 sen.", "20 ringgit and 43 sen", 20.43, "MYR"),
    ("A coffee is €5 and 20c.", "€5 and 20c", 5.2, "EUR"),
])
def test_an_amount_and_its_sub_unit_are_one_figure(sentence: str, text: str, value: float,
                                                   unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize(("sentence", "values"), [
    ("Tickets are $3, 45 cents for children.", [3, 0.45]),  # a list, not $3.45
    ("It was $2.50 and 50c more.", [2.5]),  # cents join only a whole amount
    ("A bag is $20 and 43 people came.", [20, 43]),
    ("A meal is 20 dollars and 43 sen.", [20, 43]),  # sen are not cents of a dollar
])
def test_no_sub_unit_joins_where_it_does_not_belong(sentence: str, values: list[float]) -> None:
    assert [f.value for f in find_figures(sentence)] == values


@pytest.mark.parametrize(("sentence", "found"), [
    ("The bank cut rates to zero.", [("zero", 0.0)]),
    ("Rates stayed near zero.", [("zero", 0.0)]),
    ("The count was zero.", [("zero", 0.0)]),
    ("Crews worked at ground zero.", []),
    ("It has a zero-tolerance policy.", []),
])
def test_zero_as_a_level(sentence: str, found: list[tuple[str, float]]) -> None:
    assert [(f.text, f.value) for f in find_figures(sentence)] == found


def test_and_half_without_an_article() -> None:
    [figure] = find_figures("The talks lasted one hour and half.")
    assert (figure.text, figure.value, figure.unit) == ("one hour and half", 1.5, "h")
    first = find_figures("It took two years and half of them quit.")[0]
    assert first.text == "two years"


@pytest.mark.parametrize(("sentence", "text", "date"), [
    ("Profit rose in Q3 2024.", "Q3 2024", "2024-Q3"),
    ("Profit rose in 3Q 2024.", "3Q 2024", "2024-Q3"),
    ("Profit rose in the third quarter of 2024.", "the third quarter of 2024", "2024-Q3"),
    ("Third-quarter 2024 profit rose.", "Third-quarter 2024", "2024-Q3"),
    ("Sales fell in H1 2023.", "H1 2023", "2023-H1"),
    ("Sales fell in the second half of 2023.", "the second half of 2023", "2023-H2"),
])
def test_a_quarter_or_half_of_a_year_keeps_its_part(sentence: str, text: str, date: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.kind, figure.date) == (text, "date", date)


def test_a_year_without_a_part_stays_a_year() -> None:
    [figure] = find_figures("Sales fell in the quarter to 2024.")
    assert figure.date == "2024"


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("Rates rose half a percent.", "half a percent", 0.5, "%"),
    ("It was a half-percent cut.", "a half-percent", 0.5, "%"),
    ("It cost 20 quid.", "20 quid", 20, "GBP"),
    ("He paid $5 grand for it.", "$5 grand", 5000, "USD"),
    ("The star is 4.2 light-years away.", "4.2 light-years", 4.2, "ly"),
    ("Shares rose 5pct.", "5pct", 5, "%"),
    ("It was 72º F.", "72º F", 72, "degF"),
    ("Rates rose nought point five percent.", "nought point five percent", 0.5, "%"),
])
def test_more_units_and_scales(sentence: str, text: str, value: float, unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["They won three grand slams.", "It all came to naught."])
def test_grand_and_naught_as_words(sentence: str) -> None:
    assert [f.value for f in find_figures(sentence)] in ([3.0], [])


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("It cost 15 usd.", "15 usd", 15, "USD"),
    ("It cost 35 euro cents.", "35 euro cents", 0.35, "EUR"),
    ("It cost 50 US cents.", "50 US cents", 0.5, "USD"),
    ("It cost $50 CAD.", "$50 CAD", 50, "CAD"),
    ("It cost $1.2 billion AUD.", "$1.2 billion AUD", 1.2e9, "AUD"),
    ("It cost 1 million 200 thousand dollars.", "1 million 200 thousand dollars", 1.2e6, "USD"),
    ("It cost 2 billion 500 million.", "2 billion 500 million", 2.5e9, None),
])
def test_currency_codes_cents_and_split_scales(sentence: str, text: str, value: float,
                                               unit: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize(("sentence", "value"), [("It cost 35 cents.", 0.35),
                                                 ("It cost 35p.", 0.35),
                                                 ("It cost $1.1 billion.", 1.1e9)])
def test_scaled_values_carry_no_float_noise(sentence: str, value: float) -> None:
    assert find_figures(sentence)[0].value == value


@pytest.mark.parametrize(("sentence", "date"), [("It closed on 2024/12/31.", "2024-12-31"),
                                                ("It closed on 2024.12.31.", "2024-12-31"),
                                                ("It closed on 2024/1/5.", "2024-01-05")])
def test_year_first_dates_with_slashes_or_dots(sentence: str, date: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.kind, figure.date) == ("date", date)


def test_a_version_number_is_no_year_first_date() -> None:
    assert find_figures("It runs version 2024.12.31.1 now.") == []


def test_metric_tonnes() -> None:
    [figure] = find_figures("It shipped 10 metric tonnes of grain.")
    assert (figure.value, figure.unit) == (10, "t")


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("1,50,000 people attended.", "1,50,000", 150000, None),
    ("He paid Rs 1,50,000.", "Rs 1,50,000", 150000, "INR"),
    ("Defence received Rs 6,21,940 crore.", "Rs 6,21,940 crore", 6.2194e12, "INR"),
    ("The scheme cost a quarter of a billion pounds.", "a quarter of a billion pounds", 2.5e8,
     "GBP"),
    ("It cost a billion pounds.", "a billion pounds", 1e9, "GBP"),
    ("Three quarters of a million people came.", "Three quarters of a million", 7.5e5, None),
    ("It cost a million and a half dollars.", "a million and a half dollars", 1.5e6, "USD"),
    ("It cost a half-billion dollars.", "a half-billion dollars", 5e8, "USD"),
    ("It cost half-a-million pounds.", "half-a-million pounds", 5e5, "GBP"),
    ("The gap narrowed by 1.5 ppt.", "1.5 ppt", 1.5, "pp"),
    ("Spreads tightened 5 bips.", "5 bips", 5, "bp"),
    ("The city has a population of 1.2m.", "1.2m", 1.2e6, None),
    ("A 1.5m-strong union went on strike.", "1.5m", 1.5e6, None),
    ("It has 175m monthly active users.", "175m", 1.75e8, None),
])
def test_red_team_round_forms(sentence: str, text: str, value: float, unit: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize("sentence", ["He weighs two hundred pounds.", "He jumped 8.95m.",
                                      "People queued for 200m outside.", "A 5m wide road."])
def test_weights_and_metres_stay_so(sentence: str) -> None:
    [figure] = find_figures(sentence)
    assert figure.kind in ("mass", "distance")


@pytest.mark.parametrize(("sentence", "values"), [
    ("Revenue rose by $5 billion to $50 billion.", [(5e9, None), (5e10, None)]),
    ("Headcount increased by 300 to 4,500.", [(300, None), (4500, None)]),
    ("The rate was raised by 25 basis points to 5.5%.", [(25, None), (5.5, None)]),
    ("Prices are expected to rise by 2 to 3 percent.", [(2, 3)]),
    ("Prices rose by 2 to 3 percent.", [(2, 3)]),
])
def test_a_move_by_x_to_y_is_the_move_and_the_level(
        sentence: str, values: list[tuple[float, float | None]]) -> None:
    assert [(f.value, f.value_max) for f in find_figures(sentence)] == values


@pytest.mark.parametrize("sentence", ["The jobless rate rose 0.3 point to 4.1 percent.",
                                      "Support fell by 5 points to 38%."])
def test_points_before_a_percent_level_are_percentage_points(sentence: str) -> None:
    assert [f.unit for f in find_figures(sentence)] == ["pp", "%"]


def test_index_points_stay_counts() -> None:
    assert find_figures("The Dow fell 300 points to 38,000.")[0].unit is None


@pytest.mark.parametrize("sentence", ["COP28 ended in Dubai.", "Delegates at COP 28 agreed."])
def test_the_climate_summit_is_no_money(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(("sentence", "value", "value_max"), [
    ("John Smith, 45, of Leeds, was charged.", 45, None),
    ("A boy, 12, was hit by a car.", 12, None),
    ("The girl, four, was unhurt.", 4, None),
    ("Children aged 5 to 11 are eligible.", 5, 11),
    ("Teenagers aged 13-17 can apply.", 13, 17),
    ("Voters aged between 18 and 24 stayed home.", 18, 24),
])
def test_ages(sentence: str, value: float, value_max: float | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.value, figure.value_max, figure.unit) == (value, value_max, "year")


@pytest.mark.parametrize("sentence", ["On Monday, 12, were arrested.",
                                      "Arsenal, 45, and Chelsea, 40, lead."])
def test_no_age_without_a_person(sentence: str) -> None:
    assert all(f.unit is None for f in find_figures(sentence))


@pytest.mark.parametrize(("sentence", "found"), [
    ("It was 30C/86F.", [(30, "degC"), (86, "degF")]),
    ("It was -40C/-40F.", [(-40, "degC"), (-40, "degF")]),
    ("The range is 100km/62 miles.", [(100, "km"), (62, "mi")]),
    ("The battery lasts 1h 45m.", [(105, "min")]),
    ("He served four-and-a-half years.", [(4.5, "year")]),
    ("The 6ft 2in striker scored.", [(74, "in")]),
    ("A 4K TV costs $500.", [(500, "USD")]),
    ("One day, he left.", []),
    ("One day after the vote, it fell.", [(1, "day")]),
])
def test_slashed_units_compound_measures_and_names(sentence: str,
                                                   found: list[tuple[float, str]]) -> None:
    assert [(f.value, f.unit) for f in find_figures(sentence)] == found


@pytest.mark.parametrize("sentence", ["The 9/11 attacks changed it.", "It offers 24/7 service.",
                                      "Prices were 12.5C/ per unit."])
def test_slashes_that_join_no_two_measures(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("CO2 reached 424 parts per million.", "424 parts per million", 424, "ppm"),
    ("CO2 reached 424 ppm.", "424 ppm", 424, "ppm"),
    ("Lead was 15 ppb.", "15 ppb", 15, "ppb"),
    ("About one in five stations failed.", "About one in five", 20, "%"),
    ("3 in 10 voters backed him.", "3 in 10", 30, "%"),
    ("One in every four adults smokes.", "One in every four", 25, "%"),
])
def test_concentrations_and_shares(sentence: str, text: str, value: float, unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


def test_one_in_a_duration_is_no_share() -> None:
    assert [f.unit for f in find_figures("He scored one in five minutes.")] == ["min"]


@pytest.mark.parametrize("sentence", [
    "He lives at 10 Downing Street.", "The office at 350 Fifth Avenue opened.",
    "Apple released iOS 17.2 today.", "It runs Python 3.12 now.", "She has stage 4 cancer.",
    "He plays in Ligue 1.", "Put money in a 401(k).", "They love one another.",
    "They held a one-on-one meeting."])
def test_addresses_versions_labels_and_idioms_are_no_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(("sentence", "text", "value", "unit"), [
    ("Pump prices hit 152.3p a litre.", "152.3p", 1.523, "GBP"),  # no '1 litre'
    ("It cost RM1.2bil.", "RM1.2bil", 1.2e9, "MYR"),
    ("It cost RM500mil.", "RM500mil", 5e8, "MYR"),
    ("It cost Dh500 million.", "Dh500 million", 5e8, "AED"),
    ("It cost SR2bn.", "SR2bn", 2e9, "SAR"),
    ("Talks ran for 36 straight hours.", "36 straight hours", 36, "h"),
    ("About 350 people lined Fifth Avenue.", "About 350", 350, None),
])
def test_regional_money_and_durations(sentence: str, text: str, value: float,
                                      unit: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit) == (text, unit)
    assert math.isclose(figure.value, value)


@pytest.mark.parametrize(("sentence", "text", "date", "value_max"), [
    ("Revenue was up in FY2024.", "FY2024", "2024", None),
    ("Revenue was up in FY24.", "FY24", "2024", None),
    ("The FY2024/25 budget passed.", "FY2024/25", "2024", 2025),
])
def test_fiscal_years(sentence: str, text: str, date: str, value_max: float | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.kind, figure.date, figure.value_max) == (
        text, "date", date, value_max)
    assert figure.qualifier == "fiscal"


@pytest.mark.parametrize(("sentence", "date"), [
    ("The town was built in the 1800s.", "18XX"),
    ("It dates from the 19th century.", "18XX"),
    ("It is a 21st-century problem.", "20XX"),
    ("It was popular in the 1990s.", "199X"),
])
def test_centuries_and_decades(sentence: str, date: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.kind, figure.date) == ("date", date)


@pytest.mark.parametrize(("sentence", "text", "noun"), [
    ("Power averaged €95 per megawatt hour.", "€95", "per MWh"),
    ("Gas cost $3.50/gallon.", "$3.50", "per gal"),
    ("Oil hit $80 a barrel.", "$80", "per bbl"),
    ("Earnings were 45 cents a share.", "45 cents", "per share"),
    ("Wages rose to $15 an hour.", "$15", "per h"),
    ("He earned $5m a year ago.", "$5m", None),  # 'a year ago' is no rate
])
def test_what_a_price_is_per_is_its_noun(sentence: str, text: str, noun: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.kind, figure.noun) == (text, "money", noun)


@pytest.mark.parametrize(("sentence", "text", "low", "high", "unit"), [
    ("A man in his 40s was arrested.", "40s", 40, 49, "year"),
    ("She is in her late 20s.", "late 20s", 27, 29, "year"),
    ("Temperatures will be in the low 90s.", "low 90s", 90, 93, "deg"),
    ("Highs in the 80s are expected.", "80s", 80, 89, "deg"),
])
def test_bands_of_ten_as_ages_or_temperatures(sentence: str, text: str, low: float,
                                              high: float, unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.value, figure.value_max, figure.unit) == (text, low, high, unit)


def test_a_band_without_a_person_or_weather_is_no_figure() -> None:
    assert find_figures("Approval sank to the low 30s.") == []


@pytest.mark.parametrize(("sentence", "found"), [
    ("The firm reported Q2 2024 earnings.", [("date", "2024-Q2", 2024)]),
    ("The 2023 results were weak.", [("date", "2023", 2023)]),
    ("It sent 2015 troops.", [("count", None, 2015)]),
    ("The 2000 workers struck.", [("count", None, 2000)]),
    ("He ran 3 and a half miles.", [("distance", None, 3.5)]),
    ("It begins at 7:30 tonight.", [("time", None, 19.5)]),
    ("It bought three-quarters of an acre.", [("area", None, 0.75)]),
    ("The Fed cut rates by half a point.", [("percent", None, 0.5)]),
    ("Nine in 10 voters agree.", [("percent", None, 90)]),
    ("He won by half a point.", []),
    ("He races in Formula One.", []),
    ("They won 5 to 2.", []),
])
def test_second_red_team_round_forms(sentence: str,
                                     found: list[tuple[str, str | None, float]]) -> None:
    assert [(f.kind, f.date, f.value) for f in find_figures(sentence)] == found


@pytest.mark.parametrize(("sentence", "found"), [
    ("Strikes are planned for 18, 20 and 25 June.", ["--06-18", "--06-20", "--06-25"]),
    ("Strikes are planned for June 18, 20 and 25.", ["--06-18", "--06-20", "--06-25"]),
    ("Strikes on 3, 5 and 9 May 2024.", ["2024-05-03", "2024-05-05", "2024-05-09"]),
])
def test_a_list_of_days_takes_its_month(sentence: str, found: list[str]) -> None:
    assert [f.date for f in find_figures(sentence)] == found


def test_a_count_after_a_date_stays_a_count() -> None:
    assert [(f.kind, f.value) for f in find_figures("On June 18, 20 people died.")][1] == (
        "count", 20)


def test_a_full_month_name_takes_no_full_stop() -> None:
    assert find_figures("Strikes are planned for 20 June.")[0].text == "20 June"


@pytest.mark.parametrize(("sentence", "qualifier"), [("It is paid over 12 months.", None),
                                                     ("He served for over 12 years.", "over"),
                                                     ("Over 500 people came.", "over")])
def test_over_a_duration_is_during_unless_for(sentence: str, qualifier: str | None) -> None:
    assert find_figures(sentence)[0].qualifier in ((qualifier,) if qualifier is None
                                                   else ("over", "more than"))


def test_a_move_by_a_range_sharing_a_scale_stays_a_range() -> None:
    [figure] = find_figures("Revenue increased by $2 to 3 billion.")
    assert (figure.value, figure.value_max, figure.unit) == (2e9, 3e9, "USD")


def test_zloty_with_its_diacritic() -> None:
    assert [(f.value, f.unit) for f in find_figures("It cost 50 złoty.")] == [(50, "PLN")]


def test_a_golf_score_to_par_has_no_qualifier_or_noun() -> None:
    found = find_figures("Smith shot a 4-under 68, then a 2-over 74.")
    assert [(f.text, f.qualifier, f.noun) for f in found] == [
        ("4", None, None), ("68", None, None), ("2", None, None), ("74", None, None)]


@pytest.mark.parametrize(("sentence", "second"), [
    ("Inflation rose from 3 per cent to 3.5 in May.", (3.5, "%", "percent")),
    ("Unemployment fell from 4.1% to 3.9.", (3.9, "%", "percent")),
    ("It warmed from 20C to 25 by noon.", (25, "degC", "temperature")),
    ("It grew from 3% to 300 stores.", (300, None, "count")),
])
def test_the_end_of_a_move_from_a_unit_takes_its_unit(
        sentence: str, second: tuple[float, str | None, str]) -> None:
    figure = find_figures(sentence)[1]
    assert (figure.value, figure.unit, figure.kind) == second


@pytest.mark.parametrize(("sentence", "value", "unit"), [
    ("It costs CHF 2'310.50.", 2310.5, "CHF"),
    ("Es kostet 34,- €.", 34, "EUR"),
    ("Preis: € 1.299,– inklusive.", 1299, "EUR"),
    ("He is 6'2\" tall.", 74, "in"),
    ("She stands 5′11″.", 71, "in"),
])
def test_swiss_grouping_whole_prices_and_heights_in_primes(sentence: str, value: float,
                                                           unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.value, figure.unit) == (value, unit)


def test_a_comma_dash_without_a_currency_is_no_price() -> None:
    assert [f.text for f in find_figures("Scores were 34,-36.")] == ["34", "-36"]


def test_a_decade_with_an_apostrophe() -> None:
    assert [f.date for f in find_figures("Music of the 1950's.")] == ["195X"]


@pytest.mark.parametrize(("sentence", "date"), [
    ("It opens in twenty twenty-six.", "2026"),
    ("Orwell wrote it in nineteen forty-eight.", "1948"),
    ("She was born in nineteen oh five.", "1905"),
    ("Prices have risen since twenty ten.", "2010"),
])
def test_a_year_said_aloud_is_a_date(sentence: str, date: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.kind, figure.date) == ("date", date)


@pytest.mark.parametrize(("sentence", "values"), [
    ("Count: one two three four twenty fifteen.", [1, 2, 3, 4, 20, 15]),
    ("He paid with twenty twenty-dollar bills.", [20, 20]),
])
def test_number_words_that_are_no_year(sentence: str, values: list[float]) -> None:
    assert [f.value for f in find_figures(sentence)] == values


@pytest.mark.parametrize(("sentence", "value"), [
    ("It took three and a quarter hours.", 3.25),
    ("Add two and three quarters cups.", 2.75),
    ("A million and a quarter visitors came.", 1.25e6),
])
def test_a_whole_and_a_fraction_in_words(sentence: str, value: float) -> None:
    assert find_figures(sentence)[0].value == value


@pytest.mark.parametrize(("sentence", "unit"), [
    ("The temp is 20 c today.", "degC"), ("The temperature is 68 f outside.", "degF"),
    ("Set the thermostat to 21 c.", "degC"), ("He got 20 c grades.", None),
    ("It cost 20 c.", None),
])
def test_a_scale_in_lower_case_among_heat_words(sentence: str, unit: str | None) -> None:
    assert find_figures(sentence)[0].unit == unit


def test_percentage_after_a_number_is_percent() -> None:
    assert [(f.value, f.unit) for f in find_figures("It was a 10 percentage increase.")] == [
        (10, "%")]
    assert find_figures("The percentage of voters fell.") == []


@pytest.mark.parametrize(("sentence", "unit"), [("It lasts 2 wks.", "week"),
                                                ("A 3 mos. course.", "month")])
def test_weeks_and_months_abbreviated(sentence: str, unit: str) -> None:
    assert find_figures(sentence)[0].unit == unit


@pytest.mark.parametrize(("sentence", "value", "unit"), [
    ("The phone costs 999 pounds.", 999, "GBP"),
    ("She paid 20 pounds for it.", 20, "GBP"),
    ("He weighs 190 pounds.", 190, "lb"),
    ("A 10 pounds bag of rice.", 10, "lb"),
    ("Delivery takes 3-5 working days.", 3, "day"),
    ("It arrives within 10 business days.", 10, "day"),
    ("The garden is 50 sqm.", 50, "m2"),
    ("Light travels at 299,792 km/s.", 299792, "km/s"),
])
def test_third_red_team_round_forms(sentence: str, value: float, unit: str) -> None:
    figure = find_figures(sentence)[0]
    assert (figure.value, figure.unit) == (value, unit)


@pytest.mark.parametrize(("sentence", "value", "unit"), [
    ("It's 7 dollars 50.", 7.5, "USD"), ("I paid 3 euro 20 for the bread.", 3.2, "EUR"),
    ("Two pounds fifty, please.", 2.5, "GBP"), ("It costs 5 dollars each.", 5, "USD"),
])
def test_cents_said_after_the_currency_word(sentence: str, value: float, unit: str) -> None:
    figure = find_figures(sentence)[0]
    assert (figure.value, figure.unit) == (value, unit)


def test_a_count_after_an_amount_is_no_cents() -> None:
    assert [f.value for f in find_figures("He earned 50 dollars 20 times.")] == [50, 20]


@pytest.mark.parametrize(("sentence", "value", "unit"), [
    ("I'm 5 ft 10.", 70, "in"), ("He is 6ft 2in tall.", 74, "in"),
    ("The baby weighed 7 lb 8 oz at birth.", 120, "oz"),
])
def test_a_height_or_weight_in_two_units_is_one_figure(sentence: str, value: float,
                                                        unit: str) -> None:
    [figure] = find_figures(sentence)
    assert (figure.value, figure.unit) == (value, unit)


def test_the_sides_of_a_size_take_its_unit() -> None:
    assert [(f.value, f.unit) for f in find_figures("The parcel is 30 x 20 x 10 cm.")] == [
        (30, "cm"), (20, "cm"), (10, "cm")]


@pytest.mark.parametrize(("sentence", "found"), [
    ("Liquid nitrogen boils at 77 K.", [(77, "K")]),
    ("The bulb has a colour temperature of 2700K.", [(2700, "K")]),
    ("He earns 50K a year.", [(50000, None)]),
    ("She ran a 5K race in hot weather.", [(5000, None)]),
])
def test_kelvin_only_among_words_of_physics(sentence: str,
                                            found: list[tuple[float, str | None]]) -> None:
    assert [(f.value, f.unit) for f in find_figures(sentence)] == found


@pytest.mark.parametrize("sentence", ["See page 42.", "It leaves from terminal 2.",
                                      "Take the number 73 bus.", "He wears number 23."])
def test_a_number_that_says_which_is_no_figure(sentence: str) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize(("sentence", "found"), [
    ("He's six foot two and 190 pounds.", [(74, "in"), (190, "lb")]),
    ("I use 2 x 20 kg dumbbells.", [(2, None), (20, "kg")]),
])
def test_a_height_said_in_words_and_a_multiplier_of_weights(
        sentence: str, found: list[tuple[float, str | None]]) -> None:
    assert [(f.value, f.unit) for f in find_figures(sentence)] == found


@pytest.mark.parametrize(("sentence", "value", "unit"), [
    ("Only one ticket left!", 1, None), ("It takes roughly 2 ½ hours.", 2.5, "h"),
    ("Data cap: 100GB/month", 100, "GB"),
])
def test_only_one_a_spaced_half_and_a_size_per_month(sentence: str, value: float,
                                                      unit: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.value, figure.unit) == (value, unit)


@pytest.mark.parametrize(("sentence", "text", "qualifier"), [
    ("Over-60s travel free.", "Over-60s", "over"), ("It is for the under-18s.", "under-18s",
                                                   "under"),
    ("My 7 yo won't sleep.", "7 yo", None), ("A 30 yr old man.", "30 yr old", None),
])
def test_age_groups_and_abbreviated_ages(sentence: str, text: str,
                                         qualifier: str | None) -> None:
    [figure] = find_figures(sentence)
    assert (figure.text, figure.unit, figure.qualifier) == (text, "year", qualifier)


def test_a_plane_in_the_plural_is_no_age_group() -> None:
    assert find_figures("F-16s flew over.") == []
