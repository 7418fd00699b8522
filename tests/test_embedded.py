"""An archive inside a repository (issue 17): each append is one commit on the current branch
touching only the archive's folder; the user's other files, staged and unstaged work are
never changed; review, verify and the rest work on it; bad set-ups are refused cleanly."""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from archive_tools import CHRONICLE, fsck_problems, git, git_out, write_variants
from chronicle.api import ingest, init_archive
from conftest import REVISIONS, ROOT, cli, run_chronicle, snapshot
from test_review import load_yaml


def project_with_work_in_progress(folder: Path) -> Path:
    """A repository with files of its own, a staged edit, an unstaged edit, an untracked file."""
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("print('v1')\n")
    (folder / "notes.md").write_text("# notes\n")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "project")
    (folder / "src" / "app.py").write_text("print('v2, staged')\n")
    git(folder, "add", "src/app.py")
    (folder / "notes.md").write_text("# notes\nunstaged line\n")
    (folder / "scratch.txt").write_text("untracked\n")
    return folder


def user_work(project: Path) -> dict[str, str]:
    """What the user has outside the archive: files, and the index's view of them."""
    files = {str(p.relative_to(project)): p.read_text() for p in project.rglob("*")
             if p.is_file() and ".git" not in p.parts and "archive" not in p.parts}
    staged = git_out(project, "diff", "--cached", "--name-status", "--", ":!archive")
    unstaged = git_out(project, "diff", "--name-status", "--", ":!archive")
    return {**files, "(staged)": staged, "(unstaged)": unstaged}


def commits_touch_only_the_archive(project: Path, since: str) -> list[str]:
    out = git_out(project, "log", "--format=%x00%H", "--name-only", f"{since}..main")
    offenders = []
    for chunk in out.split("\x00")[1:]:
        sha, *files = chunk.strip().splitlines()
        offenders += [f"{sha[:8]} {f}" for f in files if f and not f.startswith("archive/")]
    return offenders


@pytest.mark.slow
def test_appends_are_commits_on_the_branch_and_leave_the_users_work_alone(
        tmp_path: Path) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    before, start = user_work(project), git_out(project, "rev-parse", "main")
    archive = init_archive(project / "archive", in_repo=True)
    files = write_variants(tmp_path / "in", list(range(50)))
    for number, path in enumerate(files):
        ingest(archive, f"b{number % 5}", [path])
    assert user_work(project) == before
    assert commits_touch_only_the_archive(project, start) == []
    assert len(git_out(project, "rev-list", f"{start}..main").split()) == 51  # + the creation
    assert git_out(project, "status", "--porcelain", "--", "archive") == ""
    assert cli("verify", "--archive", str(project / "archive")).exit_code == 0
    assert fsck_problems(project) == []


@pytest.mark.slow
def test_four_concurrent_writers(tmp_path: Path) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    before, start = user_work(project), git_out(project, "rev-parse", "main")
    assert run_chronicle("init", "--in-repo", "--archive", str(project / "archive")
                         ).returncode == 0
    writers = []
    for writer in range(4):
        files = write_variants(tmp_path / f"in-{writer}", [writer * 100 + n for n in range(6)])
        briefing = "shared" if writer % 2 else f"own-{writer}"
        writers.append(subprocess.Popen(  # one process per file: they interleave
            ["sh", "-c", " && ".join(f"{CHRONICLE} ingest {f} -b {briefing} --archive "
                                      f"{project / 'archive'}" for f in files)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for process in writers:
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    assert user_work(project) == before
    assert commits_touch_only_the_archive(project, start) == []
    verify = run_chronicle("verify", "--json", "--archive", str(project / "archive"))
    assert verify.returncode == 0, verify.stdout
    assert json.loads(verify.stdout)["checked"] == 24


@pytest.mark.slow
def test_an_embedded_archive_in_a_linked_worktree(tmp_path: Path) -> None:
    """`git worktree add`: the worktree's git directory holds only its HEAD and index;
    appends there are commits on the worktree's branch, read and verified in both places."""
    project = project_with_work_in_progress(tmp_path / "project")
    ingest(init_archive(project / "archive", in_repo=True), "nato-ukraine", [REVISIONS[0]])
    git(project, "worktree", "add", "-q", "-b", "edits", str(tmp_path / "edits"))
    before = user_work(project)
    linked = tmp_path / "edits" / "archive"
    result = run_chronicle("ingest", str(REVISIONS[1]), "-b", "nato-ukraine",
                           "--archive", str(linked))
    assert result.returncode == 0, result.stderr
    log = json.loads(run_chronicle("log", "nato-ukraine", "--json", "--archive",
                                   str(linked)).stdout)
    assert [entry["sequence"] for entry in log["revisions"]] == [1, 2]
    assert git_out(project, "log", "--format=%s", "-1", "edits").startswith("nato-ukraine r2")
    assert git_out(tmp_path / "edits", "status", "--porcelain") == ""
    assert run_chronicle("verify", "--archive", str(linked)).returncode == 0
    here = json.loads(run_chronicle("log", "nato-ukraine", "--json", "--archive",
                                    str(project / "archive")).stdout)
    assert len(here["revisions"]) == 1  # main did not move
    assert user_work(project) == before
    assert fsck_problems(project) == []


@pytest.mark.slow
def test_every_branch_keeps_a_ledger_of_its_own(tmp_path: Path) -> None:
    """A new branch (a plain checkout -b or a second worktree) is adopted at its first
    append, a detached HEAD verifies without a ledger, and a branch's own lost ledger is
    still refused."""
    project = project_with_work_in_progress(tmp_path / "project")
    archive = project / "archive"
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", [REVISIONS[0]])
    for n, branch in enumerate(("one", "two")):
        git(project, "worktree", "add", "-q", "-b", branch, str(tmp_path / branch))
        linked = tmp_path / branch / "archive"
        result = run_chronicle("ingest", str(REVISIONS[1 + n]), "-b", "nato-ukraine",
                               "--archive", str(linked))
        assert result.returncode == 0, result.stderr
        assert run_chronicle("verify", "--archive", str(linked)).returncode == 0
    git(project, "worktree", "add", "-q", "--detach", str(tmp_path / "det"), "one")
    detached = run_chronicle("verify", "--archive", str(tmp_path / "det" / "archive"))
    assert detached.returncode == 0, detached.stdout + detached.stderr
    for ledger in (project / ".git" / "chronicle").glob("*/ledger-one-*.jsonl"):
        ledger.unlink()
    lost = run_chronicle("ingest", str(REVISIONS[2]), "-b", "nato-ukraine",
                         "--archive", str(tmp_path / "one" / "archive"))
    assert lost.returncode == 4 and "the ledger" in lost.stderr and "is missing" in lost.stderr


@pytest.mark.slow
def test_kill_during_embedded_appends(tmp_path: Path) -> None:
    """SIGKILL to chronicle at random moments (15 times; CHRONICLE_EMBEDDED_KILLS for more):
    the next command recovers, every batch is all or nothing, and the user's work is never
    touched. (The chronicle process alone is killed: its git finishes on its own, as when a
    terminal is closed. A git killed holding the user's index.lock leaves it, and git's own
    advice applies.)"""
    project = project_with_work_in_progress(tmp_path / "project")
    before = user_work(project)
    archive = project / "archive"
    assert run_chronicle("init", "--in-repo", "--archive", str(archive)).returncode == 0
    rng = random.Random(17)
    runs = int(os.environ.get("CHRONICLE_EMBEDDED_KILLS", "15"))
    stored = 0
    for run in range(runs):
        files = write_variants(tmp_path / "in", [run * 10 + n for n in range(rng.randint(1, 3))])
        process = subprocess.Popen([CHRONICLE, "ingest", *map(str, files), "-b", "k",
                                    "--archive", str(archive)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        listed = run_chronicle("log", "k", "--json", "--archive", str(archive))
        if listed.returncode == 0:
            count = len(json.loads(listed.stdout)["revisions"])
            assert count - stored in (0, len(files)), f"run {run}: part of a batch stored"
            stored = count
        assert user_work(project) == before
    verify = run_chronicle("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert git_out(project, "status", "--porcelain", "--", "archive") == ""
    again = run_chronicle("ingest", str(REVISIONS[0]), "-b", "after", "--archive", str(archive))
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_pull_request_that_edits_an_event_fails_review(tmp_path: Path) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    git(project, "commit", "-q", "-am", "user work committed")
    archive = project / "archive"
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", REVISIONS[:2])
    base = git_out(project, "rev-parse", "main")
    git(project, "checkout", "-q", "-b", "adds-a-revision")
    assert cli("ingest", str(REVISIONS[2]), "-b", "nato-ukraine", "--archive",
               str(archive)).exit_code == 0
    (project / "src" / "app.py").write_text("print('v3')\n")  # code changes ride along
    git(project, "commit", "-q", "-am", "code")
    good = cli("review", f"{base}..HEAD", "--archive", str(archive), "--json")
    assert good.exit_code == 0, good.output
    assert [c["sequence"] for c in json.loads(good.stdout)["commits"]] == [3]
    git(project, "checkout", "-q", "-b", "edits-an-event", base)
    event = next(archive.glob("briefings/*/nato-ukraine/000001.json"))
    event.write_text(event.read_text().replace("NATO", "OTAN", 1))
    git(project, "commit", "-q", "-am", "sneaky")
    bad = cli("review", f"{base}..HEAD", "--archive", str(archive))
    assert bad.exit_code == 1
    assert f"{event.relative_to(archive)}: event file modified" in bad.stdout


@pytest.mark.slow
def test_archive_commits_merged_into_main_verify(tmp_path: Path) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    git(project, "commit", "-q", "-am", "user work committed")
    archive = project / "archive"
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", REVISIONS[:1])
    git(project, "checkout", "-q", "-b", "feature")
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", REVISIONS[1:])
    git(project, "checkout", "-q", "main")
    (project / "notes.md").write_text("main moved on\n")
    git(project, "commit", "-q", "-am", "main moves")
    git(project, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    assert cli("verify", "--archive", str(archive)).exit_code == 0
    log = json.loads(cli("log", "nato-ukraine", "--json", "--archive", str(archive)).stdout)
    assert len(log["revisions"]) == 3


@pytest.mark.parametrize("where", ["inside .git", "outside any repository", "mid-merge",
                                   "mid-rebase", "the repository's top"])
def test_bad_places_for_an_embedded_archive(tmp_path: Path, where: str) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    git(project, "commit", "-q", "-am", "user work committed")
    target = project / "archive"
    if where == "inside .git":
        target = project / ".git" / "archive"
    elif where == "outside any repository":
        target = tmp_path / "elsewhere" / "archive"
    elif where == "mid-merge":
        (project / ".git" / "MERGE_HEAD").write_text(git_out(project, "rev-parse", "HEAD") + "\n")
    elif where == "mid-rebase":
        (project / ".git" / "rebase-merge").mkdir()
    else:
        target = project
    before = snapshot(project)
    result = cli("init", "--in-repo", "--archive", str(target))
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("chronicle: error: ") and len(result.stderr.splitlines()) == 1
    expected = {"inside .git": "is inside a .git folder", "outside any repository":
                "is not inside a git repository", "mid-merge": "in the middle of a merge",
                "mid-rebase": "in the middle of a rebase",
                "the repository's top": "folder exists and is not empty"}[where]
    assert expected in result.stderr
    assert snapshot(project) == before
    assert not (tmp_path / "elsewhere").exists()


def test_an_embedded_archive_refuses_appends_mid_merge(tmp_path: Path) -> None:
    project = project_with_work_in_progress(tmp_path / "project")
    archive = project / "archive"
    ingest(init_archive(archive, in_repo=True), "b", REVISIONS[:1])
    (project / ".git" / "MERGE_HEAD").write_text(git_out(project, "rev-parse", "HEAD") + "\n")
    before = snapshot(project)
    result = cli("ingest", str(REVISIONS[1]), "-b", "b", "--archive", str(archive))
    assert result.exit_code == 4
    assert "in the middle of a merge; finish it first" in result.stderr
    assert snapshot(project) == before


# ----- this repository's own archive, its hooks and the CI recipe ---------------------------
@pytest.mark.slow
def test_this_repositorys_archive_holds_the_example_and_verifies() -> None:
    archive = ROOT / "archive"
    listed = json.loads(run_chronicle("list", "--json", "--archive", str(archive)).stdout)
    assert [b["id"] for b in listed["briefings"]] == ["nato-ukraine"]
    log = json.loads(run_chronicle("log", "nato-ukraine", "--json", "--archive",
                                   str(archive)).stdout)
    assert [Path(r["source"]).name for r in log["revisions"]] == ["r1.txt", "r2.txt", "r3.txt"]
    for command in (("validate", str(archive)), ("verify", "--archive", str(archive))):
        done = run_chronicle(*command)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_pre_commit_hooks_on_this_repositorys_archive(tmp_path: Path) -> None:
    """The hooks as pre-commit runs them (at the top of the repository, files relative to
    it) on a clone of this repository, then on an edited event."""
    hooks = {h["id"]: h for h in load_yaml(ROOT / ".pre-commit-hooks.yaml")}
    clone = tmp_path / "repo"
    git(tmp_path, "clone", "-q", str(ROOT), str(clone))
    tracked = git_out(clone, "ls-files").splitlines()
    validate = hooks["chronicle-validate"]
    matched = [p for p in tracked if re.search(validate["files"], p)]
    assert matched == sorted(p for p in tracked if p.startswith("archive/briefings/"))
    assert len(matched) == 3

    def run(hook: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        args = shlex.split(hook["entry"]) + (matched if hook.get("pass_filenames", True) else [])
        return subprocess.run([str(Path(CHRONICLE).parent / args[0]), *args[1:]], cwd=clone,
                              capture_output=True, text=True, timeout=120, check=False)

    assert run(validate).returncode == 0
    verified = run(hooks["chronicle-verify"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    event = clone / matched[0]
    document = json.loads(event.read_text())
    document["observed_at"] = "yesterday"
    event.write_text(json.dumps(document))
    assert run(validate).returncode == 1
    git(clone, "commit", "-q", "-am", "edit an event")
    assert run(hooks["chronicle-verify"]).returncode == 1


@pytest.mark.slow
def test_the_embedded_github_actions_recipe_on_a_pull_request(tmp_path: Path) -> None:
    """The recipe's shell steps, run as on a pull request: one adding a revision passes,
    one editing an event fails review (and verify)."""
    workflow = ROOT / "docs" / "ci" / "github-actions-embedded.yml"
    steps = {s.get("id"): s for s in load_yaml(workflow)["jobs"]["check"]["steps"]}
    project = project_with_work_in_progress(tmp_path / "project")
    git(project, "commit", "-q", "-am", "user work committed")
    archive = project / "archive"
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", REVISIONS[:2])
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(project), str(origin))
    git(project, "checkout", "-q", "-b", "pr")
    ingest(init_archive(archive, in_repo=True), "nato-ukraine", REVISIONS[2:])

    def run_steps(branch: str) -> dict[str, subprocess.CompletedProcess[str]]:
        checkout = tmp_path / f"checkout-{branch}"
        git(tmp_path, "clone", "-q", str(project), str(checkout))
        git(checkout, "checkout", "-q", "--detach", f"origin/{branch}")  # as actions leaves it
        git(checkout, "update-ref", "refs/remotes/origin/main", git_out(origin, "rev-parse",
                                                                         "main"))
        summary, output = tmp_path / f"{branch}.md", tmp_path / f"{branch}.out"
        env = {**os.environ, "ARCHIVE": "archive", "GITHUB_STEP_SUMMARY": str(summary),
               "GITHUB_OUTPUT": str(output), "BASE_REF": "main",
               "PATH": f"{Path(CHRONICLE).parent}:{os.environ['PATH']}"}
        return {name: subprocess.run(["bash", "-e", "-c", steps[name]["run"]], cwd=checkout,
                                     env=env, capture_output=True, text=True, timeout=120,
                                     check=False)
                for name in ("prepare", "validate", "verify", "review")}

    good = run_steps("pr")
    assert {n: r.returncode for n, r in good.items()} == dict.fromkeys(good, 0), good
    git(project, "checkout", "-q", "-b", "sneaky", "main")
    event = next(archive.glob("briefings/*/nato-ukraine/000001.json"))
    event.write_text(event.read_text().replace("NATO", "OTAN", 1))
    git(project, "commit", "-q", "-am", "sneaky")
    bad = run_steps("sneaky")
    assert bad["review"].returncode == 1 and bad["verify"].returncode == 1
    assert "event file modified" in (tmp_path / "sneaky.md").read_text()
