"""Synthetic briefing archives: N briefings x M revisions, edited the way real briefings are.

Each briefing is a ~4 KB plain-text briefing laid out like examples/nato-ukraine/r1.txt
(headline, 'At a Glance' bullets, headed sections of sentences with figures, block
quotes with a speaker, 'Sources:'). Each next revision applies one to three edits of
the kinds seen between r1, r2 and r3 of that example: a figure changed (in a claim and,
often, in the key point that repeats it), a sentence added, removed or reworded, a
source added. Everything is deterministic from the seed, and briefing k is the same
whatever N is, so "the same briefing" can be put into archives of any size.

Write a tree for `chronicle ingest --tree DIR`:

    .venv/bin/python benchmarks/synth.py DIR --briefings 10 --revisions 20 [--seed 1]

which writes DIR/<briefing-id>/<NNNN>.txt (NNNN = revision number from 0001).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

TARGET_BYTES = 4300
SLACK = 400

COUNTRIES = (
    "Ukraine", "Poland", "Germany", "France", "Finland", "Estonia", "Latvia", "Lithuania",
    "Romania", "Moldova", "Georgia", "Sweden", "Norway", "Denmark", "Italy", "Spain",
    "Turkey", "Japan", "South Korea", "Taiwan", "India", "Brazil", "Kenya", "Nigeria",
    "Egypt", "Israel", "Jordan", "Canada", "Mexico", "Australia", "Indonesia", "Vietnam",
)
ACTORS = ("NATO", "the European Union", "the United Nations", "the G7", "the World Bank",
          "the IMF", "the African Union", "ASEAN", "the Pentagon", "the Kremlin")
PEOPLE = (
    ("President", "Joe Biden"), ("President", "Emmanuel Macron"),
    ("Chancellor", "Olaf Scholz"), ("Secretary-General", "Antonio Guterres"),
    ("Prime Minister", "Keir Starmer"), ("President", "Volodymyr Zelenskyy"),
    ("Secretary-General", "Mark Rutte"), ("Minister", "Annalena Baerbock"),
    ("Commissioner", "Ursula Lindqvist"), ("Ambassador", "Linda Greenfield"),
    ("General", "Christopher Cavoli"), ("Prime Minister", "Donald Tusk"),
    ("President", "Alar Karis"), ("Governor", "Maria Olsen"), ("Director", "Samuel Okafor"),
)
NOUNS = ("troops", "missiles", "drones", "tanks", "refugees", "soldiers", "aircraft",
         "shells", "vehicles", "engineers", "doctors", "households", "civilians", "ships")
TOPICS = ("defense", "energy", "trade", "sanctions", "aid", "security", "reconstruction",
          "grain exports", "air defense", "border", "elections", "ceasefire talks")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
HEADINGS = (
    "{A}’s Decision Sparks Renewed Support", "{C}’s Escalation and International Response",
    "Diplomatic Tensions and Varied Responses", "The Road Ahead", "What {A} Agreed",
    "Pressure Mounts on {C}", "Markets React to the {T} Package", "Why {T} Matters Now",
    "A Divided Alliance", "Inside the {T} Negotiations", "The Cost of {T}", "Next Steps",
)
HEADLINES = (
    "{A} members unite to bolster {C}’s {T} capabilities as tensions escalate.",
    "{C} and {C2} reach a deal on {T} after weeks of talks.",
    "{A} weighs new {T} measures as pressure on {C} grows.",
    "{P} pledges more {T} support for {C} amid mounting losses.",
)
# Sentences with figures: {M} money, {N} count of {noun}, {K} km, {W} kg, {PC} percent,
# {D} month and year, {Y} year, {DU} duration.
WITH_FIGURES = (
    "{C} has received over {M} in {T} assistance from {A} since {D}.",
    "The move comes in response to {C2}’s deployment of {N} {noun} to the region near "
    "{C}’s border.",
    "These packages include missiles which boast a range of {K} and carry {W} warheads.",
    "Officials in {C} estimate that {N} {noun} have crossed the border since {D}.",
    "The {T} budget of {C} rose by {PC} to {M} in {Y}.",
    "{A} said the first deliveries would arrive within {DU}, carrying about {W} of equipment.",
    "Support for the {T} plan stands at {PC} in {C}, according to a poll published in {D}.",
    "The corridor stretches {K} from the coast to the capital of {C}.",
    "{C} will spend {M} over {DU} on {T}, up from {M2} a year earlier.",
    "At least {N} {noun} were reported in {C} by {D}, roughly {PC} more than a year before.",
    "The agreement covers {N} {noun} and {M} of credit lines for {C}.",
    "Inflation in {C} eased to {PC} in {D}, the central bank said.",
)
PLAIN = (
    "This pivotal decision allows {C} to act more freely, marking a significant shift in the "
    "{T} debate.",
    "This coordinated effort aims to enhance {C}’s defensive capabilities against increased "
    "pressure.",
    "This move has raised concerns about the conflict’s potential to draw in other nations.",
    "The escalation has not gone unnoticed by the international community.",
    "{P} criticized the decision, viewing it as increased involvement of {A} in the conflict.",
    "Meanwhile, {A} has called for a peaceful resolution and an end to further escalation.",
    "While most members are rallying behind the decision, {C2} has maintained its earlier policy.",
    "The coming months will be crucial in determining whether this support will lead to a "
    "resolution.",
    "{P} has been advocating for the ability to respond to attacks on cities and infrastructure.",
    "Analysts in {C} say the {T} question will dominate the next summit of {A}.",
    "The decision aligns with the strategic objectives of {C}, potentially altering the "
    "balance of power.",
    "Diplomats from {C2} described the talks as difficult but constructive.",
)
QUOTES = (
    "We want peace, we want fair peace.",
    "Strikes are not made with words. Such things are not announced.",
    "There are certain limits to what we can offer on {T}.",
    "{C} will not be left alone, and {A} will stand with it for as long as it takes.",
    "This is the moment to decide what kind of {T} policy we want.",
    "Nobody should doubt our resolve on {T}.",
)
SOURCES = (
    "{C} has been waiting for {T} support. Is the approval too late?",
    "{A} members prepare more {T} aid for {C}",
    "{C2} says {C} broke the {T} agreement",
    "What the {T} deal means for {C} and {C2}",
    "Live updates: {A} summit on {T}",
)
REWORDINGS = (
    ("ignited", "triggered"), ("significant", "major"), ("recent", "latest"),
    ("additional", "further"), ("enhance", "strengthen"), ("concerns", "fears"),
    ("criticized", "condemned"), ("crucial", "decisive"), ("rallying behind", "supporting"),
    ("difficult", "tough"), ("estimate", "believe"), ("reported", "recorded"),
    ("over", "more than"), ("about", "roughly"), ("said", "stated"), ("rose", "climbed"),
    ("a peaceful resolution", "a negotiated settlement"), ("dominate", "shape"),
)
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d|[A-Za-z])")


@dataclass
class Paragraph:
    sentences: list[str] = field(default_factory=list)
    quote: tuple[str, str] | None = None  # (text, speaker) for a block quote


@dataclass
class Section:
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Briefing:
    headline: str
    key_points: list[str]
    sections: list[Section]
    sources: list[str]

    def render(self) -> str:
        lines = [self.headline, "At a Glance", *(f"- {k}" for k in self.key_points)]
        for section in self.sections:
            lines.append(section.heading)
            for p in section.paragraphs:
                if p.quote:
                    lines.append(f"“{p.quote[0]}” – {p.quote[1]}")
                elif p.sentences:
                    lines.append(" ".join(p.sentences))
        lines += ["Sources:", *(f"- {s}" for s in self.sources)]
        return "\n".join(lines) + "\n"


class _Writer:
    """Fills templates with a consistent cast for one briefing."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.country, self.country2 = rng.sample(COUNTRIES, 2)
        self.actor = rng.choice(ACTORS)
        self.topic = rng.choice(TOPICS)

    def money(self) -> str:
        r = self.rng
        return r.choice((f"${r.randint(11, 990) / 10:.1f} billion", f"${r.randint(2, 900)} million",
                         f"€{r.randint(11, 500) / 10:.1f} billion"))

    def count(self) -> str:
        return f"{self.rng.randint(2, 120) * 500:,}"

    def date(self) -> str:
        return f"{self.rng.choice(MONTHS)} {self.rng.randint(2014, 2024)}"

    def fill(self, template: str, heading: bool = False) -> str:
        r = self.rng
        title, name = r.choice(PEOPLE)
        values = {
            "C": self.country, "C2": self.country2, "A": self.actor,
            "T": self.topic.title() if heading else self.topic,
            "P": f"{title} {name}", "M": self.money(), "M2": self.money(), "N": self.count(),
            "noun": r.choice(NOUNS), "K": f"{r.randint(5, 250) * 10:,} kilometers",
            "W": f"{r.randint(5, 180) * 10:,} kg", "PC": f"{r.randint(2, 95)}%",
            "D": self.date(), "Y": str(r.randint(2015, 2025)),
            "DU": f"{r.randint(2, 18)} {r.choice(('weeks', 'months'))}",
        }
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def sentence(self, taken: Collection[str] = ()) -> str:
        for _ in range(20):
            pool = WITH_FIGURES if self.rng.random() < 0.55 else PLAIN
            text = self.fill(self.rng.choice(pool))
            if text not in taken:
                break
        return text

    def quote(self) -> tuple[str, str]:
        title, name = self.rng.choice(PEOPLE)
        return self.fill(self.rng.choice(QUOTES)), f"{title} {name}"

    def first(self) -> Briefing:
        r = self.rng
        sections = []
        for _ in range(4):
            section = Section(self.fill(r.choice(HEADINGS), heading=True))
            for n in range(r.randint(2, 3)):
                if n and r.random() < 0.4:
                    section.paragraphs.append(Paragraph(quote=self.quote()))
                else:
                    body = Paragraph()
                    for _ in range(r.randint(3, 4)):
                        taken = _all_sentences(sections, section) | set(body.sentences)
                        body.sentences.append(self.sentence(taken))
                    section.paragraphs.append(body)
            sections.append(section)
        claims = [s for sec in sections for p in sec.paragraphs for s in p.sentences]
        figured = [s for s in claims if _NUMBER.search(s)]
        key_points = [s.rstrip(".") for s in r.sample(figured, min(2, len(figured)))]
        while len(key_points) < 5:
            point = self.fill(r.choice(PLAIN)).rstrip(".")
            if point not in key_points:
                key_points.append(point)
        brief = Briefing(self.fill(r.choice(HEADLINES)), key_points, sections,
                         [self.fill(s) for s in r.sample(SOURCES, 2)])
        while len(brief.render().encode()) > TARGET_BYTES + SLACK:
            _remove_sentence(brief, r)
        while len(brief.render().encode()) < TARGET_BYTES - SLACK:
            _add_sentence(brief, self)
        return brief


def _body(brief: Briefing) -> list[Paragraph]:
    return [p for s in brief.sections for p in s.paragraphs if p.sentences]


def _all_sentences(sections: list[Section], *more: Section) -> set[str]:
    return {s for sec in (*sections, *more) for p in sec.paragraphs for s in p.sentences}


def _add_sentence(brief: Briefing, w: _Writer) -> None:
    w.rng.choice(_body(brief)).sentences.append(w.sentence(_all_sentences(brief.sections)))


def _remove_sentence(brief: Briefing, rng: random.Random) -> bool:
    candidates = [p for p in _body(brief) if len(p.sentences) > 1]
    if not candidates:
        return False
    p = rng.choice(candidates)
    del p.sentences[rng.randrange(len(p.sentences))]
    return True


def _change_figure(brief: Briefing, rng: random.Random) -> bool:
    """Change one number in a sentence; the key point that repeats it changes too."""
    places = [(p, i) for p in _body(brief) for i, s in enumerate(p.sentences) if _NUMBER.search(s)]
    if not places:
        return False
    p, i = rng.choice(places)
    old = p.sentences[i]
    matches = list(_NUMBER.finditer(old))
    m = rng.choice(matches)
    number = m.group(0)
    if re.fullmatch(r"(19|20)\d\d", number):  # a year: move it by one
        new = str(int(number) + rng.choice((-1, 1)))
    else:
        value = float(number.replace(",", ""))
        factor = 1 + rng.choice((-1, 1)) * rng.uniform(0.03, 0.4)
        decimals = len(number.split(".")[1]) if "." in number else 0
        changed = max(value * factor, 1.0)
        if changed == value:
            changed += 1
        comma = "," in number or changed >= 1000
        new = f"{changed:,.{decimals}f}" if comma else f"{changed:.{decimals}f}"
    p.sentences[i] = old[: m.start()] + new + old[m.end():]
    stem = old.rstrip(".")
    for k, point in enumerate(brief.key_points):
        if point == stem:  # the key point repeats the claim: it is updated with it
            brief.key_points[k] = point[: m.start()] + new + point[m.end():]
    return True


def _reword(brief: Briefing, rng: random.Random) -> bool:
    places = [(p, i, a, b) for p in _body(brief) for i, s in enumerate(p.sentences)
              for a, b in REWORDINGS if f" {a} " in s or f" {b} " in s]
    if not places:
        return False
    p, i, a, b = rng.choice(places)
    s = p.sentences[i]
    if f" {a} " in s:
        p.sentences[i] = s.replace(f" {a} ", f" {b} ", 1)
    else:
        p.sentences[i] = s.replace(f" {b} ", f" {a} ", 1)
    return True


def _edit(brief: Briefing, w: _Writer) -> None:
    """One to three edits, in the proportions a newsroom's updates show."""
    rng = w.rng
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        size = len(brief.render().encode())
        roll = rng.random()
        if size > TARGET_BYTES + SLACK:
            roll = 0.55  # too long: remove
        elif size < TARGET_BYTES - SLACK:
            roll = 0.40  # too short: add
        if roll < 0.35:
            done = _change_figure(brief, rng)
        elif roll < 0.50:
            _add_sentence(brief, w)
            done = True
        elif roll < 0.62:
            done = _remove_sentence(brief, rng)
        elif roll < 0.92:
            done = _reword(brief, rng)
        elif roll < 0.96:
            brief.sources.append(w.fill(rng.choice(SOURCES)))
            if len(brief.sources) > 6:
                del brief.sources[0]
            done = True
        else:
            title, name = rng.choice(PEOPLE)
            quotes = [p for s in brief.sections for p in s.paragraphs if p.quote]
            if quotes:
                target = rng.choice(quotes)
                assert target.quote is not None
                target.quote = (target.quote[0], f"{title} {name}")
            done = bool(quotes)
        if not done:
            _add_sentence(brief, w)


def briefing_id(index: int) -> str:
    return f"briefing-{index:05d}"


def revisions(index: int, count: int, seed: int = 1) -> list[str]:
    """The texts of ``count`` revisions of briefing ``index``; each differs from the last."""
    rng = random.Random(f"chronicle-synth:{seed}:{index}")
    writer = _Writer(rng)
    brief = writer.first()
    texts = [brief.render()]
    while len(texts) < count:
        _edit(brief, writer)
        text = brief.render()
        if text != texts[-1]:
            texts.append(text)
    return texts


def archive_texts(briefings: int, count: int, seed: int = 1,
                  first: int = 0) -> Iterator[tuple[str, list[str]]]:
    """(briefing id, revision texts) for briefings first .. first+briefings-1."""
    for index in range(first, first + briefings):
        yield briefing_id(index), revisions(index, count, seed)


def write_tree(root: Path, briefings: int, count: int, seed: int = 1, first: int = 0) -> int:
    """Write ROOT/<briefing-id>/<NNNN>.txt; return the number of files written."""
    written = 0
    for name, texts in archive_texts(briefings, count, seed, first):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for n, text in enumerate(texts, start=1):
            (folder / f"{n:04d}.txt").write_text(text, encoding="utf-8")
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="where to write <briefing-id>/<NNNN>.txt")
    parser.add_argument("--briefings", type=int, default=10)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="index of the first briefing")
    args = parser.parse_args(argv)
    n = write_tree(args.dir, args.briefings, args.revisions, args.seed, args.first)
    print(f"wrote {n} revision files under {args.dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
