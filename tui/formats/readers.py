"""Reading articles from files: checked text, or Markdown shown as readable text."""

from __future__ import annotations

import codecs
import html
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

from tui.model.document import Document, content_hash, normalize_newlines
from tui.store.storage import FileTooLarge, NotARegularFile, file_kind, read_regular_file


class ArticleError(Exception):
    """An article that cannot be opened; the message is one line naming the file."""


TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
# Larger files are refused unless the user raises the limit (``--max-size``, in MB).
MAX_ARTICLE_MB = 50
MEGABYTE = 1024 * 1024
# Codecs that decode bytes to str but are not how a file's text is stored: they turn escapes,
# host names or nothing at all into text.
NOT_FILE_ENCODINGS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00 starts both
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_article(path: str | Path, encoding: str = "utf-8", max_mb: float = MAX_ARTICLE_MB) -> Document:
    """Read a ``.txt`` or ``.md`` file into a document, or raise :class:`ArticleError`.

    Only a regular file of at most ``max_mb`` megabytes is read: a named pipe would block,
    and a device such as ``/dev/zero`` never ends.
    """
    path = Path(path)
    data = article_bytes(path, max_mb)
    suffix = path.suffix.lower()
    text = decode_article(path, data, encoding)
    markdown = suffix in MARKDOWN_SUFFIXES
    if markdown:
        text = markdown_to_text(text)
    if not text or text.isspace():  # isspace, not strip: a stripped copy of a book costs as much as the book
        raise ArticleError(f"{path}: the file is empty (nothing to read or annotate)")
    # The text's UTF-8 is the file's bytes when they were UTF-8 and nothing was changed: hashed as
    # read, a book is not encoded again (a copy of it) to be given its content hash.
    as_read = not markdown and utf8_as_is(data, encoding)
    return Document(text=text, title=title_of(text, path), source=str(path.resolve()), sha256=content_hash(data) if as_read else "")


def utf8_as_is(data: bytes, encoding: str) -> bool:
    """Whether :func:`decode_article` reads ``data`` as UTF-8 and keeps every character: no byte
    order mark (removed, or read as UTF-16 or UTF-32) and no ``\\r`` (normalised)."""
    boms = (codecs.BOM_UTF8, *(bom for bom, _ in _BOMS))
    return codecs.lookup(encoding).name == "utf-8" and not data.startswith(boms) and b"\r" not in data


def article_bytes(path: Path, max_mb: float, suffixes: frozenset[str] | set[str] = TEXT_SUFFIXES | MARKDOWN_SUFFIXES) -> bytes:
    """The bytes of an article file, refusing anything but a regular file with one of
    ``suffixes`` (``.txt``/``.md`` by default) of at most ``max_mb`` MB (read by
    :func:`~tui.store.storage.read_regular_file`, which checks the kind again on the open
    file, so one swapped for a pipe in between is refused too)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as error:
        raise ArticleError(f"{path}: cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise ArticleError(_not_an_article(path, file_kind(mode)))
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise ArticleError(f"{path}: unsupported file type {suffix!r} (Postil opens .txt and .md files)")
    try:
        return read_regular_file(path, int(max_mb * MEGABYTE))
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except NotARegularFile as error:
        raise ArticleError(_not_an_article(path, error.kind)) from None
    except FileTooLarge as error:
        raise ArticleError(_too_large(path, error.size, max_mb)) from None
    except OSError as error:
        raise ArticleError(f"{path}: cannot be read ({error.strerror})") from None


def _not_an_article(path: Path, kind: str) -> str:
    if kind == "a directory":
        return f"{path}: is a directory, not an article file"
    return f"{path}: is {kind}, not an article file (Postil reads regular files only)"


def _too_large(path: Path, size: int, max_mb: float) -> str:
    return f"{path}: is {size / MEGABYTE:.1f} MB, over the {max_mb:g} MB limit for an article; pass --max-size MB to open it"


def text_codec(path: Path, encoding: str) -> codecs.CodecInfo:
    """The codec of ``encoding``, refused unless it is a text encoding files are written in."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise ArticleError(f"{path}: unknown encoding {encoding!r}") from None
    if not codec._is_text_encoding or codec.name in NOT_FILE_ENCODINGS:  # rot13, hex, base64, unicode_escape…
        raise ArticleError(f"{path}: {encoding!r} is not a text encoding (e.g. --encoding utf-8, latin-1 or utf-16)")
    return codec


def decode_article(path: Path, data: bytes, encoding: str) -> str:
    """Decode bytes to text, refusing binary data (a NUL anywhere) and naming the byte where
    decoding fails. A UTF-16 or UTF-32 byte order mark wins over the UTF-8 default."""
    codec = text_codec(path, encoding)
    if codec.name == "utf-8":
        codec = next((codecs.lookup(wide) for bom, wide in _BOMS if data.startswith(bom)), codec)
    wide = codec.name.startswith(("utf-16", "utf-32"))
    if not wide and b"\x00" in data:  # in a byte encoding a NUL byte is a NUL character
        raise ArticleError(f"{path}: looks like a binary file (it contains NUL bytes), not text")
    if codec.name == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = codecs.lookup(_utf16_byte_order(data))
    try:
        text = codec.decode(data)[0]
    except UnicodeDecodeError as error:
        at = f" (byte 0x{data[error.start]:02x})" if error.start < len(data) else ""
        raise ArticleError(
            f"{path}: not valid {encoding} at byte offset {error.start}{at}; "
            "if the file uses another encoding, pass --encoding (e.g. --encoding latin-1)"
        ) from None
    except (UnicodeError, ValueError) as error:
        raise ArticleError(f"{path}: cannot be decoded as {encoding} ({str(error).splitlines()[0] if str(error) else error})") from None
    if "\x00" in text:
        raise ArticleError(f"{path}: looks like a binary file (it contains NUL characters), not text")
    return normalize_newlines(text.removeprefix("\ufeff"))  # a byte order mark is not part of the text


def _utf16_byte_order(data: bytes) -> str:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 without a byte order mark: text is mostly
    characters below U+0100, whose high byte (zero) comes second in little-endian order."""
    sample = data[:65536]
    return "utf-16-be" if sample[0::2].count(0) > sample[1::2].count(0) else "utf-16-le"


def title_of(text: str, path: Path) -> str:
    """The first non-blank line (its first 120 characters), or the file name when all are blank."""
    rest = text.lstrip()  # starts on the first non-blank line: a book is not split into lines here
    return rest[:4096].splitlines()[0].strip()[:120] if rest else path.stem


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_CODE = re.compile(r"`([^`]+)`")
_SPACES = re.compile(r" {2,}")
# What Markdown shows as written although it looks like HTML: code spans, and autolinks
# (<https://…>, <name@example.com>), whose address is their text.
_LITERAL = re.compile(r"`[^`]+`|<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}):[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
# An ampersand that does not start a character reference ending in ";" (Markdown decodes only those).
_BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)")


class _HtmlText(HTMLParser):
    """The text of HTML as a reader sees it: tags dropped, character references decoded, no
    script, style or template content, block elements apart."""

    HIDDEN = {"script", "style", "template"}
    BLOCKS = {
        "address", "article", "aside", "blockquote", "details", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tr", "ul",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        self._separate(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        self._separate(tag)

    def _separate(self, tag: str) -> None:
        if self.hidden:
            return
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def strip_html(markdown: str) -> str:
    """Markdown with the HTML in it turned into text (see :class:`_HtmlText`), leaving what
    Markdown shows literally as it is: code blocks, code spans and autolinks."""
    if "<" not in markdown and "&" not in markdown:
        return markdown
    protected: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        if _FENCE.match(line) or in_code:
            in_code = in_code != bool(_FENCE.match(line))
            protected.append(html.escape(line, quote=False))
        else:
            protected.append(_protect_literals(line))
    parser = _HtmlText()
    parser.feed("\n".join(protected))
    parser.close()
    return "".join(parser.parts)


def _protect_literals(line: str) -> str:
    """A line escaped so that the HTML parser gives back its code spans, its autolinks' addresses
    and its bare ampersands as written."""
    pieces = []
    last = 0
    for match in _LITERAL.finditer(line):
        pieces.append(_BARE_AMPERSAND.sub("&amp;", line[last : match.start()]))
        pieces.append(html.escape(match.group(1) or match.group(), quote=False))
        last = match.end()
    pieces.append(_BARE_AMPERSAND.sub("&amp;", line[last:]))
    return "".join(pieces)


def markdown_to_text(markdown: str) -> str:
    """Markdown as readable text: markup removed, one line per paragraph, blank lines between.

    Soft-wrapped lines of a paragraph are joined; headings, list items and block quotes
    become paragraphs of their own; code blocks keep their lines. HTML in it is read as
    :func:`strip_html` says.
    """
    markdown = strip_html(markdown)
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False

    def flush() -> None:
        if current:  # spaces run together as a Markdown reader shows them (a dropped tag leaves two)
            paragraphs.append(_SPACES.sub(" ", " ".join(part.strip() for part in current)))
            current.clear()

    for line in markdown.split("\n"):
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            continue
        if in_code:
            paragraphs.append(line)
            continue
        if not line.strip() or _RULE.match(line) or _LINK_DEFINITION.match(line):
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            paragraphs.append(_inline(heading.group(1)))
            continue
        line = _BLOCKQUOTE.sub("", line)
        if _LIST_ITEM.match(line):
            flush()
            line = _LIST_ITEM.sub("• " if not re.match(r"^\s*\d", line) else lambda m: m.group(2) + " ", line)
        current.append(_inline(line))
    flush()
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph.strip())


def _inline(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    return text
