"""Writing outputs (issue 12 item 6, issue 16): one rule for report and export, by
chronicle.safe_write. Each test makes the hostile or awkward target for real, then checks
the clean outcome: one line naming the path and exit 7, or the documented safe behaviour."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from archive_tools import can_mount_read_only, read_only_run
from chronicle.errors import OutputError
from chronicle.safe_write import StagedFile, write_bytes
from conftest import cli

OUTPUTS = {  # command -> the arguments before the path
    "report": ["report", "nato-ukraine", "-o"],
    "jsonl": ["export", "-o"],
    "sqlite": ["export", "--format", "sqlite", "-o"],
}


def run(archive: Path, kind: str, path: Path, *extra: str) -> tuple[int, str]:
    result = cli(*OUTPUTS[kind], str(path), *extra, "--archive", str(archive))
    return result.exit_code, result.stderr


def one_error_line(stderr: str, path: Path, problem: str) -> None:
    assert stderr == f"chronicle: error: {path}: {problem}\n"


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_a_file_where_a_folder_should_be(example_archive: Path, tmp_path: Path,
                                         kind: str) -> None:
    blocker = tmp_path / "f.txt"
    blocker.write_text("keep me")
    target = blocker / "x.out"
    code, stderr = run(example_archive, kind, target)
    assert code == 7
    one_error_line(stderr, target, f"{blocker} is a file, not a folder")
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_a_missing_folder(example_archive: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "missing" / "dir" / "x.out"
    code, stderr = run(example_archive, kind, target)
    assert code == 7
    one_error_line(stderr, target, f"folder {target.parent} does not exist")
    assert not (tmp_path / "missing").exists()


def test_csv_into_a_file_or_under_one(example_archive: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "f.txt"
    blocker.write_text("keep me")
    for target, problem in ((blocker, "exists and is not a folder"),
                            (blocker / "sub", f"{blocker} is a file, not a folder")):
        result = cli("export", "--format", "csv", "-o", str(target),
                     "--archive", str(example_archive))
        assert result.exit_code == 7
        one_error_line(result.stderr, target, problem)


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_one_overwrite_rule_for_report_and_export(example_archive: Path, tmp_path: Path,
                                                  kind: str) -> None:
    """An existing file is replaced only with --force, by report and export alike."""
    target = tmp_path / "out"
    target.write_text("old")
    code, stderr = run(example_archive, kind, target)
    assert code == 7
    one_error_line(stderr, target, "already exists; use --force to replace it")
    assert target.read_text() == "old"
    assert run(example_archive, kind, target, "--force")[0] == 0
    assert target.read_bytes() != b"old"
    beside = ["out.metadata.json"] if kind == "sqlite" else []  # Datasette's, for a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "out", *beside]  # no temp


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_a_folder_is_refused_first(example_archive: Path, tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    code, stderr = run(example_archive, kind, folder, "--force")
    assert code == 7
    one_error_line(stderr, folder, "is a folder; give a file name")
    code, stderr = run(example_archive, kind, folder)  # not "use --force" first
    one_error_line(stderr, folder, "is a folder; give a file name")


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_a_symlink_is_followed_and_kept(example_archive: Path, tmp_path: Path,
                                        kind: str) -> None:
    """`report -o LINK` used to replace the link by a file, even without --force."""
    real = tmp_path / "real.out"
    real.write_text("old")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    code, stderr = run(example_archive, kind, link)
    assert code == 7 and "already exists" in stderr
    assert link.is_symlink() and real.read_text() == "old"
    assert run(example_archive, kind, link, "--force")[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.stat().st_size > 3
    dangling = tmp_path / "dangling.out"
    dangling.symlink_to(tmp_path / "new.out")
    assert run(example_archive, kind, dangling)[0] == 0
    assert dangling.is_symlink() and (tmp_path / "new.out").stat().st_size > 3


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_a_fifo_is_written_through_not_replaced(example_archive: Path, tmp_path: Path,
                                                kind: str) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, stderr = run(example_archive, kind, fifo, "--force")
    reader.join(timeout=30)
    assert code == 0, stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and len(received[0]) > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "fifo"]


@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_dev_null_is_written_through_not_replaced(example_archive: Path, kind: str) -> None:
    before = os.lstat("/dev/null")
    code, stderr = run(example_archive, kind, Path("/dev/null"), "--force")
    assert code == 0, stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert run(example_archive, kind, Path("/dev/null"))[0] == 0  # nothing to lose there


@pytest.mark.skipif(not can_mount_read_only(), reason="root here may not mount read-only")
def test_a_read_only_file_is_refused(example_archive: Path, tmp_path: Path) -> None:
    """Mode 0444 for a user; for root (who writes through modes) the file on a read-only
    mount. Either way: exit 7, one line, the file as it was."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "ro.html"
    target.write_text("old")
    if os.geteuid():
        target.chmod(0o444)
        code, stderr = run(example_archive, "report", target, "--force")
    else:
        result = read_only_run(folder, *OUTPUTS["report"], str(target), "--force",
                               "--archive", str(example_archive))
        code, stderr = result.returncode, result.stderr
    assert code == 7, stderr
    one_error_line(stderr, target, "is read-only; nothing was written")
    assert target.read_text() == "old"


@pytest.mark.skipif(not can_mount_read_only(), reason="root here may not mount read-only")
def test_a_read_only_folder_is_one_line(example_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    result = read_only_run(folder, *OUTPUTS["jsonl"], str(folder / "x.jsonl"),
                           "--archive", str(example_archive))
    assert result.returncode == 7, result.stderr
    problem = "permission denied" if os.geteuid() else "read-only file system"
    assert result.stderr.lower() == f"chronicle: error: {folder / 'x.jsonl'}: {problem}\n"
    assert list(folder.iterdir()) == []


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(OutputError, match="is not a regular file"):
            write_bytes(path, b"x", overwrite=True)
    finally:
        server.close()


def test_a_failure_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OutputError, match="no space left"), StagedFile(target, True) as staged:
        staged.temp.write_text("half")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_options_for_the_store(tmp_path: Path) -> None:
    """What the store needs: a temp folder of its own, fsync, and no symlinks followed."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    target = tmp_path / "file"
    write_bytes(target, b"one", overwrite=True, fsync=True, temp_dir=temp)
    assert target.read_bytes() == b"one" and not list(temp.iterdir())
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        write_bytes(link, b"two", overwrite=True, follow_symlinks=False)
    assert target.read_bytes() == b"one"
    new = tmp_path / "new"
    write_bytes(new, b"x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_init_under_a_file_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "f.txt"
    blocker.write_text("x")
    result = cli("init", "--archive", str(blocker / "a"))
    assert result.exit_code != 0 and "internal error" not in result.stderr
    assert result.stderr.startswith("chronicle: error: ") and len(result.stderr.splitlines()) == 1


def test_a_file_system_that_refuses_the_write_is_one_line(example_archive: Path) -> None:
    """/proc refuses new files even to root: the OSError becomes one line naming the path
    (the read-only tests above are skipped when running as root)."""
    target = Path("/proc/chronicle-report.html")
    code, stderr = run(example_archive, "report", target)
    assert code == 7
    assert stderr.startswith(f"chronicle: error: {target}: ") and stderr.count("\n") == 1
