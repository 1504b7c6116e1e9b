"""``postil doctor [PATH]``: report what is wrong with a database and restore it into a new file."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_db_option

EXIT_OK = 0
EXIT_PROBLEMS = 1


def doctor_parser() -> CommandParser:
    """The parser for ``postil doctor``."""
    parser = CommandParser(prog="postil doctor", description="Check a Postil database and restore it from its last good backup into a new file.")
    parser.add_argument("path", nargs="?", help="the TinyDB file to check (default: the one --db names)")
    add_db_option(parser)
    parser.add_argument("--output", help="where to write a restored copy (default: PATH.restored.json; never an existing file)")
    parser.add_argument("--restore", action="store_true", help="restore from the backup even if PATH itself parses")
    return parser


def run_doctor(args: argparse.Namespace) -> int:
    """Print the checkup and restore when needed; 0 healthy, 1 problems, 2 bad usage."""
    from tui.store.doctor import backups, check, not_recovered, restore
    from tui.store.migrations import schema_of
    from tui.store.records import ANNOTATIONS, DOCUMENTS, ENTITIES
    from tui.store.storage import real_path
    from tui.store.wal import wal_path

    if args.path is not None and args.db_named:
        raise CommandError("name the database once, as PATH or with --db")
    path = real_path(args.path or args.db)  # a link's backups and log are beside the file it points to
    output = Path(args.output) if args.output else None
    if output is not None and (output.exists() or output.resolve() == path.resolve()):
        raise CommandError(f"{output}: already exists; choose a new file to restore into")
    if not path.exists() and not backups(path):
        raise CommandError(f"{path}: no such database")
    checkup = check(path)
    for problem in checkup.problems:
        print(f"problem: {problem}")
    for note in checkup.notes:
        print(f"note: {note}")
    if checkup.usable and checkup.data is not None:
        data = checkup.data
        annotations = data.get(ANNOTATIONS, {}).values()
        orphans = sum(1 for record in annotations if record.get("anchor") == "orphan")
        print(f"{path}: schema {schema_of(data)}, {len(data.get(DOCUMENTS, {}))} documents, {len(annotations)} annotations ({orphans} orphaned), {len(data.get(ENTITIES, {}))} entities")
    found = backups(path)
    print(f"backups: {', '.join(p.name for p in found) if found else 'none'}")
    if not checkup.usable or checkup.log_damaged or args.restore:
        try:
            restored = restore(path, output, from_file=checkup.usable and checkup.log_damaged)
        except OSError as error:
            raise CommandError(f"could not write the restored copy ({error.strerror or error})", EXIT_PROBLEMS) from None
        if restored is None:
            print(f"no backup of {path} parses; nothing restored")
        else:
            replayed = restored.replay.replayed
            extra = f" plus {replayed} saved changes from {wal_path(path).name}" if replayed else ""
            print(f"restored {restored.base.name}{extra} into {restored.target} (PATH is untouched; check it, then move it over {path.name} and delete {wal_path(path).name})")
            print(not_recovered(path, restored))
    if not checkup.problems:
        print("no problems found")
        return EXIT_OK
    return EXIT_PROBLEMS
