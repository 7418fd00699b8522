"""Every change in examples/nato-ukraine/README.md is reported by `diff --json`, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chronicle.schemas import schema_problems
from conftest import cli


def diff_json(archive: Path, start: int, end: int) -> dict[str, Any]:
    result = cli(
        "diff",
        "nato-ukraine",
        "--from",
        str(start),
        "--to",
        str(end),
        "--json",
        "--archive",
        str(archive),
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    assert schema_problems(document, "diff") == []
    return document


def fig(figure: dict[str, Any]) -> tuple[Any, ...]:
    return (figure["value"], figure["unit"], figure["kind"], figure["qualifier"], figure["noun"])


# The example's diffs must be exact whoever extracted the revisions: this release
# ("fresh"), chronicle 0.1.0 (the frozen archive), or a deliberately different extractor
# for every other revision ("mixed": each pair crosses extractor versions).
ARCHIVES = ["fresh", "frozen-0.1.0", "mixed"]


@pytest.fixture(params=ARCHIVES)
def any_archive(request: pytest.FixtureRequest) -> Path:
    name = {"fresh": "example_archive", "frozen-0.1.0": "frozen_archive",
            "mixed": "mixed_archive"}[request.param]
    path: Path = request.getfixturevalue(name)
    return path


@pytest.fixture
def r1_r2(any_archive: Path) -> dict[str, Any]:
    return diff_json(any_archive, 1, 2)


@pytest.fixture
def r2_r3(any_archive: Path) -> dict[str, Any]:
    return diff_json(any_archive, 2, 3)


def test_r1_r2_figures(r1_r2: dict[str, Any]) -> None:
    changed = [(fig(c["before"]), fig(c["after"])) for c in r1_r2["figures"]["changed"]]
    aid = ((56.2e9, "USD", "money", "over", None), (61.4e9, "USD", "money", "over", None))
    storm_shadow = ((500.0, "km", "distance", None, None), (250.0, "km", "distance", None, None))
    assert changed == [aid, storm_shadow, aid]  # key point, then body in reading order
    assert [c["after"]["text"] for c in r1_r2["figures"]["changed"]] == [
        "over $61.4 billion",
        "250 kilometers",
        "over $61.4 billion",
    ]
    assert [fig(f) for f in r1_r2["figures"]["added"]] == [(6.0, None, "count", None, "missiles")]
    assert r1_r2["figures"]["removed"] == []


def test_r1_r2_claims_sources_and_nothing_else(r1_r2: dict[str, Any]) -> None:
    claims = r1_r2["claims"]
    assert [c["text"] for c in claims["added"]] == [
        "Russia’s defense ministry said Ukraine fired six ATACMS missiles at a military facility "
        "in the Bryansk region on Tuesday."
    ]
    assert [c["text"][:40] for c in claims["removed"]] == [
        "This move has raised concerns about the "
    ]
    [edit] = claims["edited"]
    assert "has ignited a wave of support" in edit["before"]["text"]
    assert "has triggered a wave of support" in edit["after"]["text"]
    assert claims["moved"] == []
    assert r1_r2["headline"] is None
    assert r1_r2["key_points"] == {
        "added": [], "removed": [], "edited": [], "moved": [], "split": [], "merged": []
    }
    assert r1_r2["quotes"] == {"added": [], "removed": [], "changed": []}
    assert r1_r2["sources"] == {
        "added": [
            {
                "text": "Russia says Ukraine fired U.S.-made ATACMS missiles at Bryansk region",
                "url": None,
            }
        ],
        "removed": [],
    }


def test_r2_r3_headline_key_points_and_claims(r2_r3: dict[str, Any]) -> None:
    assert r2_r3["headline"] == {
        "before": "NATO members unite to bolster Ukraine’s defense capabilities as Russia "
        "escalates its military aggression.",
        "after": "NATO allies step up arms deliveries to Ukraine after the first ATACMS strikes "
        "inside Russia.",
    }
    points = r2_r3["key_points"]
    assert [k["text"] for k in points["removed"]] == [
        "Germany maintains its policy of not providing long-range missiles to Ukraine"
    ]
    assert [(e["before"]["text"], e["after"]["text"]) for e in points["edited"]] == [
        (
            "Russia deploys North Korean troops to reinforce its war efforts in Ukraine",
            "Russia deploys about 11,000 North Korean troops to reinforce its war efforts in "
            "Ukraine",
        )
    ]
    assert points["added"] == [] and points["moved"] == []
    claims = r2_r3["claims"]
    [edit] = claims["edited"]
    assert "50,000 troops, among them about 11,000 North Korean soldiers" in edit["after"]["text"]
    assert claims["added"] == [] and claims["removed"] == [] and claims["moved"] == []


def test_r2_r3_figures_quotes_and_nothing_else(r2_r3: dict[str, Any]) -> None:
    figures = r2_r3["figures"]
    assert [fig(f) for f in figures["added"]] == [
        (11000.0, None, "count", "about", "troops"),
        (11000.0, None, "count", "about", "soldiers"),
    ]
    assert figures["changed"] == [] and figures["removed"] == []  # 50,000 is unchanged
    quotes = r2_r3["quotes"]
    assert [(q["text"], q["speaker"]) for q in quotes["removed"]] == [
        ("We want peace, we want fair peace.", "U.N. Secretary-General Antonio Guterres")
    ]
    [change] = quotes["changed"]
    assert change["fields"] == ["speaker"]
    assert change["before"]["speaker"] == "A spokesperson for the German government"
    assert "Steffen Hebestreit" in change["after"]["speaker"]
    assert quotes["added"] == []
    assert r2_r3["sources"] == {"added": [], "removed": []}


def test_default_diff_is_the_last_two_revisions(any_archive: Path, r2_r3: dict[str, Any]) -> None:
    result = cli("diff", "nato-ukraine", "--json", "--archive", str(any_archive))
    assert json.loads(result.stdout) == r2_r3


def test_terminal_diff_reads_like_a_summary(example_archive: Path) -> None:
    result = cli(
        "diff", "nato-ukraine", "--from", "1", "--to", "2", "--archive", str(example_archive)
    )
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "nato-ukraine: r1 → r2  1 claim added, 1 removed, 1 edited; "
        "3 figures changed, 1 added; 1 source added"
    )
    assert any("over $56.2 billion" in line and "over $61.4 billion" in line for line in lines)


def test_timeline_follows_the_aid_figure(example_archive: Path) -> None:
    result = cli(
        "timeline",
        "nato-ukraine",
        "--figure",
        "security assistance",
        "--json",
        "--archive",
        str(example_archive),
    )
    threads = json.loads(result.stdout)["figures"]
    money = [t for t in threads if t["kind"] == "money"]
    assert len(money) == 2  # key point and body
    for thread in money:  # one point per run of revisions showing it unchanged
        assert [(p["sequence"], p["until"], p["value"]) for p in thread["points"]] == [
            (1, 1, 56.2e9),
            (2, 3, 61.4e9),
        ]


def test_blame_names_who_introduced_and_changed_each_claim(example_archive: Path) -> None:
    result = cli("blame", "nato-ukraine", "--json", "--archive", str(example_archive))
    claims = {
        c["text"][:30]: (c["introduced"], c["changed"]) for c in json.loads(result.stdout)["claims"]
    }
    assert claims["Russia’s defense ministry said"] == (2, 2)
    assert claims["President Joe Biden’s recent a"] == (1, 2)
    assert claims["The move comes in response to "] == (1, 3)
    assert claims["This pivotal decision allows U"] == (1, 1)
    assert claims["Russia deploys about 11,000 No"] == (1, 3)
    old = cli("blame", "nato-ukraine", "--rev", "1", "--json", "--archive", str(example_archive))
    assert {c["introduced"] for c in json.loads(old.stdout)["claims"]} == {1}
