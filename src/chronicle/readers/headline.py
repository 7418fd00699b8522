"""A web page's headline: its title metadata without the site's name, as its <h1> writes it.

Measured on the public pages of eval/web (eval/score_web.py; numbers in eval/web/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from lxml.html import HtmlElement  # type: ignore[import-untyped]

# ' | ', ' - ', ' – ', ' — ', ' -- ', ' » ', ' « ', ' › ', ' · ', ' • ', ' :: ', fullwidth
# '｜', and a hyphen between CJK characters ('需求-新华网'): what sites put between a title
# and their name
_SEPARATOR = re.compile(
    r"\s+(?:\||-{1,2}|–|—|»|«|›|·|•|::)\s+|\s*[|｜]\s*|(?<=[\u3000-\u9fff])[-－](?=[\u3000-\u9fff])"
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})


def page_headline(root: HtmlElement, site: str | None, url: str | None) -> str | None:
    """The page's headline: og:title or <title> without the site's name, as the <h1> that
    says the same writes it; else the <title>, og:title, JSON-LD article headline or first
    <h1> that is more than the site's name."""
    host = urlsplit(url).hostname if url else None
    page_title = _clean(root.findtext(".//title") or "")
    # JSON-LD's headline is only a fallback: where it differs from the <title> it is the
    # display headline of the <h1>, and the <title> the one measured as right (cnn_001)
    raw = [_clean(t) for t in (meta_content(root, "og:title"), meta_content(root, "twitter:title"),
                               page_title) if t and t.strip()]
    titles = [t for t in (strip_site_name(r, site, host) for r in raw)
              if not _names_site(t, site, host)]
    headings = [_clean(h.text_content()) for h in root.iter("h1")]
    headings = [h for h in headings
                if h and len(h) <= 300 and not _names_site(h, site, host)]
    for title in [*raw, *titles]:
        for heading in headings:
            # 'Headline | Example News' and an <h1> 'Headline': the h1 shows where it ends;
            # 'A long headline cut sh...' and an <h1> that goes on: the h1 is whole
            if any(same_title(part, heading) for part in _prefixes(title)) or _cut_short(
                    title, heading):
                return strip_site_name(heading, site, host)
    if page_title:
        stripped = strip_site_name(page_title, site, host)
        if not _names_site(stripped, site, host):
            return stripped
    if titles:
        return titles[0]
    linked = _json_ld_headline(root)
    if linked and linked.strip():
        return _clean(linked)
    return strip_site_name(headings[0], site, host) if headings else None


def strip_site_name(title: str, site: str | None, host: str | None) -> str:
    """'Headline | CNN Politics' -> 'Headline'; '… » Local » Noticias » Ultima Hora' -> '…';
    'CNN - Headline' -> 'Headline'.

    A trailing part goes when it names the site (og:site_name or the host) or when it is
    short beside the rest (at most 4 words and under half its length: a section label); a
    leading part only when it names the site and is short beside the rest.
    """
    names = _site_names(site, host)
    while True:
        cuts = _cuts(title)
        if not cuts:
            return title
        cut = cuts[-1]
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        named = _names_part(tail, names, host)
        short = len(tail.split()) <= 4 and len(tail) < len(head) / 2
        if not head or not (named or short):
            break
        title = head
    while cuts := _cuts(title):
        head, tail = title[: cuts[0].start()].strip(), title[cuts[0].end():].strip()
        named = _names_part(head, names, host)
        if not tail or not named or len(head.split()) > 4 or len(head) >= len(tail) / 2:
            break
        title = tail
    return title


def _site_names(site: str | None, host: str | None) -> set[str]:
    """The site's names, squashed: og:site_name and the host's name ('rs-ingenieure' and
    'RS Ingenieure' both 'rsingenieure')."""
    return {_squash(n) for n in (site, *(_host_words(host))) if n and _squash(n)}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _names_site(text: str, site: str | None, host: str | None) -> bool:
    """True if ``text`` is only the site's name ('CNN', 'Example News', 'cnn.com'): a
    <title> or logo <h1> that says which site, not what happened."""
    key = _squash(text)
    words = [_squash(w) for w in text.split() if _squash(w)]
    return bool(key) and (any(key in (n, f"{n}com") for n in _site_names(site, host)) or (
        2 <= len(words) <= 6 and any(_spelled_by(n, words) for n in _host_words(host))))


def _cut_short(title: str, heading: str) -> bool:
    """'A long headline that was cut...' and the <h1> 'A long headline that was cut off'."""
    if not title.endswith(("...", "…")):
        return False
    start = _key(title.rstrip(".…"))
    return len(start) >= 20 and _key(heading).startswith(start)


_ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
                  "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
                  "Report", "LiveBlogPosting", "TechArticle", "ScholarlyArticle"}


def _json_ld_headline(root: HtmlElement) -> str | None:
    """The ``headline`` of the first article in the page's JSON-LD (schema.org), if any."""
    import json

    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = set(kind) if isinstance(kind, list) else {kind}
                headline = item.get("headline")
                if kinds & _ARTICLE_TYPES and isinstance(headline, str) and headline.strip():
                    return headline
                stack[:0] = [v for v in item.values() if isinstance(v, (list, dict))]
    return None


def _prefixes(title: str) -> list[str]:
    """The title, and the title cut at each separator: 'A | B | C' -> 'A | B | C', 'A', 'A | B';
    and the same after a short leading label ('Politics | A | Site' -> 'A | Site', 'A')."""
    found = [title, *(title[: cut.start()] for cut in _cuts(title))]
    first = next(iter(_cuts(title)), None)
    if first:
        label, rest = title[: first.start()].strip(), title[first.end():].strip()
        if rest and len(label.split()) <= 4 and len(label) < len(rest) / 2:
            found += [rest, *(rest[: cut.start()] for cut in _cuts(rest))]
    return found


def _cuts(title: str) -> list[re.Match[str]]:
    """The separators in a title that stand outside brackets: 'Song (只能想念你 - 蕭敬騰)' is
    not cut inside its brackets."""
    return [cut for cut in _SEPARATOR.finditer(title) if _balanced(title[: cut.start()])]


def _balanced(text: str) -> bool:
    return all(text.count(left) == text.count(right) for left, right in _BRACKETS)


_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"), ("（", "）"), ("【", "】"))


def _names_part(part: str, names: set[str], host: str | None) -> bool:
    """Does this part of a title name the site: contain one of its ``names`` ('CNN Politics'),
    or spell the host's name by its words' initials or starts ('The New York Times' on
    nytimes.com, 'Sydney Morning Herald' on smh.com.au)?"""
    if any(n in _squash(part) for n in names):
        return True
    words = [_squash(w) for w in part.split() if _squash(w)]
    return 2 <= len(words) <= 6 and any(_spelled_by(label, words) for label in _host_words(host))


_FILLERS = {"the", "online", "news", "magazine", "daily", "de", "la", "le", "el", "die", "der"}


def _spelled_by(label: str, words: list[str]) -> bool:
    """Is ``label`` the starts of ``words``, in order ('nytimes': n-y-times of 'the new york
    times'), each word giving at least its initial but 'the', 'online' and the like?"""
    if not words:
        return not label
    first, rest = words[0], words[1:]
    return (first in _FILLERS and _spelled_by(label, rest)) or any(
        label.startswith(first[:n]) and _spelled_by(label[n:], rest)
        for n in range(1, min(len(first), len(label)) + 1))


def _host_words(host: str | None) -> list[str]:
    """'edition.cnn.com' -> ['cnn'], 'www.bbc.co.uk' -> ['bbc']: the site's own name as its
    host spells it."""
    if not host:
        return []
    labels = [p for p in host.split(".") if p not in ("www", "edition", "m", "amp")]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        labels = labels[:-1]  # 'bbc.co.uk' is named like 'bbc.uk'
    return [labels[-2]] if len(labels) >= 2 and len(labels[-2]) > 2 else []


# The second-level domains of country domains under which sites are named ('co.uk', 'com.au').
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"}


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(text: str) -> str:
    """A title as compared: case, quotes, dashes and other punctuation set aside."""
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def same_title(a: str, b: str) -> bool:
    """Do two titles say the same, case, quotes, dashes and other punctuation aside?"""
    return _key(a) == _key(b)


def meta_content(root: HtmlElement, name: str) -> str | None:
    """The content of the page's <meta property=NAME> or <meta name=NAME>."""
    for attribute in ("property", "name"):
        found = root.xpath(f"//meta[@{attribute}=$name]/@content", name=name)
        if found:
            return str(found[0])
    return None
