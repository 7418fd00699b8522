"""Text keys the aligner compares by: what a reader sees as the same words."""

from __future__ import annotations

import re
from functools import lru_cache

_STOP_TEXT = (
    "a an the and or but nor of to in on at by for with from as into onto over under about "
    "than then that this these those there here it its it's is are was were be been being am "
    "has have had do does did will would shall should can could may might must not no so such "
    "which who whom whose what when where why how all any each both either neither some more "
    "most other another own same very also just only even still yet we you he she they them "
    "their our your his her him us i me my mine ours theirs if while because although though "
    "since until unless after before during per via upon out up down off again further once"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                         "–": "-", "—": "-", "―": "-", "\u00a0": " "})
# Invisible and control characters count as wording: an inserted right-to-left override
# changes what a reader is shown (chronicle.safe_text makes it visible in the diff).
_INVISIBLE = "\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_IDENTITY = re.compile(rf"[^\W_]+|[{_INVISIBLE}]")
_WORDING = re.compile(rf"[^\W_]+|#|[{_INVISIBLE}]")


# The keys are cached: a fold aligns each revision twice (with the one before and the one
# after), and most of a revision's sentences are those of the one before.
_CACHED = 1 << 16


@lru_cache(maxsize=_CACHED)
def words(text: str) -> tuple[str, ...]:
    """The words (letters and digits) of a text, in case-folded form."""
    return tuple(_WORD.findall(text.casefold()))


@lru_cache(maxsize=_CACHED)
def normal_text(text: str) -> str:
    """Case, quote marks, dashes and spacing set aside: what a reader compares."""
    return " ".join(text.translate(_QUOTES).casefold().split())


_LIST_NUMBER = re.compile(r"\A\s*[0-9]{1,3}[.)]\s+(?=\S)")


def without_list_number(text: str) -> str:
    """The text without the number an ordered list gives it: "2. Care workers ..." moved
    down to "3. Care workers ..." says the same."""
    return _LIST_NUMBER.sub("", text, count=1)


@lru_cache(maxsize=_CACHED)
def identity_key(text: str) -> str:
    """Letters, digits and invisible characters: texts equal under this key differ at most
    in punctuation, case and spacing."""
    return "".join(_IDENTITY.findall(text.casefold()))


@lru_cache(maxsize=_CACHED)
def wording(masked: str) -> str:
    """The letters and digits of a masked text and where its figures stand: a figure added
    is wording, punctuation ('9,400' -> '9400') is not."""
    return "".join(_WORDING.findall(masked))
