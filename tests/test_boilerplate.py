"""The edges of an extracted article: notices and related headlines go, the story stays."""

from __future__ import annotations

from chronicle.readers.boilerplate import trim_edges
from chronicle.readers.document import DocSection, Document, Paragraph

STORY = ["The council approved the budget on Monday.", "It includes $4 million for roads."]


def trimmed(*texts: str) -> list[str]:
    doc = Document(sections=[DocSection(heading=None, blocks=[Paragraph(t) for t in texts])])
    trim_edges(doc)
    return [b.text for s in doc.sections for b in s.blocks]  # type: ignore[union-attr]


def test_notices_at_the_end_go() -> None:
    assert trimmed(*STORY, "Write to Jane Doe at jane.doe@example.com",
                   "© 2024 Example News. All rights reserved.", "3 Comments") == STORY


def test_a_run_of_related_headlines_at_the_end_goes() -> None:
    related = ["The Struggle to Save Lives Inside the Hospitals",
               "Why the Council Keeps Missing Its Deadlines", "The Best Inventions of 2023"]
    assert trimmed(*STORY, *related) == STORY


def test_a_bar_byline_at_the_start_goes() -> None:
    assert trimmed("Jane Doe | Springfield | 08/01/2014", *STORY) == STORY


def test_the_story_is_never_cut() -> None:
    # two headline-like lines are no run; verse and list items are no headlines; a notice
    # inside the story stays; a page that is all notice stays as it is
    kept = [*STORY, "Repeat Chorus", "Kreole: Stella Hoops"]
    assert trimmed(*kept) == kept
    inside = ["© 2024 Example News.", *STORY]
    assert trimmed(*inside) == inside
    assert trimmed("All rights reserved.") == ["All rights reserved."]
    verse = [*STORY, "and the river runs to the sea", "and the night comes down on me",
             "and I wait for you"]
    assert trimmed(*verse) == verse
