"""`chronicle report`: one self-contained HTML page, checked as text and in headless Chromium.

The browser test needs Debian's chromium (`apt-get install -y chromium`) and the playwright
package; it launches /usr/bin/chromium itself (no `playwright install`) and is skipped only
when that file is absent.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

import pytest

from chronicle.lineage import figure_series, walk
from chronicle.replay import replay
from chronicle.report import build_report, nice_ticks, short_number, with_unit
from chronicle.store import Archive
from conftest import cli

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def write_report(archive: Path, output: Path) -> dict[str, object]:
    result = cli("report", "nato-ukraine", "-o", str(output), "--json", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    summary: dict[str, object] = json.loads(result.stdout)
    return summary


def test_report_is_one_self_contained_page(example_archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    summary = write_report(example_archive, output)
    assert summary == {"briefing": "nato-ukraine", "revisions": 3, "charts": 6,
                       "changed_figures": 3, "diffs": 2, "output": str(output)}
    page = output.read_text(encoding="utf-8")
    # Nothing outside the page: no src=, no stylesheet links, no url(), no @import.
    assert not re.search(r"\ssrc\s*=", page)
    assert not re.search(r"<link[^>]+stylesheet", page) and "@import" not in page
    assert "url(" not in page
    assert not re.findall(r'href="(?!#|data:)[^"]*"', page)
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing else
    assert page.count('<svg class="chart"') == 6
    assert "over $56.2 billion" in page and "over $61.4 billion" in page
    assert "<del>ignited</del><ins>triggered</ins>" in page  # a word-level claim edit
    assert 'id="diff-1-2"' in page and 'id="diff-2-3"' in page


def test_text_from_a_briefing_is_escaped(archive: Path, tmp_path: Path) -> None:
    for n, amount in enumerate(("$5 billion", "$7 billion"), start=1):
        source = tmp_path / f"r{n}.txt"
        source.write_text(f"<script>alert(1)</script> headline\n\nThe fund holds {amount} "
                          "for </svg><img src=x onerror=alert(2)> repairs.\n")
        assert cli("ingest", str(source), "-b", "evil", "--archive", str(archive)).exit_code == 0
    output = tmp_path / "evil.html"
    assert cli("report", "evil", "-o", str(output), "--archive", str(archive)).exit_code == 0
    page = output.read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_figure_lineage_follows_a_changed_value(example_archive: Path) -> None:
    states = replay(Archive(example_archive).events("nato-ukraine"))
    series = figure_series(walk(states))
    aid = [s for s in series if s.points[0].figure.text == "over $56.2 billion"]
    assert [[p.figure.value for p in s.points] for s in aid] == [[56.2e9, 61.4e9, 61.4e9]] * 2
    assert all(s.changed() for s in aid)
    data = build_report(states)
    flags = [c.changed for c in data.charts]
    assert flags == sorted(flags, reverse=True)  # charts of changed figures come first


def test_number_formatting() -> None:
    assert short_number(61.4e9) == "61.4bn" and short_number(50_000) == "50k"
    assert with_unit("61.4bn", "USD") == "$61.4bn" and with_unit("-2", "EUR") == "-€2"
    assert with_unit("5", "%") == "5%" and with_unit("250", "km") == "250 km"
    assert nice_ticks(56.2e9, 61.4e9) == [56e9, 58e9, 60e9, 62e9]
    assert nice_ticks(5, 5)[0] < 5 < nice_ticks(5, 5)[-1]


BROWSER_REQUIRED = os.environ.get("CHRONICLE_REQUIRE_BROWSER") == "1"  # set by .ci/run in CI


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists() and not BROWSER_REQUIRED,
                    reason="/usr/bin/chromium is not installed (apt-get install -y chromium); "
                    "the browser check of the report needs it")
def test_report_renders_in_headless_chromium(example_archive: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    output = tmp_path / "report.html"
    write_report(example_archive, output)
    url = output.resolve().as_uri()
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: problems.append(message.text)
                    if message.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(url, wait_until="load")
            charts = page.locator("svg.chart")
            assert charts.count() == 6
            for n in range(charts.count()):
                box = charts.nth(n).bounding_box()
                assert box is not None and box["width"] > 100 and box["height"] > 50
            points = page.locator("svg.chart circle.point")
            assert points.count() >= 12
            first_point = points.first.bounding_box()
            assert first_point is not None and first_point["width"] > 0
            timeline = page.locator("svg.timeline").bounding_box()
            assert timeline is not None and timeline["width"] > 100
            assert page.locator("details.diff[open]").count() == 1
            page.click("#expand")
            assert page.locator("details.diff[open]").count() == 2
            page.check("#only-changed")  # the inline script hides charts that never changed
            assert page.locator(".chart-card:visible").count() == 3
            page.uncheck("#only-changed")
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert requests == [url]  # the page itself, nothing else
    assert problems == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.slow
def test_terminal_manners(example_archive: Path) -> None:
    from importlib.metadata import version

    from conftest import run_chronicle

    assert run_chronicle("--version").stdout == f"chronicle {version('chronicle')}\n"
    help_text = run_chronicle("--help").stdout
    assert "5  network: a URL could not be fetched" in help_text
    for command in ("watch", "review", "export", "report"):
        assert "--json" in run_chronicle(command, "--help").stdout
    completion = run_chronicle(env={"_CHRONICLE_COMPLETE": "bash_complete",
                                    "COMP_WORDS": "chronicle re", "COMP_CWORD": "1"})
    assert completion.stdout.split() == ["plain,report", "plain,review"]
    assert "_chronicle_completion()" in run_chronicle(
        env={"_CHRONICLE_COMPLETE": "bash_source"}).stdout
    piped = run_chronicle("review", "HEAD~1..HEAD", "--archive", str(example_archive))
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout  # plain text when piped


# ----- hostile figures (issue 12 items 7 and 13) -------------------------------------------
@pytest.mark.slow
def test_a_one_ulp_change_does_not_hang_the_report(archive: Path, tmp_path: Path) -> None:
    """'2 percent' -> '2.0000000000000004 percent' made nice_ticks loop for ever (+80 MB/s).
    Run in a real process with a deadline, so a hang fails instead of stalling the suite."""
    from conftest import run_chronicle

    paths = []
    for n, number in enumerate(("2", "2.0000000000000004")):
        paths.append(tmp_path / f"r{n}.txt")
        paths[-1].write_text(f"# Rates\n\nInflation was {number} percent in May.\n", "utf-8")
    assert cli("ingest", *map(str, paths), "-b", "ulp", "--archive", str(archive)).exit_code == 0
    done = run_chronicle("report", "ulp", "-o", str(tmp_path / "r.html"), "--json",
                         "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["charts"] >= 1
    assert len(nice_ticks(2, 2.0000000000000004)) <= 6  # drawn as no change


@pytest.mark.parametrize(("low", "high"), [
    (2, 2.0000000000000004), (-1e308, 1e308), (1e308, 1e308), (-1e308, -1e308),
    (5e-324, 5e-324), (5e-324, 1e-323), (0, 5e-324), (-5e-324, 1e308), (0, 0),
    (1e-15, 3e-15), (1.7976931348623157e308, 1.7976931348623157e308), (3, 1)])
def test_nice_ticks_on_any_finite_numbers(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert 1 <= len(ticks) <= 20
    assert ticks[0] <= min(low, high) and ticks[-1] >= max(low, high)
    assert all(a < b for a, b in itertools.pairwise(ticks))


def test_extreme_figure_values_make_a_report(archive: Path, tmp_path: Path) -> None:
    """Figure values ±1e308 and 5e-324 raised OverflowError or ValueError in report."""
    from hostile_corpus import valid_extremes

    documents = valid_extremes()
    paths = []
    for name in ("value-huge", "value-negative-huge", "value-tiny"):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(documents[name]), "utf-8")
    ingested = cli("ingest", *map(str, paths), "-b", "extreme", "--archive", str(archive))
    assert ingested.exit_code == 0, ingested.stderr
    output = tmp_path / "extreme.html"
    result = cli("report", "extreme", "-o", str(output), "--archive", str(archive))
    assert result.exit_code == 0, result.stderr
    page = output.read_text("utf-8")
    assert "nan" not in re.findall(r'(?:x|y)[12]?="([^"]*)"', page)
    assert not re.search(r'="(?:-?inf|nan)"', page)
