"""``postil merge A.json B.json … --into TEAM.json``: bring annotators' databases together in a
team database, each annotation and entity keeping its annotator (see :mod:`tui.session.team`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, write_out
from tui.model.display import display_text, plural


def merge_parser() -> CommandParser:
    """The parser for ``postil merge``."""
    parser = CommandParser(prog="postil merge", description="Merge annotators' databases into a team database: documents matched by "
                           "text (a changed text re-anchored), each annotation and entity keeping its annotator, only accepted work. "
                           "Merging again with newer copies updates each annotator's work; different work under a name the team "
                           "already has is refused.")
    parser.add_argument("sources", nargs="+", metavar="[NAME=]DB",
                        help="an annotator's database (read, never written); NAME=DB says all its work is NAME's "
                             "(else each annotation's own annotator, or the file's name when it has none)")
    parser.add_argument("--into", required=True, metavar="TEAM", help="the team database (made if it does not exist)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="lines for people (the default) or JSON")
    return parser


def run_merge(args: argparse.Namespace) -> int:
    from tui.session.team import MergeError, merge, source_spec
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    try:
        specs = [source_spec(argument) for argument in args.sources]
        team = open_store(args.into, writer=True)
    except (MergeError, StoreError) as error:
        raise CommandError(str(error)) from None
    try:
        result = merge(team, specs)
    except (MergeError, StoreError) as error:
        raise CommandError(f"{error}; nothing was written" if isinstance(error, MergeError) else str(error)) from None
    finally:
        team.close()
    if args.format == "json":
        write_out(json.dumps({"team": str(Path(args.into).resolve()), "written": result.written, "annotators": [a.to_dict() for a in result.annotators.values()],
                              "sources": [s.to_dict() for s in result.sources], "team_annotators": result.team}, ensure_ascii=False, indent=1) + "\n")
        return 0
    lines = []
    for annotator in result.annotators.values():
        lines.append(f"{annotator.name}: {plural(annotator.documents, 'document')} ({annotator.new} new, {annotator.updated} updated, "
                     f"{annotator.unchanged} unchanged): {plural(annotator.mentions, 'entity mention')}, {plural(annotator.claims, 'claim')}, "
                     f"{plural(annotator.notes, 'note')}, {plural(annotator.entities, 'entity', 'entities')} from {', '.join(annotator.sources)}")
    for source in result.sources:
        if source.reanchored:
            lines.append(f"{source.path}: {plural(source.reanchored, 'annotation')} re-anchored onto the team's changed text: "
                         f"{source.anchored} in place, {source.moved} moved, {source.orphaned} orphaned")
        if source.left_out:
            lines.append(f"{source.path}: {plural(source.left_out, 'suggestion or rejected annotation', 'suggestions or rejected annotations')} left out")
    done = "merged" if result.written else "nothing changed"
    lines.append(f"{args.into}: {done}; annotators {', '.join(result.team) or 'none'}")
    write_out("".join(display_text(line) + "\n" for line in lines))
    return 0


