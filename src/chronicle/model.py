"""Frozen pydantic models of a revision and of the event that stores it.

These models and the files in ``schema/`` describe the same shapes; the schema files
are generated from these models (``python -m chronicle.schemas --write``) and a test
checks that they still agree.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"
_SLUG = re.compile(SLUG_PATTERN)

FigureKind = Literal[
    "money",
    "count",
    "distance",
    "mass",
    "percent",
    "date",
    "time",
    "duration",
    "speed",
    "area",
    "volume",
    "temperature",
    "energy",
    "power",
    "data",
    "data_rate",
    "frequency",
    "pressure",
    "number",
]
IdText = str


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="null")


class Figure(Frozen):
    """A number a reader would call a figure, with what it measures."""

    id: IdText = Field(description="stable within the revision: '<claim id>.f<n>'")
    claim: IdText = Field(description="id of the claim, key point or quote it sits in")
    text: str = Field(description="the surface text, e.g. 'over $56.2 billion'")
    value: float = Field(allow_inf_nan=False, description="normalised value, e.g. 56.2e9")
    value_max: float | None = Field(
        default=None, allow_inf_nan=False, description="upper end of a range"
    )
    unit: str | None = Field(description="ISO currency, SI-ish unit symbol, '%', or null")
    kind: FigureKind
    qualifier: str | None = Field(default=None, description="'over', 'about', ...")
    noun: str | None = Field(default=None, description="what it counts: 'troops'")
    date: str | None = Field(
        default=None, description="ISO date for kind 'date': '2022', '2022-02', '2022-02-24'"
    )
    start: int = Field(ge=0, description="offset of text in the claim")
    end: int = Field(ge=0)


class Claim(Frozen):
    """One sentence of the briefing (a key point is a claim too)."""

    id: IdText
    text: str
    section: int | None = Field(description="index into sections; null for key points")
    people: tuple[str, ...] = ()


class Quote(Frozen):
    """A quotation and who said it, as a block or inside a claim."""

    id: IdText
    text: str
    speaker: str | None
    claim: IdText | None = Field(default=None, description="claim it sits in, if inline")
    section: int | None = None


class Section(Frozen):
    heading: str | None
    paragraphs: tuple[tuple[IdText, ...], ...] = Field(
        description="each paragraph as the ids of its claims and block quotes, in order"
    )


class Source(Frozen):
    text: str
    url: str | None = None


class Revision(Frozen):
    """A briefing as it stood in one revision."""

    schema_version: Literal[1] = SCHEMA_VERSION
    headline: str | None
    key_points: tuple[Claim, ...] = ()
    sections: tuple[Section, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[Source, ...] = ()
    published: str | None = Field(default=None, description="date the source gives")
    url: str | None = None

    def claim_by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in (*self.key_points, *self.claims)}

    def text_by_id(self) -> dict[str, str]:
        """Text of every claim, key point and quote by id (what a figure can sit in)."""
        texts = {c.id: c.text for c in (*self.key_points, *self.claims)}
        texts.update({q.id: q.text for q in self.quotes})
        return texts

    def figures_of(self, claim_id: str) -> list[Figure]:
        return [f for f in self.figures if f.claim == claim_id]


class Origin(Frozen):
    """Where the revision came from."""

    name: str | None = Field(description="file name or URL; null for stdin")
    format: Literal["text", "markdown", "html", "json"]
    sha256: str = Field(pattern=SHA256_PATTERN, description="of the raw input bytes")
    size: int = Field(ge=0)


class Event(Frozen):
    """The stored, immutable envelope of one revision."""

    schema_version: Literal[1] = SCHEMA_VERSION
    event_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    type: Literal["revision.recorded"] = "revision.recorded"
    briefing: str = Field(pattern=SLUG_PATTERN, max_length=64)
    sequence: int = Field(ge=1)
    recorded_at: str = Field(pattern=TIMESTAMP_PATTERN)
    observed_at: str = Field(pattern=TIMESTAMP_PATTERN)
    content_sha256: str = Field(pattern=SHA256_PATTERN, description="of the revision")
    previous_sha256: str | None = Field(
        pattern=SHA256_PATTERN, description="sha256 of the previous event file"
    )
    origin: Origin
    revision: Revision


def is_slug(text: str) -> bool:
    return len(text) <= 64 and _SLUG.match(text) is not None
