"""Tests of chronicle.figures.find_figures: the example briefing, formats, and properties."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronicle.figures import FoundFigure, find_figures

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


@pytest.mark.parametrize(
    ("sentence", "text", "iso", "year"),
    [
        ("Russia invaded on 24 February 2022.", "24 February 2022", "2022-02-24", 2022.0),
        ("It began on February 24, 2022.", "February 24, 2022", "2022-02-24", 2022.0),
        ("Fighting has raged since 2014.", "2014", "2014", 2014.0),
        ("Prices peaked in 2022.", "2022", "2022", 2022.0),
        ("The 1990s were calmer.", "1990s", "199X", 1990.0),
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
        "The 21st century began.",
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
     "±", ".", ",", "/", "troops", " per cent", "from ", "rose ", "about ", "(", ")"])


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
    assert math.isclose(figure.value, float(number) * scale[1], rel_tol=1e-9)
    assert figure.unit == code
    assert figure.text == text
