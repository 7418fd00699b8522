"""Data -> text: JSON for scripts, rich markup for people (plain when piped)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .safe_text import (
    json_visible,
    json_visible_bytes,
    markup,
    reveal_edit,
    unmarkup,
    visible,
)

if TYPE_CHECKING:  # types only: `parse` renders a revision without the diff machinery
    from rich.console import Console

    from .api import BriefingSummary, CheckResult
    from .diff_model import ClaimChanges, ClaimMove, Diff, Position, QuoteChange
    from .model import Figure, Quote, Revision
    from .replay import RevisionState
    from .review import Review
    from .store import AppendResult
    from .views import BlameLine, FigureThread, LogEntry
    from .watch import EntryResult, PollResult


def to_json(data: Any) -> str:
    """Indented JSON, hidden characters escaped (to_json_bytes as text)."""
    return to_json_bytes(data).decode("utf-8", "surrogatepass")


def to_json_bytes(data: Any) -> bytes:
    """Indented JSON as UTF-8, hidden characters escaped; orjson (C) where it can encode
    ``data`` (timeline --json of thousands of revisions is tens of MB), else the json
    module (integers over 64 bits, lone surrogates, which json_visible escapes)."""
    import orjson

    try:
        return json_visible_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    except TypeError:  # orjson.JSONEncodeError is one
        return json_visible(json.dumps(data, indent=2, ensure_ascii=False)).encode()


def console() -> Console:
    """A console for people: colour and styles on a terminal, none when piped or when
    NO_COLOR is set (no-color.org: bold, underline and dim are styles too)."""
    from rich.console import Console

    class QuietPipeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError  # the CLI ends every command alike on a closed pipe

    plain = bool(os.environ.get("NO_COLOR"))
    return QuietPipeConsole(highlight=False, soft_wrap=True, emoji=False,
                            color_system=None if plain else "auto")


def unstyled_text(marked: str, stream: TextIO) -> str | None:
    """What console() prints for ``marked`` on ``stream`` when it prints no styles: rich's
    plain text, made without rich (which is slow on long outputs and a fifth of a text
    parse's start-up). None wherever rich must decide: a terminal without NO_COLOR, forced
    colours, a stream that is not UTF-8, Windows, IPython, or tabs (rich expands them by
    cell width)."""
    import builtins

    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return None
    if hasattr(stream, "rich_proxied_file"):
        return None
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8":
        return None
    if not os.environ.get("NO_COLOR"):
        try:
            if stream.isatty():
                return None
        except (AttributeError, ValueError):
            return None
    plain = unmarkup(marked)
    return None if "\t" in plain else plain


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 quote', '2 quotes'."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


def escape(text: str) -> str:
    """A field of user text inside rich markup: tags escaped, hidden characters shown."""
    return markup(text)


def reveal_pair(before: str, after: str) -> tuple[str, str]:
    """Both sides of an edit escaped, with what differs invisibly shown (safe_text)."""
    from rich.markup import escape as rich_escape

    shown_before, shown_after = reveal_edit(before, after)
    return rich_escape(shown_before), rich_escape(shown_after)


def figure_text(figure: Figure) -> str:
    """'over $56.2 billion (over 56.2 billion USD, money)'; a date as a date: '(2022-02, date)'."""
    return (f"{escape(figure.text)} [dim]({escape(figure_value(figure))}, "
            f"{escape(figure.kind)})[/dim]")


def figure_value(figure: Figure) -> str:
    """What a figure means, without its surface text: 'over 56.2 billion USD', '2022-02'."""
    qualifier = f"{figure.qualifier} " if figure.qualifier else ""
    if figure.kind == "date":
        span = f"-{_year(figure.value_max)}" if figure.value_max is not None else ""
        return qualifier + (figure.date or _year(figure.value)) + span  # "2013-2014"
    if figure.kind == "time":
        from .figures import reading

        return qualifier + reading(figure)  # "09:30", not "9.5 h"
    unit = f" {figure.unit}" if figure.unit else ""
    noun = f" {figure.noun}" if figure.noun else ""
    value = number_text(figure.value)
    if figure.value_max is not None:
        value += f"-{number_text(figure.value_max)}"
    return f"{qualifier}{value}{unit}{noun}"


def _year(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def number_text(value: float) -> str:
    """56.2e9 -> '56.2 billion'; 50000 -> '50,000'."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:,.6g} {word}"
    return f"{value:,.6g}" if value != int(value) else f"{int(value):,}"


def append_line(result: AppendResult) -> str:
    """What `ingest` says of one revision: recorded, or identical to one already stored
    (plain text: file names are shown with their hidden characters made visible)."""
    source = visible(result.origin or "stdin")
    if result.status == "recorded":
        return (f"{result.briefing} r{result.sequence} recorded from {source} "
                f"(commit {(result.commit or '')[:12]})")
    which = "the latest revision" if result.status == "unchanged" else "earlier revision"
    return (f"{result.briefing}: {source} is identical to {which} r{result.sequence}; "
            "nothing written")


def list_lines(summaries: Sequence[BriefingSummary]) -> list[str]:
    """One line per briefing: id, revisions, last change, latest headline."""
    width = max(len(s.id) for s in summaries)
    lines = []
    for summary in summaries:
        when = summary.last_recorded[:16].replace("T", " ")
        count = plural(summary.revisions, "revision")
        headline = escape(summary.headline or "(no headline)")
        lines.append(f"[bold]{escape(summary.id):<{width}}[/bold]  {count:>12}  "
                     f"{when}  {headline}")
    return lines


def check_lines(command: str, result: CheckResult) -> list[str]:
    """Every problem on its line, then 'verify: 12 checked, ok'."""
    verdict = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
    return [*(visible(str(p)) for p in result.problems), *signature_lines(result),
            f"{command}: {result.checked} checked, {verdict}"]


def signature_lines(result: CheckResult) -> list[str]:
    """'signatures: 3 of 3 events signed', then each key (and signer) with its count."""
    report = result.signatures
    if report is None or not result.reports_signatures:
        return []
    keys: dict[str, int] = {}
    for event in report.events:
        if event.key is not None:
            name = event.key + (f" ({event.signer})" if event.signer else "")
            keys[name] = keys.get(name, 0) + 1
    required = ", required" if report.required else ""
    return [f"signatures: {report.signed} of {len(report.events)} events signed{required}",
            *(visible(f"  {count} by {name}") for name, count in sorted(keys.items()))]


def same_revision_line(diff: Diff, only_one: bool) -> str:
    """What `diff` says when both sides are the same revision."""
    briefing = escape(diff.briefing)
    if only_one:
        return f"{briefing} has only one revision (r{diff.to}): nothing to compare yet"
    return f"{briefing}: r{diff.from_} and r{diff.to} are the same revision: nothing to compare"


def log_lines(briefing: str, entries: Sequence[LogEntry]) -> list[str]:
    lines = [f"[bold]{escape(briefing)}[/bold]: {plural(len(entries), 'revision')}"]
    for entry in entries:
        when = escape(entry.recorded_at[:19].replace("T", " "))
        observed = (
            ""
            if entry.observed_at == entry.recorded_at
            else f" (observed {escape(entry.observed_at[:19])})"
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
    """A stored revision: which one and when (and by which extractor), then what it says."""
    extracted = (f", extracted by {escape(state.extractor.name)} "
                 f"{escape(state.extractor.version)}" if state.extractor else "")
    name = f"{escape(state.briefing)} r{state.sequence}"
    return [f"[bold]{name}[/bold]  recorded {escape(state.recorded_at)}{extracted}",
            *revision_body_lines(state.revision)]


def revision_body_lines(rev: Revision) -> list[str]:
    """A revision as a person reads it: headline, key points, sections, figures, sources."""
    lines = [f"[bold]{escape(rev.headline or '(no headline)')}[/bold]"]
    if rev.key_points:
        lines.append("")
        lines.append("[underline]Key points[/underline]")
        lines += [f"  • {escape(k.text)}" for k in rev.key_points]
    claims = rev.claim_by_id()
    quotes = {q.id: q for q in rev.quotes}
    inline = inline_quotes_by_claim(rev)
    for section in rev.sections:
        lines.append("")
        if section.heading:
            lines.append(f"[underline]{escape(section.heading)}[/underline]")
        for paragraph in section.paragraphs:
            for item in paragraph:
                if item in quotes:
                    lines.append(f"  {quote_text(quotes[item])}")
                elif item in claims:
                    lines.append(f"  {escape(claims[item].text)}")
                    lines += [f"      [dim]quote:[/dim] {quote_text(q)}" for q in inline[item]]
    if rev.figures:
        lines += ["", "[underline]Figures[/underline]"]
        lines += [f"  {figure_text(f)}" for f in rev.figures]
    if rev.sources:
        lines += ["", "[underline]Sources[/underline]"]
        lines += [
            f"  - {escape(s.text)}" + (f" <{escape(s.url)}>" if s.url else "") for s in rev.sources
        ]
    return lines


def quote_text(quote: Quote) -> str:
    """'“...” – Speaker' ('?' when the speaker is not known)."""
    return f"[italic]“{escape(quote.text)}”[/italic] – {escape(quote.speaker or '?')}"


def inline_quotes_by_claim(revision: Revision) -> dict[str, list[Quote]]:
    """The quotes inside each claim, by claim id (every claim has a list, maybe empty)."""
    found: dict[str, list[Quote]] = {c.id: [] for c in revision.claims}
    for quote in revision.quotes:
        if quote.claim in found:
            found[quote.claim].append(quote)
    return found


def diff_lines(diff: Diff) -> list[str]:
    """A reviewer's summary: what changed, in claims and figures."""
    from .views import summary_line

    title = f"{escape(diff.briefing)}: r{diff.from_} → r{diff.to}"
    lines = [f"[bold]{title}[/bold]  {escape(summary_line(diff))}"]
    if diff.headline:
        lines += [
            "",
            "[underline]Headline[/underline]",
            *_headline_pair(diff.headline.before or "", diff.headline.after or ""),
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


def _headline_pair(before: str, after: str) -> list[str]:
    shown_before, shown_after = reveal_pair(before, after)
    return [f"  [red]- {shown_before}[/red]", f"  [green]+ {shown_after}[/green]"]


def _quote_change(change: QuoteChange) -> str:
    before, after = change.before, change.after
    if change.fields == ("speaker",):
        old, new = reveal_pair(before.speaker or "?", after.speaker or "?")
        return f"  [yellow]~[/yellow] “{escape(after.text)}”: speaker {old} → {new}"
    old, new = reveal_pair(before.text, after.text)
    return f"  [yellow]~[/yellow] “{old}” → “{new}”"


def _claim_block(title: str, changes: ClaimChanges) -> list[str]:
    if not (changes.added or changes.removed or changes.edited or changes.moved
            or changes.split or changes.merged):
        return []
    lines = ["", f"[underline]{title}[/underline]"]
    lines += [f"  [green]+[/green] {escape(c.text)}" for c in changes.added]
    lines += [f"  [red]-[/red] {escape(c.text)}" for c in changes.removed]
    for edit in changes.edits_outside_groups():  # the others show with their group
        before, after = reveal_pair(edit.before.text, edit.after.text)
        lines.append(f"  [yellow]~[/yellow] {before}")
        lines.append(f"    → {after}")
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
    """' (section 2 ¶1 → section 1 ¶3)': where a moved claim was and is (counted from 1);
    within one paragraph, its sentences (' (section 1 ¶1 sentence 1 → sentence 2)')."""
    def place(position: Position | None) -> str:
        if position is None or position.section is None:
            return "key points" if position is not None else "?"
        paragraph = "" if position.paragraph is None else f" ¶{position.paragraph + 1}"
        return f"section {position.section + 1}{paragraph}"

    was, now = place(move.from_position), place(move.to_position)
    sentences = [p.sentence for p in (move.from_position, move.to_position)
                 if p is not None and p.sentence is not None]
    if was == now and len(sentences) == 2:
        return f" ({was} sentence {sentences[0] + 1} → sentence {sentences[1] + 1})"
    return f" ({was} → {now})"


def revision_document(revision: Revision) -> dict[str, Any]:
    return revision.model_dump(mode="json")


def timeline_lines(briefing: str, threads: Sequence[FigureThread]) -> list[str]:
    if not threads:
        return [f"{escape(briefing)}: no matching figures"]
    lines = []
    for thread in threads:
        points = ", ".join(f"{span} {escape(text)}" for span, text in _shown_runs(thread))
        changed = len({(p.value, p.value_max, p.qualifier) for p in thread.points}) > 1
        mark = "[yellow]~[/yellow]" if changed else " "
        lines.append(
            f"{mark} [bold]{escape(thread.label)}[/bold] [dim]({escape(thread.kind)})[/dim]: "
            f"{points}"
        )
    return lines


def _shown_runs(thread: FigureThread) -> list[tuple[str, str]]:
    """('r2-r40', '$61.4 billion') per run of revisions showing the figure's same text (a
    reworded claim around an unchanged figure does not break the run here)."""
    runs: list[list[Any]] = []
    for point in thread.points:
        if runs and runs[-1][2] == point.text and runs[-1][1] == point.sequence - 1:
            runs[-1][1] = point.until
        else:
            runs.append([point.sequence, point.until, point.text])
    return [(f"r{a}" if a == b else f"r{a}-r{b}", text) for a, b, text in runs]


def blame_lines(lines: Sequence[BlameLine]) -> list[str]:
    out = []
    for line in lines:
        changed = f"~r{line.changed}" if line.changed != line.introduced else "   "
        text = escape(line.text)
        if line.kind == "quote":
            text = f"[italic]“{text}”[/italic] – {escape(line.speaker or '?')}"
        out.append(f"[cyan]r{line.introduced:<3}[/cyan] [yellow]{changed:<5}[/yellow] {text}")
        for quote in line.quotes:
            said = f"“{escape(quote['text'] or '')}” – {escape(quote['speaker'] or '?')}"
            out.append(f"{'':11}[dim]quote:[/dim] {said}")
    return out


def to_json_line(data: Any) -> str:
    """One JSON document on one line (a stream of polls)."""
    return json_visible(json.dumps(data, ensure_ascii=False))


_WATCH_WORDS = {"not-modified": "not modified (304)", "same-bytes": "page unchanged",
                "unchanged": "article unchanged", "duplicate": "same as an earlier revision"}


def watch_entry_line(entry: EntryResult) -> tuple[str, bool]:
    """What `watch` says of one feed entry, and whether it is a warning (for stderr)."""
    where = f"{visible(entry.briefing)} " if entry.briefing else ""
    url = visible(entry.url)
    if entry.status == "failed":
        return f"chronicle: warning: {url}: {visible(entry.problem or '')} (skipped)", True
    if entry.status == "recorded":
        commit = (entry.commit or "")[:12]
        return f"{where}r{entry.sequence} recorded from {url} (commit {commit})", False
    return f"{where}{_WATCH_WORDS.get(entry.status, entry.status)}: {url}", False


def watch_poll_line(result: PollResult) -> tuple[str, bool]:
    """What `watch` says after one poll of the feed, and whether it is a warning."""
    feed = visible(result.feed)
    if result.status == "failed":
        return f"chronicle: warning: feed {feed}: {visible(result.problem or '')}", True
    if result.status == "not-modified":
        return f"feed {feed}: not modified (304)", False
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items()))
    return f"feed {feed}: {len(result.entries)} entries" + (
        f" ({counts})" if counts else ""), False


def review_lines(rev_range: str, result: Review) -> list[str]:
    """The terminal form of `chronicle review`: per commit, its problems and its diff."""
    lines = [f"[bold]{escape(rev_range)}[/bold]: {len(result.commits)} commit(s), "
             f"{len(result.events)} revision(s), {result.problems} problem(s)"]
    for commit in result.commits:
        lines.append("")
        lines.append(f"[cyan]{escape(commit.commit[:12])}[/cyan] {escape(commit.subject)}")
        lines += [f"  [red]problem:[/red] {escape(p)}" for p in commit.problems]
        if commit.diff is not None:
            lines += ["  " + line for line in diff_lines(commit.diff)]
        elif commit.event is not None:
            lines.append(f"  {escape(commit.summary)}")
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return visible(str(value))


def query_lines(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """`chronicle sql` rows as an aligned table (null as an empty cell), header first."""
    table = [[visible(c) for c in columns]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
           for line in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def query_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """`chronicle sql --csv`: a header and the rows, cells a spreadsheet would run as a
    formula neutralised as in exports."""
    import csv
    import io

    from .export import csv_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()
