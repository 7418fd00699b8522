"""HTML pages: trafilatura finds the article, which is then read as Markdown."""

from __future__ import annotations

from ..errors import InputError
from .document import Document
from .markdown import read_markdown


def read_html(html: str, source: str) -> Document:
    import trafilatura  # heavy: imported only when a page is read

    body = trafilatura.extract(
        html, output_format="markdown", include_links=True, include_comments=False,
        include_tables=False, favor_precision=True,
    )
    if not body or not body.strip():
        raise InputError(source, "no article text found in this HTML page")
    meta = trafilatura.extract_metadata(html)
    doc = read_markdown(body)
    title = meta.title if meta and meta.title else None
    if title and doc.headline is None:
        doc.headline = title.strip()
    if meta is not None:
        doc.published = meta.date or None
        doc.url = meta.url or None
    if doc.url is None and source.startswith(("http://", "https://")):
        doc.url = source
    if not doc.sources:
        from .links import page_sources

        doc.sources = page_sources(html, body, doc.url)
    return doc
