"""The projection's rows of a briefing, revision by revision, as the commands would show them.

Revisions are walked with ``chronicle.lineage.walk`` (consecutive revisions aligned, lineage
ids) in chunks: each chunk starts from the last revision of the one before (a ``Carry``),
whose lineage ids the new revisions continue. The same carry, read back from the stored
rows, lets a briefing's new events be added without walking its old ones again. This rests
on lineage being a property of consecutive revisions (a revision's lineage ids follow from
the one before), which is how ``walk`` defines it; the property test of the projection
(tests/test_projection.py) compares every answer with a full replay and would catch a
lineage that starts to reach further back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..derive import current_reading, is_current
from ..entries import run_key
from ..lineage import Step, walk
from ..model import Extractor, Revision
from ..replay import RevisionState
from ..views import change_counts, diff_from_alignment, figure_context, first_summary, summary_line

Row = tuple[Any, ...]


def extractor_key(extractor: Extractor | None) -> str:
    """'chronicle/4': how the projection names an extractor."""
    from ..extract import CURRENT_EXTRACTOR

    chosen = extractor or CURRENT_EXTRACTOR
    return f"{chosen.name}/{chosen.version}"


@dataclass(frozen=True)
class Dates:
    """When a claim or quote (one lineage) came, when it last changed, and what it was."""

    introduced: int
    changed: int
    content: tuple[str, str | None]

    def then(self, content: tuple[str, str | None], at: int) -> Dates:
        return Dates(self.introduced, self.changed if content == self.content else at, content)


@dataclass(frozen=True)
class Run:
    """A figure's run of revisions unchanged: from ``start`` to ``until``, showing ``key``
    (entries.run_key)."""

    start: int
    until: int
    key: tuple[Any, ...]


@dataclass
class Carry:
    """The last revision walked (as compared) and the lineage of its parts: where the next
    revisions of the briefing continue from."""

    state: RevisionState
    claims: dict[str, str]  # item id -> lineage
    quotes: dict[str, str]
    figures: dict[str, str]
    claim_dates: dict[str, Dates]  # claim id -> blame dates, for the claims of ``state``
    quote_dates: dict[str, Dates]  # lineage -> blame dates, for the quotes of ``state``
    runs: dict[str, Run]  # figure lineage -> its run, for the figures of ``state``


@dataclass(frozen=True)
class Facts:
    """What a revision's row needs beyond its replayed state."""

    content_sha256: str
    event_sha256: str
    event_blob: str
    extractor: str  # as recorded
    reread: bool


@dataclass
class Rows:
    """Rows for the tables, in column order (schema.TABLES), ready for executemany."""

    revisions: list[Row] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)
    figure_lineages: list[Row] = field(default_factory=list)
    figure_runs: dict[tuple[str, int], Row] = field(default_factory=dict)  # latest per run
    quotes: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)

    def tables(self) -> dict[str, list[Row]]:
        return {"revisions": self.revisions, "claims": self.claims, "figures": self.figures,
                "figure_lineages": self.figure_lineages,
                "figure_runs": list(self.figure_runs.values()), "quotes": self.quotes,
                "sources": self.sources}

    def __len__(self) -> int:
        return len(self.revisions)


def comparable_state(state: RevisionState, reread: bool) -> RevisionState:
    """``state`` as the briefing's revisions are compared: today's reading when ``reread``."""
    return current_reading(state) if reread and not is_current(state.extractor) else state


def walk_on(carry: Carry | None, states: list[RevisionState]) -> Iterator[tuple[Step, Carry]]:
    """Each of ``states`` walked on from ``carry`` (None: the briefing's first revision),
    with the lineage ids of the briefing; every step's carry is where the next one goes on."""
    if carry is None:
        steps = walk(states)
        start: tuple[dict[str, str], dict[str, str], dict[str, str]] = ({}, {}, {})
    else:
        first, *steps = walk([carry.state, *states])
        start = (_translation(first.claims, carry.claims),
                 _translation(first.quotes, carry.quotes),
                 _translation(first.figures, carry.figures))
    claim_dates = carry.claim_dates if carry else {}
    quote_dates = carry.quote_dates if carry else {}
    runs = carry.runs if carry else {}
    for step in steps:
        claims = {i: start[0].get(line, line) for i, line in step.claims.items()}
        quotes = {i: start[1].get(line, line) for i, line in step.quotes.items()}
        figures = {i: start[2].get(line, line) for i, line in step.figures.items()}
        claim_dates = _claim_dates(step, claim_dates)
        quote_dates = _quote_dates(step, quotes, quote_dates)
        runs = _runs(step, figures, runs)
        yield step, Carry(step.state, claims, quotes, figures, claim_dates, quote_dates, runs)


def _runs(step: Step, figures: dict[str, str], before: dict[str, Run]) -> dict[str, Run]:
    """Each figure's run, as FigureThread.see makes them: a figure shown as in the revision
    before goes on with its run, any other starts one."""
    at = step.state.sequence
    now: dict[str, Run] = {}
    for figure in step.state.revision.figures:
        lineage, key = figures[figure.id], run_key(figure)
        last = before.get(lineage)
        goes_on = last is not None and last.until == at - 1 and last.key == key
        now[lineage] = Run(last.start if goes_on and last is not None else at, at, key)
    return now


def _translation(local: dict[str, str], stored: dict[str, str]) -> dict[str, str]:
    """The carried revision's lineage ids as walk names them afresh -> as stored."""
    return {line: stored[item] for item, line in local.items() if item in stored}


def _claim_dates(step: Step, before: dict[str, Dates]) -> dict[str, Dates]:
    """Blame dates of every claim of ``step``, as views.blame folds them: from the claims it
    continues (``Step.predecessors``: a split part inherits its whole's introduction, a
    merged claim the earliest of its parts'), changed where its text is not that of its
    one predecessor."""
    revision, at = step.state.revision, step.state.sequence
    now: dict[str, Dates] = {}
    for claim in (*revision.key_points, *revision.claims):
        content = (claim.text, None)
        origins = [c for c in step.predecessors.get(claim.id, ()) if c in before]
        if not origins:
            now[claim.id] = Dates(at, at, content)
            continue
        first = before[origins[0]]
        same = len(origins) == 1 and first.content[0] == claim.text
        now[claim.id] = Dates(min(before[c].introduced for c in origins),
                              first.changed if same else at, content)
    return now


def _quote_dates(step: Step, quotes: dict[str, str], before: dict[str, Dates]
                 ) -> dict[str, Dates]:
    """Blame dates of every quote of ``step`` by lineage, as views.blame folds them:
    introduced where the lineage starts, changed where its text or speaker differs."""
    at = step.state.sequence
    now: dict[str, Dates] = {}
    for quote in step.state.revision.quotes:
        lineage, content = quotes[quote.id], (quote.text, quote.speaker)
        known = now.get(lineage) or before.get(lineage)
        now[lineage] = known.then(content, at) if known else Dates(at, at, content)
    return now


def add_step(rows: Rows, step: Step, carry: Carry, previous: RevisionState | None,
             facts: Facts, known_figures: set[str]) -> None:
    """The rows of one walked revision."""
    state, revision = step.state, step.state.revision
    key = (state.briefing, state.sequence)
    if previous is None or step.alignment is None:
        summary, changes, diff = first_summary(revision), None, None
    else:
        found = diff_from_alignment(state.briefing, previous.revision, revision,
                                    (previous.sequence, state.sequence), step.alignment)
        summary = summary_line(found)
        changes = json.dumps(change_counts(found))
        diff = found.model_dump_json(by_alias=True)
    origin = state.origin
    rows.revisions.append((
        *key, state.event_id, state.recorded_at, state.observed_at, revision.headline,
        revision.published, revision.url, origin.name, origin.format, origin.sha256,
        origin.size, facts.content_sha256, len(revision.key_points) + len(revision.claims),
        len(revision.figures), len(revision.quotes), len(revision.sources), summary, changes,
        facts.extractor, int(facts.reread), facts.event_sha256, facts.event_blob, diff,
        json.dumps(layout(revision), ensure_ascii=False)))
    _part_rows(rows, key, revision, carry, known_figures)


def _part_rows(rows: Rows, key: tuple[str, int], revision: Revision, carry: Carry,
               known_figures: set[str]) -> None:
    headings = [s.heading for s in revision.sections]
    parts = [*(("key_point", c) for c in revision.key_points),
             *(("claim", c) for c in revision.claims)]
    for position, (kind, claim) in enumerate(parts):
        lineage = carry.claims[claim.id]
        section = claim.section
        heading = headings[section] if section is not None and section < len(headings) else None
        dates = carry.claim_dates[claim.id]
        people = json.dumps(list(claim.people), ensure_ascii=False) if claim.people else "[]"
        rows.claims.append((*key, claim.id, lineage, kind, position, section, heading,
                            claim.text, people, dates.introduced, dates.changed))
    texts = revision.text_by_id()
    for position, figure in enumerate(revision.figures):
        lineage = carry.figures[figure.id]
        rows.figures.append((
            *key, figure.id, lineage, position, figure.claim, figure.text, figure.value,
            figure.value_max, figure.unit, figure.kind, figure.qualifier, figure.noun,
            figure.date, figure.start, figure.end))
        run = carry.runs[lineage]
        rows.figure_runs[(lineage, run.start)] = (
            key[0], lineage, run.start, run.until, figure.text, figure.value, figure.value_max,
            figure.unit, figure.qualifier, figure.claim, texts.get(figure.claim, ""))
        if lineage not in known_figures:
            known_figures.add(lineage)
            label = figure_context(texts.get(figure.claim, ""), figure)
            rows.figure_lineages.append((key[0], lineage, label, figure.kind, figure.noun,
                                         key[1], position))
    for position, quote in enumerate(revision.quotes):
        lineage = carry.quotes[quote.id]
        dates = carry.quote_dates[lineage]
        rows.quotes.append((*key, quote.id, lineage, quote.text, quote.speaker, quote.claim,
                            quote.section, position, dates.introduced, dates.changed))
    for position, source in enumerate(revision.sources):
        rows.sources.append((*key, position, source.text, source.url))


LISTING_HEAD, LISTING_TAIL = b'{\n  "briefings": [\n', b"\n  ]\n}"


def listing_entry(briefing: str, revisions: int, last_recorded: str, last_observed: str,
                  headline: str | None) -> bytes | None:
    """A briefing's entry in `list --json`: the bytes render.to_json_bytes writes for it in
    a list (entries joined by ",\n" between LISTING_HEAD and LISTING_TAIL); None where
    orjson cannot write it (the command then writes the whole list as before)."""
    import orjson

    from ..safe_text import json_visible_bytes

    document = {"briefings": [{"id": briefing, "revisions": revisions,
                               "last_recorded": last_recorded, "last_observed": last_observed,
                               "headline": headline}]}
    try:
        whole = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError is one
        return None
    return json_visible_bytes(whole[len(LISTING_HEAD):-len(LISTING_TAIL)])


def layout(revision: Revision) -> list[tuple[str, str, str]]:
    """(id, where, kind) of the key points, then of every claim and block quote as the
    sections' paragraphs list them: the order chronicle blame shows them in."""
    found = [(k.id, "key point", "key point") for k in revision.key_points]
    claims = {c.id for c in revision.claims}
    quotes = {q.id for q in revision.quotes}
    for section in revision.sections:
        where = section.heading or "body"
        for item in (i for paragraph in section.paragraphs for i in paragraph):
            if item in claims:
                found.append((item, where, "claim"))
            elif item in quotes:
                found.append((item, where, "quote"))
    return found
