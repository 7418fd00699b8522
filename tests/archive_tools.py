"""Helpers for the crash, concurrency, tamper and hostile-input tests (no fixtures here).

Importable from tests (pytest puts tests/ on sys.path) and from tests/kill_harness.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nato-ukraine"
R1 = (EXAMPLE / "r1.txt").read_text(encoding="utf-8")
CHRONICLE = str(Path(sys.executable).with_name("chronicle"))


def variant(number: int) -> str:
    """A distinct revision of r1: a figure and a sentence changed, so its content hash differs."""
    troops = f"{50_000 + number:,} troops"
    text = R1.replace("50,000 troops", troops, 1)
    return text.replace("The Road Ahead", f"The Road Ahead (update {number})", 1)


def write_variants(folder: Path, numbers: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = folder / f"v{number:05d}.txt"
        path.write_text(variant(number), encoding="utf-8")
        paths.append(path)
    return paths


def git(path: Path, *args: str, check: bool = True, env: dict[str, str] | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """git in ``path`` with a fixed identity, independent of the user's configuration."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
                        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(path)})
    environment.update(env or {})
    result = subprocess.run(["git", "-C", str(path), *args], capture_output=True, env=environment,
                            input=stdin, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr.decode()}")
    return result


def git_out(path: Path, *args: str) -> str:
    return git(path, *args).stdout.decode().strip()


def fsck_problems(path: Path) -> list[str]:
    """What `git fsck --full --strict` reports beyond dangling objects (empty = clean)."""
    result = git(path, "fsck", "--full", "--strict", "--no-progress", "--no-dangling", check=False)
    lines = [line for line in (result.stdout + result.stderr).decode().splitlines()
             if line.strip() and not line.startswith(("dangling ", "Checking "))]
    if result.returncode != 0 and not lines:
        lines.append(f"git fsck exited {result.returncode}")
    return lines


def status_porcelain(path: Path) -> str:
    return git_out(path, "status", "--porcelain", "--untracked-files=all")


def tree_snapshot(path: Path) -> dict[str, str]:
    """sha256 of every file under ``path`` (.git and .git/objects included)."""
    files = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
        data = os.readlink(file).encode() if file.is_symlink() else file.read_bytes()
        files[str(file.relative_to(path))] = hashlib.sha256(data).hexdigest()
    return files


def refs(path: Path) -> str:
    return git_out(path, "for-each-ref", "--format=%(refname) %(objectname)")


def git_dir_of(archive: Path) -> Path:
    """Where git and chronicle keep their files: ARCHIVE/.git, or ARCHIVE itself if bare."""
    return archive / ".git" if (archive / ".git").is_dir() else archive


def lock_is_held(archive: Path) -> bool:
    """Does some process hold the archive's writer lock right now? (probes for an instant)"""
    lock = git_dir_of(archive) / "chronicle.lock"
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock, if it got one
    return False


def hold_lock(archive: Path) -> int:
    """Take the archive's writer lock in this process; close the returned fd to release it."""
    fd = os.open(archive / ".git" / "chronicle.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def event_files(archive: Path) -> list[str]:
    """Event file paths on main, as git lists them."""
    listing = git_out(archive, "ls-tree", "-r", "--name-only", "refs/heads/main", "--", "briefings")
    return [line for line in listing.splitlines() if line.endswith(".json")]


def read_only_run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `chronicle ARGS` with ``folder`` unwritable: chmod for a normal user; for
    root (who writes through modes) a read-only bind mount of ``folder`` in a mount
    namespace of its own (`unshare -m`), so writes fail with EROFS as on a read-only disk."""
    command = [CHRONICLE, *args]
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        for path in paths:
            path.chmod(path.stat().st_mode & ~0o222)
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False)
        finally:
            for path in paths:
                path.chmod(path.stat().st_mode | 0o200)
    script = ('mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"')
    return subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), *command],
                          capture_output=True, text=True, check=False)


def can_mount_read_only() -> bool:
    """Whether read_only_run works here (not root, or root allowed to unshare and mount)."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run(["unshare", "-m", "sh", "-c", 'mount --bind / / 2>/dev/null'],
                           capture_output=True, check=False)
    return probe.returncode == 0
