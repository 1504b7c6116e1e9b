"""``postil doctor PATH``: check a database and restore it from its last good backup.

It reports what is wrong (a file that does not parse, an unknown schema, a damaged log,
annotations whose offsets or quotes do not match their document, missing texts) and, when
the file itself cannot be used, rebuilds the database from the newest backup that parses
plus the saved changes in the log after it, into a NEW file. It never writes over PATH.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tui.store.migrations import SCHEMA_VERSION, applied_seq, migrate, schema_of, set_meta
from tui.store.repository import ANNOTATIONS, DOCUMENTS, ENTITIES, KEY_FIELDS, backup_path, texts_path
from tui.store.storage import StoreError, atomic_write_bytes, dump_json, read_database
from tui.store.wal import read_log, wal_path

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


@dataclass
class Checkup:
    """What doctor found: problems, plain notes, and the parsed database if it parsed."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict | None = None
    usable: bool = False


def backups(path: Path) -> list[Path]:
    """The backups of ``path`` that exist, newest kind first (rotating, then pre-migration)."""
    rotating = backup_path(path)
    found = [rotating, rotating.with_name(rotating.name + ".1")]
    found += sorted(path.parent.glob(f"{path.name}.schema*.bak"))
    return [candidate for candidate in found if candidate.is_file()]


def replay_log(path: Path, data: dict) -> tuple[dict, int]:
    """``data`` with the log's records after its ``applied_seq`` replayed; and how many were.

    Records are replayed only if they follow on from ``data`` without a gap (otherwise the log
    belongs to a later state of the file and replaying it would mix two histories).
    """
    try:
        log = read_log(wal_path(path))
    except StoreError:
        return data, 0
    start = applied_seq(data)
    later = [record for record in log.records if record["seq"] > start]
    if not later or later[0]["seq"] != start + 1:
        return data, 0
    keys = {name: {record.get(KEY_FIELDS[name]): doc_key for doc_key, record in table.items()} for name, table in data.items() if name in KEY_FIELDS}
    for record in later:
        for table_name, key, value in record["changes"]:
            table = data.setdefault(table_name, {})
            index = keys.setdefault(table_name, {})
            doc_key = index.get(key)
            if value is None:
                if doc_key is not None:
                    del table[doc_key]
                    del index[key]
                continue
            if doc_key is None:
                doc_key = str(max((int(k) for k in table if k.isdigit()), default=0) + 1)
                index[key] = doc_key
            table[doc_key] = value
    set_meta(data, applied_seq=later[-1]["seq"])
    return data, len(later)


def check(path: Path) -> Checkup:
    """Examine the database at ``path`` (and its log and texts) without changing anything."""
    checkup = Checkup()
    try:
        data, _ = read_database(path)
    except StoreError as error:
        checkup.problems.append(str(error).split("; run `postil doctor")[0])
        return checkup
    if data is None:
        checkup.problems.append(f"{path}: no such file")
        return checkup
    schema = schema_of(data)
    if not isinstance(schema, int) or schema < 1:
        checkup.problems.append(f"{path}: unknown schema version {schema!r} in the meta table")
        return checkup
    if schema > SCHEMA_VERSION:
        checkup.problems.append(f"{path}: schema {schema} is newer than this Postil reads ({SCHEMA_VERSION}); upgrade Postil")
        return checkup
    if schema < SCHEMA_VERSION:
        checkup.notes.append(f"schema {schema}: will be migrated to {SCHEMA_VERSION} (after a backup) on the next open")
        data = migrate(data)
    try:
        log = read_log(wal_path(path))
        if log.torn_tail:
            checkup.notes.append(f"{wal_path(path).name}: ends in an unfinished save (never acknowledged); it is dropped on the next open")
        waiting = [record for record in log.records if record["seq"] > applied_seq(data)]
        if waiting:
            checkup.notes.append(f"{wal_path(path).name}: {len(waiting)} saved changes not yet folded into the file (folded on the next open)")
        data, _ = replay_log(path, data)
    except StoreError as error:
        checkup.problems.append(str(error).split("; run `postil doctor")[0])
    checkup.data = data
    checkup.usable = True
    checkup.problems += _content_problems(path, data)
    return checkup


def _content_problems(path: Path, data: dict) -> list[str]:
    """Annotations that do not fit their document, and documents whose text is missing."""
    problems = []
    texts: dict[str, str | None] = {}
    for record in data.get(DOCUMENTS, {}).values():
        doc_id = record.get("doc_id")
        if "text" in record:
            texts[doc_id] = record["text"]
            continue
        side = texts_path(path) / str(record.get("text_file"))
        try:
            texts[doc_id] = side.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            texts[doc_id] = None
            problems.append(f"document {doc_id}: its text file {side} is missing or unreadable")
    entity_ids = {record.get("entity_id") for record in data.get(ENTITIES, {}).values()}
    for doc_key, record in data.get(ANNOTATIONS, {}).items():
        label = f"annotation {record.get('id', doc_key)}"
        doc_id = record.get("doc_id")
        if doc_id not in texts:
            problems.append(f"{label}: its document {doc_id} is not in the database")
            continue
        text = texts[doc_id]
        start, end = record.get("start"), record.get("end")
        exact = (record.get("quote") or {}).get("exact")
        if text is None or record.get("anchor") == "orphan":
            continue
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{label}: offsets {start}-{end} are outside its document ({len(text)} characters)")
        elif text[start:end] != exact:
            problems.append(f"{label}: the text at {start}-{end} is {text[start:end][:40]!r}, not its quote {str(exact)[:40]!r}")
        entity_id = (record.get("attrs") or {}).get("entity_id")
        if record.get("kind") == "entity" and entity_id and entity_id not in entity_ids:
            problems.append(f"{label}: refers to entity {entity_id}, which is not in the database")
    return problems


def restore(path: Path, output: Path | None) -> tuple[Path, Path, int] | None:
    """Write the newest good backup (plus the log after it) to a new file.

    Returns ``(backup used, file written, log records replayed)``, or None when no backup parses.
    """
    for backup in backups(path):
        try:
            data, _ = read_database(backup)
        except StoreError:
            continue
        if data is None or not isinstance(schema_of(data), int) or schema_of(data) > SCHEMA_VERSION:
            continue
        data, replayed = replay_log(path, migrate(data))
        target = output or _fresh_name(path)
        atomic_write_bytes(target, dump_json(data))
        return backup, target, replayed
    return None


def _fresh_name(path: Path) -> Path:
    """``NAME.restored.json`` beside ``path`` (numbered so that nothing is overwritten)."""
    target = path.with_name(f"{path.name}.restored.json")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.restored-{number}.json")
    return target


def main(argv: list[str]) -> int:
    """Run ``postil doctor PATH [--output NEW] [--restore]``; 0 healthy, 1 problems, 2 bad usage."""
    parser = argparse.ArgumentParser(prog="postil doctor", description="Check a Postil database and restore it from its last good backup into a new file.")
    parser.add_argument("path", help="the TinyDB file to check (e.g. annotations.json)")
    parser.add_argument("--output", help="where to write a restored copy (default: PATH.restored.json; never an existing file)")
    parser.add_argument("--restore", action="store_true", help="restore from the backup even if PATH itself parses")
    args = parser.parse_args(argv)
    path = Path(args.path)
    output = Path(args.output) if args.output else None
    if output is not None and (output.exists() or output.resolve() == path.resolve()):
        print(f"postil doctor: {output}: already exists; choose a new file to restore into", file=sys.stderr)
        return EXIT_USAGE
    if not path.exists() and not backups(path):
        print(f"postil doctor: {path}: no such database", file=sys.stderr)
        return EXIT_USAGE
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
    if not checkup.usable or args.restore:
        try:
            restored = restore(path, output)
        except OSError as error:
            print(f"postil doctor: could not write the restored copy ({error.strerror or error})", file=sys.stderr)
            return EXIT_PROBLEMS
        if restored is None:
            print(f"no backup of {path} parses; nothing restored")
        else:
            backup, target, replayed = restored
            extra = f" plus {replayed} saved changes from {wal_path(path).name}" if replayed else ""
            print(f"restored {backup.name}{extra} into {target} (PATH is untouched; check it, then move it over {path.name})")
    if not checkup.problems:
        print("no problems found")
        return EXIT_OK
    return EXIT_PROBLEMS
