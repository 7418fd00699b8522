"""Work done ahead for a bulk ingest gives exactly what the store makes without it: the
memos of figures and words, and commit messages made in the workers (bulk.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronicle import api, extract, figures, pairing
from chronicle.bulk import Prepared, _ahead, chunks, new_revisions
from chronicle.gitobjects import BLOB_MODE, TREE_MODE, serialize_tree
from chronicle.layout import event_file_bytes
from chronicle.readers import Parsed, parse_bytes
from chronicle.store import Archive, NewRevision, Prior
from chronicle.views import revision_message

TEMPLATES = (
    "Officials said {n} troops had crossed the border by {d} June.",
    "The fund grew by ${n} million, up {p}% on the year.",
    "About {n} people were evacuated from {n} villages.",
    "The ministry said it had spent €{n}.{p} billion since {y}.",
    "Rates rose {p} basis points to {p}.{d}%, the bank said.",
    "\"We will not stop,\" said the minister, Anna Weber.",
    "No figure appears in this sentence at all.",
    "Between {n} and {n} km of road were closed on {d} March {y}.",
    "Prices fell {p} percent in the week to {d} May.",
)
SENTENCE = st.builds(
    lambda template, n, p, d, y: template.format(n=n, p=p, d=d, y=y),
    st.sampled_from(TEMPLATES), st.integers(1, 90_000), st.integers(1, 99),
    st.integers(1, 28), st.integers(1990, 2030))
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
BRIEFING = st.lists(PARAGRAPH, min_size=1, max_size=5).map(
    lambda paragraphs: "Headline of the day\n\n" + "\n\n".join(paragraphs) + "\n")


def _edits(first: str) -> st.SearchStrategy[list[str]]:
    """Revisions that mostly repeat the one before: a paragraph added, dropped or kept."""
    step = st.tuples(st.sampled_from(["keep", "add", "drop", "repeat_older"]), PARAGRAPH)

    def apply(steps: list[tuple[str, str]]) -> list[str]:
        texts = [first]
        for kind, paragraph in steps:
            parts = texts[-1].rstrip("\n").split("\n\n")
            if kind == "add":
                parts.append(paragraph)
            elif kind == "drop" and len(parts) > 2:
                parts.pop(1)
            elif kind == "repeat_older" and len(texts) > 1:
                parts = texts[-2].rstrip("\n").split("\n\n")
            texts.append("\n\n".join(parts) + "\n")
        return texts

    return st.lists(step, min_size=1, max_size=5).map(apply)


@contextmanager
def without_memos() -> Iterator[None]:
    """find_figures and the aligner's words worked out afresh every time."""
    with mock.patch.object(extract, "find_figures", figures.scan_figures), \
            mock.patch.object(pairing, "content_words", pairing._words_of):
        yield


def _parse(texts: list[str]) -> list[Parsed]:
    return [parse_bytes(text.encode(), f"in/{n:04d}.txt", "text") for n, text in enumerate(texts)]


def _item(parsed: Parsed) -> NewRevision:
    return NewRevision("b", parsed.revision, parsed.origin, parsed.extractor)


def _prior(before: Parsed | NewRevision) -> Prior:
    return Prior(before.revision, before.extractor)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BRIEFING.flatmap(_edits))
def test_memos_and_messages_made_ahead_are_the_stores_own(texts: list[str]) -> None:
    with without_memos():
        fresh = _parse(texts)
        reference = [revision_message(_item(fresh[n]), n + 1, _prior(fresh[n - 1]))
                     for n in range(1, len(fresh))]
        older = [revision_message(_item(fresh[n]), n + 1, _prior(fresh[n - 2]))
                 for n in range(2, len(fresh))]
    _parse(texts)  # the memos warm
    cached = _parse(texts)
    for a, b in zip(fresh, cached, strict=True):
        dumped = a.revision.model_dump(mode="json")
        assert dumped == b.revision.model_dump(mode="json")
        assert event_file_bytes(dumped) == event_file_bytes(b.revision.model_dump(mode="json"))
    prepared = [_ahead("b", p, q) for q, p in zip([None, *cached], cached, strict=False)]
    items, messages = new_revisions(["b"] * len(cached), prepared)
    made = [messages(items[n], n + 1, _prior(items[n - 1])) for n in range(1, len(items))]
    assert made == reference
    # a prior that is not the file before (that one was a duplicate): made afresh
    skipped = [messages(items[n], n + 1, _prior(items[n - 2])) for n in range(2, len(items))]
    assert skipped == older


def test_chunks_keep_briefings_whole_up_to_their_size() -> None:
    sizes = [("a", 3), ("b", 20), ("c", 5), ("d", 14), ("e", 1)]
    files = [(name, Path("x")) for name, count in sizes for _ in range(count)]
    assert [(r.start, r.stop) for r in chunks(files)] == [
        (0, 3), (3, 19), (19, 23), (23, 28), (28, 43)]
    assert chunks([]) == []


def _stored(archive: Path) -> tuple[list[dict[str, object]], list[str]]:
    """The event documents (random and clock fields aside) and commit messages, in order."""
    opened = Archive(archive)
    documents = []
    for briefing in opened.briefings():
        for _, raw in opened.raw_events(briefing):
            document = json.loads(raw)
            for key in ("event_id", "recorded_at", "observed_at", "previous_sha256"):
                document.pop(key)
            documents.append(document)
    log = opened.repository.git("log", "--format=%B%x00", "main").stdout.decode().split("\x00")
    messages = ["\n".join(line for line in text.strip().splitlines()
                          if not line.startswith(("Chronicle-Event", "Chronicle-Content")))
                for text in log]
    return documents, messages


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_tree_ingested_ahead_stores_what_the_store_alone_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    base = "Headline\n\nTroops: 5,000 crossed on 3 June. The fund holds $2 million.\n"
    texts = {"one": [base.replace("5,000", f"{5_000 + n:,}") for n in range(12)],
             "two": [base.replace("$2", f"${2 + n}") for n in range(8)]}
    texts["one"][6] = texts["one"][3]  # a duplicate: the file after it compares with r6
    tree = tmp_path / "tree"
    for briefing, revisions in texts.items():
        (tree / briefing).mkdir(parents=True)
        for n, text in enumerate(revisions):
            (tree / briefing / f"{n:04d}.txt").write_text(text)
    for name in ("ahead", "alone"):  # both start with a revision of 'one' stored
        archive = api.init_archive(tmp_path / name)
        first = parse_bytes(base.encode(), "stored.txt", "text")
        archive.append(_item_of("one", first), revision_message)
    monkeypatch.setenv("CHRONICLE_WORKERS", workers)
    api.ingest_tree(api.open_archive(tmp_path / "ahead"), tree)
    with without_memos():
        files = list(api.tree_files(tree))
        prepared = [Prepared(parse_bytes(path.read_bytes(), str(path), "text"))
                    for _, path in files]
        items, _ = new_revisions([briefing for briefing, _ in files], prepared)
        Archive(tmp_path / "alone").append_many(items, revision_message)
    assert _stored(tmp_path / "ahead") == _stored(tmp_path / "alone")


def _item_of(briefing: str, parsed: Parsed) -> NewRevision:
    return NewRevision(briefing, parsed.revision, parsed.origin, parsed.extractor)


def _tree_as_git_sorts(entries: dict[str, tuple[int, bytes]]) -> bytes:
    """Git's tree encoding, written the plain way: what serialize_tree must give."""
    def order(name: str) -> bytes:
        suffix = "/" if entries[name][0] == TREE_MODE else ""
        return (name + suffix).encode("utf-8", "surrogateescape")

    return b"".join(b"%o %s\0" % (entries[name][0], name.encode("utf-8", "surrogateescape"))
                    + entries[name][1] for name in sorted(entries, key=order))


@given(st.dictionaries(
    st.text(st.sampled_from("ab.-0é\udcff"), min_size=1, max_size=4),
    st.tuples(st.sampled_from([BLOB_MODE, TREE_MODE, 0o120000]), st.binary(min_size=20,
                                                                            max_size=20)),
    max_size=12))
def test_trees_are_encoded_as_git_sorts_them(entries: dict[str, tuple[int, bytes]]) -> None:
    assert serialize_tree(entries) == _tree_as_git_sorts(entries)
