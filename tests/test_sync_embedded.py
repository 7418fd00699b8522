"""`chronicle sync` on an archive embedded in a project repository (issue 17): it moves
chronicle's events only, on the current branch, and never the user's uncommitted work;
the user's own commits travel by git push, and sync says so without changing anything."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from archive_tools import CHRONICLE, git, git_out, write_variants
from conftest import REVISIONS, run_chronicle, snapshot
from test_embedded import user_work

pytestmark = pytest.mark.slow  # real remotes and many processes


def chronicle(*args: str) -> subprocess.CompletedProcess[str]:
    return run_chronicle(*args)


def sync(archive: Path) -> dict[str, object]:
    done = chronicle("sync", "--json", "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def ingest(archive: Path, source: Path, briefing: str) -> None:
    done = chronicle("ingest", str(source), "-b", briefing, "--archive", str(archive))
    assert done.returncode == 0, done.stderr


def untouched(project: Path) -> dict[str, str]:
    """Every file of the project and the index's entries. Not what any command may
    refresh (the index file's stat cache, chronicle's note of what it last synced), nor what
    a fetch brings (objects, remote-tracking refs, chronicle's note of what it checked there):
    only the user's branch, files and work."""
    files = snapshot(project)
    fetched = (".git/objects/", ".git/refs/remotes/", ".git/logs/refs/remotes/",
               ".git/refs/chronicle/")
    volatile = [name for name in files if name == ".git/index" or name.endswith("-synced")
                or name.startswith(fetched)]
    for name in volatile:
        del files[name]
    return {**files, "(index)": git_out(project, "ls-files", "--stage")}


def commit_code(project: Path, name: str, text: str) -> None:
    (project / name).write_text(text)
    git(project, "add", name)
    git(project, "commit", "-q", "-m", f"code: {name}")


def project_with_a_remote(tmp_path: Path, name: str, remote_name: str) -> tuple[Path, Path]:
    """A project with code and an embedded archive holding r1, and an empty bare remote
    configured as its origin (not pushed to yet)."""
    remote = tmp_path / remote_name
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    project = tmp_path / name
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    commit_code(project, "app.py", "print('v1')\n")
    assert chronicle("init", "--in-repo", str(project / "archive")).returncode == 0
    ingest(project / "archive", REVISIONS[0], "shared")
    git(project, "remote", "add", "origin", str(remote))
    return project, remote


@pytest.fixture
def two_machines(tmp_path: Path) -> tuple[Path, Path]:
    """A project published to a bare remote with an embedded archive holding r1, and a
    second machine's clone of it."""
    first, remote = project_with_a_remote(tmp_path, "first", "remote.git")
    git(first, "push", "-q", "-u", "origin", "main")
    second = tmp_path / "second"
    git(tmp_path, "clone", "-q", str(remote), str(second))
    return first, second


def test_diverged_machines_converge_and_the_users_work_is_kept(
        two_machines: tuple[Path, Path]) -> None:
    first, second = two_machines
    ingest(second / "archive", REVISIONS[1], "shared")
    assert sync(second / "archive")["pushed"] == 1
    commit_code(second, "lib.py", "x = 1\n")  # a colleague's code, pushed with git
    git(second, "push", "-q")
    # the first machine: uncommitted work of every kind, and an event of its own
    (first / "app.py").write_text("print('v2, staged')\n")
    git(first, "add", "app.py")
    (first / "notes.md").write_text("untracked\n")
    before = user_work(first)
    ingest(first / "archive", REVISIONS[2], "shared")  # r2 here too: the chain forked
    result = sync(first / "archive")
    assert (result["fetched"], result["rebased"], result["pushed"]) == (1, 1, 1)
    assert user_work(first) == {**before, "lib.py": "x = 1\n"}  # the colleague's file arrived
    assert git_out(first, "status", "--porcelain") == "M  app.py\n?? notes.md"
    assert sync(second / "archive")["fetched"] == 1  # a fast-forward
    assert git_out(first, "rev-parse", "main") == git_out(second, "rev-parse", "main")
    assert git_out(second, "status", "--porcelain") == ""
    for machine in (first, second):
        assert chronicle("verify", "--archive", str(machine / "archive")).returncode == 0
        log = json.loads(chronicle("log", "shared", "--json", "--archive",
                                   str(machine / "archive")).stdout)
        assert [Path(r["source"]).name for r in log["revisions"]] == ["r1.txt", "r2.txt",
                                                                      "r3.txt"]
    again = sync(first / "archive")
    assert (again["fetched"], again["pushed"]) == (0, 0)


def test_own_commits_are_left_to_git_push(two_machines: tuple[Path, Path]) -> None:
    first, _second = two_machines
    ingest(first / "archive", REVISIONS[1], "shared")
    commit_code(first, "app.py", "print('mine')\n")
    before = untouched(first)
    done = chronicle("sync", "--archive", str(first / "archive"))
    assert done.returncode != 0
    assert "app.py" in done.stderr and "git push" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert untouched(first) == before


def test_a_remote_change_that_would_overwrite_uncommitted_work_is_refused(
        two_machines: tuple[Path, Path]) -> None:
    first, second = two_machines
    commit_code(second, "app.py", "print('theirs')\n")
    git(second, "push", "-q")
    ingest(first / "archive", REVISIONS[1], "shared")  # so that the histories diverge
    (first / "app.py").write_text("print('unsaved, mine')\n")
    before = untouched(first)
    done = chronicle("sync", "--archive", str(first / "archive"))
    assert done.returncode != 0
    assert "app.py" in done.stderr and "as they were" in done.stderr
    assert untouched(first) == before
    assert (first / "app.py").read_text() == "print('unsaved, mine')\n"


def test_a_remote_without_the_branch_asks_for_a_git_push(tmp_path: Path) -> None:
    project, remote = project_with_a_remote(tmp_path, "project", "empty.git")
    done = chronicle("sync", "--archive", str(project / "archive"))
    assert done.returncode != 0 and "git push -u origin main" in done.stderr
    assert git_out(remote, "for-each-ref") == ""


def push_like_a_colleague(clone: Path) -> None:
    """Push, pulling again first when the remote moved on: a killed sync's own `git push`
    (its child, which SIGKILL to chronicle does not reach) may land after the pull."""
    for _ in range(5):
        if git(clone, "push", "-q", check=False).returncode == 0:
            return
        git(clone, "pull", "-q", "--rebase")
    git(clone, "push", "-q")


def test_kill_during_embedded_sync(tmp_path: Path, two_machines: tuple[Path, Path]) -> None:
    """Syncs killed at random while a colleague pushes code: every event arrives once, and
    each machine's files follow the branch with its uncommitted work kept."""
    first, second = two_machines
    colleague = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(colleague))
    for machine in (first, second):
        (machine / "app.py").write_text(f"print('unsaved, {machine.name}')\n")
        (machine / "scratch.txt").write_text("untracked\n")
    rng = random.Random(17)
    runs = int(os.environ.get("CHRONICLE_SYNC_KILLS", "6"))  # 30 on demand
    expected = ["r1.txt"]
    for run in range(runs):
        git(colleague, "pull", "-q", "--rebase")
        commit_code(colleague, f"code{run}.py", f"x = {run}\n")
        push_like_a_colleague(colleague)
        side = first if run % 2 else second
        [path] = write_variants(tmp_path / "in", [run])
        ingest(side / "archive", path, "shared" if run % 3 else f"own-{run % 2}")
        expected.append(path.name)
        process = subprocess.Popen([CHRONICLE, "sync", "--archive", str(side / "archive")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
    for machine in (first, second, first):
        sync(machine / "archive")
    assert git_out(first, "rev-parse", "main") == git_out(second, "rev-parse", "main")
    names = []
    for briefing in json.loads(chronicle("list", "--json", "--archive",
                                         str(first / "archive")).stdout)["briefings"]:
        log = json.loads(chronicle("log", briefing["id"], "--json", "--archive",
                                   str(first / "archive")).stdout)
        names += [Path(r["source"]).name for r in log["revisions"]]
    assert sorted(names) == sorted(expected)  # nothing lost, nothing twice
    for machine in (first, second):
        assert git_out(machine, "status", "--porcelain") == "M app.py\n?? scratch.txt"
        assert (machine / "app.py").read_text() == f"print('unsaved, {machine.name}')\n"
        assert (machine / f"code{runs - 1}.py").read_text() == f"x = {runs - 1}\n"
        verify = chronicle("verify", "--archive", str(machine / "archive"))
        assert verify.returncode == 0, verify.stdout


def push_an_edited_event(colleague: Path) -> None:
    event = next(colleague.glob("archive/briefings/*/shared/000001.json"))
    event.write_text(event.read_text().replace("NATO", "OTAN", 1))
    git(colleague, "commit", "-q", "-am", "edit an event")
    git(colleague, "push", "-q")


def test_a_refused_remote_leaves_the_repository_exactly_as_it_was(
        two_machines: tuple[Path, Path]) -> None:
    """Even with git's automatic gc due at every fetch, and after a plain `git fetch` moved
    the tracking ref past the edit: nothing of the edited history is adopted."""
    first, second = two_machines
    for n in range(30):
        commit_code(second, f"code{n}.py", f"x = {n}\n")  # loose objects for gc to pack
    push_an_edited_event(second)
    git(first, "config", "gc.auto", "1")
    git(first, "config", "gc.autoPackLimit", "1")
    git(first, "config", "gc.autoDetach", "false")
    before = snapshot(first)
    for attempt in range(2):
        refused = chronicle("sync", "--archive", str(first / "archive"))
        assert refused.returncode == 1, refused.stderr
        assert "changed after it was published" in refused.stderr
        assert snapshot(first) == before
        if attempt == 0:
            git(first, "fetch", "-q")  # the user's own fetch: chronicle still checks
            before = snapshot(first)
    assert git(first, "fsck", "--no-progress").returncode == 0


def test_uncommitted_edits_inside_the_archive_folder_are_kept(
        two_machines: tuple[Path, Path]) -> None:
    first, second = two_machines
    ingest(second / "archive", REVISIONS[1], "shared")
    sync(second / "archive")
    ingest(first / "archive", REVISIONS[2], "shared")  # diverged: a rebase, not a fast-forward
    (first / "archive" / "README.md").write_text("my notes\n")
    ignored = first / "archive" / ".gitignore"
    ignored.write_text(ignored.read_text() + "*.tmp\n")
    git(first, "add", "archive/.gitignore")
    staged = git_out(first, "show", ":archive/.gitignore")
    sync(first / "archive")
    assert (first / "archive" / "README.md").read_text() == "my notes\n"
    assert git_out(first, "status", "--porcelain") == "M  archive/.gitignore\n M archive/README.md"
    assert git_out(first, "show", ":archive/.gitignore") == staged


def test_a_commit_of_other_files_in_the_archive_folder_is_left_to_git_push(
        two_machines: tuple[Path, Path]) -> None:
    first, second = two_machines
    ingest(second / "archive", REVISIONS[1], "shared")
    sync(second / "archive")
    (first / "archive" / "NOTES.md").write_text("team notes\n")
    git(first, "add", "archive/NOTES.md")
    git(first, "commit", "-q", "-m", "notes")
    ingest(first / "archive", REVISIONS[2], "shared")
    head = git_out(first, "rev-parse", "main")
    refused = chronicle("sync", "--archive", str(first / "archive"))
    assert refused.returncode != 0 and "NOTES.md" in refused.stderr
    assert "not one chronicle event each" in refused.stderr and "git push" in refused.stderr
    assert git_out(first, "rev-parse", "main") == head
    assert (first / "archive" / "NOTES.md").read_text() == "team notes\n"


def test_code_and_merged_pull_requests_from_the_remote_verify(
        two_machines: tuple[Path, Path]) -> None:
    """A colleague's code commit on top, then a pull request with an event merged on the
    server: sync takes both, and verify is clean after each."""
    first, second = two_machines
    commit_code(second, "app.py", "print('v2')\n")
    git(second, "push", "-q")
    assert sync(first / "archive")["fetched"] == 0
    assert chronicle("verify", "--archive", str(first / "archive")).returncode == 0
    git(second, "pull", "-q")
    git(second, "checkout", "-q", "-b", "pr")
    ingest(second / "archive", REVISIONS[1], "shared")
    git(second, "checkout", "-q", "main")
    commit_code(second, "lib.py", "x = 1\n")
    git(second, "merge", "-q", "--no-ff", "-m", "merge pr", "pr")
    git(second, "push", "-q")
    assert sync(first / "archive")["fetched"] == 1
    verify = chronicle("verify", "--archive", str(first / "archive"))
    assert verify.returncode == 0, verify.stdout
    assert (first / "lib.py").read_text() == "x = 1\n"


def test_a_remote_name_is_never_an_option(two_machines: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    first, _second = two_machines
    planted = tmp_path / "planted"
    done = chronicle("sync", "--archive", str(first / "archive"), "--",
                     f"--upload-pack=touch {planted}")
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1
    assert not planted.exists()
