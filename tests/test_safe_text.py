"""Terminal injection (issue 12 item 2): every printed field goes through chronicle.safe_text.

Each test puts the attack in a real briefing, file name or archive, runs the command, and
checks that the terminal gets inert text: markup escaped (no MarkupError, no OSC 8 link,
nothing concealed), control characters shown as ⟨U+XXXX⟩, invisible edits made visible.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.safe_text import (
    _HIDDEN_RE,
    json_visible,
    json_visible_bytes,
    markup,
    reveal_edit,
    unmarkup,
    visible,
)
from conftest import cli, run_chronicle

ATTACK = ("\\[/x] [link=https://evil.example]live[/link] [conceal]hidden[/conceal] [bold]b"
          "[/bold] \\")
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")


@pytest.mark.slow
def test_hidden_class_covers_every_control_and_format_character() -> None:
    wanted = {c for c in range(0x110000)
              if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp", "Cs")}
    covered = {c for c in range(0x110000) if _HIDDEN_RE.match(chr(c))}
    assert wanted <= covered
    # extra ones are format characters of a later Unicode than this Python's
    assert all(unicodedata.category(chr(c)) == "Cn" for c in covered - wanted)


MARKUP_LIKE = st.text(alphabet=st.sampled_from(["[", "]", "\\", "/", "a", "b", "#", "@", "=", " "]))


@settings(max_examples=500)
@given(MARKUP_LIKE | st.text())
def test_markup_is_literal_for_any_text(text: str) -> None:
    """Inside tags, as render.py uses it: never a MarkupError, never a tag from the text."""
    from rich.text import Text

    assert Text.from_markup(f"[bold]{markup(text)}[/bold]").plain == visible(text)


def rich_prints(marked: str) -> str:
    """What render.console() prints for ``marked`` with no styles."""
    import io

    from rich.console import Console

    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, emoji=False, color_system=None).print(
        marked)
    return out.getvalue()


MARKED = st.lists(st.sampled_from(
    ["[", "]", "\\", "/", "a", "é", "bold", "[bold]", "[/bold]", "[dim]", "[/dim]", " ", "\n",
     "\r", "\x07", "\x0c", "x=1"])).map("".join)


@settings(max_examples=500)
@given(MARKED | st.builds(lambda a, b: f"[bold]{markup(a)}[/bold] {markup(b)}", st.text(),
                          st.text()))
def test_unmarkup_prints_what_rich_prints(marked: str) -> None:
    """The piped fast path (cli._print) is rich's own output, for any markup rich reads."""
    from rich.errors import MarkupError

    try:
        expected = rich_prints(marked)
    except MarkupError:
        return  # not markup render.py writes (it closes what it opens)
    assert unmarkup(marked) + "\n" == expected


def test_visible_shows_controls_and_keeps_the_rest() -> None:
    assert visible("a\x1b[2Jb\u202ec\u200bd é") == "a⟨U+001B⟩[2Jb⟨U+202E⟩c⟨U+200B⟩d é"
    assert visible("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert visible("one\ntwo") == "one⟨U+000A⟩two"


def test_an_edit_of_invisible_characters_is_visible() -> None:
    before, after = reveal_edit("50 000 troops", "50\u00a0000 troops")
    assert before != after and "⟨U+00A0⟩" in after
    assert reveal_edit("Kyiv", "Kyiv\u200b") == ("Kyiv", "Kyiv⟨U+200B⟩")
    assert reveal_edit("same", "same") == ("same", "same")


def write_pair(folder: Path, first: str, second: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, text in enumerate((first, second), start=1):
        path = folder / f"r{n}.txt"
        path.write_text(text, "utf-8")
        paths.append(str(path))
    return paths


def test_markup_in_a_briefing_is_printed_as_text(archive: Path, tmp_path: Path) -> None:
    """`\\[/x]` crashed show, diff, parse and review with a MarkupError traceback."""
    paths = write_pair(tmp_path / "in", f"# Head {ATTACK}\n\nTroops: 50,000 {ATTACK}.\n",
                       f"# Head {ATTACK}\n\nTroops: 60,000 {ATTACK}.\n")
    assert cli("ingest", *paths, "-b", "evil", "--archive", str(archive)).exit_code == 0
    for command in (["show", "evil"], ["diff", "evil"], ["blame", "evil"], ["log", "evil"],
                    ["timeline", "evil"], ["review", "HEAD~2..HEAD"]):
        result = cli(*command, "--archive", str(archive))
        assert result.exit_code == 0, (command, result.stderr)
        if command[0] in ("show", "diff", "blame"):
            assert "[link=https://evil.example]live[/link]" in result.stdout, command
            assert "[conceal]hidden[/conceal]" in result.stdout
            assert "\\[/x]" in result.stdout
    parsed = cli("parse", paths[0])
    assert parsed.exit_code == 0 and "[conceal]hidden[/conceal]" in parsed.stdout


@pytest.mark.slow
def test_no_live_hyperlink_on_a_real_terminal(archive: Path, tmp_path: Path) -> None:
    """With colours forced on (as on a terminal), the markup still makes no OSC 8 link."""
    paths = write_pair(tmp_path / "in", f"# Head\n\nText {ATTACK}.\n", f"# Head\n\nTxt {ATTACK}.\n")
    assert cli("ingest", *paths, "-b", "evil", "--archive", str(archive)).exit_code == 0
    for command in (["show", "evil"], ["diff", "evil"]):
        done = run_chronicle(*command, "--archive", str(archive),
                             env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
        assert done.returncode == 0, done.stderr
        assert "\x1b]8;" not in done.stdout  # OSC 8 hyperlink
        assert "\x1b[8m" not in done.stdout  # conceal
        assert "[link=https://evil.example]live[/link]" in done.stdout


def json_revision(tmp_path: Path, headline: str, text: str) -> Path:
    from chronicle.readers import parse_file

    base = parse_file(Path(__file__).parents[1] / "examples/nato-ukraine/r1.txt").revision
    document = base.model_dump(mode="json")
    document["headline"] = headline
    document["claims"][0]["text"] = text
    path = tmp_path / f"rev-{len(list(tmp_path.glob('rev-*')))}.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_control_characters_from_a_json_revision_are_shown(archive: Path, tmp_path: Path) -> None:
    """A JSON revision can hold ESC (as \\u001b): it reached stdout raw (clear screen)."""
    path = json_revision(tmp_path, "\x1b[2J\x1b[31mRed", "Bell\x07 and CSI \x9b31m here.")
    assert cli("ingest", str(path), "-b", "esc", "--archive", str(archive)).exit_code == 0
    for command in (["show", "esc"], ["blame", "esc"], ["log", "esc"]):
        result = cli(*command, "--archive", str(archive))
        assert result.exit_code == 0
        assert not any(c in result.stdout for c in RAW_CONTROLS), command
    shown = cli("show", "esc", "--archive", str(archive)).stdout
    assert "⟨U+001B⟩[2J⟨U+001B⟩[31mRed" in shown and "⟨U+009B⟩31m" in shown
    as_json = cli("show", "esc", "--json", "--archive", str(archive)).stdout
    assert "\x9b" not in as_json and "\\u009b" in as_json
    assert json.loads(as_json)["headline"] == "\x1b[2J\x1b[31mRed"  # same value, escaped


def test_a_bidi_or_zero_width_edit_is_visible_in_diff(archive: Path, tmp_path: Path) -> None:
    """RTL override and zero-width space made `diff` show an edit with no visible change."""
    texts = ["Kyiv said the line held firmly today.", "Kyiv said the line\u202e held firmly today.",
             "Kyiv said the line\u202e held\u200b firmly today."]
    paths = []
    for n, text in enumerate(texts):
        paths.append(tmp_path / f"r{n}.txt")
        paths[-1].write_text(f"# Head\n\n{text}\n\nOther text here.\n", "utf-8")
    assert cli("ingest", *map(str, paths), "-b", "bidi", "--archive", str(archive)).exit_code == 0
    for start, end, mark in ((1, 2, "⟨U+202E⟩"), (2, 3, "⟨U+200B⟩")):
        result = cli("diff", "bidi", "--from", str(start), "--to", str(end),
                     "--archive", str(archive))
        assert result.exit_code == 0
        assert mark in result.stdout
        assert not any(c in result.stdout for c in RAW_CONTROLS)
        edited = [line for line in result.stdout.splitlines() if "Kyiv" in line]
        assert len(edited) == 2 and edited[0].split("~ ")[-1] != edited[1].split("→ ")[-1]


@pytest.mark.slow
def test_a_file_name_with_escapes_is_shown_in_messages(archive: Path, tmp_path: Path) -> None:
    name = tmp_path / "\x1b[2Jr1.txt"
    name.write_text("# Head\n\nText.\n", "utf-8")
    done = run_chronicle("ingest", str(name), "-b", "named", "--archive", str(archive))
    assert done.returncode == 0 and "\x1b" not in done.stdout and "⟨U+001B⟩[2Jr1.txt" in done.stdout
    missing = run_chronicle("parse", str(tmp_path / "\x1b]0;title\x07gone.txt"))
    assert missing.returncode == 3
    assert "\x1b" not in missing.stderr and "\x07" not in missing.stderr
    assert "⟨U+001B⟩]0;title⟨U+0007⟩gone.txt" in missing.stderr


def test_emoji_codes_are_text(archive: Path, tmp_path: Path) -> None:
    paths = write_pair(tmp_path / "in", "# :warning: Head\n\nText.\n", "# Head\n\nText.\n")
    assert cli("ingest", paths[0], "-b", "emoji", "--archive", str(archive)).exit_code == 0
    assert ":warning:" in cli("show", "emoji", "--archive", str(archive)).stdout


HIDDEN_AND_PLAIN = st.text(alphabet=st.sampled_from(
    ["a", " ", "\u2019", "\u200b", "\x7f", "\u00ad", "\U000110bd", "\U000e0041", "\ufeff"]),
    max_size=9000)  # longer than one 4,096-character piece of json_visible


@given(HIDDEN_AND_PLAIN)
def test_json_visible_keeps_the_value_and_shows_no_hidden_character(text: str) -> None:
    document = json.dumps({"text": text}, ensure_ascii=False)
    shown = json_visible(document)
    assert json.loads(shown) == {"text": text}  # astral characters as surrogate pairs
    assert not _HIDDEN_RE.search(shown)


@given(HIDDEN_AND_PLAIN | st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_json_visible_on_bytes_is_json_visible_on_text(text: str) -> None:
    """The bytes form (for orjson's output) writes exactly what the text form writes."""
    document = orjson.dumps({"text": text, "list": [text[:5], 1]}, option=orjson.OPT_INDENT_2)
    assert json_visible_bytes(document) == json_visible(document.decode()).encode()


def test_json_visible_on_bytes_covers_every_hidden_character() -> None:
    hidden = "".join(chr(c) for c in range(0x7F, 0x110000)
                     if not 0xD800 <= c <= 0xDFFF and _HIDDEN_RE.match(chr(c)))
    document = orjson.dumps(hidden)
    assert json_visible_bytes(document) == json_visible(document.decode()).encode()
    assert json_visible_bytes(document).isascii()
