"""Word-level differences between two versions of a sentence (difflib, stdlib)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["same", "removed", "added"]
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[Op, str]]:
    """Runs of ('same' | 'removed' | 'added', text) that turn ``before`` into ``after``."""
    old = _TOKENS.findall(before)
    new = _TOKENS.findall(after)
    out: list[tuple[Op, str]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(out, "same", "".join(old[i1:i2]))
            continue
        if tag in ("replace", "delete"):
            _push(out, "removed", "".join(old[i1:i2]))
        if tag in ("replace", "insert"):
            _push(out, "added", "".join(new[j1:j2]))
    return out


def _push(out: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def mostly_same(before: str, after: str, threshold: float = 0.5) -> bool:
    """True when at least ``threshold`` of the words stay: a word diff is then readable."""
    old, new = before.split(), after.split()
    if not old or not new:
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= threshold
