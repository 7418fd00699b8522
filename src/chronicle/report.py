"""`chronicle report ID -o report.html`: one self-contained HTML page about a briefing.

The page holds the revision timeline, one chart per figure followed through the revisions
(inline SVG drawn here, no script needed), and the claim-level diff of every pair of
consecutive revisions. Nothing is fetched when it is opened: CSS, JS and SVG are inline
and a Content-Security-Policy forbids any other source. Jinja2 renders the template
``templates/report.html.j2`` with autoescaping; every text from a briefing is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .diff_model import Diff
from .lineage import FigureSeries, Step, figure_series, walk
from .model import Figure
from .replay import RevisionState
from .safe_write import StagedFile
from .views import (
    change_counts,
    diff_from_alignment,
    figure_context,
    first_summary,
    summary_line,
)
from .worddiff import mostly_same, word_diff

MAX_CHARTS = 80
_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))


# ----- numbers ---------------------------------------------------------------------------
def short_number(value: float) -> str:
    """61400000000 -> '61.4bn'; 50000 -> '50k'; 0.5 -> '0.5'."""
    magnitude = abs(value)
    for size, suffix in _SCALES:
        if magnitude >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}" if magnitude < 1e3 else f"{value:,.0f}"


def with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    if unit in _CURRENCY:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{_CURRENCY[unit]}{digits}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering [low, high], for any finite numbers.

    A change too small for a chart to show (one ulp: 2 -> 2.0000000000000004) is drawn as
    no change; numbers beyond what a chart can scale (±1e308, 5e-324) get the two ends as
    ticks. The loop is bounded however the floats round.
    """
    low, high = min(low, high), max(low, high)
    scale = max(abs(low), abs(high))
    if scale and not _CHARTABLE[0] < scale < _CHARTABLE[1]:
        return [low, high] if high > low else [low]
    if high - low <= scale * 1e-9:
        pad = scale * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step)
    ticks = []
    for n in range(first, first + 4 * max(count, 1) + 3):
        value = n * step
        ticks.append(float(f"{value:.12g}"))  # 0.30000000000000004 -> 0.3
        if value >= high:
            break
    return ticks


_CHARTABLE = (1e-290, 1e290)  # magnitudes whose spans and steps stay normal floats


# ----- SVG -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    width: int = 520
    height: int = 210
    left: int = 70
    right: int = 18
    top: int = 14
    bottom: int = 32

    def x(self, sequence: int, count: int) -> float:
        span = self.width - self.left - self.right
        if count <= 1:
            return self.left + span / 2
        return self.left + (sequence - 1) * span / (count - 1)

    def y(self, value: float, low: float, high: float) -> float:
        span = self.height - self.top - self.bottom
        if not high > low:  # one value: the middle
            return self.top + span / 2
        # Halved first, so that ±1e308 cannot overflow to inf (and nan coordinates).
        share = (high / 2 - value / 2) / (high / 2 - low / 2)
        return self.top + share * span


def _f(number: float) -> str:
    return f"{number:.1f}"


def figure_chart(series: FigureSeries, revisions: int, label: str) -> Markup:
    """An inline SVG line chart of one figure's value at each revision where it appears."""
    frame = Frame()
    unit = series.latest.unit
    values = [p.figure.value for p in series.points]
    values += [p.figure.value_max for p in series.points if p.figure.value_max is not None]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    parts = [
        f'<svg class="chart" viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" '
        f'height="{frame.height}" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in ticks:
        y = frame.y(tick, low, high)
        parts.append(f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" '
                     f'y1="{_f(y)}" y2="{_f(y)}"/>')
        parts.append(f'<text class="tick" x="{frame.left - 6}" y="{_f(y + 5)}" '
                     f'text-anchor="end">{escape(with_unit(short_number(tick), unit))}</text>')
    step = max(1, math.ceil(revisions / 12))
    base = frame.height - frame.bottom
    for sequence in range(1, revisions + 1):
        if sequence % step and sequence != revisions and sequence != 1:
            continue
        x = frame.x(sequence, revisions)
        parts.append(f'<text class="tick" x="{_f(x)}" y="{base + 20}" '
                     f'text-anchor="middle">r{sequence}</text>')
    parts.append(f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
                 f'y1="{base}" y2="{base}"/>')
    previous: tuple[int, float, float] | None = None
    for point in series.points:
        x = frame.x(point.sequence, revisions)
        y = frame.y(point.figure.value, low, high)
        if previous is not None:
            gap = " gap" if point.sequence != previous[0] + 1 else ""
            parts.append(f'<line class="trend{gap}" x1="{_f(previous[1])}" y1="{_f(previous[2])}" '
                         f'x2="{_f(x)}" y2="{_f(y)}"/>')
        previous = (point.sequence, x, y)
    last_value: tuple[float, float | None] | None = None
    for point in series.points:
        figure = point.figure
        x = frame.x(point.sequence, revisions)
        y = frame.y(figure.value, low, high)
        if figure.value_max is not None:
            top = frame.y(figure.value_max, low, high)
            parts.append(f'<line class="range" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(y)}" '
                         f'y2="{_f(top)}"/>')
        value = (figure.value, figure.value_max)
        changed = " changed" if last_value is not None and value != last_value else ""
        last_value = value
        parts.append(f'<circle class="point{changed}" cx="{_f(x)}" cy="{_f(y)}" r="4.5">'
                     f"<title>r{point.sequence}: {escape(figure.text)}</title></circle>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _parse_time(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def timeline_chart(states: list[RevisionState]) -> Markup:
    """The revisions as dots on a time axis (by when each was observed)."""
    frame = Frame(width=900, height=84, top=14, bottom=26, left=40, right=40)
    times = [_parse_time(s.observed_at) for s in states]
    known = [t for t in times if t is not None]
    span = (max(known) - min(known)) if len(known) == len(times) and known else 0.0
    width = frame.width - frame.left - frame.right
    parts = [f'<svg class="timeline" viewBox="0 0 {frame.width} {frame.height}" '
             f'width="{frame.width}" height="{frame.height}" role="img" '
             'aria-label="revisions over time" xmlns="http://www.w3.org/2000/svg">']
    y = frame.top + 20
    parts.append(f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
                 f'y1="{y}" y2="{y}"/>')
    for n, state in enumerate(states):
        moment = times[n]
        if span > 0 and moment is not None:
            x = frame.left + (moment - min(known)) * width / span
        else:
            x = frame.x(n + 1, len(states))
        label_y = y - 12 if n % 2 == 0 else y + 24
        parts.append(f'<a href="#r{state.sequence}"><circle class="point" cx="{_f(x)}" cy="{y}" '
                     f'r="6"><title>r{state.sequence} · observed '
                     f"{escape(state.observed_at[:16].replace('T', ' '))} UTC</title></circle></a>")
        parts.append(f'<text class="tick" x="{_f(x)}" y="{label_y}" '
                     f'text-anchor="middle">r{state.sequence}</text>')
    if span > 0:  # the dates at both ends of the axis
        for anchor, x, state in (("start", frame.left, states[0]),
                                 ("end", frame.width - frame.right, states[-1])):
            parts.append(f'<text class="tick" x="{x}" y="{frame.height - 2}" '
                         f'text-anchor="{anchor}">{escape(state.observed_at[:10])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# ----- the page's data -------------------------------------------------------------------
@dataclass
class Chart:
    id: str
    title: str
    context: str
    kind: str
    latest: str
    changed: bool
    svg: Markup
    points: list[tuple[int, str]]


@dataclass
class RevisionView:
    sequence: int
    recorded_at: str
    observed_at: str
    source: str
    headline: str | None
    summary: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DiffView:
    before: int
    after: int
    summary: str
    diff: Diff
    texts_before: dict[str, str] = field(default_factory=dict)
    texts_after: dict[str, str] = field(default_factory=dict)


@dataclass
class ReportData:
    briefing: str
    revisions: list[RevisionView]
    timeline: Markup
    charts: list[Chart]
    single: list[tuple[int, Figure, str]]
    dates: list[tuple[str, str]]
    diffs: list[DiffView]
    generated_by: str

    def summary(self) -> dict[str, Any]:
        return {"briefing": self.briefing, "revisions": len(self.revisions),
                "charts": len(self.charts), "changed_figures": sum(c.changed for c in self.charts),
                "diffs": len(self.diffs)}


def series_title(figure: Figure) -> str:
    noun = figure.noun or {"money": "amount", "percent": "share"}.get(figure.kind, figure.kind)
    noun = noun[:1].upper() + noun[1:]
    return f"{noun} ({figure.unit})" if figure.unit and figure.unit not in noun else noun


def build_report(states: list[RevisionState], generated_by: str = "chronicle") -> ReportData:
    steps = walk(states)
    briefing = states[0].briefing
    revisions: list[RevisionView] = []
    diffs: list[DiffView] = []
    previous: Step | None = None
    for step in steps:
        state = step.state
        if previous is None or step.alignment is None:
            summary, counts = first_summary(state.revision), {}
        else:
            diff = diff_from_alignment(briefing, previous.state.revision, state.revision,
                                       (previous.state.sequence, state.sequence), step.alignment)
            summary, counts = summary_line(diff), change_counts(diff)
            diffs.append(DiffView(previous.state.sequence, state.sequence, summary, diff,
                                  previous.state.revision.text_by_id(),
                                  state.revision.text_by_id()))
        revisions.append(RevisionView(state.sequence, state.recorded_at, state.observed_at,
                                      state.origin.name or "stdin", state.revision.headline,
                                      summary, counts))
        previous = step
    charts: list[Chart] = []
    single: list[tuple[int, Figure, str]] = []
    dates: list[tuple[str, str]] = []
    for series in figure_series(steps):
        latest = series.points[-1]
        context = figure_context(latest.claim_text, latest.figure, before=3) or latest.figure.text
        if latest.figure.kind == "date":
            dates.append((context, ", ".join(f"r{p.sequence}" for p in series.points)))
        elif len(series.points) < 2:
            single.append((latest.sequence, latest.figure, context))
        else:
            label = f"{series_title(latest.figure)}: {context}"
            charts.append(Chart(
                id=f"chart-{len(charts) + 1}", title=series_title(latest.figure), context=context,
                kind=latest.figure.kind, latest=latest.figure.text, changed=series.changed(),
                svg=figure_chart(series, len(states), label),
                points=[(p.sequence, p.figure.text) for p in series.points],
            ))
    charts.sort(key=lambda c: not c.changed)  # changed figures first, otherwise in page order
    return ReportData(briefing, revisions, timeline_chart(states), charts[:MAX_CHARTS], single,
                      dates, diffs, generated_by)


# ----- HTML ------------------------------------------------------------------------------
def inline_diff(before: str, after: str) -> Markup:
    """The sentence with removed words in <del> and added words in <ins> (whole texts if
    too little stayed the same for a word diff to read well)."""
    if not mostly_same(before, after):
        return Markup("<del>{}</del> → <ins>{}</ins>").format(before, after)
    out = []
    for op, text in word_diff(before, after):
        if op == "same":
            out.append(escape(text))
        elif op == "removed":
            out.append(Markup("<del>{}</del>").format(text))
        else:
            out.append(Markup("<ins>{}</ins>").format(text))
    return Markup("").join(out)


def render_report(data: ReportData) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("chronicle", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["inline_diff"] = inline_diff
    env.filters["when"] = lambda text: str(text)[:16].replace("T", " ")
    return env.get_template("report.html.j2").render(data=data)


def write_report(states: list[RevisionState], output: Path, generated_by: str,
                 overwrite: bool = False) -> ReportData:
    """Build and write the page atomically (chronicle.safe_write); returns what it holds.

    An existing file is replaced only when ``overwrite`` is true; the output path is checked
    before the page is built, so a wrong path fails at once."""
    with StagedFile(output, overwrite) as staged:
        data = build_report(states, generated_by)
        staged.temp.write_text(render_report(data), encoding="utf-8")
    return data
