"""``postil [PATH]``: read an article, open its database and run the app."""

from __future__ import annotations

import argparse
import gc
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.common import CommandError, CommandParser, add_article_options, add_db_option
from tui.launch import SAMPLE_SOURCE, default_annotator, open_session, sample_path
from tui.store.wal import wal_path

if TYPE_CHECKING:
    from tui.app import PostilApp

# How long a worker thread may hold the interpreter lock while the app's thread waits for it.
KEY_THREAD_SWITCH_SECONDS = 0.001


def open_parser() -> CommandParser:
    """The parser for ``postil [PATH]``; its epilog lists the other commands."""
    from tui.cli import COMMANDS, prog

    commands = "".join(f"\n  {prog(name):<16} {description}" for name, (_, description) in COMMANDS.items())
    parser = CommandParser(
        prog="postil",
        description="Read and annotate a news article in the terminal.",
        epilog=f"other commands (each has --help):{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="a UTF-8 .txt or .md article or an .html page (default: the database's documents, else the bundled sample); "
                        "several, or a folder, are added to the database (as by postil add) and their list opens")
    add_db_option(parser)
    add_article_options(parser)
    parser.add_argument("--annotator", default=None, help="the name recorded on your annotations (default: the annotator of your settings, else your user name)")
    parser.add_argument("--no-suggest", action="store_true", help="do not run the entity and claim model on the article")
    parser.add_argument("--read-only", action="store_true", help="open the database without writing anything to it or beside it (e.g. in a folder you cannot write)")
    parser.add_argument("--version", action="version", version=f"postil {_version()}")
    return parser


def _version() -> str:
    from tui import __version__

    return __version__


def add_to_corpus(args: argparse.Namespace) -> None:
    """Store the articles of several paths (or a folder) as ``postil add`` does, before their list
    opens; a source that cannot be read stops it in one line with nothing stored."""
    from tui.cli.add import gather, store_new
    from tui.formats.web import FETCH_TIMEOUT

    if args.read_only:
        raise CommandError("--read-only cannot add articles; open one PATH, or none to see the documents already there")
    gathered = gather(argparse.Namespace(sources=args.paths, encoding=args.encoding, max_size=args.max_size, timeout=FETCH_TIMEOUT))
    if gathered.failures:
        more = f" (and {len(gathered.failures) - 1} more; postil add lists them)" if len(gathered.failures) > 1 else ""
        raise CommandError(f"{gathered.failures[0]}{more}; nothing was added")
    if not gathered.documents:
        raise CommandError("; ".join(gathered.notes) or "no articles in what was given")
    store_new(Path(args.db), gathered.documents)  # new versions of known sources are re-anchored there


def open_corpus(args: argparse.Namespace, suggesters: dict) -> PostilApp | None:
    """``postil`` without a path on a database of its own documents: the app on its document
    list (on the document itself when it holds one); ``None`` when the database is new or
    holds only the sample, which then opens. The sample is never added beside other documents."""
    from tui.app import PostilApp
    from tui.session.corpus import current_documents
    from tui.store.repository import open_store

    db = Path(args.db)
    if not db.exists() and not wal_path(db).exists():
        return None
    store = open_store(db, read_only=args.read_only)
    documents = current_documents(store)  # the list counts their annotations when it is shown
    if all(document.source == SAMPLE_SOURCE for document in documents):
        store.close()
        return None
    if len(documents) > 1:
        return PostilApp(store=store, annotator=args.annotator, settings=args.settings, **suggesters)
    return PostilApp(open_session(db, documents[0], annotator=args.annotator, store=store), settings=args.settings, **suggesters)


def run_open(args: argparse.Namespace) -> int:
    """Check the article and the database, then run the app; errors are one line, exit 2.

    A database big enough to delay the first screen is opened in the background while the
    article is already shown; if it then turns out to be unusable, the app quits and the
    error is reported here just the same.
    """
    from tui.app import PostilApp
    from tui.formats.readers import ArticleError
    from tui.formats.web import read_article_file
    from tui.launch import cached_model_suggestions, model_suggestions, opens_in_background
    from tui.store.storage import StoreError

    # The modules imported by now live as long as the process: the dispatcher stopped the collector
    # while they were imported (its passes over them cost ~10 ms), and frozen they are out of the
    # sight of the collections the first screen's allocations trigger (a full one cost ~30 ms).
    gc.freeze()
    gc.enable()
    suggesters = {} if args.no_suggest else {"suggester": model_suggestions, "cached_suggester": cached_model_suggestions}
    args.annotator = args.annotator or args.settings.annotator or default_annotator()  # the command line wins over the settings
    args.path = args.paths[0] if len(args.paths) == 1 and not Path(args.paths[0]).is_dir() else None
    try:
        if len(args.paths) > 1 or (args.paths and args.path is None):
            add_to_corpus(args)
        app = None if args.path else open_corpus(args, suggesters)
    except StoreError as error:
        raise CommandError(str(error)) from None
    if app is None:
        path = Path(args.path) if args.path else sample_path()
        try:
            document = read_article_file(path, args.encoding, args.max_size)
        except ArticleError as error:
            raise CommandError(str(error)) from None
        if not args.path:
            document.source = SAMPLE_SOURCE
        opener = partial(open_session, Path(args.db), document, annotator=args.annotator, read_only=args.read_only)
        if opens_in_background(Path(args.db)):
            app = PostilApp(document=document, open_session=opener, settings=args.settings, **suggesters)
        else:
            try:
                session = opener()
            except StoreError as error:
                raise CommandError(str(error)) from None
            app = PostilApp(session, settings=args.settings, **suggesters)
    # The app's thread takes the interpreter lock back from a busy worker (the model's reader, the
    # saves, the counting) within a millisecond, not the default 5 ms, each time it wants it.
    sys.setswitchinterval(KEY_THREAD_SWITCH_SECONDS)
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
    # All is saved and closed: spare the collector's last pass over the session's objects as the
    # process exits (0.6 s after 30 s of suggestions on a 2.4 MB article).
    gc.freeze()
    if app.load_error:
        raise CommandError(app.load_error)
    return 0
