"""HTML pages: trafilatura finds the article, which is then read as Markdown.

Choices made by measuring on public pages (eval/score_web.py, numbers in eval/web/README.md):

- tables are kept (a standings page, or an article laid out in a table, is its tables);
- links are left out of the text: trafilatura's Markdown links glue or split words
  ("reportedthat", "Landesmedienanstalte n") and bring navigation in; the article's links
  are found in the page instead (links.py) and become sources;
- precision mode (favor_precision) is used only when it leaves out much, but not nearly
  all, of what the default mode keeps (a share in PRECISION_SHARE): then the rest was
  most likely boilerplate (link lists, a menu); keeping more it drops real paragraphs,
  keeping under a quarter it has most likely dropped the article itself (down to a
  reprint notice). Only 3 of 97 measured pages fall below two thirds: a thin base;
- the headline is the page's own: its <title> or og:title without the site's name,
  preferring the <h1> that says the same, never the first short line of the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import InputError
from .boilerplate import trim_edges
from .document import Document, Paragraph
from .headline import meta_content, page_headline, same_title
from .markdown import read_markdown

if TYPE_CHECKING:
    from lxml.html import HtmlElement  # type: ignore[import-untyped]

EXTRACT_OPTIONS: dict[str, Any] = {
    "output_format": "markdown", "include_links": False, "include_comments": False,
    "include_tables": True,
}
PRECISION_SHARE = (0.25, 2 / 3)


def read_html(html: str, source: str) -> Document:
    import lxml.html  # type: ignore[import-untyped]  # a dependency of trafilatura

    body = article_markdown(html)
    if not body.strip():
        raise InputError(source, "no article text found in this HTML page")
    doc = read_markdown(body, find_headline=False)
    try:
        root: HtmlElement | None = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types on hostile input; then no metadata
        root = None
    if root is not None:
        doc.url = page_url(root)
        doc.published = page_date(root, doc.url)
    if doc.url is None and source.startswith(("http://", "https://")):
        doc.url = source
    if root is not None:
        doc.headline = page_headline(root, meta_content(root, "og:site_name"), doc.url)
    _drop_repeated_headline(doc)
    trim_edges(doc)
    if not doc.sources and root is not None:
        from .links import page_sources

        doc.sources = page_sources(root, body, doc.url)
    return doc


def article_markdown(html: str) -> str:
    """The article as Markdown: the default extraction, or the precise one when it drops
    most of the default's text as boilerplate."""
    from trafilatura import extract

    broad = extract(html, **EXTRACT_OPTIONS) or ""
    precise = extract(html, **EXTRACT_OPTIONS, favor_precision=True) or ""
    low, high = PRECISION_SHARE
    share = len(precise) / len(broad) if broad else 1.0
    return precise if precise.strip() and low <= share < high else broad


# ----- metadata ------------------------------------------------------------------------------
# Read here rather than with trafilatura.extract_metadata, which loads the whole public
# suffix list to name the host (a tenth of a second per start-up) for nothing we use.
def page_url(root: HtmlElement) -> str | None:
    """The page's canonical URL: the first absolute one of <link rel=canonical> and og:url,
    with the host in lower case."""
    candidates = [str(h) for h in root.xpath("//link[@rel='canonical']/@href")]
    candidates.append(meta_content(root, "og:url") or "")
    for url in (c.strip() for c in candidates):
        if url.startswith(("http://", "https://")):
            parts = urlsplit(url)
            return parts._replace(netloc=parts.netloc.lower()).geturl()
    return None


def page_date(root: HtmlElement, url: str | None) -> str | None:
    """The publication date the page gives (htmldate, as trafilatura runs it), or None."""
    from datetime import date

    from htmldate import find_date

    try:
        found = find_date(root, url=url, original_date=True, extensive_search=True,
                          max_date=date.today().isoformat())
    except Exception:  # a page htmldate cannot read has no date for us, not an error
        return None
    return str(found) if found else None


def _drop_repeated_headline(doc: Document) -> None:
    """The article body often starts with the headline again: keep it once."""
    if not doc.headline or not doc.sections:
        return
    first = doc.sections[0]
    if first.heading and same_title(first.heading, doc.headline):
        first.heading = None
    elif first.blocks and isinstance(first.blocks[0], Paragraph) and same_title(
            first.blocks[0].text, doc.headline):
        del first.blocks[0]
