"""The records of a Postil database: its tables, a change to one record, how a document and
a journal entry are kept as records, and the checks that say which stored records are outside
the data model (so that no malformed one is shown, exported or written back) and how a message
names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from tui.model.annotation import annotation_problems, entity_problems
from tui.model.document import Document, document_problems
from tui.model.fields import Problem, checked, is_integer, kind_of, name_problem, object_problem, one_of, optional, text_problem
from tui.model.labels import Scheme, SchemeError, scheme_from_dict
from tui.store.migrations import META
from tui.store.storage import StoreError

DOCUMENTS = "documents"
ANNOTATIONS = "annotations"
ENTITIES = "entities"
JOURNAL = "journal"
GAZETTEER = "gazetteer"
NLP_CACHE = "nlp_cache"
# The meta table's record holding the label scheme (beside the schema row): {key, scheme}.
SCHEME_KEY = "label_scheme"
# The meta table's record of a team database (`postil merge`): {key, annotators: {name: {...}}},
# each annotator with where their work came from.
TEAM_KEY = "team"

# The field that identifies a record in each table.
KEY_FIELDS = {DOCUMENTS: "doc_id", ANNOTATIONS: "id", ENTITIES: "entity_id", JOURNAL: "seq", META: "key", GAZETTEER: "key", NLP_CACHE: "key"}
# What one record of each table is called in a message, and several.
RECORD_NOUNS = {
    DOCUMENTS: ("document", "documents"), ANNOTATIONS: ("annotation", "annotations"), ENTITIES: ("entity", "entities"),
    JOURNAL: ("journal entry", "journal entries"), GAZETTEER: ("correction", "corrections"),
}
# Journal operations that are not the user's and so never undone: their records are not replayed.
NOT_UNDOABLE_OPS = frozenset({"suggest", "reanchor", "merge", "curation-seed"})


@dataclass(frozen=True)
class Change:
    """Set (``record``) or delete (``record is None``) the record with ``key`` in ``table``."""

    table: str
    key: Any
    record: dict | None


# A text side file's name: the SHA-256 of the text. Any other name in a database is not followed.
TEXT_FILE_NAME = re.compile(r"[0-9a-f]{64}\.txt")


def text_file_name(record: dict) -> str | None:
    """The side file named by a document record, when the name is one Postil makes; else None."""
    name = record.get("text_file")
    return name if isinstance(name, str) and TEXT_FILE_NAME.fullmatch(name) else None



def journal_record(table: str, record: dict | None) -> dict | None:
    """A record as the journal keeps it: a document without its text (a reference by id)."""
    if table != DOCUMENTS or record is None:
        return record
    return {key: value for key, value in record.items() if key not in ("text", "text_file")}


def document_record(document: Document) -> dict:
    """A document as stored in the ``documents`` table."""
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "source": document.source,
        "sha256": document.sha256,
        "added": document.added,
        "previous": document.previous,
        "meta": document.meta,
        "text": document.text,
    }


def document_from_record(record: dict) -> Document:
    """Rebuild a document from its stored record (with its text)."""
    return Document(
        text=record["text"],
        title=record.get("title", ""),
        source=record.get("source", ""),
        sha256=record["sha256"],
        doc_id=record["doc_id"],
        added=record.get("added", ""),
        previous=record.get("previous"),
        meta=dict(record.get("meta") or {}),
    )


def stored_scheme(path: object, value: object) -> Scheme:
    """The label scheme the meta table keeps (``value``: its record's ``scheme``); one that does
    not read (a hand edit) is a :class:`StoreError` naming the field."""
    try:
        return scheme_from_dict(value)
    except SchemeError as error:
        raise StoreError(f"{path}: the label scheme in the meta table: {error}; set one with `postil scheme set`") from None


def journal_doc_id(entry: dict) -> object:
    """The document a journal entry belongs to (older entries name it only in their records)."""
    if entry.get("doc_id"):
        return entry["doc_id"]
    for side in ("after", "before"):
        items = entry.get(side)
        for item in items if isinstance(items, list) else ():
            record = item.get("record") if isinstance(item, dict) else None
            if isinstance(record, dict) and record.get("doc_id"):
                return record["doc_id"]
    return None


def _sequence_problem(value: object) -> str | None:
    if not is_integer(value):
        return f"must be a whole number, not {kind_of(value)}"
    return None if value >= 1 else f"{value} is not a sequence number (1 or more)"


def _flag_problem(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {kind_of(value)}"


def _changes_problem(value: object) -> str | None:
    return None if isinstance(value, list) else f"must be a list of changes, not {kind_of(value)}"


def _key_problem(value: object) -> str | None:
    return None if isinstance(value, str) or is_integer(value) else f"must be a string or a whole number, not {kind_of(value)}"


_JOURNAL_CHECKS = {
    "seq": _sequence_problem, "op": text_problem, "doc_id": optional(text_problem), "annotator": text_problem,
    "ts": text_problem, "undoable": _flag_problem, "before": _changes_problem, "after": _changes_problem,
}
_CHANGE_CHECKS = {"table": one_of(tuple(KEY_FIELDS)), "key": _key_problem, "record": optional(object_problem)}
_GAZETTEER_CHECKS = {"key": text_problem, "text": text_problem, "label": text_problem}


def journal_problems(entry: dict, text_lengths: dict[str, int] | None = None) -> list[Problem]:
    """``(field, reason)`` for each value of a journal entry that undo and redo could not replay.

    The records of an undoable entry are held to their table's checks (an undo writes them
    back, an annotation onto its document's text: see :func:`record_problems`); those of the
    model's suggestions and of a re-anchoring are never replayed.
    """
    problems = [(name, "is missing") for name in ("seq", "op") if name not in entry]
    problems += checked(entry, _JOURNAL_CHECKS)
    sides = {side: entry.get(side) for side in ("before", "after") if isinstance(entry.get(side), list)}
    op = entry.get("op")
    replayed = entry.get("undoable", isinstance(op, str) and op not in NOT_UNDOABLE_OPS) is True
    for side, changes in sides.items():
        for index, change in enumerate(changes):
            field = f"{side}.{index}"
            if not isinstance(change, dict):
                problems.append((field, f"must be an object, not {kind_of(change)}"))
                continue
            missing = [name for name in _CHANGE_CHECKS if name not in change]
            found = [(name, "is missing") for name in missing] + checked(change, _CHANGE_CHECKS)
            if not found and replayed and change["record"] is not None:
                found = [(f"record.{name}", reason) for name, reason in record_problems(change["table"], change["record"], text_lengths)]
            problems += [(f"{field}.{name}", reason) for name, reason in found]
    if len(sides) == 2 and len(sides["before"]) != len(sides["after"]):
        problems.append(("before", f"holds {len(sides['before'])} records for {len(sides['after'])} changes"))
    return problems


def record_problems(table: str, record: dict, text_lengths: dict[str, int] | None = None) -> list[Problem]:
    """``(field, reason)`` for each value of a record of ``table`` outside the data model.

    ``text_lengths`` gives the length of the text of some documents by id: an annotation of
    one of them (or in a journal entry) must lie inside that text.
    """
    if table == ANNOTATIONS:
        doc_id = record.get("doc_id")
        return annotation_problems(record, text_lengths.get(doc_id) if text_lengths and isinstance(doc_id, str) else None)
    if table == ENTITIES:
        return entity_problems(record)
    if table == DOCUMENTS:
        return document_problems(record)
    if table == JOURNAL:
        return journal_problems(record, text_lengths)
    if table == GAZETTEER:
        return [(name, "is missing") for name in ("text", "label") if name not in record] + checked(record, _GAZETTEER_CHECKS)
    return []


def record_name(table: str, doc_key: str, record: dict) -> str:
    """How a message names a stored record: by its id, or when that is unusable by its number
    in the TinyDB table (``annotation #12``)."""
    key = record.get(KEY_FIELDS[table])
    noun = RECORD_NOUNS.get(table, (table, table))[0]
    if is_integer(key) if table == JOURNAL else isinstance(key, str) and len(key) <= 80 and name_problem(key) is None:
        return f"{noun} {key}"
    return f"{noun} #{doc_key}"


def table_index(table: str, records: dict[str, Any]) -> dict:
    """Each record's key (its ``KEY_FIELDS`` value) -> its TinyDB id, as records are looked up.

    Of two records with one key the later is found (the earlier is reported as malformed); a
    key a hand edit made a list or an object cannot be looked up, and its record stays in the
    table, kept by every fold, until it is read and reported.
    """
    field = KEY_FIELDS[table]
    return {key: doc_key for doc_key, record in records.items()
            if not isinstance(key := record.get(field) if record.__class__ is dict else getattr(record, field), (list, dict))}


def malformed_records(table: str, items: Iterable[tuple[str, dict]], index: dict, text_lengths: dict[str, int] | None = None) -> list[tuple[str, str, list[Problem]]]:
    """``(TinyDB id, name, problems)`` of each malformed record among ``items`` (``(TinyDB id,
    record)`` pairs of ``table``), in order (``text_lengths``: see :func:`record_problems`).
    ``index`` is the table's :func:`table_index`: a record whose key it finds elsewhere is
    hidden by another record with the same key."""
    bad = []
    key_field = KEY_FIELDS[table]
    for doc_key, record in items:
        problems = record_problems(table, record, text_lengths)
        key = record.get(key_field)
        if not problems and key is not None and index.get(key, doc_key) != doc_key:
            problems = [(key_field, f"is also the {key_field} of {RECORD_NOUNS[table][0]} #{index[key]}")]
        if problems:
            bad.append((doc_key, record_name(table, doc_key, record), problems))
    return bad


def as_record(held: Any) -> dict:
    """A record as stored, from what the database holds of it (itself, or a compact form)."""
    return held if held.__class__ is dict else held.to_record()


class Records(Mapping):
    """A table holding compact records, read as dicts (each made when it is read)."""

    def __init__(self, table: dict[str, Any]) -> None:
        self._table = table

    def __getitem__(self, doc_key: str) -> dict:
        return as_record(self._table[doc_key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class HeldRecords(Sequence):
    """The records of a table as the database held them at one moment (references, taken at
    once), each read as a dict when it is read: a worker reads them without a book's records
    being copied on the thread that took them."""

    def __init__(self, held: list[Any]) -> None:
        self._held = held

    def __getitem__(self, index):
        return HeldRecords(self._held[index]) if isinstance(index, slice) else as_record(self._held[index])

    def __iter__(self) -> Iterator[dict]:
        return map(as_record, self._held)

    def __len__(self) -> int:
        return len(self._held)

    def read(self, **fields: Any) -> Iterator[tuple]:
        """Each record's ``fields`` as a tuple, the default given for one it lacks, without
        making a compact record a dict (not for ``quote``, which that holds as an object)."""
        named = tuple(fields.items())
        of_compact = attrgetter(*fields) if len(fields) > 1 else lambda held: (getattr(held, *fields),)  # (it has every field)
        for held in self._held:
            yield tuple([held.get(name, default) for name, default in named]) if held.__class__ is dict else of_compact(held)
