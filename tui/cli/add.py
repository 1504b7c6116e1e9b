"""``postil add``: put articles into the database, from files, folders, JSONL files and web addresses.

Everything is read first (without the database's lock, so fetching pages never keeps another
Postil waiting), then the new documents are stored in one write. A source that cannot be read
is reported on one line and the others are still added; the exit status then says so.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_article_options, add_db_option
from tui.model.display import display_text
from tui.model.document import Document

EXIT_SOME_FAILED = 1
PROG = "postil add"
SHOWN_TITLE = 100


def add_parser() -> CommandParser:
    """The parser for ``postil add``."""
    from tui.formats.web import FETCH_TIMEOUT

    parser = CommandParser(
        prog=PROG,
        description="Add articles to the database: .txt, .md and .html/.htm files, folders of them (searched recursively), "
        'JSONL files of {"text": ..., "meta": {...}} lines, and http(s) addresses of web pages.',
    )
    parser.add_argument("sources", nargs="+", metavar="PATH|DIR|URL", help="an article file, a folder, a .jsonl file or an http(s) address")
    add_db_option(parser)
    add_article_options(parser)
    parser.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, metavar="SECONDS",
                        help=f"give up on a web address that does not answer for this long (default: {FETCH_TIMEOUT:g})")
    return parser


@dataclass
class Gathered:
    """What the sources gave: documents in order, and a line for each that could not be read."""

    documents: list[Document] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_file(path: Path, args: argparse.Namespace, gathered: Gathered) -> None:
    """Read one file by its suffix into ``gathered``."""
    from tui.formats.sources import JSONL_SUFFIXES, read_jsonl_articles
    from tui.formats.web import read_article_file

    if path.suffix.lower() in JSONL_SUFFIXES:
        documents, errors = read_jsonl_articles(path, args.max_size)
        if errors:
            gathered.failures.extend(str(error) for error in errors)
            gathered.failures.append(f"{path}: nothing from this file was added ({len(errors)} bad line{'s' if len(errors) > 1 else ''})")
        else:
            gathered.documents.extend(documents)
    else:
        gathered.documents.append(read_article_file(path, args.encoding, args.max_size))


def gather(args: argparse.Namespace) -> Gathered:
    """Read every source given, in order (a folder's files sorted)."""
    from tui.formats.readers import ArticleError, text_codec
    from tui.formats.sources import FOLDER_SUFFIXES, JSONL_SUFFIXES, folder_files
    from tui.formats.web import fetch_document, is_address

    try:
        text_codec(Path("--encoding"), args.encoding)
    except ArticleError as error:
        raise CommandError(str(error)) from None
    if not 0 < args.timeout < float("inf"):
        raise CommandError(f"--timeout must be a number of seconds above 0, not {args.timeout:g}")
    gathered = Gathered()
    for source in args.sources:
        try:
            if is_address(source):
                gathered.documents.append(fetch_document(source, timeout=args.timeout))
                continue
            path = Path(source)
            if path.is_dir():
                files, notes = folder_files(path)
                gathered.notes.extend(notes)
                if not files:
                    gathered.notes.append(f"{path}: no {', '.join(sorted(FOLDER_SUFFIXES))} files in this folder")
                for file in files:
                    try:
                        read_file(file, args, gathered)
                    except ArticleError as error:
                        gathered.failures.append(str(error))
            elif path.suffix.lower() in FOLDER_SUFFIXES | JSONL_SUFFIXES or not path.is_file():
                read_file(path, args, gathered)
            else:
                gathered.failures.append(f"{path}: unsupported file type {path.suffix!r} (postil add reads .txt, .md, .html, .htm and .jsonl files, folders and http(s) addresses)")
        except ArticleError as error:
            gathered.failures.append(str(error))
    return gathered


def store_new(db: Path, documents: list[Document]) -> tuple[set[str], dict[str, str]]:
    """Store the documents not yet in ``db`` (the new ones in one write) and return their ids,
    and for each that is a changed text of a source already stored, the line saying how its
    annotations were moved onto the new version (as ``postil PATH`` does on opening it)."""
    from tui.model.annotation import now_iso
    from tui.session.reanchor import new_version
    from tui.store.records import DOCUMENTS, Change, document_record
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    try:
        store = open_store(db, writer=True)
    except StoreError as error:
        raise CommandError(str(error)) from None
    versions: dict[str, str] = {}
    try:
        added = now_iso()
        new: dict[str, Document] = {}
        for document in documents:
            if document.doc_id in new or document.doc_id in versions or store.record(DOCUMENTS, document.doc_id) is not None:
                continue
            document.added = added
            older = store.latest_version(document.source) if document.source else None
            if older is None:
                new[document.doc_id] = document
            else:
                versions[document.doc_id] = f"new version of {older.doc_id}: {new_version(store, older, document).summary}"
        store.apply([Change(DOCUMENTS, doc_id, document_record(document)) for doc_id, document in new.items()])
    except StoreError as error:
        raise CommandError(f"{error}; nothing more was added") from None
    finally:
        store.close()
    return set(new) | set(versions), versions


def shown_title(title: str) -> str:
    """A title as one printed line: terminal-safe, cut to SHOWN_TITLE characters."""
    title = display_text(title) or "(untitled)"
    return title if len(title) <= SHOWN_TITLE else title[: SHOWN_TITLE - 1] + "…"


def run_add(args: argparse.Namespace) -> int:
    """Read, store, and print a line per document; 0 when every source was added, 1 when some failed."""
    from tui.session.corpus import word_count

    gathered = gather(args)
    for note in gathered.notes:
        print(f"{PROG}: {note}", file=sys.stderr)
    for failure in gathered.failures:
        print(f"{PROG}: {failure}", file=sys.stderr)
    stored, versions = store_new(Path(args.db), gathered.documents) if gathered.documents else (set(), {})
    printed: set[str] = set()
    for document in gathered.documents:
        where = "added" if document.doc_id in stored and document.doc_id not in printed else "already in DB"
        printed.add(document.doc_id)
        words = word_count(document)
        print(f"{where:<13}  {document.doc_id}  {words:>7} word{'' if words == 1 else 's'}  {shown_title(document.title)}")
        if document.doc_id in versions:
            print(f"{'':<13}  {display_text(versions.pop(document.doc_id))}")
    failed = f", {len(gathered.failures)} problem{'s' if len(gathered.failures) > 1 else ''} (above)" if gathered.failures else ""
    print(f"{display_text(args.db)}: {len(stored)} added, {len(gathered.documents) - len(stored)} already there{failed}")
    return EXIT_SOME_FAILED if gathered.failures else 0
