"""Git-history checks for `verify`: each event file added once, by its own commit, never changed."""

from __future__ import annotations

from .checks import Problem
from .gitobjects import git
from .store import BRANCH, ROOT, Archive

_STATUS_WORDS = {"M": "modified", "D": "deleted", "T": "changed type", "A": "added again"}


def history_problems(archive: Archive) -> list[Problem]:
    """Walk main's history once: report event files changed after the commit that added them."""
    result = git(archive.git_dir, "log", "--reverse", "--format=%x00%H", "--raw", "--no-renames",
                 "--no-abbrev", "-m", "--first-parent", BRANCH, "--", ROOT)
    if result.returncode != 0:
        return [Problem(str(archive.path), "cannot read git history: "
                        + result.stderr.decode(errors="replace").strip())]
    added: dict[str, str] = {}
    problems: list[Problem] = []
    for commit, changes in _commits(result.stdout.decode("utf-8", "replace")):
        for status, blob, path in changes:
            briefing, sequence = _name(path)
            if status == "A" and path not in added:
                added[path] = blob
                continue
            word = _STATUS_WORDS.get(status, f"changed ({status})")
            problems.append(Problem(path, f"event file {word} after it was committed",
                                    briefing, sequence, commit))
        if sum(1 for s, _, _ in changes if s == "A") > 1:
            problems.append(Problem(str(archive.path), "one commit added several events",
                                    commit=commit))
    return problems


def _commits(log: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    out = []
    for chunk in log.split("\x00")[1:]:
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        changes = []
        for line in lines[1:]:
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            fields = meta.split()
            changes.append((fields[4][0], fields[3], path))
        out.append((lines[0], changes))
    return out


def _name(path: str) -> tuple[str | None, int | None]:
    parts = path.split("/")
    if len(parts) != 4:
        return None, None
    stem = parts[3].removesuffix(".json")
    return parts[2], int(stem) if stem.isdigit() else None
