"""CI and review: `chronicle review`, check-jsonschema on event files, the pre-commit hooks
and the GitHub Actions recipe, each run for real on an archive made by the CLI."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import ROOT, cli

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def git(archive: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(archive), *args], capture_output=True, text=True,
                          check=True).stdout


def event_files(archive: Path) -> list[Path]:
    return sorted(archive.glob("briefings/*/*/*.json"))


# ----- chronicle review ------------------------------------------------------------------
def test_review_markdown_for_a_pull_request(example_archive: Path) -> None:
    result = cli("review", "HEAD~2..HEAD", "--markdown", "--archive", str(example_archive))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("## chronicle review `HEAD~2..HEAD`\n")
    assert "2 commit(s), 2 revision(s) of 1 briefing(s); no problems found." in text
    assert "### nato-ukraine r2 · `" in text and "### nato-ukraine r3 · `" in text
    assert "| changed | over $56.2 billion | **over $61.4 billion** |" in text
    assert "| changed | 500 kilometers | **250 kilometers** |" in text
    assert ("- removed: ~~Germany maintains its policy of not providing long-range missiles to "
            "Ukraine~~") in text
    assert "has ~~ignited~~**triggered** a wave of support" in text  # a word-level edit
    r1 = cli("review", "HEAD~2", "--markdown", "--archive", str(example_archive)).stdout
    assert "| nato-ukraine | r1 | first revision: " in r1


def test_review_json_and_terminal(example_archive: Path) -> None:
    result = cli("review", "HEAD~3..HEAD", "--json", "--archive", str(example_archive))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["revisions"] == 3 and data["problems"] == 0
    assert [(c["briefing"], c["sequence"], c["first"]) for c in data["commits"]] == [
        ("nato-ukraine", 1, True), ("nato-ukraine", 2, False), ("nato-ukraine", 3, False)]
    assert data["commits"][1]["file"] == git(example_archive, "log", "-1", "--format=%B",
                                             "HEAD~1").split("Chronicle-File: ")[1].strip()
    changed = data["commits"][1]["diff"]["figures"]["changed"]
    assert {(c["before"]["value"], c["after"]["value"]) for c in changed} == {
        (56.2e9, 61.4e9), (500.0, 250.0)}
    root = cli("review", "HEAD~3", "--json", "--archive", str(example_archive))  # one commit
    first = json.loads(root.stdout)["commits"][0]
    assert first["summary"] == "no chronicle event"
    assert first["subject"] == "chronicle: create archive"
    plain = cli("review", "HEAD~1..HEAD", "--archive", str(example_archive))
    assert plain.exit_code == 0
    assert "nato-ukraine: r2 → r3" in plain.stdout and "\x1b[" not in plain.stdout


def test_review_flags_an_event_changed_by_hand(example_archive: Path) -> None:
    target = event_files(example_archive)[0]
    document = json.loads(target.read_text())
    document["revision"]["headline"] = "Edited after the fact"
    target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    git(example_archive, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "fix typo")
    result = cli("review", "HEAD~1..HEAD", "--markdown", "--archive", str(example_archive))
    assert result.exit_code == 1
    relative = target.relative_to(example_archive).as_posix()
    assert f"- {relative.replace('_', chr(92) + '_')}: event file modified; events are immutable" \
        in result.stdout
    assert "**1 problem(s)**" in result.stdout


@pytest.mark.parametrize("spec", ["nope..HEAD", "--all", "HEAD~99..HEAD"])
def test_review_bad_range_is_one_line(example_archive: Path, spec: str) -> None:
    result = cli("review", "--archive", str(example_archive), "--", spec)
    assert result.exit_code == 4
    assert result.stderr.startswith("chronicle: error: ") and result.stderr.count("\n") == 1
    assert spec in result.stderr


# ----- check-jsonschema as a real subprocess ---------------------------------------------
def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--schemafile", str(ROOT / "schema" / "event.schema.json"),
         *map(str, files)],
        capture_output=True, text=True, env=ENV, timeout=120, check=False,
    )


@pytest.mark.slow
def test_check_jsonschema_accepts_events_and_rejects_a_broken_one(
    example_archive: Path, tmp_path: Path
) -> None:
    files = event_files(example_archive)
    assert len(files) == 3
    good = check_jsonschema(*files)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ok -- validation done" in good.stdout
    broken = json.loads(files[1].read_text())
    broken["sequence"] = 0
    del broken["content_sha256"]
    bad_file = tmp_path / "000002.json"
    bad_file.write_text(json.dumps(broken))
    bad = check_jsonschema(bad_file)
    assert bad.returncode == 1
    assert "Schema validation errors were encountered" in bad.stdout + bad.stderr
    assert "content_sha256" in bad.stdout + bad.stderr


# ----- the pre-commit hooks and the GitHub Actions recipe ------------------------------------
def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


@pytest.mark.slow
def test_pre_commit_hooks_run_as_pre_commit_would(example_archive: Path, tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in load_yaml(ROOT / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"chronicle-validate", "chronicle-verify"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
    validate = hooks["chronicle-validate"]
    tracked = git(example_archive, "ls-files").splitlines()
    matched = [p for p in tracked if re.search(validate["files"], p)]
    assert len(matched) == 3 and "chronicle.json" not in matched

    def run(hook: dict[str, Any], files: list[str]) -> subprocess.CompletedProcess[str]:
        args = shlex.split(hook["entry"]) + (files if hook.get("pass_filenames", True) else [])
        return subprocess.run(args, cwd=example_archive, capture_output=True, text=True,
                              env=ENV, timeout=120, check=False)

    ok = run(validate, matched)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip() == "validate: 3 checked, ok"
    assert run(hooks["chronicle-verify"], matched).returncode == 0
    document = json.loads((example_archive / matched[0]).read_text())
    document["observed_at"] = "yesterday"
    (example_archive / matched[0]).write_text(json.dumps(document))
    failed = run(validate, matched)
    assert failed.returncode == 1
    assert "observed_at" in failed.stdout


WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"


def test_github_actions_recipe_is_a_valid_workflow() -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
         str(WORKFLOW)], capture_output=True, text=True, env=ENV, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_github_actions_recipe_steps_pass_on_a_pull_request(
    example_archive: Path, tmp_path: Path
) -> None:
    """Run the recipe's own shell steps in a clone, as on a pull request adding r2 and r3."""
    steps = {s.get("id"): s for s in load_yaml(WORKFLOW)["jobs"]["check"]["steps"]}
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(example_archive), str(checkout)], check=True)
    base = git(checkout, "rev-parse", "HEAD~2").strip()
    git(checkout, "update-ref", "refs/remotes/origin/main", base)  # the PR's base
    git(checkout, "checkout", "-q", "--detach", "HEAD")  # as actions/checkout leaves it
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {**ENV, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "BASE_REF": "main"}
    for step in ("prepare", "validate", "verify", "review"):
        script = steps[step]["run"]
        assert step == "prepare" or "chronicle" in script
        result = subprocess.run(["bash", "-e", "-c", script], cwd=checkout, env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, f"{step}: {result.stdout}{result.stderr}"
    comment = (checkout / "chronicle-review.md").read_text()
    assert "2 commit(s), 2 revision(s) of 1 briefing(s); no problems found." in comment
    assert summary.read_text() == comment
    assert output.read_text() == "status=0\n"


# ----- hostile commits and Markdown (issue 12 items 3 and 4) -----------------------------
def commit_with_message(archive: Path, message: str) -> str:
    """A commit (made with plumbing, so any bytes) that edits an event file by hand."""
    event = event_files(archive)[0]
    event.write_bytes(event.read_bytes() + b" ")
    subprocess.run(["git", "-C", str(archive), "add", "-A"], check=True)
    tree = git(archive, "write-tree").strip()
    parent = git(archive, "rev-parse", "HEAD").strip()
    raw = (f"tree {tree}\nparent {parent}\nauthor m <m@m> 1700000000 +0000\n"
           f"committer m <m@m> 1700000000 +0000\n\n{message}\n").encode()
    sha = subprocess.run(["git", "-C", str(archive), "hash-object", "-t", "commit", "-w",
                          "--literally", "--stdin"], input=raw, capture_output=True,
                         check=True).stdout.decode().strip()
    git(archive, "update-ref", "refs/heads/main", sha)
    return sha


@pytest.mark.parametrize("message", [
    "one \x1f separator",
    "edit\x1e" + "f" * 40 + "\x1f\x1f2020-01-01T00:00:00+00:00\x1fforged row\x1fbody\x1f",
    "subject\n\nbody \x1e\x1f\x1e with\x00 a NUL",
])
def test_a_commit_message_cannot_fake_a_row_or_crash_review(example_archive: Path,
                                                           message: str) -> None:
    """review split `git log` on \\x1e/\\x1f: one \\x1f was a ValueError traceback, and a
    crafted message added a commit that does not exist and took the blame."""
    real = commit_with_message(example_archive, message)
    result = cli("review", "HEAD~1..HEAD", "--json", "--archive", str(example_archive))
    assert result.exit_code == 1, result.stderr  # the hand edit is a problem
    data = json.loads(result.stdout)
    assert [c["commit"] for c in data["commits"]] == [real]
    assert any("event file modified" in p for p in data["commits"][0]["problems"])
    text = cli("review", "HEAD~1..HEAD", "--archive", str(example_archive))
    assert text.exit_code == 1 and "\x1f" not in text.stdout and "\x1e" not in text.stdout


def test_review_markdown_has_no_live_mention_or_link(example_archive: Path,
                                                     tmp_path: Path) -> None:
    """A CI comment must not ping @user or @org/team, nor autolink a URL from a briefing."""
    text = (EXAMPLE_R1.read_text("utf-8")
            .replace("NATO", "NATO @octocat @github/security-team https://evil.example/x "
                     "www.evil.example mail@evil.example", 1))
    changed = tmp_path / "r2.txt"
    changed.write_text(text, "utf-8")
    assert cli("ingest", str(changed), "-b", "nato-ukraine",
               "--archive", str(example_archive)).exit_code == 0
    result = cli("review", "HEAD~1..HEAD", "--markdown", "--archive", str(example_archive))
    assert result.exit_code == 0, result.stderr
    markdown = result.stdout
    assert "octocat" in markdown and "evil.example" in markdown  # still shown ...
    assert not re.search(r"@[A-Za-z0-9]", markdown)  # ... but no @mention,
    assert not re.search(r"https?://", markdown)  # no autolinked URL,
    assert not re.search(r"(?i)\bwww\.", markdown)  # no www. autolink


EXAMPLE_R1 = ROOT / "examples" / "nato-ukraine" / "r1.txt"


def test_trailers_split_lines_as_git_does() -> None:
    """str.splitlines() also breaks at \\x1e, \\x85 and U+2028: a trailer hidden behind one
    must not count, and a subject keeps its separators."""
    from chronicle.review import subject_of, trailers

    message = "subject\n\nnote\x1eChronicle-File: briefings/zz/x/000001.json\nChronicle-Sequence: 2"
    assert trailers(message) == {"sequence": "2"}
    assert subject_of("one\x1etwo\u2028three\n\nbody") == "one\x1etwo\u2028three"
