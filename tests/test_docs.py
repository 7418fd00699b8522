"""The README documents every command, and its shell blocks run as written.

Every ```sh block of the README runs, in order, in one fresh folder that holds what a
checkout holds (examples/), with this environment's `chronicle` first on PATH. A block
that cannot run here says why in a `<!-- docs-test: skip (reason) -->` line above it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chronicle.cli import main
from conftest import ROOT

README = (ROOT / "README.md").read_text()
FENCE = re.compile(
    r"^(?P<indent> *)(?:<!-- docs-test: skip \((?P<skip>[^\n]+?)\) -->\n(?P=indent))?"
    r"```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```$",
    re.MULTILINE | re.DOTALL,
)


def blocks(lang: str = "sh") -> list[tuple[str, str | None]]:
    """(body, skip reason or None) of every fenced block in ``lang``, in order."""
    found = []
    for match in FENCE.finditer(README):
        if match["lang"] == lang:
            indent = len(match["indent"])
            body = "\n".join(line[indent:] for line in match["body"].splitlines())
            found.append((body, match["skip"]))
    return found


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert re.search(rf"`chronicle {name}\b", README), f"README does not document {name}"


def test_readme_opens_with_the_example_and_the_ci_test_command() -> None:
    (setup_and_example, _), (setup_and_test, _) = blocks()[:2]
    assert setup_and_example.startswith("python3 -m venv .venv")
    assert "examples/run.sh" in setup_and_example
    assert setup_and_test.strip() == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv" in ci and "pytest" in ci


def test_no_indented_code_blocks_hide_from_the_docs_test() -> None:
    indented = re.findall(r"\n\n    \S[^\n]*", README)
    assert not indented, f"use fenced blocks, so the docs test sees them: {indented[:2]}"


def test_every_skipped_block_says_why() -> None:
    skipped = [reason for _, reason in blocks() if reason is not None]
    assert skipped and all(len(reason) > 10 for reason in skipped)
    assert len(skipped) < len(blocks())


@pytest.mark.slow
def test_readme_shell_blocks_run_as_written(tmp_path: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.fail("the README's SQLite block needs the sqlite3 command (apt-get install sqlite3)")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "NO_COLOR": "1"}
    env.pop("CHRONICLE_ARCHIVE", None)
    ran = 0
    for body, skip in blocks():
        if skip is not None:
            continue
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, f"README block failed:\n{body}\n{result.stderr}"
        ran += 1
    assert ran >= 5
    assert (tmp_path / "report.html").is_file() and (tmp_path / "comment.md").is_file()
    listed = subprocess.run(["chronicle", "list"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, check=True)
    assert listed.stdout.startswith("nato-ukraine")


@pytest.mark.slow
def test_the_sqlite_query_reads_one_briefing(tmp_path: Path) -> None:
    """Two briefings sharing a sentence share lineage ids: the README's query filters."""
    query = next(body for body, skip in blocks() if body.startswith("sqlite3 ") and not skip)
    exe = Path(sys.executable).with_name("chronicle")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CHRONICLE_ARCHIVE", None)
    first = ROOT / "examples" / "nato-ukraine" / "r1.txt"
    for args in (["init", "archive"], ["ingest", str(first), "-b", "nato-ukraine"],
                 ["ingest", str(first), "-b", "a-copy"],
                 ["export", "--format", "sqlite", "-o", "chronicle.sqlite"]):
        subprocess.run([str(exe), *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    rows = subprocess.run(["bash", "-c", query], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout.splitlines()
    assert len(rows) == 1 and rows[0].endswith("over $56.2 billion|56200000000.0")
