"""``postil [PATH]``: read an article, open its database and run the app."""

from __future__ import annotations

import argparse
import gc
from functools import partial
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_article_options, add_db_option
from tui.launch import sample_path


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
    parser.add_argument("path", nargs="?", help="a UTF-8 .txt or .md article (default: the bundled sample)")
    add_db_option(parser)
    add_article_options(parser)
    parser.add_argument("--annotator", default=None, help="the name recorded on your annotations (default: your user name)")
    parser.add_argument("--no-suggest", action="store_true", help="do not run the entity and claim model on the article")
    parser.add_argument("--read-only", action="store_true", help="open the database without writing anything to it or beside it (e.g. in a folder you cannot write)")
    parser.add_argument("--version", action="version", version=f"postil {_version()}")
    return parser


def _version() -> str:
    from tui import __version__

    return __version__


def run_open(args: argparse.Namespace) -> int:
    """Check the article and the database, then run the app; errors are one line, exit 2.

    A database big enough to delay the first screen is opened in the background while the
    article is already shown; if it then turns out to be unusable, the app quits and the
    error is reported here just the same.
    """
    from tui.formats.readers import ArticleError, read_article
    from tui.store.storage import StoreError

    path = Path(args.path) if args.path else sample_path()
    try:
        document = read_article(path, encoding=args.encoding, max_mb=args.max_size)
    except ArticleError as error:
        raise CommandError(str(error)) from None

    from tui.app import PostilApp
    from tui.launch import SAMPLE_SOURCE, cached_model_suggestions, model_suggestions, open_session, opens_in_background

    if not args.path:
        document.source = SAMPLE_SOURCE
    suggesters = {} if args.no_suggest else {"suggester": model_suggestions, "cached_suggester": cached_model_suggestions}
    opener = partial(open_session, Path(args.db), document, annotator=args.annotator, read_only=args.read_only)
    if opens_in_background(Path(args.db)):
        app = PostilApp(document=document, open_session=opener, **suggesters)
    else:
        try:
            session = opener()
        except StoreError as error:
            raise CommandError(str(error)) from None
        app = PostilApp(session, **suggesters)
    try:
        app.run()
    finally:
        if app.session is not None:
            app.session.store.close()
    # All is saved and closed: spare the collector's last pass over the session's objects as the
    # process exits (0.6 s after 30 s of suggestions on a 2.4 MB article).
    gc.freeze()
    if app.load_error:
        raise CommandError(app.load_error)
    return 0
