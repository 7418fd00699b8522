"""The store against hostile archives and hostile timing (issue 12, the store's items): a
committed symlink, a huge event, verify next to writers, gc next to writers, a damaged
branch ref, a '..' tree entry, a read-only archive."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archive_tools import (
    CHRONICLE,
    can_mount_read_only,
    git,
    git_out,
    read_only_run,
    write_variants,
)
from conftest import REVISIONS, cli, run_chronicle, snapshot


def commit_all(archive: Path, message: str = "by hand") -> None:
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", message)
    cli("list", "--archive", str(archive))  # let recovery note the hand-made commit


def test_a_committed_symlink_is_never_written_through(example_archive: Path,
                                                      tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = next(example_archive.glob("briefings/*/nato-ukraine")).parent
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.symlink_to(outside)
    commit_all(example_archive, "a symlink")
    verify = cli("verify", "--json", "--archive", str(example_archive))
    assert verify.exit_code == 1
    kinds = {p["kind"] for p in json.loads(verify.stdout)["problems"]}
    assert "not-a-file" in kinds
    before = snapshot(example_archive)
    refused = cli("ingest", str(REVISIONS[0]), "-b", "nato-ukraine", "--archive",
                  str(example_archive))
    assert refused.exit_code == 6
    assert "not a folder in the archive's history" in refused.stderr
    assert list(outside.iterdir()) == []
    assert snapshot(example_archive) == before


def test_a_symlink_in_the_working_tree_is_never_written_through(archive: Path,
                                                                tmp_path: Path) -> None:
    """Not committed (a clone's checkout could hold one): the append is refused before
    anything is written."""
    outside = tmp_path / "outside"
    outside.mkdir()
    from chronicle.layout import briefing_folder

    shard = archive / briefing_folder("new-one").rsplit("/", 1)[0]
    shard.parent.mkdir(parents=True, exist_ok=True)
    shard.symlink_to(outside)
    head = git_out(archive, "rev-parse", "main")
    refused = cli("ingest", str(REVISIONS[0]), "-b", "new-one", "--archive", str(archive))
    assert refused.exit_code == 6 and "a symbolic link inside the archive" in refused.stderr
    assert list(outside.iterdir()) == [] and git_out(archive, "rev-parse", "main") == head


@pytest.mark.slow
@pytest.mark.parametrize(("command", "name"), [(["verify"], "000003.json"),
                                              (["review", "HEAD~1..HEAD"], "000004.json")])
def test_a_huge_event_is_refused_without_being_read(example_archive: Path,
                                                    command: list[str], name: str) -> None:
    """An event edited (verify) or added (a pull request's review) as 256 MiB."""
    event = next(example_archive.glob("briefings/*/nato-ukraine/000003.json")).with_name(name)
    with event.open("wb") as handle:  # 256 MiB of one byte: packs to little
        handle.truncate(256 * 1024 * 1024)
    commit_all(example_archive, "huge")
    git(example_archive, "gc", "-q")
    # the peak of this process's own memory (VmHWM); ru_maxrss would also count the pytest
    # worker's memory that the forked child held before it started Python
    code = textwrap.dedent(f"""
        import re, sys
        from chronicle.cli import main
        sys.argv = ["chronicle", *{command!r}, "--archive", {str(example_archive)!r}]
        try:
            main()
        except SystemExit as exit:
            status = open("/proc/self/status").read()
            print(exit.code, int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    status, rss_mb = done.stdout.split()[-2:]
    assert status in ("1", "6"), done.stdout + done.stderr
    assert "over the 67,108,864-byte limit of an event" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert int(rss_mb) < 200, f"{command[0]} held {rss_mb} MB"


@pytest.mark.slow
def test_verify_next_to_writers_reports_no_false_tampering(archive: Path,
                                                           tmp_path: Path) -> None:
    files = write_variants(tmp_path / "in", list(range(12)))
    writer = subprocess.Popen(["sh", "-c", " && ".join(
        f"{CHRONICLE} ingest {f} -b w{n % 3} --archive {archive}" for n, f in enumerate(files))],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    runs = 0
    while writer.poll() is None or runs < 3:
        verify = run_chronicle("verify", "--archive", str(archive))
        assert verify.returncode == 0, verify.stdout + verify.stderr
        runs += 1
    assert writer.returncode == 0


@pytest.mark.slow
def test_gc_next_to_writers_loses_nothing(archive: Path, tmp_path: Path) -> None:
    files = write_variants(tmp_path / "in", list(range(16)))
    writers = [subprocess.Popen(["sh", "-c", " && ".join(
        f"{CHRONICLE} ingest {f} -b g{w} --archive {archive}" for f in files[w::2])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for w in range(2)]
    repacks = 0
    while any(w.poll() is None for w in writers) or repacks < 2:
        done = run_chronicle("gc", "--archive", str(archive))
        assert done.returncode == 0, done.stderr
        repacks += 1
    for w in writers:
        assert w.returncode == 0, w.stderr.read() if w.stderr else ""
    log = [json.loads(run_chronicle("log", f"g{w}", "--json", "--archive",
                                    str(archive)).stdout) for w in range(2)]
    assert sum(len(entry["revisions"]) for entry in log) == 16
    assert run_chronicle("verify", "--archive", str(archive)).returncode == 0


@pytest.mark.parametrize("content", [b"garbage\n", b"", "tree"])
def test_a_damaged_branch_ref_is_one_line(example_archive: Path, content: bytes | str) -> None:
    ref = example_archive / ".git" / "refs" / "heads" / "main"
    if content == "tree":  # a real object, but a tree, not a commit
        content = (git_out(example_archive, "rev-parse", "main^{tree}") + "\n").encode()
    assert isinstance(content, bytes)
    ref.write_bytes(content)
    for command in (("log", "nato-ukraine"), ("verify",), ("list",)):
        result = cli(*command, "--archive", str(example_archive))
        assert result.exit_code in (4, 6), (command, result.output)
        assert result.stderr.startswith("chronicle: error: ") and \
            len(result.stderr.splitlines()) == 1, result.stderr


def test_a_dot_dot_tree_entry_is_reported_as_tampering(example_archive: Path) -> None:
    """A tree entry named '..', committed with plumbing (git itself refuses to make one)."""
    blob = git(example_archive, "hash-object", "-w", "--stdin", stdin=b"x").stdout.decode().strip()
    tree = git(example_archive, "mktree", "--missing",
               stdin=f"100644 blob {blob}\t..\n".encode()).stdout.decode().strip()
    root = git_out(example_archive, "rev-parse", "main^{tree}")
    entries = git_out(example_archive, "ls-tree", root) + f"\n040000 tree {tree}\tevil\n"
    new_root = git(example_archive, "mktree", stdin=entries.encode()).stdout.decode().strip()
    commit = git_out(example_archive, "commit-tree", new_root, "-p", "main", "-m", "dots")
    git(example_archive, "update-ref", "refs/heads/main", commit)
    result = cli("verify", "--json", "--archive", str(example_archive))
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert any(p["where"].startswith("evil") for p in problems), problems


@pytest.mark.slow
@pytest.mark.skipif(not can_mount_read_only(), reason="root here may not mount read-only")
def test_a_read_only_archive_reads_and_refuses_writes_in_one_line(example_archive: Path) -> None:
    before = snapshot(example_archive)
    log = read_only_run(example_archive, "log", "nato-ukraine", "--archive", str(example_archive))
    assert log.returncode == 0, log.stderr
    assert "r3" in log.stdout
    for command in (("ingest", str(REVISIONS[0]), "-b", "x"), ("gc",), ("verify",)):
        result = read_only_run(example_archive, *command, "--archive", str(example_archive))
        assert "Traceback" not in result.stderr
        if command == ("verify",):
            assert result.returncode == 0, result.stdout + result.stderr
            continue
        assert result.returncode == 4, result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert str(example_archive) in result.stderr
    assert snapshot(example_archive) == before


@pytest.mark.slow
def test_a_full_disk_refuses_the_append_and_reads_go_on(example_archive: Path,
                                                        tmp_path: Path) -> None:
    """ENOSPC for real (issue 12 items 14, 15): the archive on a full tmpfs. The append is one
    line (exit 4) and writes nothing; log and verify work with the disk still full (verify
    names a recovery that the full disk stops); once space is freed the next append and
    verify succeed."""
    out = tmp_path / "out"
    out.mkdir()
    [revision] = write_variants(tmp_path / "in", [1])
    script = Path(__file__).with_name("disk_full.sh")
    done = subprocess.run(["unshare", "-m", "sh", str(script), str(example_archive), str(out),
                           CHRONICLE, str(revision)],
                          capture_output=True, text=True, check=False, timeout=300)
    if done.returncode == 99 or not (out / "ingest.rc").exists():
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:200]}")

    def step(name: str) -> tuple[int, str, str]:
        return (int((out / f"{name}.rc").read_text()), (out / f"{name}.out").read_text(),
                (out / f"{name}.err").read_text())

    code, _, err = step("ingest")
    assert code == 4, err
    assert err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err
    assert step("log")[0] == 0 and "nato-ukraine: 3 revisions" in step("log")[1]
    verify_code, verify_out, _ = step("verify")
    if verify_code:  # a checkout's index cannot be refreshed on a full disk: said, not hidden
        assert verify_out.count("problem(s)") == 1 and "1 problem(s)" in verify_out
        assert "recovery after a killed writer could not finish" in verify_out
        assert "diskspace" in verify_out or "No space" in verify_out
    assert (out / "before").read_text() == (out / "after").read_text()  # events untouched
    assert step("ingest2")[0] == 0, step("ingest2")
    assert step("verify2")[0] == 0, step("verify2")
