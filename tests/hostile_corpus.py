"""Builds a folder of hostile archives and hostile input files (issue 12), for the tests.

    python tests/hostile_corpus.py DIR     # build it by hand, to look at or to try by hand

Archives (each a real chronicle archive, tampered with by git the way a cloned archive
from an untrusted source could be):
    bad-section      the last event's claim names section -5 (content hash recomputed)
    dup-figure       the last event holds two figures with one id
    huge-offset      a figure starts at character 10**30
    nan-value        a figure value is NaN (a JSON literal pydantic refuses)
    deep-event       the last event is JSON nested 100,000 levels deep
    terminal-text    valid events whose texts hold ESC, OSC 8, rich markup and bidi
    fake-log-row     a commit message holding \\x1e and \\x1f (git log separators)
Inputs (files):
    revision JSON with each broken invariant, NaN/Infinity/1e999, 100k nesting,
    a lone surrogate; UTF-16 text with and without a BOM; a file whose name is not UTF-8;
    text with terminal escapes and markup; a watch.json of the wrong types.
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive_tools import git

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nato-ukraine"
BRIEFING = "nato-ukraine"
# Text that acts on a terminal or on rich markup if printed raw.
TERMINAL_ATTACK = ("\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 "
                   "\\[/x] [link=https://evil.example]live[/link] [conceal]hidden[/conceal] "
                   "a\u202eevil\u202c b\u200bc \x9b31m")


@dataclass
class Corpus:
    root: Path
    archives: dict[str, Path] = field(default_factory=dict)
    inputs: dict[str, Path] = field(default_factory=dict)


def base_revision() -> dict[str, Any]:
    """The example's first revision as a JSON document (what `parse --json` prints)."""
    from chronicle.readers import parse_file

    revision: dict[str, Any] = parse_file(EXAMPLE / "r1.txt").revision.model_dump(mode="json")
    return revision


def broken_revisions() -> dict[str, Any]:
    """Schema-valid revision documents that break an invariant (name -> document)."""
    base = base_revision()
    out: dict[str, Any] = {}

    def variant(name: str) -> dict[str, Any]:
        out[name] = copy.deepcopy(base)
        return out[name]

    variant("section-negative")["claims"][0]["section"] = -5
    variant("section-out-of-range")["claims"][0]["section"] = 999
    doc = variant("duplicate-claim")
    doc["claims"][1]["id"] = doc["claims"][0]["id"]
    doc = variant("duplicate-figure")
    doc["figures"][1]["id"] = doc["figures"][0]["id"]
    doc = variant("duplicate-quote")
    doc["quotes"].append(copy.deepcopy(doc["quotes"][0]))
    variant("start-huge")["figures"][0]["start"] = 10**30
    variant("figure-in-nothing")["figures"][0]["claim"] = "no-such-claim"
    return out


def valid_extremes() -> dict[str, Any]:
    """Revision documents that hold the invariants but push numbers and text to the edge."""
    base = base_revision()
    out: dict[str, Any] = {}
    for name, value in (("value-huge", 1e308), ("value-negative-huge", -1e308),
                        ("value-tiny", 5e-324)):
        doc = copy.deepcopy(base)
        doc["figures"][0]["value"] = value
        out[name] = doc
    doc = copy.deepcopy(base)
    doc["headline"] = TERMINAL_ATTACK
    doc["claims"][0]["text"] = TERMINAL_ATTACK
    doc["figures"][0]["unit"] = "[link=https://evil.example]x[/link]"
    doc["figures"][0]["noun"] = "\x1b[31mred"
    out["terminal-text"] = doc
    doc = copy.deepcopy(base)
    doc["claims"][0]["text"] = '=HYPERLINK("https://evil.example","click")'
    doc["sources"] = [{"text": "@cmd|' /C calc'!A0", "url": None}]
    out["formula"] = doc
    return out


def raw_json_inputs() -> dict[str, str]:
    """JSON texts the json module parses but a revision must not hold (name -> text)."""
    text = json.dumps(base_revision())
    value = json.dumps(base_revision()["figures"][0]["value"])
    first = text.index(f'"value": {value}')
    def with_value(literal: str) -> str:
        return text[:first] + f'"value": {literal}' + text[first + len(f'"value": {value}'):]
    return {"nan": with_value("NaN"), "infinity": with_value("Infinity"),
            "minus-infinity": with_value("-Infinity"), "overflow": with_value("1e999"),
            "long-int": with_value("1" * 5000),
            "deep": "[" * 100_000 + "]" * 100_000,
            "surrogate": text.replace('"headline": "', '"headline": "\\ud800', 1)}


def write_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    inputs: dict[str, Path] = {}
    for name, document in {**broken_revisions(), **valid_extremes()}.items():
        inputs[name] = folder / f"{name}.json"
        inputs[name].write_text(json.dumps(document), "utf-8")
    for name, text in raw_json_inputs().items():
        inputs[name] = folder / f"{name}.json"
        inputs[name].write_text(text, "utf-8")
    r1 = (EXAMPLE / "r1.txt").read_text("utf-8")
    inputs["utf16-bom"] = folder / "utf16-bom.txt"
    inputs["utf16-bom"].write_bytes(r1.encode("utf-16"))
    inputs["utf16-le"] = folder / "utf16-le.txt"
    inputs["utf16-le"].write_bytes(r1.encode("utf-16-le"))
    inputs["terminal-text"] = folder / "terminal.txt"
    inputs["terminal-text"].write_text(f"# {TERMINAL_ATTACK}\n\n{TERMINAL_ATTACK}.\n", "utf-8")
    name = Path(folder / "name-\udcff.txt")  # a name that is not UTF-8 (byte 0xff)
    name.write_text(r1, "utf-8")
    inputs["name-not-utf8"] = name
    inputs["one-ulp-a"] = folder / "ulp-a.txt"
    inputs["one-ulp-a"].write_text("# Rates\n\nInflation was 2 percent in May.\n", "utf-8")
    inputs["one-ulp-b"] = folder / "ulp-b.txt"
    inputs["one-ulp-b"].write_text("# Rates\n\nInflation was 2.0000000000000004 percent in "
                                   "May.\n", "utf-8")
    return inputs


# ----- archives --------------------------------------------------------------------------
def make_archive(path: Path) -> Path:
    from chronicle.api import ingest, init_archive

    archive = init_archive(path, bare=False)  # the attacks edit its checked-out files
    ingest(archive, BRIEFING, [EXAMPLE / f"r{n}.txt" for n in (1, 2, 3)])
    return archive.path


def event_file(archive: Path, sequence: int) -> Path:
    from chronicle.layout import event_path

    return archive / event_path(BRIEFING, sequence)


def commit_file(archive: Path, file: Path, data: bytes, message: str = "edit by hand") -> None:
    file.write_bytes(data)
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "--no-verify", "-m", message)


def tamper_last_event(archive: Path, change: Any, rehash: bool = True) -> None:
    """Change the last event's revision; with ``rehash`` its content_sha256 is recomputed,
    so only the invariants (not the hash) can tell."""
    file = event_file(archive, 3)
    document = json.loads(file.read_bytes())
    change(document["revision"])
    if rehash:
        document["content_sha256"] = _revision_hash(document["revision"])
    attacker = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    commit_file(archive, file, attacker.encode())


def _revision_hash(revision: dict[str, Any]) -> str:
    """content_sha256 as the store computes it, without the model; a revision with no
    canonical form (a 10**30 offset) gets a hash that cannot match."""
    from chronicle.layout import NotCanonical, content_sha256

    try:
        return content_sha256(revision, 2)
    except NotCanonical:
        return "0" * 64


def build_archives(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pristine = make_archive(folder / "pristine")
    archives: dict[str, Path] = {}

    def fresh(name: str) -> Path:
        import shutil

        path = folder / name
        shutil.copytree(pristine, path, symlinks=True)
        archives[name] = path
        return path

    def set_section(revision: dict[str, Any]) -> None:
        revision["claims"][0]["section"] = -5

    def duplicate_figure(revision: dict[str, Any]) -> None:
        revision["figures"][1]["id"] = revision["figures"][0]["id"]

    def huge_offset(revision: dict[str, Any]) -> None:
        revision["figures"][0]["start"] = 10**30
        revision["figures"][0]["end"] = 10**30 + 5

    tamper_last_event(fresh("bad-section"), set_section)
    tamper_last_event(fresh("dup-figure"), duplicate_figure)
    tamper_last_event(fresh("huge-offset"), huge_offset)
    nan = fresh("nan-value")
    file = event_file(nan, 3)
    text = file.read_text("utf-8")
    value = json.loads(text)["revision"]["figures"][0]["value"]
    commit_file(nan, file, text.replace(f'"value": {json.dumps(value)}', '"value": NaN',
                                        1).encode())
    deep = fresh("deep-event")
    commit_file(deep, event_file(deep, 3), b"[" * 100_000 + b"]" * 100_000)
    terminal = folder / "terminal-text"
    from chronicle.api import ingest, init_archive

    attack_dir = folder / "terminal-inputs"
    attack_dir.mkdir(exist_ok=True)
    first = attack_dir / "a.txt"
    first.write_text(f"# Plain headline\n\nTroops numbered 50,000 {TERMINAL_ATTACK}.\n\n"
                     "Kyiv said no.\n", "utf-8")
    second = attack_dir / "b.txt"
    second.write_text(f"# Plain headline\n\nTroops numbered 50,000 {TERMINAL_ATTACK}.\n\n"
                      "Kyiv said\u202e no.\n", "utf-8")
    ingest(init_archive(terminal, bare=False), BRIEFING, [first, second])
    archives["terminal-text"] = terminal
    fake = fresh("fake-log-row")
    forged = ("edit\x1f\x1e" + "f" * 40 + "\x1f\x1f2020-01-01T00:00:00+00:00\x1fforged\x1f"
              "body\x1f\n\nChronicle-File: briefings/zz/nato-ukraine/000001.json")
    commit_file(fake, event_file(fake, 2), event_file(fake, 2).read_bytes() + b" ",
                message=forged)
    return archives


def build(root: Path) -> Corpus:
    corpus = Corpus(root)
    corpus.inputs = write_inputs(root / "inputs")
    corpus.archives = build_archives(root / "archives")
    return corpus


if __name__ == "__main__":  # pragma: no cover - a tool for people
    sys.path.insert(0, str(Path(__file__).parent))
    built = build(Path(sys.argv[1]))
    print(f"{len(built.archives)} archives, {len(built.inputs)} inputs in {built.root}")
