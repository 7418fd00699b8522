"""Figure identity: a figure is matched by what it measures and where the words put it, not
by the order figures of a kind happen to have; the same quantity restated is not a change;
quotes compare without punctuation and a cut re-quote is the same quote."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from chronicle.diff_model import Diff
from chronicle.model import Figure
from chronicle.readers import parse_bytes
from chronicle.views import diff_revisions


def diff_texts(before: str, after: str) -> Diff:
    first = parse_bytes(f"Title\n\n{before}\n".encode(), "before", "text").revision
    second = parse_bytes(f"Title\n\n{after}\n".encode(), "after", "text").revision
    return diff_revisions("t", first, second, (1, 2))


def changes(diff: Diff) -> list[tuple[str, str]]:
    return [(c.before.text, c.after.text) for c in diff.figures.changed]


def test_several_figures_of_one_kind_change_by_place() -> None:
    """The taper sentence: each pace is cut by $5 billion; $25 and $30 billion stay in the
    text but not in the same place, so they are changes, not unchanged figures."""
    pace = ("the Committee will add to its holdings of agency mortgage-backed securities at a "
            "pace of ${} billion per month rather than ${} billion per month, and will add to its "
            "holdings of longer-term Treasury securities at a pace of ${} billion per month "
            "rather than ${} billion per month.")
    diff = diff_texts("Beginning in April, " + pace.format(25, 30, 30, 35),
                      "Beginning in May, " + pace.format(20, 25, 25, 30))
    assert [(c.before.value, c.after.value) for c in diff.figures.changed] == [
        (25e9, 20e9), (30e9, 25e9), (30e9, 25e9), (35e9, 30e9)]
    assert diff.figures.added == diff.figures.removed == ()
    [edit] = diff.claims.edited  # April -> May is wording
    assert "May" in edit.after.text


def test_a_rate_path_changes_from_and_to() -> None:
    diff = diff_texts(
        "The rate was lowered from about 6 percent to about 5.75 percent.",
        "The rate was lowered from about 5.75 percent to about 5.5 percent.",
    )
    assert [(c.before.value, c.after.value) for c in diff.figures.changed] == [(6, 5.75),
                                                                               (5.75, 5.5)]


def test_a_level_is_not_paired_with_a_move_in_basis_points() -> None:
    diff = diff_texts(
        "The Committee kept its target for the federal funds rate at 5 percent.",
        "The Committee raised its target for the federal funds rate by 25 basis points to "
        "5.25 percent.",
    )
    assert [(c.before.value, c.after.value, c.after.unit) for c in diff.figures.changed] == [
        (5, 5.25, "%")]
    assert [(f.value, f.unit) for f in diff.figures.added] == [(25, "bp")]


def test_years_moving_with_their_clauses_are_unchanged() -> None:
    diff = diff_texts(
        "The plant opened in 2015 and it was expanded in 2019 by the new owners.",
        "It was expanded in 2019 by the new owners, four years after it opened in 2015.",
    )
    assert diff.figures.changed == diff.figures.removed == ()
    assert [f.text for f in diff.figures.added] == ["four years"]


def test_a_year_added_to_a_list_is_added_not_a_change() -> None:
    diff = diff_texts(
        "She has won the championship on four other occasions, in 2007, 2010, 2012 and 2013.",
        "She has won the championship on five other occasions, in 2007, 2010, 2012, 2013 and "
        "2014.",
    )
    assert changes(diff) == [("four", "five")]
    assert [f.value for f in diff.figures.added] == [2014]
    assert diff.figures.removed == ()


def test_the_same_quantity_in_another_unit_or_format_is_restated() -> None:
    diff = diff_texts(
        "The district had an area of 1670 hectares and a population of 9400. "
        "Two stakes were placed twenty feet apart.",
        "The district had an area of 16.7 km² and a population of 9,400. "
        "Two stakes were placed 20 feet apart.",
    )
    assert diff.figures.changed == diff.figures.added == diff.figures.removed == ()
    assert [(r.before.text, r.after.text) for r in diff.figures.restated] == [
        ("1670 hectares", "16.7 km²"), ("9400", "9,400"), ("twenty feet", "20 feet")]
    # the words changed where a unit or a number word changed; '9400' -> '9,400' alone is not
    edited = [e.after.text[:16] for e in diff.claims.edited]
    assert edited == ["The district had", "Two stakes were "]


@pytest.mark.parametrize(("before", "after", "restated"), [
    ("40C", "104F", True), ("38C", "100F", True), ("100 km", "62 miles", True),
    ("6,000 feet", "1,830 m", True), ("160 km", "100 miles", True), ("300 miles", "480 km", True),
    ("about 500 miles", "about 800 km", True), ("10 km", "6 miles", True),
    ("100 km/h", "60 mph", True), ("50 kg", "110 lb", True),
    # a round number beside an unround one is taken as exact: 100 km is 62 miles
    ("100 km", "65 miles", False),
    # a conversion off by more than the figures' written precision is a change
    ("40C", "150F", False), ("-5C", "50F", False),
    ("30 degrees Celsius", "100 degrees Fahrenheit", False),
    ("120 degrees Fahrenheit", "51 degrees Celsius", False), ("100 km", "90 miles", False),
    ("20 miles", "40 km", False),
])
def test_a_conversion_is_restated_only_to_the_written_precision(before: str, after: str,
                                                                restated: bool) -> None:
    diff = diff_texts(f"The reading was {before} on Monday.", f"The reading was {after} on Monday.")
    assert (len(diff.figures.restated), len(diff.figures.changed)) == (
        (1, 0) if restated else (0, 1))


def test_a_figure_survives_the_rewrite_of_its_sentence() -> None:
    diff = diff_texts(
        "Emperor Charles IV regulated who would be electors in a golden bull of 1356. "
        "Later, the dukes of Bavaria were added.",
        "In a document known as the Golden Bull (1356) their status was regulated by the "
        "emperor Charles IV, who recognised them as rulers. Later, the dukes of Bavaria were "
        "added.",
    )
    assert diff.figures.changed == diff.figures.added == diff.figures.removed == ()
    [edit] = diff.claims.edited
    assert edit.before.text.startswith("Emperor Charles IV")


def test_a_split_keeps_unchanged_figures_and_reports_the_changed_one() -> None:
    diff = diff_texts(
        "Sales rose 5 percent to $20 million in 2020, while costs at the company's three "
        "plants fell 3 percent.",
        "Sales rose 5 percent to $22 million in 2020. Costs at the company's three plants fell "
        "3 percent.",
    )
    [split] = diff.claims.split
    assert len(split.after) == 2 and split.before.text.startswith("Sales rose")
    assert diff.claims.added == diff.claims.removed == ()
    assert [(c.before.value, c.after.value) for c in diff.figures.changed] == [(20e6, 22e6)]
    assert diff.figures.added == diff.figures.removed == ()


def test_two_sentences_merged_keep_their_figures() -> None:
    diff = diff_texts(
        "Higher energy costs have the potential to add to inflation pressures. However, core "
        "inflation has been relatively low at 2 percent in recent months.",
        "The cumulative rise in energy costs has the potential to add to inflation pressures; "
        "however, core inflation has been relatively low at 2 percent in recent months.",
    )
    [merge] = diff.claims.merged
    assert len(merge.before) == 2
    assert diff.claims.added == diff.claims.removed == ()
    assert diff.figures.changed == diff.figures.added == diff.figures.removed == ()


def test_quotes_differing_in_punctuation_only_are_the_same() -> None:
    diff = diff_texts(
        "He said: “We will not stop until we have won this war.”",
        "He said: “We will not stop until we have won this war”.",
    )
    assert diff.quotes.changed == diff.quotes.added == diff.quotes.removed == ()


def test_a_shortened_requote_is_a_change_of_the_same_quote() -> None:
    diff = diff_texts(
        "“We will win this war and we will rebuild every one of our cities,” Zelenskyy said.",
        "“We will win this war,” Zelenskyy said.",
    )
    [change] = diff.quotes.changed
    assert change.fields == ("text",)
    assert change.after.text.startswith("We will win this war")
    assert diff.quotes.added == diff.quotes.removed == ()


@pytest.mark.parametrize(("before", "after", "changed", "added"), [
    # the old value comes back in another role: each figure keeps its place in the words
    ("The death toll rose to 12 from 9.", "The death toll rose to 15 from 12.",
     [("12", "15"), ("9", "12")], []),
    ("The bank raised its rate to 5.25% from 5%.", "The bank raised its rate to 5.5% from 5.25%.",
     [("5.25%", "5.5%"), ("5%", "5.25%")], []),
    ("Officials said 3 people died.", "Officials said 5 people died, and 3 people remain missing.",
     [("3", "5")], ["3"]),
    ("The storm killed 4 people.", "The storm killed 6 people and destroyed 4 homes.",
     [("4", "6")], ["4"]),
    # a clause moved with its figure: equal values stay one figure
    ("The economy grew 3 percent last year, while inflation was 2 percent.",
     "Inflation was 2 percent last year, while the economy grew 3 percent.", [], []),
    ("She won in 2012 and 2013.", "She won in 2012, 2013 and 2014.", [], ["2014"]),
    # a list that grows keeps its values; figures that swap places keep theirs
    ("They sell 10 mg and 20 mg tablets.", "They sell 10 mg, 20 mg and 40 mg tablets.", [],
     ["40 mg"]),
    ("The attack killed 5 people and injured 12.", "The attack injured 14 people and killed 5.",
     [("12", "14")], []),
    # reordered, nothing changed; then values traded between fixed places: two changes
    ("Tickets cost $10, $15 and $25.", "Tickets cost $25, $15 and $10.", [], []),
    ("The storm killed 12 people, injured 40 and destroyed 300 homes.",
     "The storm destroyed 300 homes, injured 40 and killed 12 people.", [], []),
    ("Dunn won 40%, Ortiz 35% and Wong 25%.", "Dunn won 35%, Ortiz 40% and Wong 25%.",
     [("40%", "35%"), ("35%", "40%")], []),
])
def test_a_value_that_comes_back_in_another_role_is_a_change(
        before: str, after: str, changed: list[tuple[str, str]], added: list[str]) -> None:
    diff = diff_texts(before, after)
    assert changes(diff) == changed
    assert [f.text for f in diff.figures.added] == added
    assert diff.figures.removed == ()


@pytest.mark.parametrize(("before", "after"), [
    ("Prices are roughly 20% less than last year.",
     "Prices are roughly a fifth less than last year."),
    ("The Fed approved a rise of 25 basis points.",
     "The Fed approved a rise of a quarter of a percentage point."),
])
def test_a_share_in_words_restates_a_percent(before: str, after: str) -> None:
    diff = diff_texts(before, after)
    assert len(diff.figures.restated) == 1
    assert diff.figures.changed == diff.figures.added == diff.figures.removed == ()


def texts_of(figures: Sequence[Figure]) -> list[str]:
    return [f.text for f in figures]


def test_a_series_rolled_on_by_a_year_keeps_the_year_both_give() -> None:
    """'2.1% in 2023' is in both revisions: only 2022's figure went and 2024's came."""
    diff = diff_texts("Growth was 2.1% in 2023 after 1.8% in 2022, the agency said.",
                      "Growth was 2.4% in 2024 after 2.1% in 2023, the agency said.")
    assert changes(diff) == []
    assert texts_of(diff.figures.removed) == ["1.8%", "2022"]
    assert texts_of(diff.figures.added) == ["2.4%", "2024"]


def test_a_forecast_path_rolled_on_pairs_each_year() -> None:
    diff = diff_texts(
        "The deficit was $1.7 trillion in 2023 and is forecast at $1.9 trillion in 2024 and "
        "$2.0 trillion in 2025.",
        "The deficit was $1.8 trillion in 2024 and is forecast at $2.1 trillion in 2025 and "
        "$2.2 trillion in 2026.")
    assert changes(diff) == [("$1.9 trillion", "$1.8 trillion"),
                             ("$2.0 trillion", "$2.1 trillion")]
    assert texts_of(diff.figures.removed) == ["$1.7 trillion", "2023"]
    assert texts_of(diff.figures.added) == ["$2.2 trillion", "2026"]


def test_table_year_columns_rolled_on_pair_by_year() -> None:
    table = "# Results\n\nThe company reported.\n\n| Item | {} | {} |\n|---|---|---|\n{}"
    rows_b = "| Revenue | $29bn | $35bn |\n| Profit | $3bn | $4bn |\n"
    rows_a = "| Revenue | $35bn | $41bn |\n| Profit | $4bn | $5bn |\n"
    first = parse_bytes(table.format(2022, 2023, rows_b).encode(), "b", "markdown").revision
    second = parse_bytes(table.format(2023, 2024, rows_a).encode(), "a", "markdown").revision
    diff = diff_revisions("t", first, second, (1, 2))
    assert changes(diff) == []
    assert texts_of(diff.figures.removed) == ["$29bn", "$3bn"]
    assert texts_of(diff.figures.added) == ["$41bn", "$5bn"]


@pytest.mark.parametrize(("before", "after", "changed"), [
    # one year corrected, the other kept in its place: a change of that figure and its year
    ("Sales were $5bn in 2023 and $6bn in 2024.", "Sales were $5bn in 2023 and $7bn in 2025.",
     [("$6bn", "$7bn"), ("2024", "2025")]),
    # the same years both sides: each year's value changes
    ("Unemployment rose to 4.1% in 2024 from 3.9% in 2023.",
     "Unemployment was 4.3% in 2024, up from 4.1% in 2023.", [("4.1%", "4.3%"), ("3.9%", "4.1%")]),
])
def test_figures_of_years_not_rolled_on_pair_as_before(before: str, after: str,
                                                       changed: list[tuple[str, str]]) -> None:
    assert changes(diff_texts(before, after)) == changed


@pytest.mark.parametrize(("before", "after", "verdict"), [
    # durations are counted, not rounded: another value in another unit is a change
    ("He was jailed for 18 months.", "He was jailed for two years.", "changed"),
    ("The flight took 30 minutes.", "The flight took 1 hour.", "changed"),
    ("The flight took 90 minutes.", "The flight took 1.5 hours.", "restated"),
    ("The lease runs 3 months.", "The lease runs 90 days.", "restated"),
    # a bound turned the other way is a new claim; an approximation reworded is not
    ("Up to 300 people were on board.", "At least 300 people were on board.", "changed"),
    ("About 300 people were on board.", "More than 300 people were on board.", "changed"),
    ("About 300 people were on board.", "Some 300 people were on board.", "restated"),
    ("Nearly 300 people were on board.", "Almost 300 people were on board.", "restated"),
])
def test_durations_and_bounds_restated_or_changed(before: str, after: str,
                                                   verdict: str) -> None:
    diff = diff_texts(before, after)
    found = {"changed": len(diff.figures.changed), "restated": len(diff.figures.restated)}
    assert found == {"changed": int(verdict == "changed"), "restated": int(verdict == "restated")}


def test_a_figure_moved_to_another_aligned_claim_is_unchanged() -> None:
    diff = diff_texts(
        "Semicorp will invest $20 billion in a chip plant in Ohio.\n\nThe plant is expected "
        "to create 3,000 jobs and open in 2026.",
        "Semicorp will invest $20 billion in a chip plant in Ohio that is expected to open in "
        "2026.\n\nThe plant is expected to create 3,000 jobs.")
    assert diff.figures.added == diff.figures.removed == diff.figures.changed == ()



@pytest.mark.parametrize(("before", "after", "changed"), [
    ("The economy grew 2.3% last year.", "Growth last year was revised down to 2.1% from 2.3%.",
     ("2.3%", "2.1%")),
    ("The death toll is 45.", "The death toll rose to 52 from 45.", ("45", "52")),
    ("The toll was 45.", "The toll was 52, up from 45.", ("45", "52")),
    ("Unemployment was 4.1% in May.", "Unemployment rose from 4.1% to 4.3% in June.",
     ("4.1%", "4.3%")),
])
def test_the_old_value_cited_beside_the_new_one_is_a_change(
        before: str, after: str, changed: tuple[str, str]) -> None:
    diff = diff_texts(before, after)
    assert changes(diff) == [changed]
    assert texts_of(diff.figures.added) == [changed[0]]  # the citation of the old value


def test_a_from_value_kept_in_its_role_stays_unchanged() -> None:
    diff = diff_texts("Sales rose to $5bn from $4bn.", "Sales rose to $6bn from $4bn.")
    assert changes(diff) == [("$5bn", "$6bn")] and diff.figures.added == ()


def test_a_move_in_points_restated_as_a_percent_is_one_changed_figure() -> None:
    diff = diff_texts("The jobless rate rose 2 percentage points to 7.5%.",
                      "The jobless rate rose 2% to 7.5%.")
    assert changes(diff) == [("2 percentage points", "2%")]
    assert diff.figures.added == diff.figures.removed == ()


@pytest.mark.parametrize(("before", "after", "verdict"), [
    ("The program ran from 2019 to 2021.", "The program ran from 2019 to 2022.", "changed"),
    ("The 2019-20 season was long.", "The 2019-21 season was long.", "changed"),
    ("The program ran from 2019 to 2021.", "The program ran between 2019 and 2021.",
     "restated"),
    ("Emissions totalled 37.4 Gt of CO2.", "Emissions totalled 37.4 billion tonnes of CO2.",
     "restated"),
])
def test_year_spans_compare_both_ends(before: str, after: str, verdict: str) -> None:
    diff = diff_texts(before, after)
    assert (len(diff.figures.changed), len(diff.figures.restated)) == (
        (1, 0) if verdict == "changed" else (0, 1))


@pytest.mark.parametrize(("before", "after", "verdict"), [
    # a verb of decrease makes the figure a move down
    ("Production rose 0.3% in May.", "Production fell 0.3% in May.", "changed"),
    ("Industrial output dropped 0.3%.", "Industrial output changed by -0.3%.", "restated"),
    ("Sales fell 2% in May.", "Sales declined 2% in May.", "same"),
    ("Sales fell to 3% in May.", "Sales rose to 3% in May.", "same"),  # levels, not moves
])
def test_a_move_down_is_the_negative_of_a_move_up(before: str, after: str,
                                                   verdict: str) -> None:
    diff = diff_texts(before, after)
    found = ("changed" if diff.figures.changed else "restated" if diff.figures.restated
             else "same")
    assert found == verdict


def test_a_change_of_direction_alone_shows_the_signed_moves() -> None:
    """'0.3% -> 0.3%' said nothing; the entry carries the moves it compared."""
    [change] = diff_texts("Production rose 0.3% in May.",
                          "Production fell 0.3% in May.").figures.changed
    assert (change.before.value, change.after.value) == (0.3, -0.3)
    assert (change.before.text, change.after.text) == ("0.3%", "0.3%")


@pytest.mark.parametrize(("before", "after", "removed"), [
    ("Arsenal paid £40 million, Chelsea paid £35 million and Spurs spent £20 million.",
     "Arsenal paid £40 million and Chelsea spent £35 million.", ["£20 million"]),
    ("The CDU won 28.5% and the SPD 16.4%, while the Greens took 11.6%.",
     "The CDU won 28.5% and the SPD took 16.4%.", ["11.6%"]),
])
def test_a_dropped_clause_drops_its_figure_and_changes_no_other(before: str, after: str,
                                                                removed: list[str]) -> None:
    """Pairing by place must not turn the dropped £20m into Chelsea's £35m (and call
    Chelsea's figure removed) when the £35m is still there, unpaired."""
    diff = diff_texts(before, after)
    assert changes(diff) == []
    assert texts_of(diff.figures.removed) == removed
    assert diff.figures.added == ()


def test_a_price_per_another_unit_is_another_figure() -> None:
    diff = diff_texts("Power averaged €95 per megawatt hour in May.",
                      "Power averaged €95 per kilowatt hour in May.")
    assert ([f.noun for f in diff.figures.removed], [f.noun for f in diff.figures.added]) == (
        ["per MWh"], ["per kWh"])
    same = diff_texts("Power averaged €95 per megawatt hour.", "Power averaged €95/MWh.")
    assert same.figures.added == same.figures.removed == same.figures.changed == ()


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("The company raised C$2.5bn from investors.", "The company raised US$2.5bn from investors.",
     [("C$2.5bn", "US$2.5bn")]),
    ("It paid £70m and $3m in fees.", "It paid €70m and $3m in fees.", [("£70m", "€70m")]),
])
def test_an_amount_restated_in_another_currency_is_one_change(
        before: str, after: str, expected: list[tuple[str, str]]) -> None:
    diff = diff_texts(before, after)
    assert changes(diff) == expected
    assert diff.figures.added == diff.figures.removed == ()


def test_an_amount_added_in_another_currency_changes_none() -> None:
    diff = diff_texts("The fund holds €5bn.", "The fund holds €5bn and $2bn in bonds.")
    assert changes(diff) == []
    assert [f.text for f in diff.figures.added] == ["$2bn"]


def test_a_clause_split_off_with_its_changed_figure_is_a_change() -> None:
    diff = diff_texts("Revenue rose 12% to $4.5 billion, while profit fell to $300 million.",
                      "Revenue rose 11% to $4.4 billion. Profit fell to $310 million, the "
                      "company said.")
    assert ("$300 million", "$310 million") in changes(diff)
    assert diff.figures.added == diff.figures.removed == ()


def test_the_same_words_about_another_place_are_no_change() -> None:
    diff = diff_texts("Sales in Europe fell to $300 million last year. Costs were flat.",
                      "Costs were flat. Sales in Asia fell to $310 million, the company said "
                      "on Monday.")
    assert changes(diff) == []
