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
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["city-budget",
                                                                        "nato-ukraine"]


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


def readme_commands(name: str) -> list[list[str]]:
    """Every `chronicle NAME ...` command of the README's sh blocks, as its arguments."""
    import shlex

    found = []
    for body, skip in blocks():
        if skip is not None:
            continue
        words = shlex.split(body, comments=True)
        for n, word in enumerate(words):
            if word == "chronicle" and words[n + 1:n + 2] == [name]:
                end = n + 2
                while end < len(words) and words[end] != "chronicle" and words[end] != "&&":
                    end += 1
                found.append(words[n + 1:end])
    return found


def test_the_read_model_tables_views_and_columns_are_documented() -> None:
    from chronicle.projection.schema import TABLES, VIEWS

    section = README[README.index("## The read model and SQL"):README.index("## Exports")]
    for table in TABLES:
        row = next((line for line in section.splitlines() if line.startswith(f"| `{table.name}`")),
                   None)
        assert row is not None, f"README's table of tables misses {table.name}"
        for column in table.names():
            assert f"`{column}`" in row, f"README does not document {table.name}.{column}"
    for view in VIEWS:
        row = next((line for line in section.splitlines() if line.startswith(f"| `{view.name}`")),
                   None)
        assert row is not None, f"README's table of views misses {view.name}"


def test_every_readme_sql_query_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's questions, asked of an archive made as the README makes it: each one
    runs, and the three questions give the answers the README says they give."""
    from conftest import cli

    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    assert cli("init", "archive").exit_code == 0
    for args in readme_commands("ingest"):
        if not args[1].startswith("examples/"):
            continue  # a web page, a tree: not what the questions read
        result = cli(*args, "--archive", "archive")
        assert result.exit_code == 0, result.output
    queries = readme_commands("sql")
    assert len(queries) >= 4
    answers = []
    for args in queries:
        result = cli(*args, "--archive", "archive")
        assert result.exit_code == 0, f"{args}: {result.output}"
        assert len(result.stdout.strip().splitlines()) >= 2, f"no rows: {args}"  # header, a row
        answers.append(result.stdout)
    changed, moved, removed = (next(a for q, a in zip(queries, answers, strict=True)
                                    if marker in q[1]) for marker in
                               ("figure_changes", "first_value", "claims_removed"))
    assert "city-budget" in changed and "$4.9 billion" in changed
    assert "16.7" in moved and "nato-ukraine" not in moved
    removed_rows = removed.strip().splitlines()[1:]
    assert len(removed_rows) == 2 and all(",2024-11-" in row for row in removed_rows)
