"""``postil list``: the documents of a database with their metadata and review progress, as a
table for people or JSON for scripts; either says which database file it read."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from tui.cli.common import CommandParser, add_db_option, reading_database, write_out
from tui.model.display import display_text, plural

# The table's columns: heading, summary field, width (the last two take what they need).
COLUMNS = (("ID", "doc_id", 16), ("STATUS", "status", 7), ("WORDS", "words", 7), ("LEFT", "suggestions_left", 5),
           ("ENTITIES", "entities", 8), ("CLAIMS", "claims", 6), ("VERDICTS", "verdicts", 8), ("DATE", "date", 10),
           ("TITLE", "title", 50), ("SOURCE", "source", 0))
NUMBERS = {"words", "suggestions_left", "entities", "claims", "verdicts"}


def list_parser() -> CommandParser:
    """The parser for ``postil list``."""
    parser = CommandParser(prog="postil list", description="List the documents of a database: id, title, source, date, words, "
                           "status (new, started, done) and counts (suggestions left, accepted entities, claims, claims with a verdict).")
    add_db_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="a table (the default) or JSON")
    return parser


def cell(value: object, width: int, number: bool) -> str:
    """One table cell: terminal-safe, cut to ``width`` (0: as long as it is)."""
    shown = display_text(str(value))
    if width and len(shown) > width:
        shown = shown[: width - 1] + "…"
    return shown.rjust(width) if number else shown.ljust(width)


def run_list(args: argparse.Namespace) -> int:
    """Print every document (the file is only read: no lock is taken and nothing is written)."""
    from tui.session.corpus import document_summaries

    db = Path(args.db)
    with reading_database(db) as store:
        summaries = document_summaries(store)
    where = str(db.resolve())
    if args.format == "json":
        write_out(json.dumps({"database": where, "documents": [asdict(summary) for summary in summaries]}, ensure_ascii=False, indent=1) + "\n")
        return 0
    lines = [f"{display_text(where)}: {plural(len(summaries), 'document')}"]
    if summaries:
        lines.append("  ".join(cell(heading, width, field in NUMBERS) for heading, field, width in COLUMNS).rstrip())
    for summary in summaries:
        lines.append("  ".join(cell(getattr(summary, field), width, field in NUMBERS) for _, field, width in COLUMNS).rstrip())
    write_out("\n".join(lines) + "\n")
    return 0
