"""Shared fixtures: real archives in temporary folders, the bundled example, the CLI."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    """An empty archive with a working tree, made once by `chronicle init --worktree`;
    tests get copies (git repositories move with their folder), which saves a git init and
    its config calls per test."""
    path = tmp_path_factory.mktemp("templates") / "worktree"
    result = cli("init", "--worktree", "--archive", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def bare_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty archive as `chronicle init` makes it (a bare git repository), made once."""
    path = tmp_path_factory.mktemp("templates") / "bare"
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
    """A fresh, empty chronicle archive of this test's own, with a working tree (event files
    checked out, which the tests that tamper with them need); ``bare_archive`` is the
    default set-up."""
    path = tmp_path / "archive"
    shutil.copytree(archive_template, path, symlinks=True)
    return path


@pytest.fixture
def bare_archive(tmp_path: Path, bare_template: Path) -> Path:
    """A fresh, empty archive as `chronicle init` makes it: a bare git repository."""
    path = tmp_path / "bare"
    shutil.copytree(bare_template, path, symlinks=True)
    return path


@pytest.fixture
def example_archive(archive: Path, example_template: Path) -> Path:
    """The test's ``archive`` holding the example's three revisions of nato-ukraine."""
    shutil.rmtree(archive)
    shutil.copytree(example_template, archive, symlinks=True)
    return archive


FROZEN_0_1_0 = ROOT / "tests" / "data" / "frozen" / "archive-0.1.0.tar.gz"


@pytest.fixture
def frozen_archive(tmp_path: Path) -> Path:
    """A copy of the archive chronicle 0.1.0 wrote (tests/data/frozen/build.sh): nato-ukraine
    r1-r3, quake r1-r2, city-budget r1-r2 (Markdown), nato-json r1 (JSON input) and r2."""
    import tarfile

    with tarfile.open(FROZEN_0_1_0) as tar:
        tar.extractall(tmp_path / "frozen", filter="tar")
    return tmp_path / "frozen" / "archive"


CRIPPLED = ("chronicle", "0-test-crippled")


def crippled_revision(path: Path) -> tuple[Any, Any, Any]:
    """``path`` parsed, then stripped of every figure, inline quote and person: what a
    deliberately different extractor would have derived from the same text (the text and
    its structure, block quotes included, are what the reader read, and stay).
    (revision, origin, extractor)"""
    from chronicle.model import Extractor
    from chronicle.readers import parse_file

    parsed = parse_file(path)
    revision = parsed.revision
    crippled = revision.model_copy(update={
        "figures": (),
        "quotes": tuple(q for q in revision.quotes if q.claim is None),
        "claims": tuple(c.model_copy(update={"people": ()}) for c in revision.claims),
    })
    return crippled, parsed.origin, Extractor(name=CRIPPLED[0], version=CRIPPLED[1])


@pytest.fixture
def mixed_archive(archive: Path) -> Path:
    """The example's nato-ukraine with r1 and r3 recorded by a deliberately different
    extractor (crippled_revision) and r2 by today's: every neighbouring pair crosses versions."""
    from chronicle.readers import parse_file
    from chronicle.store import Archive, NewRevision
    from chronicle.views import revision_message

    items = []
    for number, path in enumerate(REVISIONS, start=1):
        if number == 2:
            parsed = parse_file(path)
            revision, origin, extractor = parsed.revision, parsed.origin, parsed.extractor
        else:
            revision, origin, extractor = crippled_revision(path)
        items.append(NewRevision("nato-ukraine", revision, origin, extractor))
    results = Archive(archive).append_many(items, revision_message)
    assert [r.status for r in results] == ["recorded"] * 3
    return archive


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
