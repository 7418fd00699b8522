"""Shared fixtures: real archives in temporary folders, the bundled example, the CLI."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chronicle.cli import main

ROOT = Path(__file__).resolve().parents[1]
# The web tests serve pages on 127.0.0.1; a proxy from the environment must not take them.
for _name in ("NO_PROXY", "no_proxy"):
    os.environ[_name] = ",".join(filter(None, ["127.0.0.1,localhost", os.environ.get(_name)]))
EXAMPLE = ROOT / "examples" / "nato-ukraine"
REVISIONS = [EXAMPLE / f"r{n}.txt" for n in (1, 2, 3)]


@pytest.fixture(scope="session")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty archive made once by `chronicle init`; tests get copies (git repositories
    move with their folder), which saves a git init and its config calls per test."""
    path = tmp_path_factory.mktemp("templates") / "empty"
    result = cli("init", "--archive", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def example_template(archive_template: Path) -> Path:
    """The example's three revisions of nato-ukraine, ingested once."""
    path = archive_template.with_name("example")
    shutil.copytree(archive_template, path, symlinks=True)
    result = cli(
        "ingest", *map(str, REVISIONS), "--briefing", "nato-ukraine", "--archive", str(path)
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def archive(tmp_path: Path, archive_template: Path) -> Path:
    """A fresh, empty chronicle archive of this test's own."""
    path = tmp_path / "archive"
    shutil.copytree(archive_template, path, symlinks=True)
    return path


@pytest.fixture
def example_archive(tmp_path: Path, example_template: Path) -> Path:
    """An archive of this test's own holding the example's three revisions of nato-ukraine."""
    path = tmp_path / "archive"
    shutil.copytree(example_template, path, symlinks=True)
    return path


def cli(*args: str, input: str | bytes | None = None) -> Result:
    """Run the CLI in-process (click's CliRunner), stderr kept apart from stdout."""
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def run_chronicle(
    *args: str,
    cwd: Path | None = None,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `chronicle` executable of this environment in a subprocess."""
    exe = Path(sys.executable).with_name("chronicle")
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        input=input.decode() if input else None,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def snapshot(path: Path) -> dict[str, str]:
    """sha256 of every file under ``path``, .git included: equal snapshots = untouched."""
    files = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        files[str(file.relative_to(path))] = hashlib.sha256(file.read_bytes()).hexdigest()
    return files


def git_head(path: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/*.txt from the current output (then review the git diff).",
    )
