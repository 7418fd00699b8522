"""Replay gives back every revision exactly as ingested (property test on a real git archive)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronicle.api import history
from chronicle.errors import CorruptArchive
from chronicle.events import decode_event
from chronicle.extract import CURRENT_EXTRACTOR
from chronicle.layout import event_file_bytes
from chronicle.model import Claim, Figure, Origin, Quote, Revision, Section, Source
from chronicle.replay import replay
from chronicle.store import Archive, NewRevision, StoredEvent
from chronicle.views import revision_message

texts = st.text(min_size=1, max_size=40)
ids = st.from_regex(r"[a-z][a-z0-9.-]{0,12}", fullmatch=True)
numbers = st.floats(allow_nan=False, allow_infinity=False)
maybe = lambda s: st.none() | s  # noqa: E731

claims = st.builds(
    Claim,
    id=ids,
    text=texts,
    section=maybe(st.integers(0, 5)),
    people=st.lists(texts, max_size=2).map(tuple),
)
figures = st.builds(
    Figure,
    id=ids,
    claim=ids,
    text=texts,
    value=numbers,
    value_max=maybe(numbers),
    unit=maybe(st.sampled_from(["USD", "km", "kg", "%"])),
    kind=st.sampled_from(["money", "count", "distance", "date"]),
    qualifier=maybe(texts),
    noun=maybe(texts),
    date=maybe(st.just("2022-02")),
    start=st.integers(0, 99),
    end=st.integers(0, 99),
)
quotes = st.builds(
    Quote,
    id=ids,
    text=texts,
    speaker=maybe(texts),
    claim=maybe(ids),
    section=maybe(st.integers(0, 3)),
)
sections = st.builds(
    Section,
    heading=maybe(texts),
    paragraphs=st.lists(st.lists(ids, max_size=3).map(tuple), max_size=3).map(tuple),
)
raw_revisions = st.builds(  # any shape the model allows, invariants or not
    Revision,
    headline=maybe(texts),
    key_points=st.lists(claims, max_size=3).map(tuple),
    sections=st.lists(sections, max_size=2).map(tuple),
    claims=st.lists(claims, max_size=4).map(tuple),
    quotes=st.lists(quotes, max_size=2).map(tuple),
    figures=st.lists(figures, max_size=3).map(tuple),
    sources=st.lists(
        st.builds(Source, text=texts, url=maybe(st.just("https://example.org/a"))), max_size=2
    ).map(tuple),
    published=maybe(st.just("2024-11-19")),
    url=maybe(st.just("https://example.org/x")),
)


def coherent(revision: Revision) -> Revision:
    """The random revision made to hold chronicle.invariants (unique ids, indexes that
    point somewhere, offsets inside their text): the store refuses to read anything else."""
    seen: set[str] = set()

    def fresh(item_id: str) -> str:
        while item_id in seen:
            item_id += "x"
        seen.add(item_id)
        return item_id

    count = len(revision.sections)

    def section(number: int | None) -> int | None:
        return None if number is None or count == 0 else number % count

    key_points = tuple(c.model_copy(update={"id": fresh(c.id), "section": section(c.section)})
                       for c in revision.key_points)
    claims = tuple(c.model_copy(update={"id": fresh(c.id), "section": section(c.section)})
                   for c in revision.claims)
    claim_ids = [c.id for c in (*key_points, *claims)]
    quotes = tuple(q.model_copy(update={
        "id": fresh(q.id), "section": section(q.section),
        "claim": claim_ids[0] if q.claim is not None and claim_ids else None})
        for q in revision.quotes)
    texts = {c.id: c.text for c in (*key_points, *claims, *quotes)}
    sections = tuple(s.model_copy(update={"paragraphs": tuple(
        tuple(item for item in paragraph if item in texts) for paragraph in s.paragraphs)})
        for s in revision.sections)
    figures = []
    if texts:
        names = sorted(texts)
        for n, figure in enumerate(revision.figures):
            claim = names[n % len(names)]
            start = min(figure.start, len(texts[claim]))
            low, high = sorted((figure.value, figure.value_max or figure.value))
            figures.append(figure.model_copy(update={
                "id": f"{claim}.f{n}", "claim": claim, "start": start,
                "end": max(start, min(figure.end, len(texts[claim]))),
                "value": low, "value_max": None if figure.value_max is None else high}))
    return revision.model_copy(update={
        "key_points": key_points, "claims": claims, "quotes": quotes, "sections": sections,
        "figures": tuple(figures)})


revisions = raw_revisions.map(coherent)
ORIGIN = Origin(name="generated", format="json", sha256="0" * 64, size=0)
counter = itertools.count()


@pytest.fixture(scope="module")
def shared_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return Archive.init(tmp_path_factory.mktemp("replay") / "archive")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(st.lists(revisions, min_size=1, max_size=4, unique_by=lambda r: r.model_dump_json()))
def test_random_revisions_replay_identically(shared_archive: Archive, revs: list[Revision]) -> None:
    briefing = f"b{next(counter)}"
    items = [NewRevision(briefing, rev, ORIGIN, CURRENT_EXTRACTOR) for rev in revs]
    results = shared_archive.append_many(items, revision_message)
    assert [r.status for r in results] == ["recorded"] * len(revs)
    replayed = history(Archive(shared_archive.path), briefing)
    assert [s.revision for s in replayed] == revs
    assert [s.sequence for s in replayed] == list(range(1, len(revs) + 1))


def test_replay_refuses_a_gap_or_a_broken_chain(example_archive: Path) -> None:
    events = Archive(example_archive).events("nato-ukraine")
    assert len(replay(events)) == 3
    with pytest.raises(CorruptArchive, match="sequence 3, expected 2"):
        replay([events[0], events[2]])
    forged = events[1].event.model_copy(update={"previous_sha256": "0" * 64})
    with pytest.raises(CorruptArchive, match="hash chain broken"):
        replay([events[0], StoredEvent(forged, events[1].path, events[1].raw, 2)])
    # the content hash is checked on the stored bytes, when an event is decoded
    document = json.loads(events[1].raw)
    document["revision"]["headline"] = "Forged"
    with pytest.raises(CorruptArchive, match="does not match its content_sha256"):
        decode_event(events[1].path, event_file_bytes(document))
