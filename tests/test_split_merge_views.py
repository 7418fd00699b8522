"""Splits, merges, moves and restatements as a reader sees them: in `diff` (terminal and
JSON), in `blame` (a split part was introduced when its whole was) and in `timeline`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli

QUAY = "The port authority said the new quay would cost ${} million and open in 2026"
PIER = "he old pier would close for repairs lasting 18 months."
FERRIES = "Ferries will keep running from the north terminal."
ASKED = "Local fishermen have asked for a longer consultation."
R1 = "\n".join(["Harbour works", f"{QUAY.format(40)}, while t{PIER}",
                f"{FERRIES} The harbour area covers 1670 hectares.", "Background", ASKED, ""])
R2 = "\n".join(["Harbour works", f"{QUAY.format(45)}. T{PIER}",
                f"{FERRIES} The harbour area covers 16.7 km².", "Background",
                f"{ASKED} The consultation ends in March.", ""])
R3 = "\n".join(["Harbour works", f"{QUAY.format(45)}. T{PIER}",
                "The harbour area covers 16.7 km².", "Background",
                f"{ASKED} The consultation ends in March. {FERRIES}", ""])


def ingest(archive: Path, tmp_path: Path) -> None:
    paths = []
    for n, text in enumerate((R1, R2, R3), start=1):
        paths.append(tmp_path / f"r{n}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    result = cli("ingest", *map(str, paths), "-b", "harbour", "--archive", str(archive))
    assert result.exit_code == 0, result.output


def test_diff_reports_the_split_its_one_change_and_the_restatement(archive: Path,
                                                                  tmp_path: Path) -> None:
    ingest(archive, tmp_path)
    diff = json.loads(cli("diff", "harbour", "--from", "1", "--to", "2", "--json",
                          "--archive", str(archive)).stdout)
    [split] = diff["claims"]["split"]
    assert split["before"]["text"].startswith("The port authority")
    assert [c["text"][:12] for c in split["after"]] == ["The port aut", "The old pier"]
    assert [c["text"] for c in diff["claims"]["added"]] == ["The consultation ends in March."]
    assert diff["claims"]["removed"] == []
    assert [(c["before"]["value"], c["after"]["value"]) for c in diff["figures"]["changed"]] == [
        (40e6, 45e6)]
    assert [(r["before"]["text"], r["after"]["text"]) for r in diff["figures"]["restated"]] == [
        ("1670 hectares", "16.7 km²")]
    assert diff["figures"]["added"] == diff["figures"]["removed"] == []
    terminal = cli("diff", "harbour", "--from", "1", "--to", "2", "--archive",
                   str(archive)).stdout
    assert "split in 2: The port authority" in terminal
    assert "1670 hectares → 16.7 km² (same quantity, restated)" in terminal
    assert "1 split" in terminal.splitlines()[0] and "1 restated" in terminal.splitlines()[0]


def test_diff_reports_a_move_to_another_section_with_its_places(archive: Path,
                                                                tmp_path: Path) -> None:
    ingest(archive, tmp_path)
    diff = json.loads(cli("diff", "harbour", "--json", "--archive", str(archive)).stdout)
    [move] = diff["claims"]["moved"]
    assert move["claim"]["text"] == "Ferries will keep running from the north terminal."
    assert (move["from_section"], move["to_section"]) == (0, 1)
    assert move["from_position"]["paragraph"] == 1 and move["to_position"]["sentence"] == 2
    assert diff["claims"]["added"] == diff["claims"]["removed"] == diff["claims"]["edited"] == []
    terminal = cli("diff", "harbour", "--archive", str(archive)).stdout
    assert "moved (section 1 ¶2 → section 2 ¶1): Ferries will keep running" in terminal


def test_blame_dates_a_split_part_from_its_whole(archive: Path, tmp_path: Path) -> None:
    ingest(archive, tmp_path)
    lines = json.loads(cli("blame", "harbour", "--json", "--archive", str(archive)).stdout)
    dates = {c["text"][:20]: (c["introduced"], c["changed"]) for c in lines["claims"]}
    assert dates["The port authority s"] == (1, 2)  # the whole came in r1, split in r2
    assert dates["The old pier would c"] == (1, 2)
    assert dates["Ferries will keep ru"] == (1, 1)  # moved, never reworded
    assert dates["The consultation end"] == (2, 2)


def test_timeline_follows_a_figure_through_the_split(archive: Path, tmp_path: Path) -> None:
    ingest(archive, tmp_path)
    threads = json.loads(cli("timeline", "harbour", "--figure", "million", "--json",
                             "--archive", str(archive)).stdout)["figures"]
    money = [t for t in threads if t["kind"] == "money"]
    points = [[(p["sequence"], p["until"], p["value"]) for p in t["points"]] for t in money]
    assert points == [[(1, 1, 40e6), (2, 3, 45e6)]]  # one run from r2: its claim holds in r3


def test_a_move_within_a_paragraph_names_its_sentences() -> None:
    from chronicle.readers import parse_bytes
    from chronicle.render import diff_lines
    from chronicle.views import diff_revisions

    first = parse_bytes(b"T\n\nRain hit the coast. The flood killed 12. Schools shut.\n",
                        "r1", "text").revision
    second = parse_bytes(b"T\n\nThe flood killed 12. Rain hit the coast. Schools shut.\n",
                         "r2", "text").revision
    lines = diff_lines(diff_revisions("t", first, second, (1, 2)))
    assert any("moved (section 1 ¶1 sentence 1 → sentence 2): Rain hit the coast." in line
               or "moved (section 1 ¶1 sentence 2 → sentence 1): The flood killed 12." in line
               for line in lines), lines
