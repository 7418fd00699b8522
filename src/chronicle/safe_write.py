"""Writing an output file: all of it or nothing, and never replacing what it should not.

One rule for every file chronicle writes outside the event store (``report -o``,
``export -o``, the watch state):

- the bytes go to a temporary file beside the target (or in ``temp_dir``), which is then
  renamed over it: a failure or a kill leaves the old file as it was, never half a file;
- an existing regular file is replaced only when ``overwrite`` is true (the CLI's
  ``--force``); a new file is linked into place, so one that appeared meanwhile is not lost;
- a symlink is followed and the file it points to is replaced; the link itself stays;
- a FIFO or character device (``/dev/null``, ``/dev/stdout``, a terminal) is written
  through, never replaced (there is nothing in it to lose, so no ``overwrite`` is needed);
- a folder, a block device or a socket is refused;
- every ``OSError`` becomes one :class:`~chronicle.errors.OutputError` naming the path.

The lead's store keeps its own writes inside ``.git``; ``follow_symlinks=False``,
``allow_special=False``, ``fsync=True`` and ``temp_dir`` make this module fit those too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from .errors import OutputError

TargetKind = Literal["new", "file", "special"]


@dataclass(frozen=True)
class Target:
    """Where the bytes for ``path`` really go, and what is there now."""

    path: Path  # as the user gave it (named in messages)
    real: Path  # symlinks resolved
    kind: TargetKind
    mode: int | None = None  # permission bits of the file to replace


def os_problem(error: OSError) -> str:
    """'permission denied', 'no space left on device', ...: the errno's words, short."""
    words = error.strerror or (type(error).__name__)
    return words[0].lower() + words[1:] if words else "error"


def output_target(path: Path, overwrite: bool = False, *, follow_symlinks: bool = True,
                  allow_special: bool = True) -> Target:
    """Check that ``path`` may be written, before any work is done; raises OutputError."""
    try:
        return _target(path, overwrite, follow_symlinks, allow_special)
    except OSError as error:
        raise OutputError(path, os_problem(error)) from None


def _target(path: Path, overwrite: bool, follow_symlinks: bool, allow_special: bool) -> Target:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(path, f"{file_ancestor(path)} is a file, not a folder") from None
    real = path
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not follow_symlinks:
            raise OutputError(path, "is a symbolic link; refusing to write through it")
        real = Path(os.path.realpath(path))
        try:
            info = os.stat(real)
        except FileNotFoundError:  # a dangling link: create the file it names
            info = None
    if info is None:
        _check_parent(path, real)
        return Target(path, real, "new")
    if stat.S_ISREG(info.st_mode):
        if not overwrite:
            raise OutputError(path, "already exists").hinted("overwrite")
        if not os.access(real, os.W_OK):
            raise OutputError(path, "is read-only; nothing was written")
        return Target(path, real, "file", stat.S_IMODE(info.st_mode))
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "is a folder; give a file name")
    if allow_special and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):
        return Target(path, real, "special")
    raise OutputError(path, "is not a regular file (a device, socket or FIFO); refusing to "
                      "replace it")


def _check_parent(path: Path, real: Path) -> None:
    parent = real.parent
    if not parent.exists():
        ancestor = file_ancestor(parent)
        if ancestor is not None:
            raise OutputError(path, f"{ancestor} is a file, not a folder")
        raise OutputError(path, f"folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(path, f"{parent} is a file, not a folder")


def file_ancestor(path: Path) -> Path | None:
    """The first ancestor of ``path`` that exists and is not a folder (f.txt in f.txt/x)."""
    for ancestor in reversed(path.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return ancestor
    return None


class StagedFile:
    """``with StagedFile(path) as staged:`` write ``staged.temp``; on success it becomes
    ``path`` (by the rules in the module doc); on any exception nothing changes."""

    def __init__(self, path: Path, overwrite: bool = False, *, fsync: bool = False,
                 temp_dir: Path | None = None, follow_symlinks: bool = True,
                 allow_special: bool = True) -> None:
        self.target = output_target(path, overwrite, follow_symlinks=follow_symlinks,
                                    allow_special=allow_special)
        self.overwrite = overwrite
        self.fsync = fsync
        if temp_dir is not None:
            folder = temp_dir
        elif self.target.kind == "special":
            folder = Path(tempfile.gettempdir())  # never create files in /dev
        else:
            folder = self.target.real.parent
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.target.real.name}.", suffix=".tmp",
                                            dir=folder)
            os.close(handle)
        except OSError as error:
            raise OutputError(path, os_problem(error)) from None
        self.temp = Path(name)

    def __enter__(self) -> StagedFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is not None:
            self.abort()
            if isinstance(error, OSError) and not isinstance(error, OutputError):
                raise OutputError(self.target.path, os_problem(error)) from None
            return
        self.commit()

    def commit(self) -> None:
        """Put the written temporary file in place (or copy it into a FIFO or device)."""
        try:
            self._commit()
        except OSError as error:
            self.abort()
            raise OutputError(self.target.path, os_problem(error)) from None

    def _commit(self) -> None:
        target = self.target
        if target.kind == "special":
            with self.temp.open("rb") as source, open(target.real, "wb") as sink:
                shutil.copyfileobj(source, sink)
            self.temp.unlink()
            return
        mode = target.mode if target.mode is not None else 0o666 & ~_UMASK
        os.chmod(self.temp, mode)
        if self.fsync:
            _fsync_file(self.temp)
        if target.kind == "new" and not self.overwrite:
            self._link_new()
        else:
            os.replace(self.temp, target.real)
        if self.fsync:
            _fsync_folder(target.real.parent)

    def _link_new(self) -> None:
        """A hard link fails if a file appeared at the target meanwhile: it is not lost."""
        try:
            os.link(self.temp, self.target.real)
        except FileExistsError:
            raise OutputError(self.target.path, "appeared while writing").hinted(
                "overwrite") from None
        except OSError:  # a file system without hard links
            os.replace(self.temp, self.target.real)
            return
        self.temp.unlink()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.temp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes, overwrite: bool = False, *, fsync: bool = False,
                temp_dir: Path | None = None, follow_symlinks: bool = True,
                allow_special: bool = True) -> None:
    """Write ``data`` to ``path`` all at once (by the rules in the module doc)."""
    with StagedFile(path, overwrite, fsync=fsync, temp_dir=temp_dir,
                    follow_symlinks=follow_symlinks, allow_special=allow_special) as staged:
        staged.temp.write_bytes(data)


def write_text(path: Path, text: str, overwrite: bool = False, *, fsync: bool = False,
               temp_dir: Path | None = None) -> None:
    """Write ``text`` as UTF-8 to ``path`` all at once."""
    write_bytes(path, text.encode("utf-8"), overwrite, fsync=fsync, temp_dir=temp_dir)


def check_folder(path: Path) -> bool:
    """Check that ``path`` is, or can be made as, an output folder; True if it exists."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(path, f"{file_ancestor(path)} is a file, not a folder") from None
    except OSError as error:
        raise OutputError(path, os_problem(error)) from None
    if info is None:
        _check_parent(path, Path(os.path.realpath(path)))
        return False
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "exists and is not a folder")
    return True


def make_folder(path: Path) -> bool:
    """Create the output folder ``path`` (its parent must exist); True if it was made."""
    if check_folder(path):
        return False
    try:
        path.mkdir()
    except OSError as error:
        raise OutputError(path, os_problem(error)) from None
    return True


def _read_umask() -> int:
    """The process umask, read once at import (setting it later from threads would race)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _fsync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(path: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        _fsync_file(path)
