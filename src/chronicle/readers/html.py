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

import re
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import InputError
from .boilerplate import trim_edges
from .document import Document, Paragraph
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
        doc.headline = page_headline(root, _meta(root, "og:site_name"), doc.url)
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
    candidates.append(_meta(root, "og:url") or "")
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


# ----- headline ------------------------------------------------------------------------------
# ' | ', ' - ', ' – ', ' — ', ' -- ', ' » ', ' · ', ' :: ', fullwidth '｜', and a hyphen
# between CJK characters ('需求-新华网'): what sites put between a title and their name
_SEPARATOR = re.compile(
    r"\s+(?:\||-{1,2}|–|—|»|·|::)\s+|\s*[|｜]\s*|(?<=[\u3000-\u9fff])[-－](?=[\u3000-\u9fff])"
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})


def page_headline(root: HtmlElement, site: str | None, url: str | None) -> str | None:
    """The page's headline: og:title or <title> without the site's name, as the <h1>
    that says the same writes it; else the <title>, og:title or first <h1>."""
    titles = [_clean(t) for t in (_meta(root, "og:title"), _meta(root, "twitter:title"),
                                  root.findtext(".//title")) if t and t.strip()]
    headings = [_clean(h.text_content()) for h in root.iter("h1")]
    headings = [h for h in headings if h and len(h) <= 300]
    host = urlsplit(url).hostname if url else None
    stripped = [strip_site_name(t, site, host) for t in titles]
    for title in titles:
        for heading in headings:
            # 'Headline | Example News' and an <h1> 'Headline': the h1 shows where it ends
            if any(_same(part, heading) for part in _prefixes(title)):
                return strip_site_name(heading, site, host)
    page_title = root.findtext(".//title")
    if page_title and page_title.strip():
        return strip_site_name(_clean(page_title), site, host)
    if stripped:
        return stripped[0]
    return headings[0] if headings else None


def strip_site_name(title: str, site: str | None, host: str | None) -> str:
    """'Headline | CNN Politics' -> 'Headline'; '… » Local » Noticias » Ultima Hora' -> '…'.

    A trailing part goes when it names the site (og:site_name or the host) or when it is
    short beside the rest (at most 4 words and under half its length: a section label).
    """
    names = {n.casefold() for n in (site, *(_host_words(host))) if n}
    while True:
        cuts = list(_SEPARATOR.finditer(title))
        if not cuts:
            return title
        cut = cuts[-1]
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        named = any(n in tail.casefold() for n in names)
        short = len(tail.split()) <= 4 and len(tail) < len(head) / 2
        if not head or not (named or short):
            return title
        title = head


def _prefixes(title: str) -> list[str]:
    """The title, and the title cut at each separator: 'A | B | C' -> 'A | B | C', 'A', 'A | B'."""
    return [title, *(title[: cut.start()] for cut in _SEPARATOR.finditer(title))]


def _host_words(host: str | None) -> list[str]:
    """'edition.cnn.com' -> ['cnn']; the site's own name as its host spells it."""
    if not host:
        return []
    labels = [p for p in host.split(".") if p not in ("www", "edition", "m", "amp")]
    return [labels[-2]] if len(labels) >= 2 and len(labels[-2]) > 2 else []


def _meta(root: HtmlElement, name: str) -> str | None:
    for attribute in ("property", "name"):
        found = root.xpath(f"//meta[@{attribute}=$name]/@content", name=name)
        if found:
            return str(found[0])
    return None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _same(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return " ".join(text.translate(_QUOTES).casefold().split())

    return key(a) == key(b)


def _drop_repeated_headline(doc: Document) -> None:
    """The article body often starts with the headline again: keep it once."""
    if not doc.headline or not doc.sections:
        return
    first = doc.sections[0]
    if first.heading and _same(first.heading, doc.headline):
        first.heading = None
    elif first.blocks and isinstance(first.blocks[0], Paragraph) and _same(
            first.blocks[0].text, doc.headline):
        del first.blocks[0]
