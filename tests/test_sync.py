"""Many machines, one archive (issue 15): clone and sync through real git remotes (a bare
repository over file paths and one served by `git daemon`), concurrent clones converging,
kills mid-sync, rewritten and edited remotes refused, offline syncs, and a pre-receive hook
guarding a shared repository."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_tools import CHRONICLE, git, git_out, write_variants
from conftest import REVISIONS, ROOT, run_chronicle, snapshot
from test_web import Site, article, rss
from test_web import site as site  # the fixture, for the watch test

pytestmark = pytest.mark.slow  # real remotes, git daemon, many processes: CI runs them

HOOK = ROOT / "docs" / "hooks" / "pre-receive"


def chronicle(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_chronicle(*args, cwd=cwd)


def sync(archive: Path, *more: str) -> dict[str, object]:
    done = chronicle("sync", *more, "--json", "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def revisions_of(archive: Path) -> dict[str, list[tuple[int, str]]]:
    """briefing -> [(sequence, source file name)] as `log --json` tells."""
    listed = json.loads(chronicle("list", "--json", "--archive", str(archive)).stdout)
    found = {}
    for entry in listed["briefings"]:
        log = json.loads(chronicle("log", entry["id"], "--json", "--archive",
                                   str(archive)).stdout)
        found[entry["id"]] = [(r["sequence"], Path(r["source"]).name) for r in log["revisions"]]
    return found


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def first_clone(tmp_path: Path, remote: Path) -> Path:
    """An archive made here, published to ``remote`` by a first sync."""
    archive = tmp_path / "first"
    assert chronicle("init", str(archive)).returncode == 0
    git(archive, "remote", "add", "origin", str(remote))
    assert chronicle("ingest", str(REVISIONS[0]), "-b", "shared", "--archive",
                     str(archive)).returncode == 0
    assert sync(archive)["pushed"] == 1
    return archive


def test_clone_then_sync_both_ways(tmp_path: Path, remote: Path) -> None:
    first = first_clone(tmp_path, remote)
    second = tmp_path / "second"
    cloned = chronicle("clone", str(remote), str(second))
    assert cloned.returncode == 0, cloned.stderr
    assert "verified" in cloned.stdout
    assert chronicle("verify", "--archive", str(second)).returncode == 0  # from its first command
    assert chronicle("ingest", str(REVISIONS[1]), "-b", "shared", "--archive",
                     str(second)).returncode == 0
    assert chronicle("ingest", str(REVISIONS[1]), "-b", "shared", "--archive",
                     str(first)).returncode == 0  # the same revision, on both sides
    assert chronicle("ingest", str(REVISIONS[2]), "-b", "own", "--archive",
                     str(first)).returncode == 0
    assert sync(second)["pushed"] == 1
    result = sync(first)
    assert (result["fetched"], result["rebased"], result["deduplicated"], result["pushed"]) == \
        (1, 1, 1, 1)
    assert sync(second)["fetched"] == 1
    assert git_out(first, "rev-parse", "main") == git_out(second, "rev-parse", "main")
    assert revisions_of(first) == revisions_of(second) == {
        "shared": [(1, "r1.txt"), (2, "r2.txt")], "own": [(1, "r3.txt")]}
    for archive in (first, second):
        assert chronicle("verify", "--archive", str(archive)).returncode == 0
    again = sync(first)
    assert (again["fetched"], again["pushed"]) == (0, 0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`git daemon` serving tmp_path/served on 127.0.0.1 (push enabled)."""
    served = tmp_path / "served"
    served.mkdir()
    git(served, "init", "-q", "--bare", "-b", "main", str(served / "archive.git"))
    port = _free_port()
    process = subprocess.Popen(["git", "daemon", "--reuseaddr", "--export-all",
                                "--enable=receive-pack", f"--base-path={served}",
                                "--listen=127.0.0.1", f"--port={port}", str(served)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield f"git://127.0.0.1:{port}/archive.git", served / "archive.git"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sync_over_git_daemon(tmp_path: Path, daemon: tuple[str, Path]) -> None:
    url, served = daemon
    first = first_clone(tmp_path, served)  # published over a file path ...
    second = tmp_path / "second"
    assert chronicle("clone", url, str(second)).returncode == 0  # ... cloned over git://
    assert chronicle("ingest", str(REVISIONS[1]), "-b", "shared", "--archive",
                     str(second)).returncode == 0
    assert sync(second)["pushed"] == 1  # pushed over git://
    git(first, "remote", "set-url", "origin", url)
    assert sync(first)["fetched"] == 1
    assert git_out(first, "rev-parse", "main") == git_out(served, "rev-parse", "main")


def test_a_remote_with_rewritten_history_is_refused(tmp_path: Path, remote: Path) -> None:
    first = first_clone(tmp_path, remote)
    assert chronicle("ingest", str(REVISIONS[1]), "-b", "shared", "--archive",
                     str(first)).returncode == 0
    sync(first)
    second = tmp_path / "second"
    assert chronicle("clone", str(remote), str(second)).returncode == 0
    rewritten = tmp_path / "rewriter"
    shutil.copytree(second, rewritten)
    git(rewritten, "update-ref", "refs/heads/main", git_out(rewritten, "rev-parse", "main~1"))
    assert chronicle("ingest", str(REVISIONS[2]), "-b", "shared", "--archive",
                     str(rewritten)).returncode == 0  # a different r2: history forked
    git(rewritten, "push", "-q", "--force", str(remote), "main:main")
    before = snapshot(second)
    refused = chronicle("sync", "--archive", str(second))
    assert refused.returncode == 1
    assert refused.stderr.startswith("chronicle: error: origin: refused, nothing adopted: ")
    assert "history was rewritten" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert snapshot(second) == before
    assert chronicle("sync", "--archive", str(second)).returncode == 1  # still refused


def push_an_edited_event(tmp_path: Path, remote: Path) -> None:
    """Edit r1 of 'shared' with plain git in a clone of ``remote``, and push it there."""
    editor = tmp_path / "editor"
    git(tmp_path, "clone", "-q", str(remote), str(editor))
    event = next(editor.glob("briefings/*/shared/000001.json"))
    event.write_text(event.read_text().replace("NATO", "OTAN", 1))
    git(editor, "commit", "-q", "-am", "edit")
    git(editor, "push", "-q", "origin", "main")


def test_a_remote_with_an_edited_event_is_refused(tmp_path: Path, remote: Path) -> None:
    first = first_clone(tmp_path, remote)
    second = tmp_path / "second"
    assert chronicle("clone", str(remote), str(second)).returncode == 0
    push_an_edited_event(tmp_path, remote)
    before = snapshot(second)
    refused = chronicle("sync", "--archive", str(second))
    assert refused.returncode == 1
    assert "changed after it was published" in refused.stderr
    assert snapshot(second) == before
    assert first.exists()


def test_offline_sync_is_one_line_and_appends_go_on(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    assert chronicle("init", str(archive)).returncode == 0
    git(archive, "remote", "add", "origin", f"git://127.0.0.1:{_free_port()}/nothing.git")
    offline = chronicle("sync", "--archive", str(archive))
    assert offline.returncode == 5
    assert offline.stderr.startswith("chronicle: error: origin: cannot fetch (")
    assert len(offline.stderr.splitlines()) == 1
    assert chronicle("ingest", str(REVISIONS[0]), "-b", "b", "--archive",
                     str(archive)).returncode == 0


def test_clone_refuses_an_archive_that_does_not_verify(tmp_path: Path, remote: Path) -> None:
    first_clone(tmp_path, remote)
    push_an_edited_event(tmp_path, remote)
    refused = chronicle("clone", str(remote), str(tmp_path / "copy"))
    assert refused.returncode == 1 and "refused, nothing adopted" in refused.stderr
    assert not (tmp_path / "copy").exists()


# ----- a shared server's guard -------------------------------------------------------------
def test_a_pre_receive_hook_refuses_edits_and_accepts_appends(tmp_path: Path,
                                                               remote: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    shutil.copy(HOOK, hook)
    hook.chmod(0o755)
    env_path = f"{Path(CHRONICLE).parent}:{os.environ['PATH']}"
    os.environ["PATH"] = env_path  # the hook finds chronicle as the server would
    try:
        first = first_clone(tmp_path, remote)  # the first push creates the archive
        assert chronicle("ingest", str(REVISIONS[1]), "-b", "shared", "--archive",
                         str(first)).returncode == 0
        assert sync(first)["pushed"] == 1  # an append passes the hook
        editor = tmp_path / "editor"
        git(tmp_path, "clone", "-q", str(remote), str(editor))
        event = next(editor.glob("briefings/*/shared/000001.json"))
        event.write_text(event.read_text().replace("NATO", "OTAN", 1))
        git(editor, "commit", "-q", "-am", "edit")
        pushed = git(editor, "push", "origin", "main", check=False)
        assert pushed.returncode != 0
        assert b"changed after it was published" in pushed.stderr
        git(editor, "reset", "-q", "--hard", "origin/main~1")
        forced = git(editor, "push", "--force", "origin", "main", check=False)
        assert forced.returncode != 0 and b"history was rewritten" in forced.stderr
        assert git_out(remote, "rev-parse", "main") == git_out(first, "rev-parse", "main")
    finally:
        os.environ["PATH"] = env_path.split(":", 1)[1]


# ----- many machines at once ---------------------------------------------------------------
WRITER = textwrap.dedent("""
    import json, random, subprocess, sys, time
    chronicle, archive, files, me = sys.argv[1], sys.argv[2], sys.argv[3:-1], sys.argv[-1]
    rng = random.Random(me)
    for number, path in enumerate(files):
        briefing = "shared" if number % 2 else f"own-{me}"
        done = subprocess.run([chronicle, "ingest", path, "-b", briefing, "--archive", archive],
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"ingest: {done.stderr}")
        if rng.random() < 0.5:
            for _ in range(40):
                synced = subprocess.run([chronicle, "sync", "--archive", archive],
                                        capture_output=True, text=True)
                if synced.returncode == 0:
                    break
                if synced.returncode != 4:  # 4: the other writer held the lock too long
                    sys.exit(f"sync: {synced.stderr}")
""")


@pytest.mark.slow
def test_four_clones_append_and_sync_concurrently(tmp_path: Path, remote: Path) -> None:
    first = first_clone(tmp_path, remote)
    clones = [first]
    for n in range(1, 4):
        path = tmp_path / f"clone-{n}"
        assert chronicle("clone", str(remote), str(path)).returncode == 0
        clones.append(path)
    count = int(os.environ.get("CHRONICLE_SYNC_REVISIONS", "6"))  # 25 on demand (issue 15)
    writers = []
    for n, archive in enumerate(clones):
        files = write_variants(tmp_path / f"in-{n}", [n * 1000 + i for i in range(count)])
        writers.append(subprocess.Popen([sys.executable, "-c", WRITER, CHRONICLE, str(archive),
                                         *map(str, files), str(n)], stderr=subprocess.PIPE,
                                        text=True))
    for writer in writers:
        assert writer.wait(timeout=900) == 0, writer.stderr.read() if writer.stderr else ""
    syncs = {str(a): 0 for a in clones}
    for _ in range(3):  # converged within 3 syncs each once the writers stop
        for archive in clones:
            sync(archive)
            syncs[str(archive)] += 1
        heads = {git_out(a, "rev-parse", "main") for a in clones}
        if len(heads) == 1 and heads == {git_out(remote, "rev-parse", "main")}:
            break
    assert len({git_out(a, "rev-parse", "main") for a in clones}) == 1, syncs
    stored = revisions_of(first)
    names = [name for briefing in stored.values() for _, name in briefing]
    assert sorted(names) == sorted(["r1.txt", *[f"v{n * 1000 + i:05d}.txt" for n in range(4)
                                                for i in range(count)]])  # each once
    for revisions in stored.values():
        assert [s for s, _ in revisions] == list(range(1, len(revisions) + 1))
    for archive in clones:
        verify = chronicle("verify", "--archive", str(archive))
        assert verify.returncode == 0, verify.stdout


@pytest.mark.slow
def test_kill_during_sync(tmp_path: Path, remote: Path) -> None:
    first = first_clone(tmp_path, remote)
    second = tmp_path / "second"
    assert chronicle("clone", str(remote), str(second)).returncode == 0
    rng = random.Random(15)
    runs = int(os.environ.get("CHRONICLE_SYNC_KILLS", "10"))  # 30 on demand
    expected = ["r1.txt"]
    for run in range(runs):
        side = first if run % 2 else second
        [path] = write_variants(tmp_path / "in", [run])
        assert chronicle("ingest", str(path), "-b", "shared" if run % 3 else f"own-{run % 2}",
                         "--archive", str(side)).returncode == 0
        expected.append(path.name)
        process = subprocess.Popen([CHRONICLE, "sync", "--archive", str(side)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
    for archive in (first, second, first):
        sync(archive)
    assert git_out(first, "rev-parse", "main") == git_out(second, "rev-parse", "main")
    names = [name for revisions in revisions_of(first).values() for _, name in revisions]
    assert sorted(names) == sorted(expected)  # nothing lost, nothing twice
    for archive in (first, second):
        verify = chronicle("verify", "--archive", str(archive))
        assert verify.returncode == 0, verify.stdout


def test_two_watchers_of_one_feed_store_an_article_once(tmp_path: Path, remote: Path,
                                                        site: Site) -> None:
    """Two machines watch the same feed into one shared archive (README "Many machines"):
    each records the article it saw, and sync stores the same revision once."""
    site.put("/world/story.html", article("NATO allies step up", "$61.4 billion"))
    site.put("/rss.xml", rss(site, ["/world/story.html"]), "application/rss+xml")
    first = first_clone(tmp_path, remote)
    second = tmp_path / "second"
    assert chronicle("clone", str(remote), str(second)).returncode == 0
    for archive in (first, second):
        watched = chronicle("watch", site.url("/rss.xml"), "--once", "--delay", "0",
                            "--archive", str(archive))
        assert watched.returncode == 0, watched.stderr
    sync(first)
    result = sync(second)
    assert (result["rebased"], result["deduplicated"]) == (0, 1)
    sync(first)
    stored = revisions_of(first)
    assert stored["world-story"] == [(1, "story.html")]
    assert revisions_of(second) == stored
