"""What a revision must hold beyond its JSON Schema, so that every later command works.

The schema says what each field is; these invariants say how the fields fit together
(an index points into a list that has it, an id names one thing, an offset lies inside
its text). A schema-valid JSON revision (or a hand-made event in a cloned archive) can
break them; ``ingest`` refuses such a revision and ``verify``/``validate`` report it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import PydanticSerializationError

from .errors import InputError
from .model import Revision

MAX_OFFSET = 2**53  # the largest whole number every JSON reader and SQLite keep exactly
MAX_PROBLEMS = 20  # a hostile revision can break millions: naming the first ones is enough


def revision_problems(revision: Revision, encodable: bool = False) -> list[str]:
    """Every broken invariant of ``revision`` (at most MAX_PROBLEMS), one phrase each.
    ``encodable``: its text is known to hold no lone surrogate (read from strict UTF-8
    with no surrogate escapes), so that is not checked again."""
    problems: list[str] = []
    for problem in _problems(revision, encodable):
        problems.append(problem)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def document_problems(document: Any) -> list[str]:
    """The problems of a schema-valid revision document (for validate and verify): what
    the model refuses (NaN, Infinity), else the broken invariants."""
    from pydantic import ValidationError

    from .upcast import upcast_revision

    try:
        revision = Revision.model_validate(upcast_revision(document))
    except (ValidationError, ValueError, KeyError, TypeError) as error:
        return [f"not a valid revision: {model_problem(error)}"]
    return revision_problems(revision)


def model_problem(error: Exception) -> str:
    """A pydantic ValidationError as one phrase: 'figures.0.value: Input should be ...'."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return (str(error).splitlines() or [type(error).__name__])[0]
    first = errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""  # type: ignore[attr-defined]
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def checked(revision: Revision, source: str) -> Revision:
    """``revision`` itself, or InputError naming ``source`` and the first broken invariant."""
    problems = revision_problems(revision)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(source, f"not a usable revision: {problems[0]}{more}")
    return revision


def _problems(revision: Revision, encodable: bool) -> Iterator[str]:
    if not encodable:
        yield from _unencodable(revision)
    sections = len(revision.sections)
    texts: dict[str, str] = {}
    for kind, items in (("key point", revision.key_points), ("claim", revision.claims),
                        ("quote", revision.quotes)):
        for item in items:
            if item.id in texts:
                yield f"{kind} id {item.id!r} is used twice"
            texts[item.id] = item.text
            if item.section is not None and not 0 <= item.section < sections:
                yield (f"{kind} {item.id!r} names section {item.section}, but the revision "
                       f"has {_sections(sections)}")
    for quote in revision.quotes:
        if quote.claim is not None and quote.claim not in texts:
            yield f"quote {quote.id!r} sits in claim {quote.claim!r}, which does not exist"
    yield from _paragraph_problems(revision, texts)
    yield from _figure_problems(revision, texts)


def _paragraph_problems(revision: Revision, texts: dict[str, str]) -> Iterator[str]:
    for number, section in enumerate(revision.sections):
        for paragraph in section.paragraphs:
            for item in paragraph:
                if item not in texts:
                    yield f"section {number} lists {item!r}, which is no claim or quote"


def _figure_problems(revision: Revision, texts: dict[str, str]) -> Iterator[str]:
    seen: set[str] = set()
    for figure in revision.figures:
        if figure.id in seen:
            yield f"figure id {figure.id!r} is used twice"
        seen.add(figure.id)
        text = texts.get(figure.claim)
        if text is None:
            yield f"figure {figure.id!r} sits in {figure.claim!r}, which does not exist"
        elif not figure.start <= min(figure.end, len(text)) or figure.end > MAX_OFFSET:
            # The end is not held to the text's length yet: figures.find_figures still gives
            # some ends past it ('total population: 74.1%' -> 18..32), a bug of its own.
            yield (f"figure {figure.id!r} spans characters {figure.start}..{figure.end}, "
                   f"outside its {len(text)}-character text")
        if figure.value_max is not None and figure.value_max < figure.value:
            yield f"figure {figure.id!r} has value_max below its value"


def _sections(count: int) -> str:
    return "no sections" if count == 0 else f"sections 0..{count - 1}"


def _unencodable(revision: Revision) -> Iterator[str]:
    """Lone surrogates (possible in JSON as "\\ud800") cannot be stored as UTF-8."""
    try:  # pydantic's JSON encoder (Rust) refuses them: only then look for which one
        revision.model_dump_json()
        return
    except PydanticSerializationError:
        pass
    for text in _strings(revision.model_dump()):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            yield f"text holds a lone surrogate U+{ord(text[error.start]):04X}"
            return


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:  # a loop, not recursion: the depth of hostile input is not ours to choose
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
