"""Score chronicle's reading of web pages against trafilatura alone, on public pages.

Usage: python eval/score_web.py [--json] [--pages NAME,...] [--show NAME]

Two sets, both kept in eval/web/ (see eval/web/README.md for where they come from):

- newspaper4k: 20 news pages with the article text and title that newspaper4k's test
  suite expects. Scored per page as bag-of-words F1 of the article text (CJK and Thai
  counted per character), averaged over pages; the headline as right when it equals the
  title once case, spacing and punctuation are set aside.
- trafilatura: 77 pages of trafilatura's own evaluation (tests/evaldata.json): each page
  has 'with' snippets the text must contain and 'without' snippets (boilerplate) it must
  not. Scored as trafilatura scores itself: snippets found, summed over all pages.

"chronicle" is the text chronicle keeps of a page: the key points, then each section's
heading, claims and quotes, in order (the headline is scored apart). "trafilatura" is
trafilatura.extract with its default options on the same decoded page; "traf-no-comm"
the same without comments (include_comments=False), as chronicle reads pages. A page chronicle
refuses (an InputError) scores 0.
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chronicle.errors import InputError
from chronicle.model import Revision
from chronicle.readers import decode_page, parse_bytes

HERE = Path(__file__).parent / "web"
_TOKEN = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1000-\u109f]|\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.casefold()))


def f1(found: str, expected: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the bag of words of ``found`` against ``expected``."""
    got, want = tokens(found), tokens(expected)
    common = sum((got & want).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def norm_title(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def article_text(revision: Revision) -> str:
    """What chronicle keeps of the article, in reading order (headline apart)."""
    texts = revision.text_by_id()
    parts = [k.text for k in revision.key_points]
    for section in revision.sections:
        if section.heading:
            parts.append(section.heading)
        parts += [texts[item] for paragraph in section.paragraphs for item in paragraph
                  if item in texts]
    return "\n".join(parts)


def chronicle_read(data: bytes, name: str) -> tuple[str, str | None]:
    """(article text, headline) as chronicle reads the page; ('', None) if refused."""
    try:
        revision = parse_bytes(data, name, "html").revision
    except InputError:
        return "", None
    return article_text(revision), revision.headline


def trafilatura_read(data: bytes, name: str) -> tuple[str, str | None]:
    import trafilatura

    html = decode_page(data, name)
    text = trafilatura.extract(html) or ""
    meta = trafilatura.extract_metadata(html)
    return text, (meta.title if meta else None)


def trafilatura_without_comments(data: bytes, name: str) -> tuple[str, str | None]:
    """trafilatura leaving out comments, as chronicle does (a briefing's comments are not
    the briefing): the fair comparison where 'with' snippets sit in a page's comments."""
    import trafilatura

    html = decode_page(data, name)
    meta = trafilatura.extract_metadata(html)
    return trafilatura.extract(html, include_comments=False) or "", (meta.title if meta else None)


READERS: dict[str, Callable[[bytes, str], tuple[str, str | None]]] = {
    "chronicle": chronicle_read, "trafilatura": trafilatura_read,
    "traf-no-comm": trafilatura_without_comments}


def newspaper_pages() -> list[tuple[str, bytes, str, str]]:
    pages = []
    for html in sorted((HERE / "newspaper4k" / "pages").glob("*.html.xz")):
        name = html.name.removesuffix(".html.xz")
        meta = json.loads(html.with_name(f"{name}.json").read_text())
        text = html.with_name(f"{name}.txt").read_text()
        pages.append((name, lzma.decompress(html.read_bytes()), text, meta["title"]))
    return pages


def trafilatura_pages() -> list[tuple[str, bytes, dict[str, Any]]]:
    snippets = json.loads((HERE / "trafilatura" / "snippets.json").read_text())
    folder = HERE / "trafilatura" / "pages"
    return [(name, lzma.decompress((folder / f"{name}.xz").read_bytes()), item)
            for name, item in sorted(snippets.items())]


def _norm(text: str) -> str:
    return " ".join(text.split())


def score_newspaper(only: set[str] | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for reader, read in READERS.items():
        rows, seconds = [], 0.0
        for name, data, expected, title in newspaper_pages():
            if only and name not in only:
                continue
            start = time.perf_counter()
            text, headline = read(data, name)
            seconds += time.perf_counter() - start
            p, r, f = f1(text, expected)
            rows.append({"page": name, "precision": p, "recall": r, "f1": f,
                         "headline": headline, "title": title,
                         "headline_ok": norm_title(headline) == norm_title(title)})
        n = len(rows) or 1
        result[reader] = {
            "pages": len(rows), "f1": sum(r["f1"] for r in rows) / n,
            "precision": sum(r["precision"] for r in rows) / n,
            "recall": sum(r["recall"] for r in rows) / n,
            "headline_accuracy": sum(r["headline_ok"] for r in rows) / n,
            "seconds": seconds, "rows": rows}
    return result


def score_trafilatura(only: set[str] | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for reader, read in READERS.items():
        tp = fp = fn = tn = 0
        rows = []
        for name, data, item in trafilatura_pages():
            if only and name not in only:
                continue
            text = _norm(read(data, name)[0])
            found = [w for w in item["with"] if _norm(w) in text]
            leaked = [w for w in item["without"] if _norm(w) in text]
            tp, fn = tp + len(found), fn + len(item["with"]) - len(found)
            fp, tn = fp + len(leaked), tn + len(item["without"]) - len(leaked)
            rows.append({"page": name, "missed": [w for w in item["with"] if w not in found],
                         "leaked": leaked})
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[reader] = {"pages": len(rows), "precision": precision, "recall": recall,
                          "f1": f, "rows": rows}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print every page's scores")
    parser.add_argument("--pages", help="only these pages (comma-separated names)")
    parser.add_argument("--show", metavar="NAME", help="print both texts of one page")
    args = parser.parse_args()
    only = set(args.pages.split(",")) if args.pages else None
    if args.show:
        for name, data, *_ in [*newspaper_pages(), *trafilatura_pages()]:
            if name == args.show:
                for reader, read in READERS.items():
                    text, headline = read(data, name)
                    print(f"===== {reader}: headline {headline!r}\n{text}\n")
        return 0
    news, snippets = score_newspaper(only), score_trafilatura(only)
    if args.json:
        print(json.dumps({"newspaper4k": news, "trafilatura": snippets}, indent=1,
                         ensure_ascii=False))
        return 0
    print("newspaper4k news pages: bag-of-words F1 per page, averaged; headline = title")
    for reader, s in news.items():
        print(f"  {reader:<12} pages {s['pages']:>3}  F1 {s['f1']:.3f}  (P {s['precision']:.3f}"
              f" R {s['recall']:.3f})  headline right {s['headline_accuracy']:.1%}"
              f"  {s['seconds']:.1f} s")
    worse = [(c["page"], c["f1"], t["f1"]) for c, t in
             zip(news["chronicle"]["rows"], news["trafilatura"]["rows"], strict=True)
             if c["f1"] < t["f1"] - 0.005]
    for page, ours, theirs in worse:
        print(f"    below trafilatura: {page} {ours:.3f} vs {theirs:.3f}")
    for row in news["chronicle"]["rows"]:
        if not row["headline_ok"]:
            print(f"    headline wrong: {row['page']}: {row['headline']!r} "
                  f"(title {row['title']!r})")
    print("trafilatura's evaluation pages: 'with'/'without' snippets, summed")
    for reader, s in snippets.items():
        print(f"  {reader:<12} pages {s['pages']:>3}  F1 {s['f1']:.3f}  (P {s['precision']:.3f}"
              f" R {s['recall']:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
