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


def test_contact_lines_paywalls_and_comment_policies_at_the_end_go() -> None:
    assert trimmed(*STORY, "Facebook https://fb.me/example", "LINE ID = @example") == STORY
    assert trimmed(*STORY, "この記事は会員限定です。続きをお読みいただけます。") == STORY
    assert trimmed(*STORY, "Subscribe now to continue reading this story.") == STORY
    assert trimmed(*STORY, "The views expressed in the comments do not reflect the views of "
                   "Example News.", "We welcome lively debate in the comments below.") == STORY


def test_a_comment_section_goes_from_its_prompt_on() -> None:
    assert trimmed(*STORY, "Comentar", "Los comentarios son de los usuarios.",
                   "Nos reservamos el derecho de eliminar cualquier comentario.") == STORY
    doc = Document(sections=[DocSection(heading=None, blocks=[Paragraph(t) for t in STORY]),
                             DocSection(heading="Comentar", blocks=[
                                 Paragraph("No se permiten insultos."),
                                 Paragraph("El sitio se reserva el derecho de borrar.")])])
    trim_edges(doc)
    assert [s.heading for s in doc.sections] == [None]


def test_a_dangling_lead_in_at_the_end_goes() -> None:
    assert trimmed(*STORY, "See more photos:") == STORY


def test_an_address_in_the_story_and_a_byline_stay() -> None:
    kept = [*STORY, "Please sign this petition:", "http://www.example.org/petition/online/x",
            "-- By Jane Doe Follow @janedoe"]
    assert trimmed(*kept) == kept
    listed = [*STORY, "Tipps von Dennis:", "Ernest Cline: Armada", "Nintendo Switch Konsole",
              "Roboter-Spielkamerad: Anki Cozmo", "Tipps von Matthias:", "Tipps von Tomislav:"]
    assert trimmed(*listed) == listed[:-1]
