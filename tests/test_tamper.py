"""Tamper evidence: every way of changing the record with git is reported by `chronicle verify`,
by briefing, sequence, file and commit, with exit code 1.

Each test tampers with a copy of one archive using real git commands and plumbing, then
checks the exact list of problems (kind, file, briefing, sequence, commit) verify reports.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from archive_tools import git, git_out, write_variants
from chronicle.api import ingest, init_archive
from chronicle.layout import content_sha256, event_file_bytes, event_path
from conftest import REVISIONS, cli, run_chronicle

Found = set[tuple[str, str, str | None, int | None, str | None]]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """alpha r1-r4 (the example's three revisions and a variant), then beta r1-r2."""
    folder = tmp_path_factory.mktemp("tamper")
    archive = init_archive(folder / "archive", bare=False)  # tampering edits the checkout
    extra = write_variants(folder / "in", [1, 2, 3])
    ingest(archive, "alpha", [*REVISIONS, extra[0]])
    ingest(archive, "beta", extra[1:])
    return archive.path


@pytest.fixture
def archive(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(pristine, copy, symlinks=True)
    ok = cli("verify", "--archive", str(copy))
    assert ok.exit_code == 0, ok.output
    return copy


def path_of(briefing: str, sequence: int) -> str:
    return event_path(briefing, sequence)


def read_event(archive: Path, briefing: str, sequence: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((archive / path_of(briefing, sequence)).read_bytes())
    return document


def encode(document: dict[str, Any]) -> bytes:
    return event_file_bytes(document)


def with_headline(document: dict[str, Any], headline: str, rehash: bool) -> dict[str, Any]:
    changed = {**document, "revision": {**document["revision"], "headline": headline}}
    if rehash:
        changed["content_sha256"] = content_sha256(changed["revision"], changed["schema_version"])
    return changed


def commit_all(archive: Path, message: str = "tamper") -> str:
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", message)
    return git_out(archive, "rev-parse", "HEAD")


def commit_of(archive: Path, briefing: str, sequence: int) -> str:
    """The commit that added an event file (as chronicle committed it)."""
    return git_out(archive, "log", "--format=%H", "--diff-filter=A", "refs/heads/main", "--",
                   path_of(briefing, sequence))


def verify(archive: Path) -> tuple[int, list[dict[str, Any]]]:
    result = cli("verify", "--archive", str(archive), "--json")
    problems: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    return result.exit_code, problems


def found(problems: list[dict[str, Any]]) -> Found:
    return {(p["kind"], p["where"], p["briefing"], p["sequence"], p["commit"]) for p in problems}


def rewrite_history(archive: Path, tmp_path: Path, changes: dict[str, bytes]) -> dict[str, str]:
    """Rebuild main with git plumbing so every commit sees the new bytes of ``changes``:
    commits before the first affected one are kept, every later one is rebuilt (new trees,
    same messages, new parents); then main is forced to the new tip and the reflog emptied.
    Returns {old commit: new commit}."""
    index = {"GIT_INDEX_FILE": str(tmp_path / "rewrite-index")}
    blobs = {path: git(archive, "hash-object", "-w", "--stdin", stdin=data).stdout.decode().strip()
             for path, data in changes.items()}
    mapping: dict[str, str] = {}
    parent: str | None = None
    rewriting = False
    for commit in git_out(archive, "rev-list", "--reverse", "--first-parent", "main").split():
        present = [p for p in changes
                   if git(archive, "cat-file", "-e", f"{commit}:{p}", check=False).returncode == 0]
        rewriting = rewriting or bool(present)
        if not rewriting:
            parent = commit
            continue
        git(archive, "read-tree", f"{commit}^{{tree}}", env=index)
        for path in present:
            git(archive, "update-index", "--cacheinfo", f"100644,{blobs[path]},{path}", env=index)
        tree = git(archive, "write-tree", env=index).stdout.decode().strip()
        message = git(archive, "log", "-1", "--format=%B", commit).stdout
        new = git(archive, "commit-tree", tree, *(["-p", parent] if parent else []),
                  stdin=message).stdout.decode().strip()
        mapping[commit] = new
        parent = new
    assert parent is not None
    git(archive, "update-ref", "refs/heads/main", parent)
    git(archive, "reflog", "expire", "--expire=now", "--all")
    git(archive, "reset", "-q", "--hard", "main")
    return mapping


# ----- edits ---------------------------------------------------------------------------------
def test_edited_event(archive: Path) -> None:
    r2 = path_of("alpha", 2)
    (archive / r2).write_bytes(encode(with_headline(read_event(archive, "alpha", 2), "Forged",
                                                    rehash=False)))
    tamper = commit_all(archive)
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {
        ("content-changed", r2, "alpha", 2, None),
        ("chain-broken", path_of("alpha", 3), "alpha", 3, None),
        ("file-modified", r2, "alpha", 2, tamper),
        ("recorded-event-changed", r2, "alpha", 2, commit_of(archive, "alpha", 2)),
        ("unrecorded-commit", "refs/heads/main", None, None, tamper),
    }


def test_edited_event_with_recomputed_content_hash(archive: Path) -> None:
    r2 = path_of("alpha", 2)
    (archive / r2).write_bytes(encode(with_headline(read_event(archive, "alpha", 2), "Forged",
                                                    rehash=True)))
    tamper = commit_all(archive)
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {
        ("chain-broken", path_of("alpha", 3), "alpha", 3, None),
        ("file-modified", r2, "alpha", 2, tamper),
        ("recorded-event-changed", r2, "alpha", 2, commit_of(archive, "alpha", 2)),
        ("unrecorded-commit", "refs/heads/main", None, None, tamper),
    }


def test_edited_last_event_with_recomputed_hash(archive: Path) -> None:
    """No later event chains to the last one: git history and the ledger still catch it."""
    r4 = path_of("alpha", 4)
    (archive / r4).write_bytes(encode(with_headline(read_event(archive, "alpha", 4), "Forged",
                                                    rehash=True)))
    tamper = commit_all(archive)
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {
        ("file-modified", r4, "alpha", 4, tamper),
        ("recorded-event-changed", r4, "alpha", 4, commit_of(archive, "alpha", 4)),
        ("unrecorded-commit", "refs/heads/main", None, None, tamper),
    }


def test_deleted_event(archive: Path) -> None:
    recorded_in = commit_of(archive, "alpha", 2)
    git(archive, "rm", "-q", path_of("alpha", 2))
    tamper = commit_all(archive)
    code, problems = verify(archive)
    assert code == 1
    r3, r4 = path_of("alpha", 3), path_of("alpha", 4)
    assert found(problems) == {
        ("sequence-gap", r3, "alpha", 3, None),
        ("wrong-sequence", r3, "alpha", 2, None),
        ("chain-broken", r3, "alpha", 2, None),
        ("sequence-gap", r4, "alpha", 4, None),
        ("wrong-sequence", r4, "alpha", 3, None),
        ("file-deleted", path_of("alpha", 2), "alpha", 2, tamper),
        ("recorded-event-missing", path_of("alpha", 2), "alpha", 2, recorded_in),
        ("unrecorded-commit", "refs/heads/main", None, None, tamper),
    }


def test_reordered_events(archive: Path) -> None:
    r2, r3 = path_of("alpha", 2), path_of("alpha", 3)
    two, three = (archive / r2).read_bytes(), (archive / r3).read_bytes()
    (archive / r2).write_bytes(three)
    (archive / r3).write_bytes(two)
    tamper = commit_all(archive)
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {
        ("wrong-sequence", r2, "alpha", 2, None),
        ("chain-broken", r2, "alpha", 2, None),
        ("wrong-sequence", r3, "alpha", 3, None),
        ("chain-broken", r3, "alpha", 3, None),
        ("chain-broken", path_of("alpha", 4), "alpha", 4, None),
        ("file-modified", r2, "alpha", 2, tamper),
        ("file-modified", r3, "alpha", 3, tamper),
        ("recorded-event-changed", r2, "alpha", 2, commit_of(archive, "alpha", 2)),
        ("recorded-event-changed", r3, "alpha", 3, commit_of(archive, "alpha", 3)),
        ("unrecorded-commit", "refs/heads/main", None, None, tamper),
    }


# ----- additions -----------------------------------------------------------------------------
def test_inserted_event_that_is_otherwise_perfect(archive: Path) -> None:
    """A well-formed r5 (right sequence, chain and content hash) committed with plain git:
    only the ledger knows chronicle never wrote it."""
    last = archive / path_of("alpha", 4)
    forged = with_headline(read_event(archive, "alpha", 4), "Inserted", rehash=True)
    forged.update(sequence=5, event_id="f" * 32,
                  previous_sha256=hashlib.sha256(last.read_bytes()).hexdigest())
    r5 = path_of("alpha", 5)
    (archive / r5).write_bytes(encode(forged))
    tamper = commit_all(archive, "nato-ukraine r5: looks legitimate")
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {("unrecorded-event", r5, "alpha", 5, tamper)}
    # replay has nothing to object to: the forgery is caught by the ledger alone
    assert cli("log", "alpha", "--archive", str(archive)).exit_code == 0


@pytest.mark.slow
def test_merge_commit_forking_the_chain(archive: Path) -> None:
    git(archive, "checkout", "-q", "-b", "side", "main~1")
    (archive / "notes.txt").write_text("side\n")
    side = commit_all(archive, "side")
    git(archive, "checkout", "-q", "main")
    git(archive, "merge", "-q", "--no-ff", "-m", "merge", "side")
    merge = git_out(archive, "rev-parse", "HEAD")
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {
        ("merge-commit", "refs/heads/main", None, None, merge),
        ("foreign-file", "notes.txt", None, None, merge),
        ("unrecorded-commit", "refs/heads/main", None, None, merge),
    }
    assert side != merge


# ----- rewritten history ---------------------------------------------------------------------
def forged_chain(archive: Path) -> dict[str, bytes]:
    """alpha r2 amended (content hash recomputed) and r3, r4 re-chained: consistent files."""
    changes: dict[str, bytes] = {}
    previous = hashlib.sha256((archive / path_of("alpha", 1)).read_bytes()).hexdigest()
    for sequence in (2, 3, 4):
        document = read_event(archive, "alpha", sequence)
        if sequence == 2:
            document = with_headline(document, "Rewritten", rehash=True)
        document["previous_sha256"] = previous
        changes[path_of("alpha", sequence)] = encode(document)
        previous = hashlib.sha256(changes[path_of("alpha", sequence)]).hexdigest()
    return changes


@pytest.mark.slow
def test_rewritten_history(archive: Path, tmp_path: Path) -> None:
    recorded = {(b, s): commit_of(archive, b, s) for b, s in
                (("alpha", 2), ("alpha", 3), ("alpha", 4), ("beta", 1), ("beta", 2))}
    mapping = rewrite_history(archive, tmp_path, forged_chain(archive))
    assert len(mapping) == 5  # alpha r2-r4 and both beta commits were rebuilt
    code, problems = verify(archive)
    assert code == 1
    expected = rewrite_problems(recorded, mapping)
    assert found(problems) == expected
    # every check that looks only at main itself is satisfied: the ledger is what catches it
    ledger_kinds = {"history-rewritten", "unrecorded-event", "recorded-event-changed"}
    assert {p["kind"] for p in problems} == ledger_kinds


def rewrite_problems(recorded: dict[tuple[str, int], str],
                     mapping: dict[str, str]) -> Found:
    """What the ledger reports for a consistent rewrite of ``recorded`` (old -> new commit
    in ``mapping``): every event's history rewritten and unrecorded, alpha's content too."""
    expected: Found = set()
    for (briefing, sequence), old in recorded.items():
        where = path_of(briefing, sequence)
        expected.add(("history-rewritten", where, briefing, sequence, old))
        expected.add(("unrecorded-event", where, briefing, sequence, mapping[old]))
        if briefing == "alpha":
            expected.add(("recorded-event-changed", where, briefing, sequence, old))
    return expected


@pytest.mark.slow
def test_rewritten_history_and_deleted_ledger(archive: Path, tmp_path: Path) -> None:
    """A consistent rewrite plus a deleted ledger: the ledger is missing, and the published
    ledger (refs/chronicle/ledger, which travels with the archive) still tells what was
    rewritten. Writes are refused until someone decides, with `chronicle init`, to trust
    the history."""
    recorded = {(b, s): commit_of(archive, b, s) for b, s in
                (("alpha", 2), ("alpha", 3), ("alpha", 4), ("beta", 1), ("beta", 2))}
    mapping = rewrite_history(archive, tmp_path, forged_chain(archive))
    (archive / ".git/chronicle-ledger.jsonl").unlink()
    code, problems = verify(archive)
    assert code == 1
    expected = rewrite_problems(recorded, mapping) | {
        ("ledger-missing", ".git/chronicle-ledger.jsonl", None, None, None)}
    assert found(problems) == expected
    [extra] = write_variants(tmp_path / "more", [9])
    refused = cli("ingest", str(extra), "-b", "beta", "--archive", str(archive))
    assert refused.exit_code == 4
    assert "the ledger .git/chronicle-ledger.jsonl is missing" in refused.stderr
    assert cli("init", "--archive", str(archive)).exit_code == 0  # adopts, on purpose
    assert verify(archive) == (0, [])
    assert cli("ingest", str(extra), "-b", "beta", "--archive", str(archive)).exit_code == 0
    assert verify(archive) == (0, [])


@pytest.mark.slow
def test_a_clone_has_no_ledger_and_adopts_its_history_on_first_write(
    pristine: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pristine), str(clone))
    assert not (clone / ".git/chronicle-ledger.jsonl").exists()
    assert verify(clone) == (0, [])  # the other checks run; the ledger stays with the original
    [extra] = write_variants(tmp_path / "more", [9])
    assert cli("ingest", str(extra), "-b", "beta", "--archive", str(clone)).exit_code == 0
    ops = [json.loads(line)["op"] for line in
           (clone / ".git/chronicle-ledger.jsonl").read_text().splitlines()]
    assert ops == ["adopt", "begin", "done"]
    assert verify(clone) == (0, [])
    git(clone, "reset", "-q", "--hard", "main~2")  # now a rewrite is caught here too
    assert {p["kind"] for p in verify(clone)[1]} == {"history-rewritten", "recorded-event-missing"}


def test_history_reset_dropping_the_last_event(archive: Path) -> None:
    dropped = commit_of(archive, "beta", 2)
    git(archive, "reset", "-q", "--hard", "main~1")
    git(archive, "reflog", "expire", "--expire=now", "--all")
    code, problems = verify(archive)
    assert code == 1
    where = path_of("beta", 2)
    assert found(problems) == {
        ("history-rewritten", where, "beta", 2, dropped),
        ("recorded-event-missing", where, "beta", 2, dropped),
    }


def test_corrupt_ledger_line(archive: Path) -> None:
    ledger = archive / ".git/chronicle-ledger.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    lines.insert(2, b"{not json\n")
    ledger.write_bytes(b"".join(lines))
    code, problems = verify(archive)
    assert code == 1
    assert found(problems) == {("ledger-corrupt", ".git/chronicle-ledger.jsonl:3", None, None,
                                None)}


@pytest.mark.slow
def test_text_report_names_briefing_sequence_file_and_commit(archive: Path) -> None:
    r2 = path_of("alpha", 2)
    (archive / r2).write_bytes(encode(with_headline(read_event(archive, "alpha", 2), "Forged",
                                                    rehash=False)))
    tamper = commit_all(archive)
    result = run_chronicle("verify", "--archive", str(archive))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (f"{r2} [briefing alpha r2]: content changed: revision does not match "
            "content_sha256") in lines
    assert f"{r2} [briefing alpha r2] (commit {tamper[:12]}): event file modified after it was " \
           "committed" in lines
    assert lines[-1] == "verify: 6 checked, 5 problem(s)"


def test_working_copy_edits_are_not_the_record(archive: Path) -> None:
    """verify reads git objects; the working tree is a convenience copy and is not trusted."""
    r2 = archive / path_of("alpha", 2)
    r2.write_bytes(b"scribbled")
    assert verify(archive) == (0, [])
