"""The README documents every command, and its first two commands are the ones CI runs."""

from __future__ import annotations

import re

from chronicle.cli import main
from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert re.search(rf"`chronicle {name}\b", README), f"README does not document {name}"


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"^    (python3 -m venv .*)$", README, re.MULTILINE)
    assert len(blocks) >= 2
    setup_and_example, setup_and_test = blocks[:2]
    assert "examples/run.sh" in setup_and_example
    assert setup_and_test in (ROOT / ".ci" / "run").read_text()
