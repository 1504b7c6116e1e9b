"""Web pages as articles: the main text and metadata of an HTML page, read from a file or
fetched from an http(s) address.

The article is told from the page's navigation, advertisements and footer by trafilatura (an
optional dependency, ``pip install 'postil[web]'``); its paragraphs become lines with a blank
line between, as a Markdown article's do. A page is untrusted: what is taken from it is kept
as text (made safe where it is shown), metadata is one line each, and a fetch only speaks
http or https, follows redirects only to those, and stops at a time and size limit.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from tui import __version__
from tui.formats.readers import MEGABYTE, ArticleError, article_bytes, read_article, title_of
from tui.model.document import Document, normalize_newlines
from tui.model.fields import NAME_LIMIT

if TYPE_CHECKING:
    import urllib.request

HTML_SUFFIXES = frozenset({".html", ".htm"})
INSTALL_HINT = "reading web pages needs trafilatura: pip install 'postil[web]'"
# A fetch gives up when the server is silent this long, or when the whole page takes longer than FETCH_DEADLINE.
FETCH_TIMEOUT = 20.0
FETCH_DEADLINE = 60.0
MAX_PAGE_MB = 10
_WHITESPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# trafilatura's metadata field -> the Document.meta key it is kept under.
_META_FIELDS = {"url": "url", "author": "author", "date": "date", "sitename": "site", "description": "description"}


def one_line(value: object) -> str:
    """A metadata value as one line of text (whitespace runs made one space, at most NAME_LIMIT
    characters), or "" for anything but a string."""
    if not isinstance(value, str):
        return ""
    return _WHITESPACE.sub(" ", value).strip()[:NAME_LIMIT]


def iso_date(value: str) -> str:
    """A publication date as ``YYYY-MM-DD`` when it starts with one, else as given."""
    match = _ISO_DATE.match(value)
    return match.group() if match else value


def page_document(data: bytes, source: str, url: str = "") -> Document:
    """The article of an HTML page (``source``: where it was read from, for the document and
    for messages; ``url``: its address, when fetched, used where the page names no canonical one)."""
    try:
        import trafilatura
    except ImportError:
        raise ArticleError(f"{source}: {INSTALL_HINT}") from None
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{source}: looks like a binary file (it contains NUL bytes), not a web page")
    extracted = trafilatura.bare_extraction(data, url=url or None, with_metadata=True, include_comments=False, include_images=False,
                                            include_links=False, include_formatting=False, include_tables=True)
    fields = extracted.as_dict() if extracted is not None and hasattr(extracted, "as_dict") else extracted or {}
    lines = [line.strip() for line in normalize_newlines(fields.get("text") or "").split("\n")]
    paragraphs = [line for line in lines if line]
    if not paragraphs:
        raise ArticleError(f"{source}: no article text found in the page")
    title = one_line(fields.get("title"))
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)  # the headline belongs to the article (it often carries a claim)
    meta = {key: one_line(fields.get(name)) for name, key in _META_FIELDS.items()}
    meta["url"] = meta["url"] or url
    meta["date"] = iso_date(meta["date"])
    return Document(text="\n\n".join(paragraphs), title=title or paragraphs[0][:120], source=source,
                    meta={key: value for key, value in meta.items() if value})


def read_web_page(path: Path, max_mb: float) -> Document:
    """The article of an ``.html``/``.htm`` file (a regular file of at most ``max_mb`` MB)."""
    data = article_bytes(path, max_mb, HTML_SUFFIXES)
    return page_document(data, str(path.resolve()))


def read_article_file(path: Path, encoding: str, max_mb: float) -> Document:
    """The article of one file: a web page's article for ``.html``/``.htm``, else the file's text."""
    if path.suffix.lower() in HTML_SUFFIXES:
        return read_web_page(path, max_mb)
    return read_article(path, encoding=encoding, max_mb=max_mb)


def parts_path(url: str) -> str:
    """The last part of an address's path (what names a page that has no title), else its host."""
    parts = urlsplit(url)
    return parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.hostname or url


def is_address(argument: str) -> bool:
    """Whether a command-line argument is meant as a web address (``scheme://…``), not a path."""
    return "://" in argument and not Path(argument).exists()


def _opener() -> urllib.request.OpenerDirector:
    """An opener that knows http and https only (and the user's proxy settings), its redirects
    followed only to another http(s) address (never ftp, file or data). urllib is imported here,
    when a page is fetched: reading an article file does not need it."""
    import urllib.error
    import urllib.request

    class HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
        def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001, ANN201 - urllib's signature
            target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ("http", "https"):
                raise urllib.error.URLError(f"redirected to a{'n' if scheme[:1] in 'aeiou' else ''} {scheme or 'unknown'} address, which is not fetched")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), HttpOnlyRedirects(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def fetch_page(url: str, timeout: float = FETCH_TIMEOUT, max_mb: float = MAX_PAGE_MB, deadline: float = FETCH_DEADLINE) -> tuple[bytes, str, str]:
    """The body, final address and content type of ``url``, or :class:`ArticleError` in one line."""
    import urllib.error
    import urllib.request

    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ArticleError(f"{url}: only http:// and https:// addresses are fetched")
    limit = int(max_mb * MEGABYTE)
    request = urllib.request.Request(url, headers={"User-Agent": f"Postil/{__version__}", "Accept": "text/html, text/plain;q=0.8"})
    ends = time.monotonic() + deadline
    try:
        with _opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length") or ""
            if declared.isdigit() and int(declared) > limit:
                raise ArticleError(f"{url}: the page is {int(declared) / MEGABYTE:.1f} MB, over the {max_mb:g} MB limit")
            chunks, total = [], 0
            while chunk := response.read(1 << 16):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise ArticleError(f"{url}: the page is over the {max_mb:g} MB limit")
                if time.monotonic() > ends:
                    raise ArticleError(f"{url}: the page took over {deadline:g} s to arrive")
            return b"".join(chunks), response.geturl(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise ArticleError(f"{url}: the server answered {error.code} {one_line(error.reason)}".rstrip()) from None
    except urllib.error.URLError as error:
        reason = error.reason
        reason = getattr(reason, "strerror", None) or str(reason)
        raise ArticleError(f"{url}: cannot be fetched ({one_line(reason)})") from None
    except TimeoutError:
        raise ArticleError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as error:  # a connection reset, a malformed answer or address
        raise ArticleError(f"{url}: cannot be fetched ({one_line(getattr(error, 'strerror', None) or str(error)) or type(error).__name__})") from None


def fetch_document(url: str, timeout: float = FETCH_TIMEOUT, max_mb: float = MAX_PAGE_MB) -> Document:
    """The article at an http(s) address: a web page's main text and metadata, or plain text as it is."""
    data, final_url, content_type = fetch_page(url, timeout, max_mb)
    if content_type in ("text/html", "application/xhtml+xml") or not content_type:
        return page_document(data, url, final_url)
    if content_type == "text/plain":
        try:
            text = normalize_newlines(data.decode("utf-8").removeprefix("\ufeff"))
        except UnicodeDecodeError as error:
            raise ArticleError(f"{url}: not valid UTF-8 at byte offset {error.start}") from None
        if not text.strip() or "\x00" in text:
            raise ArticleError(f"{url}: {'empty' if not text.strip() else 'binary data (NUL characters)'}, not an article")
        return Document(text=text, title=title_of(text, Path(parts_path(url))), source=url, meta={"url": final_url})
    raise ArticleError(f"{url}: is {one_line(content_type)}, not a web page or text")
