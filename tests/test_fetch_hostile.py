"""Hostile web servers (issue 12 items 9 and 11), served for real on 127.0.0.1 by a raw
socket server that writes exactly the bytes each attack needs."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chronicle.errors import ChronicleError, FetchError
from chronicle.fetch import Fetcher, parse_fetched
from conftest import run_chronicle

pytestmark = pytest.mark.slow  # real servers with deliberate delays: CI runs them

Route = Callable[[socket.socket], None]


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
        route = self.server.routes.get(path)
        try:
            if route is None:
                self.request.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            else:
                route(self.request)
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Route]


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Route]]]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.routes = {}
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", srv.routes
    finally:
        srv.shutdown()
        srv.server_close()


def response(body: bytes, *headers: str) -> Route:
    head = "".join(f"{h}\r\n" for h in headers)

    def send(sock: socket.socket) -> None:
        sock.sendall(f"HTTP/1.1 200 OK\r\n{head}Content-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)

    return send


def gzip_of(chunks: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(packer.compress(chunk) for chunk in chunks) + packer.flush()


def zeros(total: int, size: int = 1 << 22) -> Iterator[bytes]:
    block = bytes(size)
    for _ in range(total // size):
        yield block


def test_a_double_gzip_bomb_is_stopped_at_the_limit(server: tuple[str, dict[str, Route]]
                                                    ) -> None:
    """A few KB of 'Content-Encoding: gzip, gzip' inflating to 1 GiB drove memory to 2.1 GB
    before the 10 MiB refusal: now it is inflated piece by piece against the limit."""
    base, routes = server
    bomb = gzip_of(iter([gzip_of(zeros(1 << 30))]))
    assert len(bomb) < 20_000
    routes["/bomb.html"] = response(bomb, "Content-Type: text/html",
                                    "Content-Encoding: gzip, gzip")
    tracemalloc.start()
    try:
        with Fetcher(timeout=10, max_bytes=10 * 1024 * 1024) as fetcher, \
                pytest.raises(FetchError, match="larger than the 10,485,760-byte limit"):
            fetcher.get(f"{base}/bomb.html")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_gzip_and_deflate_pages_still_read(server: tuple[str, dict[str, Route]]) -> None:
    base, routes = server
    page = b"<html><head><title>T</title></head><body><p>Hello there.</p></body></html>"
    routes["/g.html"] = response(gzip_of(iter([page])), "Content-Type: text/html",
                                 "Content-Encoding: gzip")
    routes["/d.html"] = response(zlib.compress(page), "Content-Type: text/html",
                                 "Content-Encoding: deflate")
    routes["/br.html"] = response(page, "Content-Type: text/html", "Content-Encoding: br")
    routes["/many.html"] = response(page, "Content-Type: text/html",
                                    "Content-Encoding: " + ", ".join(["gzip"] * 1000))
    with Fetcher(timeout=5) as fetcher:
        assert fetcher.get(f"{base}/g.html").data == page
        assert fetcher.get(f"{base}/d.html").data == page
        with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
            fetcher.get(f"{base}/br.html")
        with pytest.raises(FetchError, match="more than 4 Content-Encodings"):
            fetcher.get(f"{base}/many.html")


def trickle(sock: socket.socket) -> None:
    """Headers one byte a second: every read is quick, the whole is endless."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 60:
        sock.sendall(bytes([byte]))
        time.sleep(1)


def test_one_deadline_on_the_whole_request(server: tuple[str, dict[str, Route]]) -> None:
    base, routes = server
    routes["/slow.html"] = trickle
    started = time.monotonic()
    with Fetcher(timeout=2) as fetcher, pytest.raises(FetchError, match=r"timed out after 2s"):
        fetcher.get(f"{base}/slow.html")
    assert time.monotonic() - started < 4


def test_watch_timeout_holds_for_slow_headers(server: tuple[str, dict[str, Route]],
                                              archive: Path) -> None:
    """`watch --timeout 2` waited 31 s for headers sent one byte a second."""
    base, routes = server
    routes["/feed.xml"] = trickle
    started = time.monotonic()
    done = run_chronicle("watch", f"{base}/feed.xml", "--once", "--timeout", "2",
                         "--archive", str(archive))
    assert time.monotonic() - started < 8
    assert done.returncode == 5
    assert done.stderr.endswith("timed out after 2s\n") and "Traceback" not in done.stderr


@pytest.mark.parametrize("charset", ["base64", "hex", "rot13", "idna", "uu", "zlib",
                                     "punycode", "unicode_escape"])
def test_a_charset_that_is_no_text_encoding_is_ignored(server: tuple[str, dict[str, Route]],
                                                        archive: Path, charset: str) -> None:
    """A page declaring base64 (a codec, but no character set) once raised LookupError; the
    declaration is ignored and the charset detected, as for any wrong one (issue 16: no page
    is refused for its charset)."""
    base, routes = server
    page = (b"<html><body><article><h1>Head</h1><p>NATO pledged 50,000 troops on Monday, "
            b"officials said in Brussels.</p></article></body></html>")
    routes["/p.html"] = response(page, f"Content-Type: text/html; charset={charset}")
    with Fetcher(timeout=5) as fetcher:
        fetched = fetcher.get(f"{base}/p.html")
    parsed = parse_fetched(fetched)
    assert [c.text for c in parsed.revision.claims] == [
        "NATO pledged 50,000 troops on Monday, officials said in Brussels."]
    done = run_chronicle("ingest", f"{base}/p.html", "-b", "x", "--archive", str(archive))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_watch_reads_past_an_entry_with_a_bad_charset(server: tuple[str, dict[str, Route]],
                                                      archive: Path) -> None:
    """charset=base64 aborted the whole poll; now that entry is read like any other."""
    base, routes = server
    page = (b"<html><head><title>Good</title></head><body><article><h1>Good page</h1>"
            b"<p>NATO pledged 50,000 troops on Monday, officials said.</p></article></body>"
            b"</html>")
    routes["/bad.html"] = response(page, "Content-Type: text/html; charset=base64")
    routes["/good.html"] = response(page, "Content-Type: text/html; charset=utf-8")
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
            f"<item><title>B</title><link>{base}/bad.html</link></item>"
            f"<item><title>G</title><link>{base}/good.html</link></item>"
            "</channel></rss>").encode()
    routes["/feed.xml"] = response(feed, "Content-Type: application/rss+xml")
    done = run_chronicle("watch", f"{base}/feed.xml", "--once", "--delay", "0", "--timeout", "5",
                         "--json", "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    import json

    poll = json.loads(done.stdout)
    status = {e["url"].rsplit("/", 1)[1]: e for e in poll["entries"]}
    assert status["bad.html"]["status"] == "recorded"
    assert status["good.html"]["status"] == "recorded"


def test_only_chronicle_errors_escape_a_fetch(server: tuple[str, dict[str, Route]]) -> None:
    """Garbage status lines, a closed socket, bad gzip: each one a FetchError."""
    base, routes = server

    def raw(data: bytes) -> Route:
        return lambda sock: sock.sendall(data)

    routes["/garbage"] = raw(b"NOT HTTP AT ALL\r\n\r\n")
    routes["/closed"] = raw(b"")
    routes["/badgzip"] = response(b"not gzip at all", "Content-Encoding: gzip")
    routes["/header"] = raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: \x00\x01\r\n\r\nhello")
    with Fetcher(timeout=3) as fetcher:
        for path in routes:
            with contextlib.suppress(ChronicleError):
                fetcher.get(base + path)
