"""The README documents every command, and its first two commands are the ones CI runs."""

from __future__ import annotations

import re

from chronicle.cli import main
from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert re.search(rf"`chronicle {name}\b", README), f"README does not document {name}"


def test_readme_opens_with_the_example_and_the_ci_test_command() -> None:
    commands = re.findall(r"^    (\S.*)$", README, re.MULTILINE)[:2]
    setup_and_example, setup_and_test = commands
    assert setup_and_example.startswith("python3 -m venv .venv")
    assert "examples/run.sh" in setup_and_example
    assert setup_and_test == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv" in ci and "pytest" in ci
