"""What ``postil doctor`` does: check a database and restore it from its last good backup.

It reports what is wrong (a file that does not parse, an unknown schema, a damaged log or a
record missing from it, each record whose values are of the wrong type or out of range, which
keeps its document from opening, annotations whose quotes do not match their document,
missing texts) and, when the database cannot be opened as it is, rebuilds it into a NEW file:
from the file itself when only the log is damaged, else from the newest backup that parses,
plus every intact record of the log after it. It says exactly which saved changes could not
be recovered (none, some by number, or that it cannot tell). It never writes over PATH.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.store.database import backup_path, texts_path
from tui.store.migrations import META, SCHEMA_VERSION, applied_seq, migrate, schema_of, set_meta
from tui.store.records import (
    ANNOTATIONS,
    DOCUMENTS,
    ENTITIES,
    GAZETTEER,
    JOURNAL,
    KEY_FIELDS,
    SCHEME_KEY,
    malformed_records,
    stored_scheme,
    table_index,
    text_file_name,
)
from tui.store.storage import StoreError, atomic_write_bytes, dump_json, read_database, read_regular_file
from tui.store.wal import LostRecord, is_checkpoint, read_log, wal_path


@dataclass
class Checkup:
    """What doctor found: problems, plain notes, and the parsed database if it parsed."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict | None = None
    usable: bool = False
    log_damaged: bool = False  # saved changes the file does not hold are damaged or missing


@dataclass
class Replay:
    """A base (the file or a backup) with the log replayed on it, and what could not be."""

    data: dict
    replayed: int
    lost: list[LostRecord]
    unknown: str = ""  # why the number of lost changes cannot be told, when it cannot


def backups(path: Path) -> list[Path]:
    """The backups of ``path`` that exist, newest kind first (rotating, then pre-migration)."""
    rotating = backup_path(path)
    found = [rotating, rotating.with_name(rotating.name + ".1")]
    found += sorted(path.parent.glob(f"{path.name}.schema*.bak"))
    return [candidate for candidate in found if candidate.is_file()]


def replay_log(path: Path, data: dict, base_is_file: bool = True) -> Replay:
    """``data`` with every intact log record after its ``applied_seq`` replayed, and what is lost.

    Records after a damaged or missing one are replayed too: each record sets whole records,
    so what is lost is only what the lost records themselves set. When ``data`` is a backup,
    records saved after it that the log no longer holds (they were folded into the file) are
    lost as well; the log's checkpoint says how many. The result's ``applied_seq`` covers the
    whole log, so that the old log left beside a restored copy is never replayed twice.
    """
    start = applied_seq(data)
    try:
        log = read_log(wal_path(path))
    except StoreError as error:
        return Replay(data, 0, [], "" if base_is_file else f"{error}")
    lost = log.lost_after(start)
    first = log.first_unfolded()
    unknown = ""
    if first is not None and first > start + 1:
        lost.insert(0, LostRecord(start + 1, first - 1, 1, "before the log"))
    elif not log.lines and not base_is_file:
        unknown = f"{wal_path(path).name} is {'missing' if not wal_path(path).exists() else 'empty'}, so nothing says how many changes {path.name} held after the backup was made"
    keys = {name: table_index(name, table) for name, table in data.items() if name in KEY_FIELDS}
    replayed = 0
    for record in log.records:
        if record["seq"] <= start or is_checkpoint(record):
            continue
        replayed += 1
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
    set_meta(data, applied_seq=max(start, log.last_seq or 0))
    return Replay(data, replayed, lost, unknown)


def describe_lost(path: Path, lost: LostRecord, base_name: str) -> str:
    """Which saved changes one lost record stands for, and why they are lost."""
    if lost.why == "before the log":
        return f"{lost.names()}: saved into {path.name} after {base_name} was made; {wal_path(path).name} no longer holds them"
    if lost.why == "missing":
        return f"{lost.names()}: missing from {wal_path(path).name} (before line {lost.line})"
    return f"{lost.names()}: line {lost.line} of {wal_path(path).name} is damaged ({lost.why})"


def check(path: Path) -> Checkup:
    """Examine the database at ``path`` (and its log and texts) without changing anything."""
    checkup = Checkup()
    try:
        data = read_database(path)
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
    log_name = wal_path(path).name
    try:
        log = read_log(wal_path(path))
    except StoreError as error:
        checkup.problems.append(str(error))
        checkup.log_damaged = True
    else:
        folded = applied_seq(data)
        if log.torn_tail:
            checkup.notes.append(f"{log_name}: ends in an unfinished save (never acknowledged); it is dropped on the next open")
        needed = log.lost_after(folded)
        for lost in log.lost():
            if lost.first is not None and lost.last <= folded:
                checkup.notes.append(f"{log_name}: {lost.describe()}, but {path.name} already holds it")
        for lost in needed:
            checkup.problems.append(f"{log_name}: {lost.describe()}")
        trouble = None if needed else log.trouble(folded, path.name)
        if trouble:
            checkup.problems.append(f"{log_name}: {trouble}")
        checkup.log_damaged = bool(needed or trouble)
        waiting = [record for record in log.records if record["seq"] > folded and not is_checkpoint(record)]
        if waiting:
            checkup.notes.append(f"{log_name}: {len(waiting)} saved changes not yet folded into the file (folded on the next open)")
        data = replay_log(path, data).data
    checkup.data = data
    checkup.usable = True
    checkup.problems += _content_problems(path, data)
    checkup.problems += _scheme_problems(path, data)
    return checkup


def _scheme_problems(path: Path, data: dict) -> list[str]:
    """The label scheme kept in the meta table, when it does not read."""
    for record in data.get(META, {}).values():
        if isinstance(record, dict) and record.get("key") == SCHEME_KEY:
            try:
                stored_scheme(path, record.get("scheme"))
            except StoreError as error:
                return [str(error)]
    return []


def _content_problems(path: Path, data: dict) -> list[str]:
    """Records outside the data model (each on one line, every bad field named), annotations
    that do not fit their document, and documents whose text is missing."""
    problems = []
    tables = {name: data.get(name, {}) for name in (DOCUMENTS, ANNOTATIONS, ENTITIES, JOURNAL, GAZETTEER)}
    indexes = {name: table_index(name, table) for name, table in tables.items()}

    def malformed(table: str, lengths: dict[str, int] | None = None) -> set[str]:
        """Report each malformed record of ``table``; the TinyDB ids of those reported."""
        bad = malformed_records(table, list(tables[table].items()), indexes[table], lengths)
        problems.extend(f"{name}: " + "; ".join(f"{field}: {reason}" for field, reason in found) for _, name, found in bad)
        return {doc_key for doc_key, _, _ in bad}

    texts: dict[str, str | None] = {}
    bad_documents = malformed(DOCUMENTS)
    for doc_key, record in tables[DOCUMENTS].items():
        if doc_key in bad_documents:
            if isinstance(record.get("doc_id"), str):
                texts[record["doc_id"]] = None  # there, but its text cannot be trusted
            continue
        doc_id = record["doc_id"]
        if "text" in record:
            texts[doc_id] = record["text"]
            continue
        name = text_file_name(record)
        if name is None:
            texts[doc_id] = None
            problems.append(f"document {doc_id}: names no text file Postil made ({str(record.get('text_file'))[:80]!r})")
            continue
        side = texts_path(path) / name
        try:
            texts[doc_id] = read_regular_file(side).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            texts[doc_id] = None
            problems.append(f"document {doc_id}: its text file {side} is missing or unreadable")
    # Annotations, and those journal entries replay, are checked against their document's text, as opening it does.
    lengths = {doc_id: len(text) for doc_id, text in texts.items() if text is not None}
    bad_annotations = malformed(ANNOTATIONS, lengths)
    malformed(JOURNAL, lengths)
    malformed(ENTITIES)
    malformed(GAZETTEER)
    entity_ids = {record.get("entity_id") for record in tables[ENTITIES].values() if isinstance(record.get("entity_id"), str)}
    for doc_key, record in tables[ANNOTATIONS].items():
        if doc_key in bad_annotations:
            continue
        label = f"annotation {record.get('id')}"
        doc_id = record["doc_id"]
        if doc_id not in texts:
            problems.append(f"{label}: its document {doc_id} is not in the database")
            continue
        text = texts[doc_id]
        if text is None or record.get("anchor") == "orphan":
            continue
        start, end, exact = record["start"], record["end"], record["quote"]["exact"]
        if text[start:end] != exact:
            problems.append(f"{label}: the text at {start}-{end} is {text[start:end][:40]!r}, not its quote {exact[:40]!r}")
        entity_id = (record.get("attrs") or {}).get("entity_id")
        if record["kind"] == "entity" and entity_id and entity_id not in entity_ids:
            problems.append(f"{label}: refers to entity {entity_id}, which is not in the database")
    return problems


@dataclass
class Restored:
    """What ``restore`` wrote: from which base, into which file, and what could not be recovered."""

    base: Path
    target: Path
    replay: Replay


def restore(path: Path, output: Path | None, from_file: bool = False) -> Restored | None:
    """Write the database rebuilt from a base plus the log into a new file.

    The base is ``path`` itself when ``from_file`` (only its log is damaged), else the newest
    backup that parses. None when no base parses.
    """
    for base in ([path] if from_file else []) + backups(path):
        try:
            data = read_database(base)
        except StoreError:
            continue
        if data is None or not isinstance(schema_of(data), int) or schema_of(data) > SCHEMA_VERSION:
            continue
        replay = replay_log(path, migrate(data), base_is_file=base == path)
        target = output or _fresh_name(path)
        atomic_write_bytes(target, dump_json(replay.data))
        return Restored(base, target, replay)
    return None


def not_recovered(path: Path, restored: Restored) -> str:
    """The line saying how many saved changes the restored copy lacks, and which."""
    replay = restored.replay
    if replay.unknown:
        return f"not recovered: unknown ({replay.unknown}); changes saved after {restored.base.name} may be missing"
    count = sum(lost.count for lost in replay.lost)
    if not count:
        return "not recovered: 0 saved changes"
    which = "; ".join(describe_lost(path, lost, restored.base.name) for lost in replay.lost)
    return f"not recovered: {count} saved change{'s' if count != 1 else ''} ({which})"


def _fresh_name(path: Path) -> Path:
    """``NAME.restored.json`` beside ``path`` (numbered so that nothing is overwritten)."""
    target = path.with_name(f"{path.name}.restored.json")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.restored-{number}.json")
    return target
