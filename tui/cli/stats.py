"""``postil stats``: annotations by label and status, claims by type and verdict, and progress per
day from the journal, of the whole database or one document, as bar charts or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.cli.common import CommandParser, add_db_option, reading_database, write_out
from tui.model.display import display_text, plural

# Each series' colour on the command line: the terminal's own named colours (its theme decides
# how they look on its ground), none of them a light one that vanishes on a white terminal.
SERIES_STYLES = {"accepted": "green", "suggested": "blue", "rejected": "red", "removed": "magenta"}


def stats_parser() -> CommandParser:
    """The parser for ``postil stats``."""
    parser = CommandParser(prog="postil stats", description="Statistics of a database, or of one document: entities by label and "
                           "status, claims by type and verdict, and what was reviewed each day (from the journal).")
    add_db_option(parser)
    parser.add_argument("--doc", metavar="REF", help="one document: its id, the start of its id or a unique part of its title")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="bar charts (the default) or JSON")
    return parser


def run_stats(args: argparse.Namespace) -> int:
    """Print the statistics (the file is only read: no lock is taken and nothing is written)."""
    from tui.session.corpus import CorpusError, find_document
    from tui.session.stats import collect_stats, stats_snapshot

    db = Path(args.db)
    with reading_database(db, CorpusError) as store:
        doc_id = find_document(store, args.doc) if args.doc is not None else ""
        snapshot = stats_snapshot(store)
    database, document = collect_stats(snapshot, doc_id)
    stats = document or database
    where = str(db.resolve())
    if args.format == "json":
        write_out(json.dumps({"database": where, "scheme": snapshot.scheme.name, **stats.as_json()}, ensure_ascii=False, indent=1) + "\n")
        return 0
    write_out(render_text(stats, where), styled=True)  # every name from the database in it is made safe
    return 0


def render_text(stats, where: str) -> str:
    """The charts as a terminal shows them: in colour on a terminal that has it (not with
    ``NO_COLOR``), plain characters in a pipe or a file; every name from the database made safe."""
    from rich.console import Console

    from tui.session.stats import charts
    from tui.widgets.bar_chart import Charts, glyphs_for

    stream = sys.stdout
    console = Console(file=stream, highlight=False, soft_wrap=False, emoji=False, markup=False)
    glyphs = glyphs_for(getattr(stream, "encoding", None))
    if stats.doc_id:
        heading = f"{display_text(stats.scope) or '(untitled)'} ({stats.doc_id}) in {display_text(where)}"
    else:
        heading = f"{display_text(where)}: {plural(stats.documents, 'document')}"
    with console.capture() as capture:
        console.print(heading, style="bold", soft_wrap=True)
        console.print()
        console.print(Charts(charts(stats), SERIES_STYLES, glyphs))
    return "".join(line.rstrip() + "\n" for line in capture.get().splitlines())
