"""Frozen pydantic models of a revision and of the event that stores it.

These models and the files in ``schema/`` describe the same shapes; the schema files
are generated from these models (``python -m chronicle.schemas --write``) and a test
checks that they still agree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from .layout import (
    MAX_ID_LENGTH,
    SCHEMA_VERSION,
    SHA256_PATTERN,
    SLUG_PATTERN,
    TIMESTAMP_PATTERN,
)

# The models describe the schema version this release writes (layout.SCHEMA_VERSION):
# upcast.py turns documents stored in older versions into this one before they get here.
CurrentVersion = Literal[2]

FigureKind = Literal[
    "money",
    "count",
    "distance",
    "mass",
    "percent",
    "date",
    "duration",
    "speed",
    "area",
    "volume",
    "temperature",
    "energy",
    "power",
    "number",
    "time",
    "data",
    "data_rate",
    "frequency",
    "pressure",
]
IdText = str


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="null")


class Figure(Frozen):
    """A number a reader would call a figure, with what it measures."""

    @field_validator("value", "value_max")
    @classmethod
    def _plain_zero(cls, number: float | None) -> float | None:
        # -0.0 == 0.0, but it is written "-0.0" and has no canonical form (layout.py)
        return number + 0.0 if number is not None else None

    # Written 56200000000, not 56200000000.0: the canonical form of layout.py, which the
    # fast encoders then give without a conversion pass.
    @field_serializer("value")
    def _value_as_written(self, number: float) -> int | float:
        return _integral_as_int(number)

    @field_serializer("value_max")
    def _value_max_as_written(self, number: float | None) -> int | float | None:
        return None if number is None else _integral_as_int(number)

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


def _integral_as_int(number: float) -> int | float:
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


class Claim(Frozen):
    """One sentence of the briefing (a key point is a claim too), or one row of a table."""

    id: IdText
    text: str
    section: int | None = Field(description="index into sections; null for key points")
    people: tuple[str, ...] = ()
    parent: IdText | None = Field(
        default=None, description="the key point this one is nested under (a nested list)")
    labels: tuple[tuple[int, int], ...] | None = Field(
        default=None, description="a table row: the spans of its row header and column names "
        "in text (context for its figures, never figures); null for a sentence")


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

    schema_version: CurrentVersion = SCHEMA_VERSION
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


class Extractor(Frozen):
    """What derived a revision's claims, quotes and figures from its text."""

    name: str = Field(description="'chronicle' for chronicle's own readers and extractor, "
                      "'json' for a revision given as JSON")
    version: str = Field(description="changes whenever the derived data would change")


class Event(Frozen):
    """The stored, immutable envelope of one revision."""

    # Built on first use: `chronicle parse` makes revisions, never events.
    model_config = ConfigDict(defer_build=True)

    schema_version: CurrentVersion = SCHEMA_VERSION
    event_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    type: Literal["revision.recorded"] = "revision.recorded"
    briefing: str = Field(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH)
    sequence: int = Field(ge=1)
    recorded_at: str = Field(pattern=TIMESTAMP_PATTERN)
    observed_at: str = Field(pattern=TIMESTAMP_PATTERN)
    content_sha256: str = Field(
        pattern=SHA256_PATTERN,
        description="sha256 of the canonical form of the revision (docs/archive-format.md)")
    previous_sha256: str | None = Field(
        pattern=SHA256_PATTERN, description="sha256 of the previous event file"
    )
    origin: Origin
    extractor: Extractor
    revision: Revision
