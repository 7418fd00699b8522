"""Web pages and feeds against a real HTTP server on 127.0.0.1 (no other network).

The server serves pages and an RSS feed whose content the tests change between polls; it
answers conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since)
with 304 and records every request, so politeness is checked on the wire.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path

import pytest

from chronicle.errors import FetchError
from chronicle.fetch import Fetcher, user_agent
from chronicle.watch import STATE_DIR, STATE_FILE, slug_for_url
from conftest import cli, snapshot


# ----- a small website -------------------------------------------------------------------
@dataclass
class Site:
    base: str = ""
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    no_etag: set[str] = field(default_factory=set)
    modified: dict[str, str] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            last_modified: str | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (content_type, data)
        if last_modified:
            self.modified[path] = last_modified

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path in site.slow:
            time.sleep(site.slow[self.path])
        if self.path not in site.pages:
            self.send_error(404, "Not Found")
            return
        content_type, body = site.pages[self.path]
        etag = None if self.path in site.no_etag else f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        modified = site.modified.get(self.path)
        if (etag and self.headers.get("If-None-Match") == etag) or (
            modified and self.headers.get("If-Modified-Since") == modified
        ):
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


@pytest.fixture
def site() -> Iterator[Site]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = Site(base=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()


def article(headline: str, aid: str, troops: str = "50,000", footer: str = "") -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{headline} | Example News</title>
<meta property="article:published_time" content="2024-11-21T08:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{headline}</h1>
<p>The U.S. has provided over {aid} in security assistance to Ukraine since February 2022,
according to the <a href="/aid-report">State Department</a>.</p>
<p>Russia deployed {troops} troops to the Kursk region near Ukraine's northern border.</p>
<h2>Storm Shadow</h2>
<p>The U.K. and France are preparing to send Storm Shadow missiles with a range of 250
kilometers to Ukraine in the coming weeks.</p>
<h2>Sources</h2>
<ul><li><a href="https://apnews.example/ukraine-atacms">AP: Ukraine fires ATACMS</a></li>
<li><a href="https://reuters.example/nato-weapons">Reuters: NATO weapons</a></li></ul>
</article><footer>{footer} © Example News <a href="/privacy">Privacy</a></footer>
</body></html>"""


def rss(site: Site, paths: list[str], stamp: str = "1") -> str:
    items = "".join(
        f"<item><title>Story {p}</title><link>{site.url(p)}</link><guid>{p}</guid></item>"
        for p in paths
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Example News {stamp}</title><link>{site.base}/</link>"
            f"<description>news</description>{items}</channel></rss>")


def show(archive: Path, briefing: str, rev: int | None = None) -> dict[str, object]:
    args = ["show", briefing, "--json", "--archive", str(archive)]
    if rev is not None:
        args += ["--rev", str(rev)]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


# ----- ingest a URL or a saved page ------------------------------------------------------
def test_ingest_url_extracts_the_article_politely(site: Site, archive: Path) -> None:
    site.put("/world/nato-arms.html", article("NATO allies step up arms deliveries",
                                              "$61.4 billion"))
    url = site.url("/world/nato-arms.html")
    result = cli("ingest", url, "-b", "nato-arms", "--archive", str(archive), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["status"] == "recorded"
    revision = show(archive, "nato-arms")
    assert revision["headline"] == "NATO allies step up arms deliveries"
    assert revision["published"] == "2024-11-21"
    assert revision["url"] == url
    sources = {s["url"]: s["text"] for s in revision["sources"]}  # type: ignore[attr-defined]
    assert sources == {
        "https://apnews.example/ukraine-atacms": "AP: Ukraine fires ATACMS",
        "https://reuters.example/nato-weapons": "Reuters: NATO weapons",
        site.url("/aid-report"): "State Department",  # a relative link, made absolute
    }
    texts = [f["text"] for f in revision["figures"]]  # type: ignore[attr-defined]
    assert "over $61.4 billion" in texts
    headers = site.hits("/world/nato-arms.html")[0]
    assert headers["user-agent"] == user_agent() == f"chronicle/{version('chronicle')}"
    log = cli("log", "nato-arms", "--json", "--archive", str(archive))
    assert json.loads(log.stdout)["revisions"][0]["source"] == url


def test_ingest_saved_html_page(tmp_path: Path, archive: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(article("Saved page headline", "$56.2 billion"), encoding="utf-8")
    result = cli("ingest", str(page), "-b", "saved", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    revision = show(archive, "saved")
    assert revision["headline"] == "Saved page headline"
    assert revision["published"] == "2024-11-21"
    urls = [s["url"] for s in revision["sources"]]  # type: ignore[attr-defined]
    assert urls == ["https://apnews.example/ukraine-atacms", "https://reuters.example/nato-weapons"]


def test_ingest_url_in_another_charset(site: Site, archive: Path) -> None:
    body = article("Café crème headline", "$1 billion").replace('<meta charset="utf-8">', "")
    site.put("/latin.html", body.encode("latin-1"), "text/html; charset=ISO-8859-1")
    result = cli("ingest", site.url("/latin.html"), "-b", "latin", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    assert show(archive, "latin")["headline"] == "Café crème headline"


@pytest.mark.parametrize(
    ("path", "extra", "code", "problem"),
    [
        ("/gone.html", [], 5, "HTTP 404 Not Found"),
        ("/big.html", ["--max-bytes", "1000"], 5,
         "response larger than the 1,000-byte limit (raise it with --max-bytes)"),
        ("/image.png", [], 3, "is image/png, not a web page or a text briefing"),
        ("/empty.html", [], 3, "no article text found in this HTML page"),
    ],
)
def test_ingest_url_errors_are_one_line_naming_the_url(
    site: Site, archive: Path, path: str, extra: list[str], code: int, problem: str
) -> None:
    site.put("/big.html", article("Big", "$1 billion") + " " * 5000)
    site.put("/image.png", b"\x89PNG\r\n\x1a\n", "image/png")
    site.put("/empty.html", "<html><body><div></div></body></html>")
    before = snapshot(archive)
    result = cli("ingest", site.url(path), "-b", "x", "--archive", str(archive), *extra)
    assert result.exit_code == code
    assert result.stderr == f"chronicle: error: {site.url(path)}: {problem}\n"
    assert snapshot(archive) == before


def test_unreachable_host_and_timeout(site: Site, archive: Path) -> None:
    with _free_port() as port:
        url = f"http://127.0.0.1:{port}/x.html"
    result = cli("ingest", url, "-b", "x", "--archive", str(archive))
    assert result.exit_code == 5
    assert result.stderr.startswith(f"chronicle: error: {url}: cannot connect (")
    assert result.stderr.count("\n") == 1
    site.put("/slow.html", article("Slow", "$1 billion"))
    site.slow["/slow.html"] = 2.0
    started = time.monotonic()
    with Fetcher(timeout=0.4) as fetcher, pytest.raises(FetchError, match=r"timed out after 0\.4s"):
        fetcher.get(site.url("/slow.html"))
    assert time.monotonic() - started < 1.5


class _free_port:
    """A port nothing listens on (bound, then closed)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port: int = self.sock.getsockname()[1]
        return port

    def __exit__(self, *args: object) -> None:
        self.sock.close()


# ----- watch a feed ----------------------------------------------------------------------
def watch(archive: Path, feed: str, *extra: str) -> dict[str, object]:
    result = cli("watch", feed, "--once", "--delay", "0", "--timeout", "5", "--json",
                 "--archive", str(archive), *extra)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # one JSON object per poll, on one line
    poll: dict[str, object] = json.loads(lines[0])
    return poll


def statuses(poll: dict[str, object]) -> dict[str, str]:
    return {e["url"]: e["status"] for e in poll["entries"]}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_watch_records_only_changed_pages_with_conditional_requests(
    site: Site, archive: Path
) -> None:
    a, b, dead = "/world/nato-arms.html", "/europe/2024/kursk-troops", "/gone.html"
    site.put(a, article("Arms deliveries", "$56.2 billion"))
    site.put(b, article("Kursk troops", "$1 billion", "10,000"),
             last_modified="Wed, 20 Nov 2024 10:00:00 GMT")
    site.no_etag.add(b)  # b only has Last-Modified
    site.put("/feed.xml", rss(site, [a, b, dead]), "application/rss+xml")
    feed = site.url("/feed.xml")

    first = watch(archive, feed, "--briefing-prefix", "ex")
    assert first["status"] == "ok"
    assert statuses(first) == {site.url(a): "recorded", site.url(b): "recorded",
                               site.url(dead): "failed"}
    dead_entry = next(e for e in first["entries"] if e["url"] == site.url(dead))  # type: ignore[attr-defined]
    assert dead_entry["problem"] == "HTTP 404 Not Found"
    listed = cli("list", "--json", "--archive", str(archive))
    assert [b["id"] for b in json.loads(listed.stdout)["briefings"]] == [
        "ex-europe-2024-kursk-troops", "ex-world-nato-arms"]

    # Nothing changed: the feed answers 304 and no page is fetched.
    page_hits = len(site.hits(a))
    second = watch(archive, feed, "--briefing-prefix", "ex")
    assert second["status"] == "not-modified" and second["entries"] == []
    assert site.hits("/feed.xml")[-1]["if-none-match"].startswith('"')
    assert len(site.hits(a)) == page_hits

    # Page a changes and the feed too: a gets r2, b answers 304 to If-Modified-Since.
    site.put(a, article("Arms deliveries", "$61.4 billion"))
    site.put("/feed.xml", rss(site, [a, b, dead], stamp="2"), "application/rss+xml")
    third = watch(archive, feed, "--briefing-prefix", "ex")
    assert statuses(third) == {site.url(a): "recorded", site.url(b): "not-modified",
                               site.url(dead): "failed"}
    assert site.hits(b)[-1]["if-modified-since"] == "Wed, 20 Nov 2024 10:00:00 GMT"
    assert site.hits(a)[-1]["if-none-match"].startswith('"')
    assert all(h["user-agent"] == user_agent() for _, h in site.requests)
    diff = cli("diff", "ex-world-nato-arms", "--json", "--archive", str(archive))
    changed = json.loads(diff.stdout)["figures"]["changed"]
    assert [(c["before"]["text"], c["after"]["text"]) for c in changed] == [
        ("over $56.2 billion", "over $61.4 billion")]

    # New bytes, same article (only the footer moved): fetched, parsed, nothing written.
    site.put(a, article("Arms deliveries", "$61.4 billion", footer="Updated 10:42"))
    site.put("/feed.xml", rss(site, [a], stamp="3"), "application/rss+xml")
    head = _head(archive)
    fourth = watch(archive, feed, "--briefing-prefix", "ex")
    assert statuses(fourth) == {site.url(a): "unchanged"}
    assert _head(archive) == head

    # The state is kept in the archive's git-ignored .chronicle/ folder.
    state = json.loads((archive / STATE_DIR / STATE_FILE).read_text())
    assert state["entries"][site.url(a)]["briefing"] == "ex-world-nato-arms"
    assert state["feeds"][feed]["etag"]
    porcelain = subprocess.run(["git", "-C", str(archive), "status", "--porcelain"],
                               capture_output=True, text=True, check=True).stdout
    assert porcelain == ""
    assert cli("verify", "--archive", str(archive)).exit_code == 0


def test_watch_human_output_and_dead_feed(site: Site, archive: Path) -> None:
    site.put("/a.html", article("Plain output", "$2 billion"))
    site.put("/feed.xml", rss(site, ["/a.html", "/missing.html"]), "application/rss+xml")
    result = cli("watch", site.url("/feed.xml"), "--once", "--delay", "0",
                 "--archive", str(archive))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"a r1 recorded from {site.url('/a.html')} (commit "
        + result.stdout.split("(commit ")[1].split(")")[0] + ")",
        f"feed {site.url('/feed.xml')}: 2 entries (1 failed, 1 recorded)",
    ]
    assert result.stderr == (f"chronicle: warning: {site.url('/missing.html')}: "
                             "HTTP 404 Not Found (skipped)\n")
    gone = cli("watch", site.url("/nofeed.xml"), "--once", "--archive", str(archive))
    assert gone.exit_code == 5
    assert gone.stderr.endswith(
        f"chronicle: error: {site.url('/nofeed.xml')}: HTTP 404 Not Found\n")
    site.put("/notafeed.xml", "this is { not a feed", "text/plain")
    junk = cli("watch", site.url("/notafeed.xml"), "--once", "--archive", str(archive))
    assert junk.exit_code == 5
    assert "not an RSS or Atom feed" in junk.stderr


def test_watch_reads_atom_with_relative_links(site: Site, archive: Path) -> None:
    site.put("/news/kyiv-power.html", article("Kyiv power cuts", "$3 billion"))
    atom = ('<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>'
            '<id>urn:x</id><updated>2024-11-21T08:00:00Z</updated>'
            '<entry><title>Kyiv</title><id>urn:1</id><updated>2024-11-21T08:00:00Z</updated>'
            '<link href="/news/kyiv-power.html"/></entry></feed>')
    site.put("/atom.xml", atom, "application/atom+xml")
    poll = watch(archive, site.url("/atom.xml"), "--name",
                 f"{site.url('/news/kyiv-power.html')}=kyiv")
    assert statuses(poll) == {site.url("/news/kyiv-power.html"): "recorded"}
    assert show(archive, "kyiv")["headline"] == "Kyiv power cuts"


def test_briefing_ids_from_urls() -> None:
    assert slug_for_url("https://news.example/world/2024/NATO-arms.html") == "world-2024-nato-arms"
    assert slug_for_url("https://news.example/story?id=123") == "story-id-123"
    assert slug_for_url("https://news.example/") == "news-example"
    assert slug_for_url("https://news.example/café/über-uns/", "FT") == "ft-cafe-uber-uns"
    long = slug_for_url("https://news.example/" + "/".join(["word"] * 30) + "/the-real-story")
    assert len(long) <= 64 and long.endswith(long[-8:]) and "the-real-story" in long
    other = slug_for_url("https://news.example/" + "/".join(["word"] * 31) + "/the-real-story")
    assert other != long  # same visible words, different URL: a different id


def _head(archive: Path) -> str:
    return subprocess.run(["git", "-C", str(archive), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_watch_keeps_polling_until_interrupted(site: Site, archive: Path) -> None:
    from chronicle.store import Archive
    from chronicle.watch import PollResult, Watcher
    from chronicle.watch import watch as watch_feed

    site.put("/a.html", article("Loop", "$4 billion"))
    site.put("/feed.xml", rss(site, ["/a.html"]), "application/rss+xml")
    polls: list[PollResult] = []

    def on_poll(result: PollResult) -> None:
        polls.append(result)
        if len(polls) == 1:  # the story is revised between two polls
            site.put("/a.html", article("Loop", "$5 billion"))
            site.put("/feed.xml", rss(site, ["/a.html"], stamp="2"), "application/rss+xml")
        if len(polls) == 3:
            raise KeyboardInterrupt

    with Fetcher(timeout=5) as fetcher:
        watcher = Watcher(Archive(archive), site.url("/feed.xml"), fetcher, delay=0)
        with pytest.raises(KeyboardInterrupt):
            watch_feed(watcher, interval=0.05, once=False, on_poll=on_poll)
    assert [p.status for p in polls] == ["ok", "ok", "not-modified"]
    assert [[e.status for e in p.entries] for p in polls[:2]] == [["recorded"], ["recorded"]]
    assert polls[1].entries[0].sequence == 2
