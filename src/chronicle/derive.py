"""Derived data compared like with like: revisions extracted by different extractors are
read again from their stored text by today's extractor before they are compared.

The claims, quotes and figures stored in an event are what the extractor of that release
saw; the extractor keeps improving. Comparing a revision extracted by an old release with
one extracted by today's would report the improvement as changes that never happened, so
when the revisions being compared name different extractors, each one not extracted by
today's is re-derived from its text (extract.document_of -> extract.build_revision). The
stored derivation is never rewritten: it stays the record of what was seen at the time.
"""

from __future__ import annotations

from dataclasses import replace

from .extract import CURRENT_EXTRACTOR, build_revision, document_of
from .model import Extractor, Revision
from .replay import RevisionState


def rederive(revision: Revision) -> Revision:
    """``revision``'s text read again by today's extractor."""
    return build_revision(document_of(revision))


def is_current(extractor: Extractor | None) -> bool:
    return extractor is None or extractor == CURRENT_EXTRACTOR


def is_older_chronicle(extractor: Extractor | None) -> bool:
    """Extracted by another version of chronicle's own extractor (not given as JSON)."""
    return extractor is not None and extractor.name == CURRENT_EXTRACTOR.name and \
        not is_current(extractor)


def comparable(states: list[RevisionState]) -> list[RevisionState]:
    """``states`` as they were extracted, if one extractor did all of them; else each one
    not extracted by today's extractor re-derived by it."""
    if len({state.extractor or CURRENT_EXTRACTOR for state in states}) <= 1:
        return states
    return [state if is_current(state.extractor) else current_reading(state)
            for state in states]


def current_reading(state: RevisionState) -> RevisionState:
    """One revision as today's extractor reads its stored text."""
    return replace(state, revision=rederive(state.revision), extractor=CURRENT_EXTRACTOR)


def comparable_pair(before: tuple[Revision, Extractor | None],
                    after: tuple[Revision, Extractor | None]) -> tuple[Revision, Revision]:
    """Two revisions with their extractors, as ``comparable`` would compare them."""
    (old, old_by), (new, new_by) = before, after
    if (old_by or CURRENT_EXTRACTOR) == (new_by or CURRENT_EXTRACTOR):
        return old, new
    return (old if is_current(old_by) else rederive(old),
            new if is_current(new_by) else rederive(new))
