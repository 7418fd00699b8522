"""The on-disk layout of an archive, in one place: paths, archive files, canonical JSON,
hashes, timestamps and the briefing-id rule. docs/archive-format.md describes the same.

    chronicle.json                                   marks the folder as an archive
    README.md, .gitignore                            written once by `chronicle init`
    briefings/<aa>/<briefing>/<000001>.json          one event per file; <aa> (the first
                                                     two hex digits of sha256(briefing))
                                                     spreads briefings over 256 folders

Everything here is a pure function of its arguments: the store, the history checks,
review, replay and export import it, so the layout is spelled out nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from .errors import BadBriefingId

# The version of the event and revision documents this release writes. Every published
# version stays in schema/ (<name>.v<N>.schema.json); upcast.py reads the older ones.
SCHEMA_VERSION: Final = 2

MARKER = "chronicle.json"
ROOT = "briefings"
BRANCH = "refs/heads/main"
MARKER_DOCUMENT = {"format": "chronicle-archive", "layout": 1}
GITIGNORE = "# derived data, rebuilt by chronicle\n/.chronicle/\n"
ARCHIVE_README = """# chronicle archive

Every revision of every briefing is one immutable JSON event under `briefings/`,
added by one commit. Do not edit these files: `chronicle verify` reports any change.
"""
ARCHIVE_FILES = (MARKER, ".gitignore", "README.md")

# An event is a revision of at most --max-bytes of text (10 MiB by default) as JSON: well
# under this. A bigger blob is refused unread (a hostile archive's could hold gigabytes).
MAX_EVENT_BYTES = 64 * 1024 * 1024
MAX_INPUT_BYTES = 10 * 1024 * 1024  # the largest input a reader takes (--max-bytes)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"
MAX_ID_LENGTH = 64
_SLUG = re.compile(SLUG_PATTERN)
_EVENT_NAME = re.compile(r"(\d{6,})\.json")


# Names Windows reserves for devices: a folder so named cannot be checked out there.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
     *(f"lpt{n}" for n in range(10))]
)


# ----- briefing ids and paths ----------------------------------------------------------
def is_briefing_id(text: str) -> bool:
    return (len(text) <= MAX_ID_LENGTH and _SLUG.match(text) is not None
            and text not in WINDOWS_RESERVED)


def check_briefing_id(briefing: str) -> str:
    """Return ``briefing`` if it is a safe slug (no paths, spaces, uppercase, ref syntax,
    no name Windows reserves for a device)."""
    if briefing in WINDOWS_RESERVED:
        raise BadBriefingId(briefing, "it is a device name on Windows (con, aux, nul, "
                            "lpt1 ...), so such an archive could not be checked out there")
    if not is_briefing_id(briefing):
        raise BadBriefingId(briefing)
    return briefing


def shard(briefing: str) -> str:
    return hashlib.sha256(briefing.encode()).hexdigest()[:2]


def briefing_folder(briefing: str) -> str:
    return f"{ROOT}/{shard(briefing)}/{briefing}"


def event_path(briefing: str, sequence: int) -> str:
    return f"{briefing_folder(briefing)}/{sequence:06d}.json"


def parse_event_path(path: str) -> tuple[str | None, int | None]:
    """(briefing, sequence) of a path under briefings/; (None, None) for any other path,
    (briefing, None) for a file in a briefing's folder whose name is not an event's."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != ROOT:
        return None, None
    match = _EVENT_NAME.fullmatch(parts[3])
    return parts[2], int(match.group(1)) if match else None


def is_event_path(path: str) -> bool:
    """A well-formed event path: briefings/<its shard>/<valid id>/<NNNNNN>.json."""
    briefing, sequence = parse_event_path(path)
    return (briefing is not None and sequence is not None and is_briefing_id(briefing)
            and path == event_path(briefing, sequence))


# ----- JSON bytes and hashes -----------------------------------------------------------
class NotCanonical(ValueError):
    """A value the canonical form cannot hold (NaN, infinities, -0.0, huge integers)."""


def canonical_bytes(document: Any, tame: bool = False) -> bytes:
    """The canonical form that content hashes are computed over (schema 2 onwards).

    Exactly what ``jq -S -c .`` (jq 1.6) prints for the same JSON: keys sorted by code
    point, no white space, UTF-8, control characters and DEL escaped as ``\\u00XX``
    (``\\b \\t \\n \\f \\r`` in short form), every number read as a double and printed
    in its shortest round-trip form (``56200000000``, ``0.25``, ``1e-05``, ``1e+17``), and
    one final newline. docs/archive-format.md states the rule; tests check it against jq.

    ``tame``: the caller knows every number in ``document`` is_tame (an appender that
    checked its revision's figures); then orjson's bytes are the canonical ones as they are.
    """
    if tame:
        return _orjson(document, indent=False).replace(b"\x7f", b"\\u007f") + b"\n"
    try:  # Python's C encoder (no indent): exact unless a number might be printed otherwise
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        return python_canonical_bytes(document)  # raises NotCanonical, names the value
    data = _utf8(text)
    if _UNSURE_NUMBER.search(data):
        return python_canonical_bytes(document)
    return data.replace(b"\x7f", b"\\u007f") + b"\n"


def python_canonical_bytes(document: Any) -> bytes:
    """canonical_bytes by Python's own encoder, for any document (the reference)."""
    text = json.dumps(_numbers(document, _jq_number), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)
    return _utf8(text.replace("\x7f", "\\u007f") + "\n")


# A number a fast encoder may print otherwise than the reference: an integral float ("3.0",
# jq prints "3"), one in exponent form (orjson "1e-7", jq "1e-07"), or one of 16 digits or
# more (an integer jq reads as another double). Strings can match too; that only costs the
# slow path.
_UNSURE_NUMBER = re.compile(
    rb"(?:^|[:,\[])\s*-?(?:[0-9]+\.0(?![0-9])|[0-9.]+[eE]|[0-9]{16})")  # where JSON puts numbers


def is_tame(number: float) -> bool:
    """A number every encoder here prints alike, as jq does: an integer below 2**53, or a
    non-integral double between 1e-4 and 1e16 in size (no exponent form)."""
    if isinstance(number, int):
        return abs(number) < 2**53
    return math.isfinite(number) and not number.is_integer() and 1e-4 <= abs(number) < 1e16


def load_json(raw: bytes | str) -> tuple[Any, bool]:
    """The JSON value of ``raw``, and whether every number in it is_tame (noted while parsing,
    from the number literals themselves). ValueError and RecursionError as json.loads.

    orjson reads it first; what orjson refuses (lone surrogates, NaN, deep nesting, not
    UTF-8) and any document with a wild number (where orjson may read a huge integer as a
    double) is read again by json, for json's verdict and value."""
    import orjson

    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _python_load_json(raw)
    if _all_tame(document):
        return document, True
    return _python_load_json(raw)


def _all_tame(document: Any) -> bool:
    """Whether every number in a parsed document is_tame (as parsed: a double is a double)."""
    stack = [document]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif (kind is float or kind is int) and not is_tame(item):
            return False
    return True


def _python_load_json(raw: bytes | str) -> tuple[Any, bool]:
    """load_json by Python's json, noting wild numbers from their literals."""
    wild = False

    def double(text: str) -> float:
        nonlocal wild
        number = float(text)
        wild = wild or not is_tame(number)
        return number

    def integer(text: str) -> int:
        nonlocal wild
        number = int(text)
        wild = wild or abs(number) >= 2**53
        return number

    def constant(text: str) -> float:  # NaN, Infinity: not JSON, never canonical
        nonlocal wild
        wild = True
        return float(text)

    document = json.loads(raw, parse_float=double, parse_int=integer, parse_constant=constant)
    return document, not wild


def _orjson(document: Any, indent: bool) -> bytes:
    """orjson's bytes (C, sorted keys): Python's for a document whose numbers are tame."""
    import orjson

    option = orjson.OPT_SORT_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(document, option=option)


def _numbers(value: Any, convert: Callable[[float], int | float]) -> Any:
    """``value`` with every number replaced by ``convert(number)``."""
    if isinstance(value, dict):
        return {key: _numbers(item, convert) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_numbers(item, convert) for item in value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return convert(value)


def _double(number: float) -> float:
    """``number`` as the double jq reads it; NotCanonical if it has no JSON form."""
    try:
        double = float(number)
    except OverflowError:
        raise NotCanonical(f"{number} is too large for a double") from None
    if not math.isfinite(double):
        raise NotCanonical(f"{number} is not a JSON number")
    if double == 0 and math.copysign(1.0, double) < 0:
        raise NotCanonical("-0.0 has no canonical form")
    return double


def _jq_number(number: float) -> int | float:
    """A Python number that json.dumps prints as jq prints ``number``."""
    double = _double(number)
    if not double.is_integer():
        return double  # then |x| < 2**53: Python's repr and jq agree (docs/archive-format.md)
    digits = repr(abs(double)).split("e")[0].replace(".", "").rstrip("0") or "0"
    places = len(f"{abs(double):.0f}")  # digits before the decimal point
    if places > len(digits) + 15:  # jq writes an exponent, as Python's repr does then
        return double
    padded = int(digits) * 10 ** (places - len(digits)) if digits != "0" else 0
    return -padded if double < 0 else padded  # the shortest digits, padded with zeros


def _file_number(number: float) -> int | float:
    """Integral doubles that are exact integers are written as integers (56200000000)."""
    double = _double(number)
    if isinstance(number, int) and double != number:  # jq would read another number
        raise NotCanonical(f"integer {number} is not exactly a double")
    return int(double) if double.is_integer() and abs(double) < 2**53 else double


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate ("\\ud800" in the JSON)
        raise NotCanonical(f"not valid Unicode text ({error.reason})") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def python_compact_bytes(document: Any) -> bytes:
    """Schema 1's hash form: Python's compact ``json.dumps`` with sorted keys, no newline."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def content_sha256(revision: Any, schema_version: int, tame: bool = False) -> str:
    """sha256 of a stored revision document, by the rule of the schema it was written in."""
    if schema_version == 1:
        return sha256_hex(python_compact_bytes(revision))
    return sha256_hex(canonical_bytes(revision, tame))


def event_file_bytes(document: Any, tame: bool = False) -> bytes:
    """The bytes of an event file: sorted keys, two-space indent, one field per line.

    Integral numbers are written as integers (``56200000000``, not ``56200000000.0``).
    ``tame``: every number in ``document`` is_tame (then orjson writes it, ~30x faster).
    """
    if tame:
        return _orjson(document, indent=True) + b"\n"
    return python_event_file_bytes(document)


def python_event_file_bytes(document: Any) -> bytes:
    """event_file_bytes by Python's own encoder, for any document (the reference)."""
    text = json.dumps(_numbers(document, _file_number), sort_keys=True, indent=2,
                      ensure_ascii=False, allow_nan=False)
    return _utf8(text + "\n")


_SEQUENCE = re.compile(rb'\n  "sequence": ([1-9][0-9]*),?(?=\n)')
_PREVIOUS = re.compile(rb'\n  "previous_sha256": (?:null|"([0-9a-f]{64})"),?(?=\n)')


def chain_header(raw: bytes) -> tuple[int, str | None] | None:
    """(sequence, previous_sha256) read off a canonical event file; None if not canonical."""
    sequences, previous = _SEQUENCE.findall(raw), _PREVIOUS.findall(raw)
    if len(sequences) != 1 or len(previous) != 1 or not raw.startswith(b"{\n"):
        return None
    return int(sequences[0]), previous[0].decode() or None


def archive_marker_bytes() -> bytes:
    return event_file_bytes(MARKER_DOCUMENT)


# ----- time --------------------------------------------------------------------------
def utc_now() -> str:
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """A time as stored in events: UTC, 'YYYY-MM-DDTHH:MM:SS.ffffffZ'. OverflowError if it
    falls outside years 1-9999 in UTC."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    # isoformat, not strftime: '%Y' gives '999' for the year 999 (not four digits)
    return utc.isoformat(timespec="microseconds") + "Z"
