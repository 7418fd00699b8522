"""Text from briefings, archives, feeds and file names, made safe to print on a terminal.

Every field chronicle prints goes through :func:`visible` (plain output) or
:func:`markup` (rich output). They show, rather than pass on:

- control characters (C0, DEL, C1: ESC, BEL, CSI ...), which could clear the screen, set
  colours, or open an OSC 8 hyperlink;
- format characters (bidi overrides and isolates, zero-width spaces and joiners, the
  BOM, soft hyphens, tag characters), which reorder or hide text;
- line and paragraph separators and lone surrogates;

each as ``⟨U+XXXX⟩``, so that two texts that differ always print differently. Inside the
changed part of an edit, :func:`reveal_edit` also shows blank-looking characters (no-break
and other Unicode spaces, Hangul fillers, the Braille blank). Look-alike letters from
other scripts (Cyrillic 'а' for Latin 'a') are printed as they are.
"""

from __future__ import annotations

import re
from functools import cache

# Unicode categories Cc, Cf, Zl, Zp and Cs (tests/test_safe_text.py checks this class
# against unicodedata, so a new Unicode version cannot slip by unnoticed).
_NOT_C0 = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_HIDDEN = "\x00-\x1f" + _NOT_C0
# Characters that print as blank space (or nothing) though they are not U+0020.
_BLANK = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0\u2800\u034f"
_HIDDEN_RE = re.compile(f"[{_HIDDEN}]")
_HIDDEN_OR_BLANK_RE = re.compile(f"[{_HIDDEN}{_BLANK}]")
_JSON_RAW_HIDDEN_RE = re.compile(f"[{_NOT_C0}]")  # json.dumps escapes C0 itself


def _code(match: re.Match[str]) -> str:
    return f"⟨U+{ord(match.group()):04X}⟩"


def visible(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every hidden or controlling character shown as ``⟨U+XXXX⟩``."""
    if keep_newlines:
        return "\n".join(_HIDDEN_RE.sub(_code, line) for line in text.split("\n"))
    return _HIDDEN_RE.sub(_code, text)


def json_visible(document: str) -> str:
    """A JSON document with every hidden character inside its strings written as a
    ``\\uXXXX`` escape: the same JSON value, but nothing in it acts on a terminal, and lone
    surrogates no longer fail to encode (json.dumps writes them raw)."""
    # In pieces: a plain-ASCII piece is passed over at C speed, and only the others are
    # searched for the character class (3 MB of timeline --json: 61 -> 20 ms).
    step = 4096
    parts = []
    for start in range(0, len(document), step):
        piece = document[start:start + step]
        if piece.isascii() and "\x7f" not in piece:
            parts.append(piece)
        else:
            parts.append(_JSON_RAW_HIDDEN_RE.sub(_json_escape, piece))
    return "".join(parts)


def json_visible_bytes(document: bytes) -> bytes:
    """json_visible for a UTF-8 JSON document (as orjson writes it, so no lone surrogate):
    the same bytes as ``json_visible(document.decode()).encode()``, found at C speed."""
    hidden = _hidden_utf8()

    def escaped(match: re.Match[bytes]) -> bytes:
        return _json_escape_code(ord(match.group().decode())).encode()

    # In pieces that end at a newline (never inside a character): a plain-ASCII piece is
    # passed over at C speed, as in json_visible
    parts, start = [], 0
    while start < len(document):
        end = document.find(b"\n", start + 4096)
        end = len(document) if end < 0 else end + 1
        piece = document[start:end]
        parts.append(piece if piece.isascii() and b"\x7f" not in piece
                     else hidden.sub(escaped, piece))
        start = end
    return b"".join(parts)


@cache
def _hidden_utf8() -> re.Pattern[bytes]:
    """The UTF-8 forms of the characters of _JSON_RAW_HIDDEN_RE as one bytes pattern
    (surrogates aside: UTF-8 cannot hold them)."""
    codes: list[int] = []
    i = 0
    while i < len(_NOT_C0):  # the class: single characters and "a-b" ranges
        low = high = ord(_NOT_C0[i])
        if i + 2 < len(_NOT_C0) and _NOT_C0[i + 1] == "-":
            high = ord(_NOT_C0[i + 2])
            i += 2
        codes += [c for c in range(low, high + 1) if not 0xD800 <= c <= 0xDFFF]
        i += 1
    # one alternative per lead: the bytes before the last, then a class of last bytes
    last_bytes: dict[bytes, list[int]] = {}
    for code in codes:
        form = chr(code).encode()
        last_bytes.setdefault(form[:-1], []).append(form[-1])
    alternatives = [re.escape(lead) + b"[" + b"".join(re.escape(bytes([b])) for b in ends)
                    + b"]" for lead, ends in sorted(last_bytes.items())]
    return re.compile(b"|".join(alternatives))


def _json_escape(match: re.Match[str]) -> str:
    """``\\uXXXX``; beyond U+FFFF the UTF-16 surrogate pair, as JSON spells it."""
    return _json_escape_code(ord(match.group()))


def _json_escape_code(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def markup(text: str) -> str:
    """``text`` as a literal inside rich markup: hidden characters shown, tags escaped.

    Not rich.markup.escape, which is no inverse of rich's reading: rich turns any "\\[" in
    plain text into "[" (so "\\[" printed as "["), and the backslash it adds to a
    trailing one stays in the output ("a\\" printed "a\\\\")."""
    shown = visible(text)

    def bracket(match: re.Match[str]) -> str:
        backslashes = len(match.group(1))
        if _TAG_LIKE.match(shown, match.end() - 1):  # rich halves backslashes before a tag
            return "\\" * (2 * backslashes) + "\\["
        return "\\" * backslashes + "\\["  # in plain text rich reads "\\[" as "[" only

    out = _BRACKET.sub(bracket, shown)
    trailing = len(out) - len(out.rstrip("\\"))
    if trailing:  # doubled, then an empty span: a tag after them is still a tag
        out = out[:len(out) - trailing] + "\\" * (2 * trailing) + "[dim][/dim]"
    return out


_BRACKET = re.compile(r"(\\*)\[")
_TAG_LIKE = re.compile(r"\[[a-z#/@][^[]*?]")  # what rich.markup reads as a tag
_RICH_TAG = re.compile(rf"((\\*){_TAG_LIKE.pattern})")  # rich.markup.RE_TAGS, as groups
# the control codes rich's console strips (rich.control.strip_control_codes)
_CONTROLS = re.compile("[\x07\x08\x0b\x0c\r]")


def unmarkup(marked: str) -> str:
    """What rich prints for ``marked`` with no styles (piped, NO_COLOR): its plain text,
    read as rich.markup reads it (tags dropped, "\\[" escapes undone), without rich's
    per-span rendering, which costs seconds on a list of 100,000 lines."""
    if "\\" not in marked:  # no escapes: every tag goes (the common case, at C speed)
        return _without_controls(_TAG_LIKE.sub("", marked))
    out: list[str] = []
    position = 0
    for match in _RICH_TAG.finditer(marked):
        start, end = match.span()
        if start > position:
            out.append(marked[position:start].replace("\\[", "["))
        escapes = match.group(2)
        backslashes, escaped = divmod(len(escapes), 2)
        out.append("\\" * backslashes)
        if escaped:
            out.append(match.group(1)[len(escapes):].replace("\\[", "["))
        position = end
    if position < len(marked):
        out.append(marked[position:].replace("\\[", "["))
    return _without_controls("".join(out))


def _without_controls(text: str) -> str:
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def reveal_edit(before: str, after: str) -> tuple[str, str]:
    """Both sides of an edit for printing: blank look-alikes in the changed part shown too,
    so an edit is never invisible."""
    prefix = _common_prefix(before, after)
    suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])

    def shown(text: str) -> str:
        end = len(text) - suffix
        middle = _HIDDEN_OR_BLANK_RE.sub(_code, text[prefix:end])
        return visible(text[:prefix]) + middle + visible(text[end:])

    return shown(before), shown(after)


def _common_prefix(first: str, second: str) -> int:
    limit = min(len(first), len(second))
    low, high = 0, limit  # binary search on slices: linear work, no per-character loop
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low
