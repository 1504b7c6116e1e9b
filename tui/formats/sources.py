"""Where a corpus's articles come from besides one file: the article files of a folder, and
JSONL files of ``{"text": …, "meta": {…}}`` lines (the Prodigy convention).

A folder is walked without following a symbolic link out of it; a JSONL file is read whole
and checked line by line first, so one bad line stops the whole file (nothing of it stored).
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.formats.interchange import FormatError
from tui.formats.prodigy import json_object
from tui.formats.readers import MARKDOWN_SUFFIXES, ArticleError, article_bytes, title_of
from tui.formats.web import HTML_SUFFIXES, iso_date, one_line
from tui.model.document import Document, normalize_newlines

# The article files a folder is searched for (a file without a suffix is not taken for one there).
FOLDER_SUFFIXES = frozenset({".txt", ".text", *MARKDOWN_SUFFIXES, *HTML_SUFFIXES})
JSONL_SUFFIXES = frozenset({".jsonl"})
# The keys of a JSONL line's "meta" kept with the document (each a string when given).
JSONL_META = ("title", "url", "author", "date", "site", "description")


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, its links resolved, lies in the (resolved) folder ``root``."""
    return path.resolve().is_relative_to(root)


def folder_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The article files under ``folder`` (recursively, sorted by their path in it), and a note
    for each symbolic link left out because it leads outside the folder. Hidden files and
    folders (``.name``) are skipped, and a linked folder is never entered."""
    root = folder.resolve()
    found: list[Path] = []
    notes: list[str] = []
    for directory, folders, files in os.walk(folder, followlinks=False):
        here = Path(directory)
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in folders:
            if (here / name).is_symlink() and not _inside(here / name, root):
                notes.append(f"{here / name}: a link to a folder outside {folder}, not followed")
        for name in files:
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in FOLDER_SUFFIXES:
                continue
            if path.is_symlink() and not _inside(path, root):
                notes.append(f"{path}: a link to a file outside {folder}, not followed")
                continue
            found.append(path)
    return sorted(found, key=lambda path: path.relative_to(folder).parts), notes


def _line_document(path: Path, number: int, task: dict) -> Document:
    """The document of one JSONL line, or a FormatError naming the line."""
    text = task.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(path, number, 'the line has no "text" string (or it is blank)')
    if "\x00" in text:
        raise FormatError(path, number, "text: holds NUL characters (binary data, not an article)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(path, number, "text: holds a lone surrogate (not valid Unicode text)") from None
    meta = task.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FormatError(path, number, '"meta" must be an object')
    kept = {}
    for key in JSONL_META:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise FormatError(path, number, f"meta.{key}: must be a string")
        if line := one_line(value):
            kept[key] = line
    if "date" in kept:
        kept["date"] = iso_date(kept["date"])
    text = normalize_newlines(text)
    title = kept.pop("title", "") or title_of(text, path)
    return Document(text=text, title=title, source=f"{path.resolve()}:{number}", meta=kept)


def read_jsonl_articles(path: Path, max_mb: float) -> tuple[list[Document], list[FormatError]]:
    """The documents of a JSONL file, one a line, and an error for each line that is not one
    (the caller stores nothing from a file with errors); blank lines are skipped."""
    data = article_bytes(path, max_mb, JSONL_SUFFIXES)
    try:
        content = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArticleError(f"{path}:{line}: not UTF-8 text (bad byte at offset {error.start})") from None
    documents, errors = [], []
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            documents.append(_line_document(path, number, json_object(path, number, line)))
        except FormatError as error:
            errors.append(error)
    if not documents and not errors:
        raise ArticleError(f"{path}: the file is empty (no lines to read)")
    return documents, errors
