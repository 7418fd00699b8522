"""The text output of log, show, diff, timeline, blame and list on the example, exactly.

A change of output is a change of a file in tests/golden/, visible in review. To accept a
deliberate change, regenerate the files and read the diff before committing:

    .venv/bin/python -m pytest tests/test_golden.py --update-golden
    git diff tests/golden/

CI never regenerates them: without --update-golden a difference fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import ROOT, cli

GOLDEN = Path(__file__).parent / "golden"
SOURCES = [f"examples/nato-ukraine/r{n}.txt" for n in (1, 2, 3)]
CASES = {
    "list": ["list"],
    "log": ["log", "nato-ukraine"],
    "show": ["show", "nato-ukraine"],
    "show-r1": ["show", "nato-ukraine", "--rev", "r1"],
    "diff": ["diff", "nato-ukraine"],
    "diff-r1-r2": ["diff", "nato-ukraine", "--from", "r1", "--to", "r2"],
    "timeline": ["timeline", "nato-ukraine"],
    "timeline-billion": ["timeline", "nato-ukraine", "--figure", "billion"],
    "blame": ["blame", "nato-ukraine"],
}


def fixed_clock() -> Iterator[str]:
    """Recording times one minute apart, so the output holds no time of the test run."""
    moment = datetime(2024, 11, 19, 8, 0, tzinfo=UTC)
    while True:
        yield moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        moment += timedelta(minutes=1)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every case's stdout on the example, ingested with relative names and a fixed clock."""
    with pytest.MonkeyPatch.context() as patch:
        clock = fixed_clock()
        patch.setattr("chronicle.append.utc_now", lambda: next(clock))  # events' times
        patch.chdir(ROOT)
        patch.delenv("NO_COLOR", raising=False)
        archive = str(tmp_path_factory.mktemp("golden") / "archive")
        assert cli("init", archive).exit_code == 0
        assert cli("ingest", *SOURCES, "-b", "nato-ukraine", "--archive", archive).exit_code == 0
        found = {}
        for name, args in CASES.items():
            result = cli(*args, "--archive", archive)
            assert result.exit_code == 0, result.stderr
            found[name] = result.stdout
        return found


@pytest.mark.parametrize("name", CASES)
def test_output_matches_golden_file(name: str, outputs: dict[str, str],
                                    request: pytest.FixtureRequest) -> None:
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(outputs[name])
    assert path.exists(), f"{path} is missing: run pytest tests/test_golden.py --update-golden"
    assert outputs[name] == path.read_text(), (
        f"{name} output changed; if on purpose: pytest tests/test_golden.py --update-golden")
