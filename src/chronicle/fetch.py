"""Fetching web pages and feeds politely: a timeout, a User-Agent, a size limit, conditional GETs.

Every failure is a ``FetchError`` whose one-line message names the URL. Pages become a
``Parsed`` revision through the normal readers (HTML goes through trafilatura).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .errors import FetchError, InputError
from .model import Origin
from .readers import (
    DEFAULT_MAX_BYTES,
    Format,
    Parsed,
    decode,
    decode_page,
    extractor_for,
    format_for,
    is_charset,
    is_url,
    parse_text,
)

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 20.0
PAGE_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"
MAX_REDIRECTS = 5
_MEDIA_FORMATS: dict[str, Format] = {
    "text/html": "html", "application/xhtml+xml": "html", "application/json": "json",
    "text/markdown": "markdown", "text/x-markdown": "markdown",
}


@cache
def user_agent() -> str:
    """'chronicle/<version>': how every request introduces itself."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"chronicle/{version('chronicle')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "chronicle/0"


@dataclass(frozen=True)
class Fetched:
    """One HTTP response, read in full (or a 304 with no body)."""

    url: str
    final_url: str
    status: int
    data: bytes
    media_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class Fetcher:
    """One HTTP client (connection reuse) with chronicle's manners; use as a context manager."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        import httpx

        self.timeout = timeout
        self.max_bytes = max_bytes
        self.client = httpx.Client(
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
            # Bodies are read raw and inflated here (Inflater), with the size limit applied
            # to every piece: httpx would inflate a whole network chunk at once.
            timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=MAX_REDIRECTS,
            trust_env=True,  # HTTPS_PROXY / NO_PROXY / SSL_CERT_FILE as the user set them
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            accept: str = "*/*") -> Fetched:
        """GET ``url``; a 304 comes back as ``not_modified``; any other failure is FetchError."""
        import httpx

        if not is_url(url):
            raise FetchError(url, "not an http:// or https:// URL")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with whole_request_deadline(self.timeout):
                return self._get(url, headers)
        except DeadlinePassed:
            raise FetchError(url, f"timed out after {self.timeout:g}s") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.ConnectError as error:
            raise FetchError(url, f"cannot connect ({_reason(error)})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchError(url, f"request failed ({_reason(error)})") from None

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        deadline = time.monotonic() + self.timeout
        with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return _fetched(url, response, b"")
            if response.status_code >= 400:
                status = f"HTTP {response.status_code} {response.reason_phrase}"
                raise FetchError(url, status.strip())
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, self._too_large()).hinted("max_bytes")
            inflate = Inflater(url, response.headers.get("Content-Encoding", ""))
            data = bytearray()
            for raw in response.iter_raw():
                for chunk in inflate.feed(raw):
                    data += chunk
                    if len(data) > self.max_bytes:  # counted as it inflates: no zip bomb
                        raise FetchError(url, self._too_large()).hinted("max_bytes")
                if time.monotonic() > deadline:  # the only deadline outside the main thread
                    raise FetchError(url, f"timed out after {self.timeout:g}s (body too slow)")
            return _fetched(url, response, bytes(data))

    def _too_large(self) -> str:
        return f"response larger than the {self.max_bytes:,}-byte limit"


class DeadlinePassed(Exception):
    """The whole request took longer than the timeout (raised by SIGALRM)."""


@contextmanager
def whole_request_deadline(seconds: float) -> Iterator[None]:
    """One deadline on connect, headers and body together: httpx's timeouts are per read,
    so a server sending one byte a second would hold a request for ever. Done with
    SIGALRM, so only in the main thread (the CLI); elsewhere the per-read timeout and the
    body's own deadline apply."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DeadlinePassed

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Inflater:
    """Undoes a Content-Encoding (gzip, deflate, any number of layers) a piece at a time:
    no layer ever produces more than CHUNK bytes per step, so the caller's size limit
    stops a compression bomb ('gzip, gzip': 1.8 KB -> GBs) before it fills memory."""

    CHUNK = 64 * 1024
    MAX_LAYERS = 4

    def __init__(self, url: str, header: str) -> None:
        self.url = url
        names = [n.strip().lower() for n in header.split(",") if n.strip()]
        if len(names) > self.MAX_LAYERS:
            raise FetchError(url, f"more than {self.MAX_LAYERS} Content-Encodings")
        self.layers = []
        for name in reversed(names):  # the last encoding applied is undone first
            if name in ("gzip", "x-gzip"):
                self.layers.append(zlib.decompressobj(16 + zlib.MAX_WBITS))
            elif name == "deflate":
                self.layers.append(zlib.decompressobj(32 + zlib.MAX_WBITS))
            elif name != "identity":
                raise FetchError(url, f"unsupported Content-Encoding {name[:40]!r}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._inflate(data, 0)
        except zlib.error as error:
            raise FetchError(self.url, f"corrupt compressed body ({error})") from None

    def _inflate(self, data: bytes, depth: int) -> Iterator[bytes]:
        if depth == len(self.layers):
            if data:
                yield data
            return
        layer = self.layers[depth]
        while data and not layer.eof:
            out = layer.decompress(data, self.CHUNK)
            yield from self._inflate(out, depth + 1)
            data = layer.unconsumed_tail
            if not out:
                break


def _fetched(url: str, response: httpx.Response, data: bytes) -> Fetched:
    content_type = response.headers.get("Content-Type", "")
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    return Fetched(
        url=url, final_url=str(response.url), status=response.status_code, data=data,
        media_type=media.strip().lower() or None, charset=charset,
        etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"),
    )


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    match = re.search(r"\[Errno -?\d+\]\s*(.+)", text)
    return (match.group(1) if match else text).splitlines()[0][:200]


# ----- pages -> revisions --------------------------------------------------------------
def page_format(fetched: Fetched) -> Format:
    """The reader for a response: by media type, else by the URL's suffix or the content."""
    media = fetched.media_type or ""
    if media in _MEDIA_FORMATS:
        return _MEDIA_FORMATS[media]
    if media.endswith("+json"):
        return "json"
    if media and not media.startswith("text/"):
        raise InputError(fetched.url, f"is {media}, not a web page or a text briefing")
    return format_for(Path(unquote(urlsplit(fetched.final_url).path)), fetched.data)


def page_text(fetched: Fetched, fmt: Format | None = None) -> str:
    """The body as text: a page by its charset (header, <meta>, detection), never refused
    for it; any other format by the declared charset if not UTF-8, else strict UTF-8."""
    if (fmt or page_format(fetched)) == "html":
        return decode_page(fetched.data, fetched.url, fetched.charset)
    charset = fetched.charset
    if charset:
        name = text_encoding(charset, fetched.url)
        if name != "utf-8":
            try:
                text = fetched.data.decode(name, errors="replace")
            except (LookupError, UnicodeError, ValueError) as error:
                raise InputError(fetched.url, f"cannot decode as charset {charset[:40]!r} "
                                 f"({error})") from None
            return decode(text.encode("utf-8", errors="replace"), fetched.url)
    return decode(fetched.data, fetched.url)


def text_encoding(charset: str, source: str) -> str:
    """The codec for a declared charset: an unknown name falls back to UTF-8 (pages often
    misspell it); a codec that is no text encoding (base64, hex, rot13, idna) is refused."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    if not is_charset(info):
        raise InputError(source, f"declares charset {charset[:40]!r}, which is not a text "
                         "encoding")
    return info.name


def parse_fetched(fetched: Fetched, fmt: Format | None = None) -> Parsed:
    """A fetched page as the revision it would be stored as (origin: the URL and its bytes)."""
    fmt = fmt or page_format(fetched)
    revision = parse_text(page_text(fetched, fmt), fetched.url, fmt)
    if revision.url is None and fmt != "json":
        revision = revision.model_copy(update={"url": fetched.final_url})
    origin = Origin(name=fetched.url, format=fmt, sha256=fetched.sha256, size=len(fetched.data))
    return Parsed(revision, origin, extractor_for(fmt))


def parse_url(url: str, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              timeout: float = DEFAULT_TIMEOUT) -> Parsed:
    """Fetch ``url`` and parse it; FetchError or InputError name the URL."""
    with Fetcher(timeout, max_bytes) as fetcher:
        return parse_fetched(fetcher.get(url, accept=PAGE_ACCEPT), fmt)
