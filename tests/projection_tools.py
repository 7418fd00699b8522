"""Helpers of the read-model tests: briefing texts that change figure by figure, and the
check that every answer of the projection equals the answer of a full replay."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from chronicle import api
from chronicle.model import Extractor
from chronicle.projection import queries, reading
from chronicle.readers import parse_bytes
from chronicle.report import build_report, render_report
from chronicle.store import Archive, NewRevision
from chronicle.views import blame, figure_timeline, log_entries

SENTENCES = (
    "The city plans to spend ${} million on new bridges this year.",
    "The total budget stands at ${} billion, officials said.",
    "About {} residents were moved from the flooded district.",
    "Rainfall reached {} mm in the first week of November.",
    "Unemployment fell to {}% in October.",
    "The council approved {} new bus routes.",
    "Repairs will take {} weeks, according to the mayor.",
    "The river rose by {} metres overnight.",
    "A spokesperson said the figures would be published on Friday.",
    "Schools in the area stay closed until further notice.",
    # 5 and 9 as one sentence: the "merge" and "split" edits turn one form into the other
    "The council approved {} new bus routes, and schools in the area stay closed until "
    "further notice.",
)
KEY_POINTS = (
    "- Total budget at ${} billion",
    "- {} residents moved",
    "- Council approves {} routes",
)
QUOTES = (
    "“We will rebuild every bridge.” – Mayor Anna Berg",
    "“The water is still rising.” – Fire Chief Tom Olsen",
)
HEADLINES = ("Floods hit the city", "City counts the cost of the floods",
             "Flood repairs to take months")


def briefing_text(headline: int, points: list[tuple[int, int]],
                  sections: list[list[tuple[int, int]]], quote: int | None, sources: int) -> str:
    """A briefing laid out like the example: headline, 'At a Glance' bullets, headed
    sections of sentences with figures, a block quote, sources. Each (index, number) picks
    a sentence and the number in it."""
    lines = [HEADLINES[headline % len(HEADLINES)]]
    if points:
        lines.append("At a Glance")
        lines += [KEY_POINTS[i % len(KEY_POINTS)].format(n) for i, n in points]
    for number, section in enumerate(sections):
        lines.append(("The Damage", "What Comes Next", "Money")[number % 3])
        lines.append(" ".join(SENTENCES[i % len(SENTENCES)].format(n) for i, n in section)
                     or "No details were given.")
        if quote is not None and number == 0:
            lines.append(QUOTES[quote % len(QUOTES)])
    if sources:
        lines.append("Sources:")
        lines += [f"- City press release {n + 1}" for n in range(sources)]
    return "\n".join(lines)


@dataclass
class Spec:
    """A briefing as the arguments of briefing_text, edited one change at a time."""

    headline: int = 0
    points: list[tuple[int, int]] = field(default_factory=lambda: [(0, 4)])
    sections: list[list[tuple[int, int]]] = field(
        default_factory=lambda: [[(1, 40), (2, 1200), (8, 0)], [(3, 5), (4, 3)]])
    quote: int | None = 0
    sources: int = 1

    def text(self) -> str:
        return briefing_text(self.headline, self.points, self.sections, self.quote,
                             self.sources)

    def edit(self, kind: str, where: int, number: int) -> None:
        """One change of the kind real revisions make: a figure, a sentence added or
        dropped, the headline, a quote, a source."""
        section = self.sections[where % len(self.sections)]
        if kind == "figure" and section:
            index, _ = section[where % len(section)]
            section[where % len(section)] = (index, number)
        elif kind == "point figure" and self.points:
            self.points[0] = (self.points[0][0], number)
        elif kind == "add":
            section.insert(where % (len(section) + 1), (number % 10, number))
        elif kind == "drop" and section:
            section.pop(where % len(section))
        elif kind == "headline":
            self.headline += 1
        elif kind == "quote":
            self.quote = None if self.quote == 1 else (self.quote or 0) + 1
        elif kind == "source":
            self.sources = (self.sources + 1) % 3
        elif kind == "merge":  # two sentences become one (aligned as a merge)
            section[:] = [(5, number), (9, 0), *(p for p in section if p[0] not in (5, 9, 10))]
            section[:2] = [(10, number)]
        elif kind == "split":  # one sentence becomes two (aligned as a split)
            section[:] = [(10, number), *(p for p in section if p[0] not in (5, 9, 10))]
            section[:1] = [(5, number), (9, 0)]


EDITS = ("figure", "point figure", "add", "drop", "headline", "quote", "source", "merge",
         "split")


def new_revision(briefing: str, text: str, name: str, extractor: str | None = None
                 ) -> NewRevision:
    parsed = parse_bytes(text.encode(), name, "text")
    made_by = parsed.extractor
    if extractor is not None:  # as if an older release had stored it
        made_by = Extractor(name="chronicle", version=extractor)
    return NewRevision(briefing, parsed.revision, parsed.origin, made_by)


def replayed_answers(archive: Archive) -> dict[str, object]:
    """Every answer the projection gives, computed from a full replay instead."""
    found: dict[str, object] = {"list": [s.as_dict() for s in api.replayed_summaries(archive)]}
    for briefing in archive.briefings():
        states = api.history(archive, briefing)
        found[f"log {briefing}"] = [e.as_dict() for e in log_entries(states)]
        found[f"timeline {briefing}"] = [t.as_dict() for t in figure_timeline(states)]
        found[f"timeline {briefing} billion"] = [
            t.as_dict() for t in figure_timeline(states, "billion")]
        for number in range(1, len(states) + 1):
            found[f"blame {briefing} r{number}"] = [
                line.as_dict() for line in blame(states, number)]
        found[f"report {briefing}"] = render_report(build_report(states, "test"))
    return found


def projected_answers(archive: Archive) -> dict[str, object]:
    """The same answers read from the projection (brought up to date first); raises if
    there is no projection, so a silent fallback to the replay cannot pass for it."""
    with reading(archive) as db:
        summaries = [api.BriefingSummary(*row).as_dict() for row in queries.summary_rows(db)]
        found: dict[str, object] = {"list": summaries}
        for briefing in archive.briefings():
            count = queries.has_briefing(db, briefing)
            assert count is not None, f"{briefing} is not in the projection"
            found[f"log {briefing}"] = [e.as_dict() for e in queries.log_entries(db, briefing)]
            found[f"timeline {briefing}"] = [
                t.as_dict() for t in queries.figure_threads(db, briefing)]
            found[f"timeline {briefing} billion"] = [
                t.as_dict() for t in queries.figure_threads(db, briefing, "billion")]
            for number in range(1, count + 1):
                found[f"blame {briefing} r{number}"] = [
                    line.as_dict() for line in queries.blame_lines(db, briefing, number, count)]
            found[f"report {briefing}"] = render_report(queries.report_data(db, briefing,
                                                                            "test"))
    return found


def differences(archive: Archive) -> list[str]:
    """Where the projection's answers differ from the replay's (empty: none)."""
    replayed, projected = replayed_answers(archive), projected_answers(archive)
    problems = []
    for key in sorted(replayed.keys() | projected.keys()):
        if replayed.get(key) != projected.get(key):
            problems.append(f"{key}:\n  replay:     {json.dumps(replayed.get(key))[:600]}\n"
                            f"  projection: {json.dumps(projected.get(key))[:600]}")
    return problems


def projection_file(archive: Archive | Path) -> Path:
    path = archive.path if isinstance(archive, Archive) else archive
    return path / ".chronicle" / "projection.sqlite"


def snapshot_problems(path: Path, tips: set[str | None]) -> list[str]:
    """The projection file of the archive at ``path`` as a killed writer left it (read as
    it is, not caught up): it must reflect one of ``tips`` (the old state or the new one),
    and hold exactly the rows a fresh build at that tip holds (never half an update)."""
    import sqlite3

    from chronicle.projection.catchup import CatchUp
    from chronicle.projection.database import read_meta
    from chronicle.projection.schema import INTERNAL, TABLES, public_ddl

    file = projection_file(path)
    if not file.exists():
        return []
    stored = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        meta = read_meta(stored)
        if meta is None:
            return ["the projection has no meta (a half-made file)"]
        if meta.tip not in tips:
            return [f"the projection is at {meta.tip}, neither the old tip nor the new one"]
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        for statement in (*INTERNAL, *public_ddl()):
            fresh.execute(statement)
        archive = Archive(path, recover=False)
        if meta.tip is not None:
            fresh.execute("BEGIN")
            CatchUp(archive, fresh).run(meta.tip)
            fresh.execute("COMMIT")
        archive.close()
        problems = []
        for table in (*(t.name for t in TABLES), "git_trees", "unreadable"):
            query = f"SELECT * FROM {table} ORDER BY 1, 2, 3" if table != "unreadable" else \
                f"SELECT * FROM {table} ORDER BY 1"
            if stored.execute(query).fetchall() != fresh.execute(query).fetchall():
                problems.append(f"the projection's {table} differ from a build at its tip "
                                f"{meta.tip}")
        fresh.close()
        return problems
    finally:
        stored.close()
