"""Sources of a web page: its 'Sources' list and the links inside the article text.

trafilatura drops link-dense lists (a 'Sources' list looks like navigation to it), so the
list is read from the page itself with lxml. The article's inline links are the page's
links whose paragraph (or list item, table cell) is in the article text trafilatura kept:
its text is extracted without links, which keeps words whole.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

from markdown_it import MarkdownIt

from .patterns import SOURCES_HEADING

if TYPE_CHECKING:
    from lxml.html import HtmlElement  # type: ignore[import-untyped]

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "div", "span", "dt")
_PARSER = MarkdownIt("commonmark")


def page_sources(root: HtmlElement, article: str,
                 base: str | None) -> list[tuple[str, str | None]]:
    """(title, absolute url) of the page's 'Sources' list, then of the article's links."""
    found: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    page = urldefrag(base)[0] if base else None
    links = [*_sources_list(root), *_markdown_links(article), *_article_links(root, article)]
    for text, href in links:
        url = _absolute(href, base)
        if url is None or url in seen or urldefrag(url)[0] == page:
            continue
        seen.add(url)
        found.append((" ".join(text.split()) or url, url))
    return found


def _absolute(href: str, base: str | None) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin(base, href) if base else href
    return url if url.startswith(("http://", "https://")) else None


def _article_links(root: HtmlElement, article: str) -> list[tuple[str, str]]:
    """Links inside the blocks of the page whose text the article kept."""
    kept = " ".join(re.sub(r"[*_`#>|]", " ", article).split())
    found = []
    for block in root.iter("p", "li", "td", "blockquote", "dd"):
        anchors = [a for a in block.iter("a") if a.get("href")]
        if not anchors:
            continue
        text = " ".join(block.text_content().split())
        if len(text) >= 20 and text in kept:
            found += [(" ".join(a.text_content().split()), a.get("href") or "") for a in anchors]
    return found


def _sources_list(root: HtmlElement) -> list[tuple[str, str]]:
    """Links of the first list that follows a heading such as 'Sources' or 'References'."""
    for element in root.iter(*_HEADINGS):
        text = " ".join(element.text_content().split())
        if not text or len(text) > 40 or not SOURCES_HEADING.match(text):
            continue
        following = element.getnext()
        while following is not None and following.tag not in ("ul", "ol", "dl"):
            if following.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                following = None
                break
            following = following.getnext()
        if following is None:
            continue
        return [(" ".join(a.text_content().split()), a.get("href") or "")
                for a in following.iter("a")]
    return []


def _markdown_links(markdown: str) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for token in _PARSER.parse(markdown):
        children = token.children or []
        for n, child in enumerate(children):
            if child.type != "link_open":
                continue
            text = []
            for inner in children[n + 1:]:
                if inner.type == "link_close":
                    break
                text.append(inner.content)
            links.append(("".join(text), str(child.attrs.get("href") or "")))
    return links
