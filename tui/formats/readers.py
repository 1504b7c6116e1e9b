"""Reading articles from files: checked UTF-8 text or Markdown shown as readable text."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from tui.model.document import Document, normalize_newlines


class ArticleError(Exception):
    """An article that cannot be opened; the message is one line naming the file."""


TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def read_article(path: str | Path, encoding: str = "utf-8") -> Document:
    """Read a ``.txt`` or ``.md`` file into a document, or raise :class:`ArticleError`."""
    path = Path(path)
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if path.is_dir():
        raise ArticleError(f"{path}: is a directory, not an article file")
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES:
        raise ArticleError(f"{path}: unsupported file type {suffix!r} (Postil opens .txt and .md files)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"{path}: cannot be read ({error.strerror})") from None
    text = decode_article(path, data, encoding)
    if suffix in MARKDOWN_SUFFIXES:
        text = markdown_to_text(text)
    if not text.strip():
        raise ArticleError(f"{path}: the file is empty (nothing to read or annotate)")
    return Document(text=text, title=title_of(text, path), source=str(path.resolve()))


def decode_article(path: Path, data: bytes, encoding: str) -> str:
    """Decode bytes to text, refusing binary data and naming the byte where decoding fails."""
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: looks like a binary file (it contains NUL bytes), not text")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ArticleError(f"{path}: unknown encoding {encoding!r}") from None
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ArticleError(
            f"{path}: not valid {encoding} at byte offset {error.start} (byte 0x{data[error.start]:02x}); "
            "if the file uses another encoding, pass --encoding (e.g. --encoding latin-1)"
        ) from None
    return normalize_newlines(text)


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
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def markdown_to_text(markdown: str) -> str:
    """Markdown as readable text: markup removed, one line per paragraph, blank lines between.

    Soft-wrapped lines of a paragraph are joined; headings, list items and block quotes
    become paragraphs of their own; code blocks keep their lines.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    in_code = False

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(part.strip() for part in current))
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
    return _HTML_TAG.sub("", text)
