"""``postil extract PATH...``: entity and claim suggestions printed as JSON, for scripts and batch jobs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_article_options, add_db_option


def extract_parser() -> CommandParser:
    """The parser for ``postil extract``."""
    parser = CommandParser(
        prog="postil extract",
        description="Print the entities and claims the model suggests for each article, as JSON. "
                    "The database's corrections (gazetteer) are applied, its cached analyses reused and its label scheme followed; "
                    "it is only read, and the default one only when it exists.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="UTF-8 .txt or .md articles")
    parser.add_argument("--format", choices=("json", "jsonl"), default="json",
                        help="json: one object holding every document (default); jsonl: one document per line, printed as it is done")
    add_db_option(parser)
    add_article_options(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def run_extract(args: argparse.Namespace) -> int:
    """Read every article first (a bad one stops with exit 2), then suggest and print."""
    from tui.formats.readers import ArticleError, read_article
    from tui.model.labels import DEFAULT_SCHEME
    from tui.nlp.extract import write_suggestions

    documents = []
    for path in args.paths:
        try:
            documents.append((path, read_article(Path(path), encoding=args.encoding, max_mb=args.max_size)))
        except ArticleError as error:
            raise CommandError(str(error)) from None
    store = None
    gazetteer: list[dict] = []
    scheme = DEFAULT_SCHEME
    if Path(args.db).is_file() or args.db_named:
        from tui.store.repository import Store
        from tui.store.storage import StoreError

        if not Path(args.db).is_file():
            raise CommandError(f"{args.db}: no such database file")
        try:
            store = Store(args.db, read_only=True)
            gazetteer = store.gazetteer()
            scheme = store.scheme()
        except StoreError as error:
            raise CommandError(str(error)) from None
    from tui.nlp import load_pipeline

    pipeline, message = load_pipeline()
    if pipeline is None:
        raise CommandError(message)
    show_progress = len(documents) > 1 and not args.quiet
    try:
        write_suggestions(documents, pipeline, sys.stdout.buffer, args.format, gazetteer, store, show_progress, scheme)
    except BrokenPipeError:
        # The reader went away (``postil extract ... | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
