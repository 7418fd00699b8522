"""Readers turn input bytes (text, Markdown, HTML, JSON) into a Revision."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..model import Extractor, Origin, Revision

Format = Literal["text", "markdown", "html", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "json")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_SUFFIXES: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
# C0 controls other than tab and newline, and DEL: they carry no meaning in a briefing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Parsed:
    revision: Revision
    origin: Origin
    extractor: Extractor  # what derived the claims and figures: chronicle's, or the JSON's


def parse_file(path: Path, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed:
    """Read and parse one briefing file; '-' reads standard input."""
    name = str(path)
    data = _read_limited(path, max_bytes)
    return parse_bytes(data, name, fmt or format_for(path, data))


def parse_bytes(data: bytes, name: str, fmt: Format, charset: str | None = None) -> Parsed:
    """Parse bytes read from ``name``; a web page is decoded by its charset (``charset``:
    what the server declared), every other format must be UTF-8."""
    text = decode_page(data, name, charset) if fmt == "html" else decode(data, name)
    revision = parse_text(text, name, fmt)
    origin = Origin(
        name=None if name == "-" else name,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    return Parsed(revision, origin, extractor_for(fmt))


def extractor_for(fmt: Format) -> Extractor:
    """What derives the claims and figures of input in ``fmt``: the JSON itself, or chronicle."""
    from ..extract import CURRENT_EXTRACTOR
    from ..upcast import JSON_EXTRACTOR

    return Extractor(**JSON_EXTRACTOR) if fmt == "json" else CURRENT_EXTRACTOR


def parse_text(text: str, source: str, fmt: Format) -> Revision:
    from ..extract import build_revision

    if fmt == "json":
        from ..upcast import upcast_revision
        from .jsonfile import read_json_revision

        return Revision.model_validate(upcast_revision(read_json_revision(text, source)))
    if fmt == "html":
        from .html import read_html

        return build_revision(read_html(text, source))
    if fmt == "markdown":
        from .markdown import read_markdown

        return build_revision(read_markdown(text))
    from .text import read_text

    return build_revision(read_text(text))


def format_for(path: Path, data: bytes) -> Format:
    """The format by file suffix, else by a look at the first bytes."""
    by_suffix = _SUFFIXES.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    head = data.lstrip()[:200].lower()
    if head.startswith(b"{"):
        return "json"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article")):
        return "html"
    if head.startswith(b"# ") or b"\n## " in data[:4000]:
        return "markdown"
    return "text"


def decode(data: bytes, source: str) -> str:
    """UTF-8 text with newlines normalised and control characters removed, or InputError."""
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (contains NUL bytes), not a text briefing")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            source,
            f"not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start})",
        ) from None
    return _normalised(text, source)


def _normalised(text: str, source: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InputError(source, "empty file: nothing to read")
    return text


def decode_page(data: bytes, source: str, declared: str | None = None) -> str:
    """A web page as text, whatever its charset; never refused for it.

    The charset is, in order: a byte-order mark; ``declared`` (the HTTP Content-Type);
    the page's own <meta charset> or http-equiv declaration; UTF-8 if the bytes are
    valid UTF-8; else the one charset-normalizer detects. A declared charset the bytes
    do not fit (a page saved as windows-1252 that says UTF-8) gives way to detection,
    and bytes that fit no charset become U+FFFD rather than refusing the page.
    """
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "binary file (contains NUL bytes), not a web page")
    for encoding in (_bom(data), _known(declared), _known(meta_charset(data))):
        if encoding is None:
            continue
        try:
            return _normalised(data.decode(encoding), source)
        except UnicodeDecodeError:
            break  # declared but wrong: detect instead
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 2000):  # UTF-8 with a few stray bytes
        return _normalised(text, source)
    return _normalised(data.decode(_detected(data), errors="replace"), source)


_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KiB (<meta charset> or http-equiv)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _known(name: str | None) -> str | None:
    """The Python codec for a charset name, or None if unknown; ISO-8859-1 is read as
    windows-1252, as browsers do (WHATWG Encoding)."""
    import codecs

    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def _bom(data: bytes) -> str | None:
    for mark, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                        (b"\xfe\xff", "utf-16")):
        if data.startswith(mark):
            return codec
    return None


def _detected(data: bytes) -> str:
    """The charset charset-normalizer finds most likely (windows-1252 if it finds none)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else "cp1252"


def _read_limited(path: Path, max_bytes: int) -> bytes:
    import sys

    reading_stdin = str(path) == "-"
    data = sys.stdin.buffer.read(max_bytes + 1) if reading_stdin else _read_file(path, max_bytes)
    if len(data) > max_bytes:
        raise InputError(
            path, f"larger than the {max_bytes:,}-byte limit (raise it with --max-bytes)"
        )
    return data


def _read_file(path: Path, max_bytes: int) -> bytes:
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from None
