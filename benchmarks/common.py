"""Shared helpers of the benchmarks: the machine, timing, archives built without the CLI."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHRONICLE = str(BIN / "chronicle")
PYTHON = sys.executable


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"nproc {os.cpu_count()}, CPU {model}, Python {platform.python_version()}, {git}, "
            f"{platform.system()} {platform.release()}")


def header(title: str) -> None:
    print(f"# {title}")
    print(f"# {machine()}")
    print(f"# {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}   (load average {load()})")


@contextmanager
def workdir(keep: Path | None = None) -> Iterator[Path]:
    """A scratch folder, removed afterwards unless ``keep`` names one."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    path = Path(tempfile.mkdtemp(prefix="chronicle-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def cpu_timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds incl. child processes, result)."""
    cpu = cpu_seconds()
    wall, result = timed(func)
    return wall, cpu_seconds() - cpu, result


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def best_of(func: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by the rest of the machine."""
    return min(timed(func)[0] for _ in range(repeat))


def user_env() -> dict[str, str]:
    """The environment of a user's shell: Python caches bytecode (some sandboxes set
    PYTHONDONTWRITEBYTECODE, which makes every start-up recompile chronicle's modules)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: Sequence[str], stdin: bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    env = user_env() if env is None else env
    result = subprocess.run(list(args), input=stdin, capture_output=True, check=False, env=env)
    if check and result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(args)}\n"
                         f"{result.stderr.decode(errors='replace')}")
    return result


def git_env() -> dict[str, str]:
    env = {k: v for k, v in user_env().items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
    return env


def du(path: Path) -> int:
    """Bytes of the files under ``path`` (apparent size)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "inf"


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                        enumerate(zip(row, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
