"""Claims, quotes, people and figures out of a read Document: Document -> Revision."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .figures import find_figures
from .model import Claim, Extractor, Figure, Quote, Revision, Section, Source
from .readers.document import Block, BlockQuote, DocSection, Document, Paragraph, TableRow
from .sentences import split_sentences

# Changes whenever what build_revision derives from the same text would change (sentence
# splitting, figures, quotes, people): events record it, and revisions extracted by
# different versions are re-derived before they are compared (derive.py).
# tests/test_extractor_version.py fails when the output changes and this does not.
# "4": the figure extractor of issue 11 (figures.FIGURES_VERSION "2"); "5": sentences and
# structure of issue 10 (lower-case text split, short statement lines kept as paragraphs);
# "6": claims record their nesting (parent) and table rows (labels); "7": "1.5m people"
# is a count; "8": dot-grouped money ("Rp 10.000"), day-month dates with a two-digit year,
# "N below zero", "bucks", numbers in clauses written in capitals, times with seconds
# ("2:02:40" a duration), "rose $1.20 to $84.35" two figures, "0600 GMT" a time, shares in
# words ("a quarter of a percentage point", "a fifth less", "half of"), "9.58s" in seconds,
# "0342 local time", "a quarter point" on rates (0.25 pp), a margin "by 1:12" (72 s);
# "9": the first item of a list takes the unit or noun of its last ("8, 10 and 12 inches"),
# a scale word then a larger one multiply ("₹2.5 lakh crore" = 2.5e12), hyphenated scales
# and currency words ("$1.2-billion", "a 5-dollar fee"), a height "6-foot-2" (74 in),
# British "3.5pc" (percent) and "410p" (pence), a count after a name with its noun left out
# ("87 seats and the Conservatives 21"), a duration in two units one figure ("1 minute 10
# seconds" = 70 s), inches written 9" or 9'' when no quotation closes there, gigatonnes,
# "plus or minus 3 points" a margin (3), not -3; "10": plural scales after a number ("three
# billions", "200 dozens"), "Rs 300 cr", "percents", "pct" glued, "grand" (thousands), "quid",
# light-years, "º F", "nought"; an amount and its sub-unit after a symbol or code ("$20 and
# 43c", "3 GBP 1 pence", "20 ringgit and 43 sen"); "and half" after a unit; "half a percent";
# "zero" as a level ("cut to zero"); a quarter or half of a year as "2024-Q3" / "2024-H1";
# "15 usd", "35 euro cents", "$50 CAD", "1 million 200 thousand"; scaled values rounded to
# 15 digits (0.35, not 0.35000000000000003); year-first dates with slashes or dots
# ("2024/12/31"), "metric tonnes"; Indian digit grouping ("Rs 1,50,000"); "a quarter of a
# billion pounds" (money, 2.5e8), "a million and a half" (1.5e6), "a half-billion"; "rose by
# $5bn to $50bn" a move and a level (not a range); "0.3 point to 4.1%" and "ppt" percentage
# points, "bips"; "COP28" no money; a glued "m" is millions after a counted total ("a
# population of 1.2m", "1.5m-strong", "175m monthly active users"); ages in apposition ("John
# Smith, 45, of Leeds") and age ranges ("aged 13-17"); a measure in two units after a slash
# ("30C/86F"), "1h 45m" (105 min), "four-and-a-half years", "6ft 2in" (74 in); "a 4K TV"
# and a leading "One day," are no figures; concentrations ("424 ppm", "parts per billion")
# as numbers with a unit; "one in five" a share (20 %); fiscal years ("FY24", "FY2024/25");
# "RM1.2bil", "Dh", "SR"; "36 straight hours"; street numbers, software versions, "stage 4",
# "Ligue 1", "401(k)", "one another", "one-on-one" and the "a litre" of "152.3p a litre" are
# no figures; "the 1800s" and "the 19th century" a century ("18XX"); what a price is per as
# its noun ("€95 per megawatt hour": noun "per MWh"; "45 cents a share": "per share");
# bands of ten as ages ("in his 40s": 40-49 years) or, among words of weather, temperatures
# ("highs in the low 90s": 90-93 deg); a year before the period nouns of reports ("the 2023
# results", "Q2 2024 earnings") a date, not a count; "3 and a half miles"; "7:30 tonight"
# (19.5 h); "three-quarters of an acre"; "half a point" on rates (0.5 pp); "Nine in 10";
# "Formula One", "won 5 to 2" and a score's "half a point" are no figures; a list of days
# takes its month ("18, 20 and 25 June"); "June." keeps no full stop; "over 12 months" is
# during, not more than; an ordered list's "1." opens its item's sentence; a quotation of one
# or two words is a quote when a speaker is named ("showed "no remorse", the judge said");
# "increased by $2 to 3 billion" a range (the scale is shared); "złoty"; "11": a speaker
# named before the quotation with "according to" ("According to police spokesman Tom Hale,
# "...""); a golfer's "4-under 68" qualifies nothing ("under 68") and "2-over" counts no
# "over"; the bare end of a move from a percent or measure takes its unit ("from 3 per cent
# to 3.5"); Swiss grouping ("CHF 2'310.50"), whole prices "34,- €", heights in primes
# ("6'2\"" = 74 in), "the 1950's"; years said aloud ("twenty twenty-six", "nineteen oh
# five") are dates, except in a run of number words; "three and a quarter hours" (3.25);
# "20 c" and "68 f" among words of heat ("temp", "thermostat" now among them); "a 10 percentage
# increase" (percent); "wks", "mos"; "pounds" after words of paying is money ("costs 12
# pounds"); working, business and calendar days; "sqm", "sq ft", "km/s"; cents said after
# the currency word ("7 dollars 50", "two pounds fifty"); "5 ft 10" (70 in), "7 lb 8 oz"
# (120 oz); the sides of a size take its unit ("30 x 20 x 10 cm"); "77 K" and "2700K" are
# kelvin among words of physics ("boils", "colour temperature"); numbers that say which, not
# how many ("page 42", "terminal 2", "the number 73 bus"), are no figures; "six foot two"
# (74 in); "2 x 20 kg" lends no unit (only lengths are sides of a size); "only one ticket"
# counts; "2 ½ hours"; "100GB/month"; age groups ("over-60s", "the under-18s") and "7 yo".
EXTRACTOR_VERSION = "11"
CURRENT_EXTRACTOR = Extractor(name="chronicle", version=EXTRACTOR_VERSION)

_TITLE = (
    r"(?:President|Vice President|Prime Minister|Chancellor|Secretary-General|Secretary|"
    r"Minister|spokes(?:person|man|woman)|Sen\.|Senator|Rep\.|Gov\.|Governor|Gen\.|General|"
    r"Dr\.|Mr\.|Mrs\.|Ms\.|King|Queen|Pope|Mayor|Ambassador|Commissioner|Chairman|Director|"
    r"Chief|Admiral|Colonel|Lt\.)"
)
_NAME = r"[A-Z][\w’'-]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][\w’'-]+){0,2}"
PERSON_AFTER_TITLE = re.compile(rf"\b{_TITLE}\s+(?P<name>{_NAME})")
PERSON_IN_PARENS = re.compile(r"\((?P<name>[A-Z][\w’'-]+\s+[A-Z][\w’'-]+)\)")
TRAILING_NAME = re.compile(r"(?<![\w’'-])(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,2})\s*$")
# German „…“ (closed by “ or ”) first, so that its closing “ is not read as an opening one;
# then English “…”, guillemets «…» and straight quotes.
INLINE_QUOTE = re.compile(
    r"„(?P<german>[^„“”]{3,})[“”]|“(?P<text>[^“”„]{3,})”|«\s?(?P<guillemets>[^«»]{3,}?)\s?»"
    r"|\"(?P<straight>[^\"]{3,})\""
)
_SPEECH = (
    r"(?:said|says|stated|states|added|told|tells|wrote|writes|warned|noted|explained|"
    r"argued|insisted|declared|announced|tweeted|posted|called|calls|described|describes|"
    r"replied|responded|asked|recalled|acknowledged|conceded|cautioned|urged|predicted|"
    r"sagte|sagt|erklärte|betonte|schrieb|dit|a déclaré|dijo|afirmó)"
)
# Words between the speech verb and the quotation: 'called the budget', 'said in a
# statement', 'told reporters on Monday', 'wrote in a letter to staff'.
_BETWEEN = r"(?:\s+(?!said\b|says\b)[\w’'.-]+){0,6}?"
SPEAKER_ACCORDING = re.compile(r"^[,\s]*according to (?P<speaker>[^,.;“”\"]{2,100})")
SPEAKER_ACCORDING_BEFORE = re.compile(
    r"(?:^|[,;]\s+)[Aa]ccording to (?P<speaker>[^,;“”\"„«»]{2,100}?)\s*[,:]?\s*$")
SPEAKER_AFTER = re.compile(rf"^[,\s]*(?P<speaker>[^,;“”\"]{{2,100}}?)\s+{_SPEECH}\b")
SPEAKER_INVERTED = re.compile(
    rf"^[,\s]*{_SPEECH}\s+(?P<speaker>[A-Z][^,;“”\"]{{1,100}}?)\s*(?:[,;]|[.!?]?$|\s+(?=(?:on|"
    r"in|at|during|after|before|when|last|this|yesterday|today|am|im|bei|nach|le|el)\b))"
)
SPEAKER_BEFORE = re.compile(
    rf"(?:^|[,;]\s+|\b(?:while|and|but|as)\s+)(?P<speaker>[^,;“”\"„«»]{{2,100}}?)\s+"
    rf"{_SPEECH}\b{_BETWEEN}\s*[,:]?\s*(?:that\s+|as\s+|it\s+)?$"
)

_POSSESSIVE = re.compile(r"[’']s$")
_LEADING_TITLES = re.compile(rf"^(?:(?:Ukrainian|Russian|U\.S\.|U\.N\.)\s+)?(?:{_TITLE}\s+)+")


def build_revision(doc: Document) -> Revision:
    """Every sentence a claim, with its figures, quotes and people, under stable ids."""
    return _Builder(doc).build()


def document_of(revision: Revision) -> Document:
    """The read structure a stored revision was built from: its text, headings, key points,
    block quotes and sources (what the readers produced), for re-deriving the rest."""
    texts = revision.text_by_id()
    rows = {c.id: c for c in revision.claims if c.labels is not None}
    block_quotes = {q.id: q for q in revision.quotes if q.claim is None}
    position = {c.id: n for n, c in enumerate(revision.key_points)}
    doc = Document(
        headline=revision.headline,
        key_points=[c.text for c in revision.key_points],
        key_point_parents={n: position[c.parent] for n, c in enumerate(revision.key_points)
                           if c.parent in position},
        sources=[(s.text, s.url) for s in revision.sources],
        published=revision.published,
        url=revision.url,
    )
    for section in revision.sections:
        blocks: list[Block] = []
        for ids in section.paragraphs:
            if len(ids) == 1 and ids[0] in block_quotes:
                quote = block_quotes[ids[0]]
                blocks.append(BlockQuote(quote.text, quote.speaker))
            elif len(ids) == 1 and ids[0] in rows:
                row = rows[ids[0]]
                blocks.append(TableRow(row.text, row.labels or ()))
            elif text := " ".join(texts[i] for i in ids if i in texts):
                blocks.append(Paragraph(text))
        doc.sections.append(DocSection(section.heading, blocks))
    return doc


def stable_id(prefix: str, text: str, taken: dict[str, int]) -> str:
    """An id from the normalised text, so an unchanged claim keeps its id across revisions.

    ``taken`` counts the ids made from each hash: the n-th repeat of a text gets '-n'
    (a count, not a search, so a text repeated thousands of times stays linear).
    """
    normal = " ".join(text.casefold().split())
    base = prefix + hashlib.sha256(normal.encode()).hexdigest()[:10]
    n = taken.get(base, 0) + 1
    taken[base] = n
    return base if n == 1 else f"{base}-{n}"


@dataclass
class _Builder:
    doc: Document
    taken: dict[str, int] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    names_pattern: re.Pattern[str] | None = None

    def build(self) -> Revision:
        self.names = known_people(self.doc)
        self.names_pattern = people_pattern(self.names)
        key_points = tuple(self._claim("k", text, None) for text in self.doc.key_points)
        key_points = tuple(
            kp.model_copy(update={"parent": key_points[self.doc.key_point_parents[n]].id})
            if n in self.doc.key_point_parents else kp for n, kp in enumerate(key_points))
        sections = tuple(
            self._section(i, s.heading, s.blocks) for i, s in enumerate(self.doc.sections)
        )
        return Revision(
            headline=self.doc.headline,
            key_points=key_points,
            sections=sections,
            claims=tuple(self.claims),
            quotes=tuple(self.quotes),
            figures=tuple(self.figures),
            sources=tuple(Source(text=t, url=u) for t, u in self.doc.sources),
            published=self.doc.published,
            url=self.doc.url,
        )

    def _section(
        self, index: int, heading: str | None, blocks: list[Block]
    ) -> Section:
        paragraphs: list[tuple[str, ...]] = []
        for block in blocks:
            if isinstance(block, BlockQuote):
                paragraphs.append((self._block_quote(block, index),))
            elif isinstance(block, TableRow):  # a row is one claim, never split
                paragraphs.append((self._body_claim(block.text, index, block.labels, True),))
            else:
                ids = [self._body_claim(text, index) for text in _sentence_texts(block.text)]
                paragraphs.append(tuple(ids))
        return Section(heading=heading, paragraphs=tuple(paragraphs))

    def _claim(self, prefix: str, text: str, section: int | None,
               labels: tuple[tuple[int, int], ...] = (), is_row: bool = False) -> Claim:
        claim = Claim(
            id=stable_id(prefix, text, self.taken),
            text=text,
            section=section,
            people=people_in(text, self.names, self.names_pattern),
            labels=labels if is_row else None,
        )
        self._add_figures(claim.id, text, labels)
        return claim

    def _body_claim(self, text: str, section: int,
                    labels: tuple[tuple[int, int], ...] = (), is_row: bool = False) -> str:
        claim = self._claim("c", text, section, labels, is_row)
        self.claims.append(claim)
        for quoted, speaker in inline_quotes(text):
            quote_id = stable_id("q", quoted, self.taken)
            self.quotes.append(
                Quote(id=quote_id, text=quoted, speaker=speaker, claim=claim.id, section=section)
            )
        return claim.id

    def _block_quote(self, block: BlockQuote, section: int) -> str:
        quote_id = stable_id("q", block.text, self.taken)
        self.quotes.append(
            Quote(id=quote_id, text=block.text, speaker=block.speaker, section=section)
        )
        self._add_figures(quote_id, block.text)
        return quote_id

    def _add_figures(self, claim_id: str, text: str,
                     labels: tuple[tuple[int, int], ...] = ()) -> None:
        """The figures of a text, except inside labels (a table's row and column names)."""
        found_figures = [f for f in find_figures(text)
                         if not any(f.start < end and start < f.end for start, end in labels)
                         and not _LIST_NUMBER.match(text, f.start)]
        for n, found in enumerate(found_figures, start=1):
            self.figures.append(
                Figure(
                    id=f"{claim_id}.f{n}",
                    claim=claim_id,
                    text=found.text,
                    value=found.value,
                    value_max=found.value_max,
                    unit=found.unit,
                    kind=found.kind,  # type: ignore[arg-type]
                    qualifier=found.qualifier,
                    noun=found.noun,
                    date=found.date,
                    start=found.start,
                    end=found.end,
                )
            )


# '9) Publish the report': the number of a list item, not a figure
_LIST_NUMBER = re.compile(r"(?<!.)\d{1,3}[.)]\s", re.DOTALL)


def _sentence_texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def inline_quotes(sentence: str) -> list[tuple[str, str | None]]:
    """Quotations inside a sentence, each with its speaker where the sentence names one."""
    found = []
    for match in INLINE_QUOTE.finditer(sentence):
        quoted = next(g for g in match.groups() if g is not None).strip().rstrip(",")
        speaker = _speaker(sentence[: match.start()], sentence[match.end() :])
        if len(quoted.split()) < 3 and (speaker is None or not quoted):
            continue  # a scare-quoted word, not a quotation; "called it "solid"" is one
        found.append((quoted, speaker))
    return found


def _speaker(before: str, after: str) -> str | None:
    for pattern, text in (
        (SPEAKER_ACCORDING, after),
        (SPEAKER_INVERTED, after),
        (SPEAKER_AFTER, after),
        (SPEAKER_BEFORE, before),
        (SPEAKER_ACCORDING_BEFORE, before),
    ):
        match = pattern.search(text)
        if match:
            return _tidy_speaker(match.group("speaker"))
    return None


def _tidy_speaker(speaker: str) -> str:
    speaker = " ".join(speaker.split()).strip(" ,:")
    return re.sub(r"^(?:Meanwhile|However|And|But|Then),?\s+", "", speaker)


def known_people(doc: Document) -> dict[str, str]:
    """Full names found after titles, in parentheses and as quote speakers, by surname."""
    texts = [*doc.key_points, *(b.text for s in doc.sections for b in s.blocks)]
    speakers = [b.speaker for s in doc.sections for b in s.blocks if isinstance(b, BlockQuote)]
    names: list[str] = []
    for text in texts + [s for s in speakers if s]:
        names += [m.group("name") for m in PERSON_AFTER_TITLE.finditer(text)]
        names += [m.group("name") for m in PERSON_IN_PARENS.finditer(text)]
    for speaker in speakers:
        trailing = TRAILING_NAME.search(speaker or "")
        if trailing:
            names.append(trailing.group("name"))
    by_surname: dict[str, str] = {}
    cleaned = {_LEADING_TITLES.sub("", _POSSESSIVE.sub("", n)) for n in names}
    for name in sorted(cleaned, key=lambda n: (len(n), n)):
        by_surname[name.split()[-1]] = name  # the longest form wins: 'Joe Biden' over 'Biden'
    return by_surname


def people_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    """One regex that finds any known surname (longest first), or None if there are none."""
    if not names:
        return None
    surnames = sorted(names, key=lambda n: (-len(n), n))
    return re.compile(r"\b(?:" + "|".join(map(re.escape, surnames)) + r")\b")


def people_in(
    text: str, names: dict[str, str], pattern: re.Pattern[str] | None
) -> tuple[str, ...]:
    """Full names of the known people a text mentions, in the order it mentions them."""
    found: list[str] = []
    for match in pattern.finditer(text) if pattern else ():
        full = names[match.group()]
        if full not in found:
            found.append(full)
    return tuple(found)
