"""Views over replayed revisions as plain data: diff, log, timeline, blame."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .align import align_revisions, figure_changed, figure_restated
from .alignment import Alignment, ItemAlignment
from .derive import comparable_pair
from .diff_model import (
    ClaimChanges,
    ClaimEdit,
    ClaimMerge,
    ClaimMove,
    ClaimSplit,
    Diff,
    FigureChange,
    FigureChanges,
    FigureRestatement,
    Position,
    QuoteChange,
    QuoteChanges,
    SourceChanges,
    TextChange,
)

# the answers' shapes live in a module of their own, light to import (the read model
# answers with them without loading the aligner); they are views' as ever
from .entries import BlameLine as BlameLine
from .entries import FigurePoint as FigurePoint
from .entries import FigureThread as FigureThread
from .entries import LogEntry as LogEntry
from .errors import UnknownRevision
from .model import Claim, Figure, Origin, Quote, Revision
from .quantities import as_signed_move
from .replay import RevisionState
from .wording import identity_key, normal_text

if TYPE_CHECKING:
    from .lineage import Step
    from .store import NewRevision, Prior


def pick(states: list[RevisionState], sequence: int | None) -> RevisionState:
    """The revision numbered ``sequence`` (negative counts from the end; None: latest)."""
    briefing = states[0].briefing if states else "?"
    return states[pick_number(briefing, len(states), sequence) - 1]


def pick_number(briefing: str, latest: int, sequence: int | None) -> int:
    """``sequence`` as a number in 1..latest (negative counts from the end; None: latest)."""
    number = latest if sequence is None else (latest + 1 + sequence if sequence < 0 else sequence)
    if not 1 <= number <= latest:
        raise UnknownRevision(briefing, sequence or 0, latest)
    return number


def diff_revisions(
    briefing: str, before: Revision, after: Revision, numbers: tuple[int, int]
) -> Diff:
    return diff_from_alignment(briefing, before, after, numbers, align_revisions(before, after))


def diff_from_alignment(
    briefing: str, before: Revision, after: Revision, numbers: tuple[int, int], found: Alignment
) -> Diff:
    """The diff of two revisions from their alignment (made once per alignment)."""
    key = (briefing, numbers, id(before), id(after))
    known: Diff | None = found.diffs.get(key)
    if known is None:
        known = found.diffs[key] = _diff_of(briefing, before, after, numbers, found)
    return known


def _diff_of(
    briefing: str, before: Revision, after: Revision, numbers: tuple[int, int], found: Alignment
) -> Diff:
    quotes = _quote_changes(found.quotes)
    # A claim whose only news is who is quoted in it: the quote's speaker change says it.
    attributed = {c.after.claim for c in quotes.changed if c.fields == ("speaker",)}
    headline = None
    if before.headline != after.headline:
        headline = TextChange(before=before.headline, after=after.headline)
    return Diff.model_validate(
        {
            "briefing": briefing,
            "from": numbers[0],
            "to": numbers[1],
            "headline": headline,
            "claims": _claim_changes(found.claims, before, after, attributed),
            "key_points": _claim_changes(found.key_points, before, after, set()),
            "figures": _figure_changes(found, before, after),
            "quotes": quotes,
            "sources": source_changes(before, after),
        }
    )


def source_changes(before: Revision, after: Revision) -> SourceChanges:
    """Sources added and removed, in order; set lookups keep thousands of sources linear."""
    had, has = set(before.sources), set(after.sources)
    return SourceChanges(added=tuple(s for s in after.sources if s not in had),
                         removed=tuple(s for s in before.sources if s not in has))


def _claim_changes(
    found: ItemAlignment[Claim], before: Revision, after: Revision, explained: set[str | None]
) -> ClaimChanges:
    where_before, where_after = positions(before), positions(after)
    edited = [
        ClaimEdit(before=p.before, after=p.after, similarity=round(p.score, 1))
        for p in sorted(found.all_pairs(), key=lambda p: where_after[p.after.id][0])
        if p.reworded and p.after.id not in explained
    ]
    moved = tuple(
        ClaimMove(
            claim=p.after,
            from_section=p.before.section,
            to_section=p.after.section,
            before=p.before if p.reworded else None,
            from_position=_position(where_before.get(p.before.id)),
            to_position=_position(where_after.get(p.after.id)),
        )
        for p in found.moved
    )
    return ClaimChanges(
        added=tuple(found.added),
        removed=tuple(found.removed),
        edited=tuple(edited),
        moved=moved,
        split=tuple(
            ClaimSplit(before=g.before[0], after=g.after, similarity=g.score) for g in found.splits
        ),
        merged=tuple(
            ClaimMerge(before=g.before, after=g.after[0], similarity=g.score)
            for g in found.merges
        ),
    )


# (index, section, paragraph, sentence), as a Position has them: a plain tuple, since most
# claims of a diff never need their Position made
Place = tuple[int, int | None, int | None, int | None]


def _position(place: Place | None) -> Position | None:
    if place is None:
        return None
    index, section, paragraph, sentence = place
    return Position(index=index, section=section, paragraph=paragraph, sentence=sentence)


def positions(revision: Revision) -> dict[str, Place]:
    """Where every claim and key point stands: its index, section, paragraph and sentence."""
    found: dict[str, Place] = {k.id: (n, None, None, None)
                               for n, k in enumerate(revision.key_points)}
    claims = {c.id for c in revision.claims}
    index = 0
    for s, section in enumerate(revision.sections):
        for p, paragraph in enumerate(section.paragraphs):
            sentence = 0
            for item in paragraph:
                if item in claims:
                    found[item] = (index, s, p, sentence)
                    index += 1
                    sentence += 1
    for claim in revision.claims:  # a claim no section lists (hand-made JSON)
        if claim.id not in found:
            found[claim.id] = (index, claim.section, None, None)
            index += 1
    return found


def _heading(revision: Revision, section: int | None) -> str | None:
    if section is None or section >= len(revision.sections):
        return None
    return revision.sections[section].heading


def _figure_changes(found: Alignment, before: Revision, after: Revision) -> FigureChanges:
    texts_b, texts = before.text_by_id(), after.text_by_id()
    changed = []
    restated = []
    for b, a in found.figures:
        claim = texts.get(a.claim, "")
        # compared as moves where a verb says so: 'fell 0.3%' -> 'rose 0.3%' changed
        moved_b, moved_a = as_signed_move(b, texts_b.get(b.claim, "")), as_signed_move(a, claim)
        if figure_changed(moved_b, moved_a):
            # the moves where only the direction differs: 'fell 0.2%' -> 'rose 0.2%' is
            # -0.2 -> 0.2, not '0.2% -> 0.2%'
            same = not figure_changed(b, a)
            changed.append(FigureChange(before=moved_b if same else b,
                                        after=moved_a if same else a, claim=claim))
        elif figure_restated(moved_b, moved_a):
            restated.append(FigureRestatement(before=b, after=a, claim=claim))
    return FigureChanges(
        changed=tuple(changed),
        added=tuple(found.figures_added),
        removed=tuple(found.figures_removed),
        restated=tuple(restated),
    )


def _quote_changes(found: ItemAlignment[Quote]) -> QuoteChanges:
    changed = []
    for pair in sorted(found.pairs, key=lambda p: p.after.id):
        b, a = pair.before, pair.after
        fields = []
        if identity_key(b.text) != identity_key(a.text):
            fields.append("text")
        if normal_text(b.speaker or "") != normal_text(a.speaker or ""):
            fields.append("speaker")
        if fields:
            changed.append(QuoteChange(before=b, after=a, fields=tuple(fields)))
    return QuoteChanges(
        added=tuple(found.added), removed=tuple(found.removed), changed=tuple(changed)
    )


# ----- summaries -------------------------------------------------------------------------
def change_counts(diff: Diff) -> dict[str, int]:
    return {
        "claims_added": len(diff.claims.added) + len(diff.key_points.added),
        "claims_removed": len(diff.claims.removed) + len(diff.key_points.removed),
        # as printed: an edit that is a split's or a merge's own pair is shown with it
        "claims_edited": len(diff.claims.edits_outside_groups()) + len(
            diff.key_points.edits_outside_groups()),
        "claims_split": len(diff.claims.split) + len(diff.key_points.split),
        "claims_merged": len(diff.claims.merged) + len(diff.key_points.merged),
        "claims_moved": len(diff.claims.moved) + len(diff.key_points.moved),
        "figures_changed": len(diff.figures.changed),
        "figures_added": len(diff.figures.added),
        "figures_removed": len(diff.figures.removed),
        "figures_restated": len(diff.figures.restated),
        "quotes_added": len(diff.quotes.added),
        "quotes_removed": len(diff.quotes.removed),
        "quotes_changed": len(diff.quotes.changed),
        "sources_added": len(diff.sources.added),
        "sources_removed": len(diff.sources.removed),
        "headline_changed": int(diff.headline is not None),
    }


def summary_line(diff: Diff) -> str:
    """'headline changed; 1 claim added, 1 removed, 1 edited; 3 figures changed; ...'."""
    counts = change_counts(diff)
    parts = []
    if counts["headline_changed"]:
        parts.append("headline changed")
    for noun in ("claim", "figure", "quote", "source"):
        words = [
            f"{counts[f'{noun}s_{verb}']} {verb}"
            for verb in _VERBS
            if counts.get(f"{noun}s_{verb}")
        ]
        if words:
            first_count = int(words[0].split()[0])
            words[0] = (
                f"{first_count} {noun}{'' if first_count == 1 else 's'} {words[0].split()[1]}"
            )
            parts.append(", ".join(words))
    return "; ".join(parts) if parts else "no change in claims or figures"


_VERBS = ("changed", "added", "removed", "edited", "split", "merged", "moved", "restated")


def first_summary(revision: Revision) -> str:
    counts = ((len(revision.key_points) + len(revision.claims), "claim"),
              (len(revision.figures), "figure"), (len(revision.quotes), "quote"),
              (len(revision.sources), "source"))
    return "first revision: " + ", ".join(
        f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts)


def commit_message(
    briefing: str, sequence: int, previous: Revision | None, revision: Revision, origin: Origin
) -> str:
    """The readable commit message of one appended revision (trailers are added by the store)."""
    return f"{briefing} r{sequence}: " + message_body(briefing, sequence, previous, revision,
                                                       origin)


def message_body(
    briefing: str, sequence: int, previous: Revision | None, revision: Revision, origin: Origin
) -> str:
    """A commit message after its 'BRIEFING rN: ', which names no sequence (``sequence`` only
    numbers the diff it is made from), so it can be made before the sequence is known."""
    if previous is None:
        summary = first_summary(revision)
        details: list[str] = []
    else:
        diff = diff_revisions(briefing, previous, revision, (sequence - 1, sequence))
        summary = summary_line(diff)
        details = _detail_lines(diff)
    lines = [summary, ""]
    if revision.headline:
        lines.append(f"Headline: {revision.headline}")
    lines.append(f"Source: {origin.name or 'stdin'} ({origin.format}, {origin.size} bytes)")
    if details:
        lines += ["", *details]
    return "\n".join(lines)


def revision_message(item: NewRevision, sequence: int, prior: Prior | None) -> str:
    """The commit message of an appended revision, comparing like with like (derive.py)."""
    return f"{item.briefing} r{sequence}: " + revision_message_body(item, sequence, prior)


def revision_message_body(item: NewRevision, sequence: int, prior: Prior | None) -> str:
    """revision_message after its 'BRIEFING rN: ' (see message_body)."""
    if prior is None:
        return message_body(item.briefing, sequence, None, item.revision, item.origin)
    previous, revision = comparable_pair((prior.revision, prior.extractor),
                                         (item.revision, item.extractor))
    return message_body(item.briefing, sequence, previous, revision, item.origin)


def _detail_lines(diff: Diff, limit: int = 12) -> list[str]:
    lines = [f"- figure {_fig(c.before)} -> {_fig(c.after)}" for c in diff.figures.changed]
    lines += [f"+ claim: {_short(c.text)}" for c in (*diff.key_points.added, *diff.claims.added)]
    lines += [
        f"- claim: {_short(c.text)}" for c in (*diff.key_points.removed, *diff.claims.removed)
    ]
    lines += [
        f"~ claim: {_short(e.after.text)}" for e in (*diff.key_points.edited, *diff.claims.edited)
    ]
    more = len(lines) - limit
    return lines[:limit] + ([f"... and {more} more"] if more > 0 else [])


def _fig(figure: Figure) -> str:
    return figure.text


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def log_entries(states: list[RevisionState]) -> list[LogEntry]:
    entries = []
    previous: RevisionState | None = None
    for state in states:
        if previous is None:
            summary, counts = first_summary(state.revision), {}
        else:
            diff = diff_revisions(
                state.briefing,
                previous.revision,
                state.revision,
                (previous.sequence, state.sequence),
            )
            summary, counts = summary_line(diff), change_counts(diff)
        entries.append(
            LogEntry(
                state.sequence,
                state.recorded_at,
                state.observed_at,
                state.origin.name,
                state.revision.headline,
                summary,
                counts,
            )
        )
        previous = state
    return entries


# ----- timeline and blame ----------------------------------------------------------------
_WORD = re.compile(r"\S+")


def figure_context(claim_text: str, figure: Figure, before: int = 2, after: int = 4) -> str:
    """A few words around the figure, e.g. 'provided over $56.2 billion in security assistance'.

    Cut from the claim as written, so 'fiscal 2025, the largest' keeps its comma in place,
    and within the figure's clause (between semicolons). A table row
    ('Germany — 2023: €1.2 billion; 2024: €2.5 billion') names its row: 'Germany, 2024: …'.
    """
    low = claim_text.rfind("; ", 0, figure.start) + 1
    high = claim_text.find("; ", figure.end)
    high = len(claim_text) if high < 0 else high
    row = _ROW_HEADER.match(claim_text)
    if row and row.end() <= figure.start:
        low = max(low, row.end())
    left = _word_starts_before(claim_text, low, figure.start, before)
    right = _word_ends_after(claim_text, figure.end, high, after)
    start = left[0] if left else figure.start
    end = right[-1] if right else figure.end
    label = " ".join(claim_text[start:max(end, figure.end)].split()).strip(" ,.;:—–")
    if row and row.end() <= figure.start:
        label = f"{row['head']}, {label}"
    return label


_NEAR = 120  # characters looked at first for the few words either side of a figure


def _word_starts_before(text: str, low: int, high: int, count: int) -> list[int]:
    """Where the last ``count`` words of text[low:high] start (a near window first: one
    more word than wanted found there proves the wanted ones whole)."""
    near = max(low, high - _NEAR)
    starts = [m.start() for m in _WORD.finditer(text, near, high)]
    if near > low and len(starts) <= count:
        starts = [m.start() for m in _WORD.finditer(text, low, high)]
    return starts[-count:] if count else []


def _word_ends_after(text: str, low: int, high: int, count: int) -> list[int]:
    """Where the first ``count`` words of text[low:high] end (a near window first)."""
    near = min(high, low + _NEAR)
    ends = [m.end() for m in _WORD.finditer(text, low, near)]
    if near < high and len(ends) <= count:
        ends = [m.end() for m in _WORD.finditer(text, low, high)]
    return ends[:count]


# 'Row header — Column: cell; ...', as the Markdown reader writes a table row
_ROW_HEADER = re.compile(r"^(?P<head>[^—;]{1,60}) — (?=[^;]*: )")


def figure_timeline(states: list[RevisionState], needle: str | None = None) -> list[FigureThread]:
    """Every figure's value at each revision where it appears, following edits and moves."""
    from .lineage import figure_series, walk

    threads = []
    for series in figure_series(walk(states)):
        first = series.points[0]
        thread = FigureThread(
            figure_context(first.claim_text, first.figure), first.figure.kind, first.figure.noun
        )
        for p in series.points:
            thread.see(p.sequence, p.figure, p.claim_text)
        threads.append(thread)
    if needle is None:
        return threads
    # the figure's own words first: '--figure billion' is money, not the date beside it
    return [t for t in threads if t.mentions(needle)] or [
        t for t in threads if t.mentioned_near(needle)]


def blame(states: list[RevisionState], sequence: int | None = None) -> list[BlameLine]:
    """Each claim and block quote of a revision, in reading order, with the revision that
    introduced it and the last that changed it (a quote changes with its text or speaker)."""
    from .lineage import walk

    target = pick(states, sequence)
    # A claim's dates follow its predecessors (a split part inherits its whole's), a block
    # quote's its lineage.
    introduced: dict[str, int] = {}
    changed: dict[str, int] = {}
    text_before: dict[str, str] = {}
    seen: dict[str, tuple[str, str | None]] = {}
    quote_introduced: dict[str, int] = {}
    quote_changed: dict[str, int] = {}
    steps = walk(states[: target.sequence])
    for step in steps:
        revision, at = step.state.revision, step.state.sequence
        introduced, changed, text_before = _claim_dates(step, at, introduced, changed,
                                                        text_before)
        for quote in revision.quotes:
            lineage, content = step.quotes[quote.id], (quote.text, quote.speaker)
            quote_introduced.setdefault(lineage, at)
            if seen.get(lineage) != content:
                seen[lineage], quote_changed[lineage] = content, at
    last = steps[-1]
    revision = target.revision
    inline: dict[str, list[dict[str, str | None]]] = {}
    for quote in revision.quotes:
        if quote.claim is not None:
            inline.setdefault(quote.claim, []).append(
                {"text": quote.text, "speaker": quote.speaker})

    def claim_line(item_id: str, text: str, where: str, kind: str) -> BlameLine:
        return BlameLine(item_id, text, where, introduced[item_id], changed[item_id], kind,
                         None, inline.get(item_id, []))

    lines = [claim_line(k.id, k.text, "key point", "key point") for k in revision.key_points]
    claims = {c.id: c for c in revision.claims}
    quotes = {q.id: q for q in revision.quotes}
    for index, section in enumerate(revision.sections):
        where = _heading(revision, index) or "body"
        for item in (i for paragraph in section.paragraphs for i in paragraph):
            if item in claims:
                lines.append(claim_line(item, claims[item].text, where, "claim"))
            elif item in quotes:
                quote, lineage = quotes[item], last.quotes[item]
                lines.append(BlameLine(item, quote.text, where, quote_introduced[lineage],
                                       quote_changed[lineage], "quote", quote.speaker))
    return lines


def _claim_dates(step: Step, at: int, introduced: dict[str, int], changed: dict[str, int],
                 text_before: dict[str, str]
                 ) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """(introduced, last changed, text) of every claim of one step, from its predecessors."""
    now_introduced: dict[str, int] = {}
    now_changed: dict[str, int] = {}
    texts = {}
    for claim in (*step.state.revision.key_points, *step.state.revision.claims):
        texts[claim.id] = claim.text
        origins = [c for c in step.predecessors.get(claim.id, ()) if c in introduced]
        if not origins:
            now_introduced[claim.id] = now_changed[claim.id] = at
            continue
        now_introduced[claim.id] = min(introduced[c] for c in origins)
        same = len(origins) == 1 and text_before.get(origins[0]) == claim.text
        now_changed[claim.id] = changed[origins[0]] if same else at
    return now_introduced, now_changed, texts
