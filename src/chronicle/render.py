"""Data -> text: JSON for scripts, rich markup for people (plain when piped)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .diff_model import ClaimChanges, ClaimMove, Diff, Position, QuoteChange
from .model import Figure, Revision
from .replay import RevisionState
from .views import BlameLine, FigureThread, LogEntry, summary_line

if TYPE_CHECKING:
    from .review import Review
    from .watch import EntryResult, PollResult


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def escape(text: str) -> str:
    """Escape rich markup in user text."""
    return text.replace("[", "\\[")


def figure_text(figure: Figure) -> str:
    unit = f" {figure.unit}" if figure.unit else ""
    noun = f" {figure.noun}" if figure.noun else ""
    value = number_text(figure.value)
    if figure.value_max is not None:
        value += f"-{number_text(figure.value_max)}"
    qualifier = f"{figure.qualifier} " if figure.qualifier else ""
    return f"{escape(figure.text)} [dim]({qualifier}{value}{unit}{noun}, {figure.kind})[/dim]"


def number_text(value: float) -> str:
    """56.2e9 -> '56.2 billion'; 50000 -> '50,000'."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:,.6g} {word}"
    return f"{value:,.6g}" if value != int(value) else f"{int(value):,}"


def log_lines(briefing: str, entries: Sequence[LogEntry]) -> list[str]:
    lines = [f"[bold]{escape(briefing)}[/bold]: {len(entries)} revision(s)"]
    for entry in entries:
        when = entry.recorded_at[:19].replace("T", " ")
        observed = (
            ""
            if entry.observed_at == entry.recorded_at
            else f" (observed {entry.observed_at[:19]})"
        )
        source = f"  [dim]{escape(entry.source or 'stdin')}[/dim]"
        lines.append(f"[cyan]r{entry.sequence}[/cyan]  {when}{observed}{source}")
        lines.append(f"    {escape(entry.summary)}")
    late = [n for n in range(1, len(entries))
            if entries[n].observed_at < entries[n - 1].observed_at]
    if late:
        first, then = entries[late[0] - 1], entries[late[0]]
        lines.append(f"note: observed order differs from sequence order (r{then.sequence} was "
                     f"observed before r{first.sequence}); revisions are numbered as recorded")
    return lines


def revision_lines(state: RevisionState) -> list[str]:
    rev = state.revision
    lines = [
        f"[bold]{escape(state.briefing)} r{state.sequence}[/bold]  recorded {state.recorded_at}",
        f"[bold]{escape(rev.headline or '(no headline)')}[/bold]",
    ]
    if rev.key_points:
        lines.append("")
        lines.append("[underline]Key points[/underline]")
        lines += [f"  • {escape(k.text)}" for k in rev.key_points]
    claims = rev.claim_by_id()
    quotes = {q.id: q for q in rev.quotes}
    for section in rev.sections:
        lines.append("")
        if section.heading:
            lines.append(f"[underline]{escape(section.heading)}[/underline]")
        for paragraph in section.paragraphs:
            for item in paragraph:
                if item in quotes:
                    quote = quotes[item]
                    speaker = escape(quote.speaker or "?")
                    lines.append(f"  [italic]“{escape(quote.text)}”[/italic] – {speaker}")
                elif item in claims:
                    lines.append(f"  {escape(claims[item].text)}")
    if rev.figures:
        lines += ["", "[underline]Figures[/underline]"]
        lines += [f"  {figure_text(f)}" for f in rev.figures]
    if rev.sources:
        lines += ["", "[underline]Sources[/underline]"]
        lines += [
            f"  - {escape(s.text)}" + (f" <{escape(s.url)}>" if s.url else "") for s in rev.sources
        ]
    return lines


def diff_lines(diff: Diff) -> list[str]:
    """A reviewer's summary: what changed, in claims and figures."""
    title = f"{escape(diff.briefing)}: r{diff.from_} → r{diff.to}"
    lines = [f"[bold]{title}[/bold]  {escape(summary_line(diff))}"]
    if diff.headline:
        lines += [
            "",
            "[underline]Headline[/underline]",
            f"  [red]- {escape(diff.headline.before or '')}[/red]",
            f"  [green]+ {escape(diff.headline.after or '')}[/green]",
        ]
    figures = diff.figures
    if figures.changed or figures.added or figures.removed or figures.restated:
        lines += ["", "[underline]Figures[/underline]"]
        for change in figures.changed:
            lines.append(
                f"  [yellow]~[/yellow] {figure_text(change.before)} → {figure_text(change.after)}"
            )
            lines.append(f"      [dim]in: {escape(change.claim)}[/dim]")
        lines += [f"  [green]+[/green] {figure_text(f)}" for f in figures.added]
        lines += [f"  [red]-[/red] {figure_text(f)}" for f in figures.removed]
        lines += [
            f"  [blue]=[/blue] {escape(r.before.text)} → {escape(r.after.text)} "
            "[dim](same quantity, restated)[/dim]"
            for r in figures.restated
        ]
    lines += _claim_block("Key points", diff.key_points)
    lines += _claim_block("Claims", diff.claims)
    quotes = diff.quotes
    if quotes.added or quotes.removed or quotes.changed:
        lines += ["", "[underline]Quotes[/underline]"]
        lines += [
            f"  [green]+[/green] “{escape(q.text)}” – {escape(q.speaker or '?')}"
            for q in quotes.added
        ]
        lines += [
            f"  [red]-[/red] “{escape(q.text)}” – {escape(q.speaker or '?')}"
            for q in quotes.removed
        ]
        lines += [_quote_change(change) for change in quotes.changed]
    if diff.sources.added or diff.sources.removed:
        lines += ["", "[underline]Sources[/underline]"]
        lines += [f"  [green]+[/green] {escape(s.text)}" for s in diff.sources.added]
        lines += [f"  [red]-[/red] {escape(s.text)}" for s in diff.sources.removed]
    return lines


def _quote_change(change: QuoteChange) -> str:
    before, after = change.before, change.after
    if change.fields == ("speaker",):
        speakers = f"{escape(before.speaker or '?')} → {escape(after.speaker or '?')}"
        return f"  [yellow]~[/yellow] “{escape(after.text)}”: speaker {speakers}"
    return f"  [yellow]~[/yellow] “{escape(before.text)}” → “{escape(after.text)}”"


def _claim_block(title: str, changes: ClaimChanges) -> list[str]:
    if not (changes.added or changes.removed or changes.edited or changes.moved
            or changes.split or changes.merged):
        return []
    lines = ["", f"[underline]{title}[/underline]"]
    lines += [f"  [green]+[/green] {escape(c.text)}" for c in changes.added]
    lines += [f"  [red]-[/red] {escape(c.text)}" for c in changes.removed]
    in_groups = {c.id for s in changes.split for c in s.after}
    in_groups |= {m.after.id for m in changes.merged}
    for edit in changes.edited:
        if edit.after.id in in_groups:
            continue  # shown with its split or merge
        lines.append(f"  [yellow]~[/yellow] {escape(edit.before.text)}")
        lines.append(f"    → {escape(edit.after.text)}")
    for split in changes.split:
        parts = len(split.after)
        lines.append(f"  [yellow]⑂[/yellow] split in {parts}: {escape(split.before.text)}")
        lines += [f"    → {escape(part.text)}" for part in split.after]
    for merge in changes.merged:
        lines.append(f"  [yellow]⑂[/yellow] {len(merge.before)} merged into one:")
        lines += [f"    {escape(part.text)}" for part in merge.before]
        lines.append(f"    → {escape(merge.after.text)}")
    lines += [f"  [blue]↷[/blue] moved{_move_places(m)}: {escape(m.claim.text)}"
              for m in changes.moved]
    return lines


def _move_places(move: ClaimMove) -> str:
    """' (section 2 ¶1 → section 1 ¶3)': where a moved claim was and is (counted from 1)."""
    def place(position: Position | None) -> str:
        if position is None or position.section is None:
            return "key points" if position is not None else "?"
        paragraph = "" if position.paragraph is None else f" ¶{position.paragraph + 1}"
        return f"section {position.section + 1}{paragraph}"

    return f" ({place(move.from_position)} → {place(move.to_position)})"


def revision_document(revision: Revision) -> dict[str, Any]:
    return revision.model_dump(mode="json")


def timeline_lines(briefing: str, threads: Sequence[FigureThread]) -> list[str]:
    if not threads:
        return [f"{escape(briefing)}: no matching figures"]
    lines = []
    for thread in threads:
        points = ", ".join(f"r{p.sequence} {escape(p.text)}" for p in thread.points)
        changed = len({(p.value, p.value_max, p.qualifier) for p in thread.points}) > 1
        mark = "[yellow]~[/yellow]" if changed else " "
        lines.append(
            f"{mark} [bold]{escape(thread.label)}[/bold] [dim]({thread.kind})[/dim]: {points}"
        )
    return lines


def blame_lines(lines: Sequence[BlameLine]) -> list[str]:
    out = []
    for line in lines:
        changed = f"~r{line.changed}" if line.changed != line.introduced else "   "
        out.append(
            f"[cyan]r{line.introduced:<3}[/cyan] [yellow]{changed:<5}[/yellow] {escape(line.text)}"
        )
    return out


def to_json_line(data: Any) -> str:
    """One JSON document on one line (a stream of polls)."""
    return json.dumps(data, ensure_ascii=False)


_WATCH_WORDS = {"not-modified": "not modified (304)", "same-bytes": "page unchanged",
                "unchanged": "article unchanged", "duplicate": "same as an earlier revision"}


def watch_entry_line(entry: EntryResult) -> tuple[str, bool]:
    """What `watch` says of one feed entry, and whether it is a warning (for stderr)."""
    where = f"{entry.briefing} " if entry.briefing else ""
    if entry.status == "failed":
        return f"chronicle: warning: {entry.url}: {entry.problem} (skipped)", True
    if entry.status == "recorded":
        commit = (entry.commit or "")[:12]
        return f"{where}r{entry.sequence} recorded from {entry.url} (commit {commit})", False
    return f"{where}{_WATCH_WORDS.get(entry.status, entry.status)}: {entry.url}", False


def watch_poll_line(result: PollResult) -> tuple[str, bool]:
    """What `watch` says after one poll of the feed, and whether it is a warning."""
    if result.status == "failed":
        return f"chronicle: warning: feed {result.feed}: {result.problem}", True
    if result.status == "not-modified":
        return f"feed {result.feed}: not modified (304)", False
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items()))
    return f"feed {result.feed}: {len(result.entries)} entries" + (
        f" ({counts})" if counts else ""), False


def review_lines(rev_range: str, result: Review) -> list[str]:
    """The terminal form of `chronicle review`: per commit, its problems and its diff."""
    lines = [f"[bold]{escape(rev_range)}[/bold]: {len(result.commits)} commit(s), "
             f"{len(result.events)} revision(s), {result.problems} problem(s)"]
    for commit in result.commits:
        lines.append("")
        lines.append(f"[cyan]{commit.commit[:12]}[/cyan] {escape(commit.subject)}")
        lines += [f"  [red]problem:[/red] {escape(p)}" for p in commit.problems]
        if commit.diff is not None:
            lines += ["  " + line for line in diff_lines(commit.diff)]
        elif commit.event is not None:
            lines.append(f"  {escape(commit.summary)}")
    return lines
