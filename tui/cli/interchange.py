"""``postil export`` and ``postil import``: annotations to and from other tools' files.

The formats package does the work; this module parses the options and reports on stderr what
was written or stored and what a format could not carry.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_db_option
from tui.formats.commands import InterchangeError, export_annotations, import_annotations, write_export
from tui.formats.registry import FORMATS
from tui.model.display import display_text
from tui.session.corpus import find_document


def export_parser() -> CommandParser:
    """The parser for ``postil export``."""
    formats = "\n".join(f"  {spec.name:<12} {spec.description}" for spec in FORMATS.values())
    parser = CommandParser(
        prog="postil export",
        description="Export annotations (accepted ones unless --include-suggested) to another tool's format.",
        epilog=f"formats:\n{formats}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", required=True, choices=list(FORMATS), metavar="FORMAT", help="one of: " + ", ".join(FORMATS))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--doc", action="append", metavar="REF",
                       help="the document to export: its id, the start of its id or a unique part of its title (repeatable; default: the only document)")
    which.add_argument("--all", action="store_true", help="export every document")
    parser.add_argument("--out", metavar="PATH", help="the file (or, for brat, the folder) to write; default: standard output")
    add_db_option(parser)
    parser.add_argument("--include-suggested", action="store_true", help="also export model suggestions not yet reviewed (Prodigy: a second task answered 'ignore')")
    parser.add_argument("--annotator", metavar="NAME",
                        help="export only NAME's annotations and entities (required for a team database; 'curation' is the adjudicated version)")
    parser.add_argument("--scheme", choices=["iob1", "iob2"], help="CoNLL tag scheme (default: iob2 for conll2002, iob1 for conll2003)")
    parser.add_argument("--publisher", default="", help="ClaimReview: the fact-checking organisation's name")
    parser.add_argument("--publisher-url", default="", help="ClaimReview: the organisation's URL")
    parser.add_argument("--review-url", default="", metavar="URL", help="ClaimReview: the page that publishes the fact checks (Google requires it)")
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Export, write to ``--out`` or standard output, and say on stderr what was and was not exported."""
    out = Path(args.out) if args.out else None
    try:
        export = export_annotations(Path(args.db), args.format, args.doc, args.all, find_document, out, args.include_suggested, args.annotator,
                                    scheme=args.scheme, publisher=args.publisher, publisher_url=args.publisher_url,
                                    review_url=args.review_url)
        if out is not None:
            write_export(export, out)
    except InterchangeError as error:
        raise CommandError(str(error)) from None
    if out is None:
        try:
            if sys.stdout.isatty():
                # Shown on a terminal, the article's words are data to read: never escape sequences to run.
                sys.stdout.write(display_text(export.payload.decode("utf-8", "replace"), keep_newlines=True))
            else:
                sys.stdout.buffer.write(export.payload)
            sys.stdout.flush()
        except OSError as error:
            # The reader went away (``postil export ... | head``): say so, and leave nothing for the exit to flush.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise CommandError(f"standard output: cannot be written ({error.strerror})") from None
    print(f"exported {export.annotations} annotations from {len(export.items)} document(s) as {export.spec.name}"
          + (f" to {out}" if out else ""), file=sys.stderr)
    for line in export.losses.lines():
        print(f"not exported: {line}", file=sys.stderr)
    for line in export.losses.notes:
        print(line, file=sys.stderr)
    return 0


def import_parser() -> CommandParser:
    """The parser for ``postil import``."""
    importable = [name for name, spec in FORMATS.items() if spec.importer]
    parser = CommandParser(prog="postil import", description="Import annotations from another tool's file into the database.")
    parser.add_argument("--format", required=True, choices=importable, metavar="FORMAT", help="one of: " + ", ".join(importable))
    parser.add_argument("path", help="the file to import (for brat: a .ann file or a folder of them)")
    add_db_option(parser)
    parser.add_argument("--partial", action="store_true", help="import the records that are well-formed and report the others")
    parser.add_argument("--annotator", default="", help="the annotator recorded where the file names none")
    return parser


def run_import(args: argparse.Namespace) -> int:
    """Import, then say on stderr what was stored, skipped and not carried over."""
    path = Path(args.path)
    try:
        imported = import_annotations(Path(args.db), args.format, path, partial=args.partial, annotator=args.annotator)
    except InterchangeError as error:
        raise CommandError(str(error)) from None
    for error in imported.skipped:
        print(f"skipped: {error}", file=sys.stderr)
    plan = imported.plan
    print(
        f"imported {plan.annotations_added} annotations, {plan.entities_added} entities and {plan.documents_added} new document(s) "
        f"from {path}; skipped {plan.skipped_existing} already there" + (f" and {len(imported.skipped)} malformed record(s)" if imported.skipped else ""),
        file=sys.stderr,
    )
    for line in plan.losses.lines():
        print(f"not imported: {line}", file=sys.stderr)
    return 0
