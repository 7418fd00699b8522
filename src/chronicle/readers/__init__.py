"""Readers turn input bytes (text, Markdown, HTML, JSON) into a Revision."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..layout import MAX_INPUT_BYTES
from ..model import Extractor, Origin, Revision

Format = Literal["text", "markdown", "html", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "json")
DEFAULT_MAX_BYTES = MAX_INPUT_BYTES
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
        name=None if name == "-" else storable_name(name),
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


def storable_name(name: str) -> str:
    """A file name as UTF-8 can store it: bytes that were not UTF-8 in the name (kept by
    Python as lone surrogates) become U+FFFD."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system gave: one U+FFFD per byte
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def parse_text(text: str, source: str, fmt: Format) -> Revision:
    """The revision in ``text``; InputError if it is not one every command can use."""
    from ..invariants import checked

    return checked(_parse_text(text, source, fmt), source)


def _parse_text(text: str, source: str, fmt: Format) -> Revision:
    from ..extract import build_revision

    if fmt == "json":
        from ..upcast import upcast_revision
        from .jsonfile import read_json_revision, revision_model

        return revision_model(upcast_revision(read_json_revision(text, source)), source)
    if fmt == "html":
        from .html import read_html

        return build_revision(read_html(text, source))
    if fmt == "markdown":
        from .markdown import read_markdown

        return build_revision(read_markdown(text))
    from .text import read_text

    return build_revision(read_text(text))


def is_url(text: str) -> bool:
    """An http(s) URL rather than a file name (read here, so that `parse FILE` does not
    load chronicle.fetch)."""
    return text[:8].lower().startswith(("http://", "https://"))


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
    """UTF-8 (or UTF-16/32 with a byte-order mark, or plain UTF-16) text with newlines
    normalised and control characters removed, or InputError."""
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as error:
            raise InputError(source, f"not {wide.upper()} text (invalid data at offset "
                             f"{error.start})") from None
        return _normalised(text, source)
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


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _wide_encoding(data: bytes) -> str | None:
    """'utf-16' or 'utf-32' for text that starts with their byte-order mark, 'utf-16-le' or
    'utf-16-be' for BOM-less text whose every other byte is NUL (as UTF-16 ASCII is)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:8192]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and not even.count(0):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and not odd.count(0):
        return "utf-16-be"
    return None


def _normalised(text: str, source: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.removeprefix("\ufeff")
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
        except (UnicodeError, ValueError):
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
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except LookupError:
        return None
    if not is_charset(info):
        return None
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


# Codecs Python knows that turn bytes into text but are no page's character set.
NOT_CHARSETS = {"idna", "punycode", "raw_unicode_escape", "unicode_escape", "undefined",
                "mbcs", "oem"}


def is_charset(info: codecs.CodecInfo) -> bool:
    """Is this codec a character set (not base64, hex, rot13, zlib, idna, punycode ...)?"""
    return bool(getattr(info, "_is_text_encoding", True)) and \
        info.name.replace("-", "_") not in NOT_CHARSETS


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
        raise InputError(path, f"larger than the {max_bytes:,}-byte limit").hinted("max_bytes")
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
