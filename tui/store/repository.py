"""The store: documents, annotations, entities and the journal in one TinyDB file.

Every mutation goes through :meth:`Store.apply`, which changes any number of records in
one atomic file write, so an action (say, a mention and its new entity) is on disk whole
or not at all. Reads use TinyDB's tables, so the file stays an ordinary TinyDB database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from tui import __version__
from tui.model.annotation import Annotation, Entity, now_iso
from tui.model.document import Document
from tui.store.storage import AtomicJSONStorage, StoreError

SCHEMA_VERSION = 1

DOCUMENTS = "documents"
ANNOTATIONS = "annotations"
ENTITIES = "entities"
JOURNAL = "journal"
META = "meta"
GAZETTEER = "gazetteer"
NLP_CACHE = "nlp_cache"

# The field that identifies a record in each table.
KEY_FIELDS = {DOCUMENTS: "doc_id", ANNOTATIONS: "id", ENTITIES: "entity_id", JOURNAL: "seq", META: "key", GAZETTEER: "key", NLP_CACHE: "key"}


@dataclass(frozen=True)
class Change:
    """Set (``record``) or delete (``record is None``) the record with ``key`` in ``table``."""

    table: str
    key: Any
    record: dict | None


class Store:
    """A Postil database: one TinyDB file, written atomically on every change."""

    def __init__(self, path: str | os.PathLike, read_only: bool = False) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        self.storage = AtomicJSONStorage(self.path, read_only=read_only)
        self.db = TinyDB(storage=lambda: self.storage)
        self._check_schema()

    @property
    def read_only(self) -> bool:
        """True when this store never writes."""
        return self.storage.read_only

    def _check_schema(self) -> None:
        raw = self.storage.read() or {}
        meta = next(iter(raw.get(META, {}).values()), None)
        if meta is None:
            return
        schema = meta.get("schema")
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer Postil (schema {schema}; this version reads up to {SCHEMA_VERSION}); upgrade Postil to open it")

    def close(self) -> None:
        """Release the database file."""
        self.db.close()

    # Writing

    def apply(self, changes: list[Change]) -> None:
        """Apply every change in one atomic write of the file; nothing is written on error."""
        if not changes:
            return
        raw = self.storage.read() or {}
        raw = {name: dict(table) for name, table in raw.items()}
        if META not in raw:
            raw[META] = {"1": {"key": "schema", "schema": SCHEMA_VERSION, "app_version": __version__}}
        for change in changes:
            table = raw.setdefault(change.table, {})
            field = KEY_FIELDS[change.table]
            doc_key = next((k for k, record in table.items() if record.get(field) == change.key), None)
            if change.record is None:
                if doc_key is not None:
                    del table[doc_key]
            else:
                if doc_key is None:
                    doc_key = str(max((int(k) for k in table), default=0) + 1)
                table[doc_key] = change.record
        self.storage.write(raw)
        self.db.clear_cache()

    def add_document(self, document: Document) -> None:
        """Store a document (its text included)."""
        if not document.added:
            document.added = now_iso()
        self.apply([Change(DOCUMENTS, document.doc_id, document_record(document))])

    def open_document(self, document: Document) -> Document:
        """The stored document with the same content, else ``document`` newly stored."""
        stored = self.document(document.doc_id)
        if stored is not None:
            return stored
        self.add_document(document)
        return document

    def append_journal(self, op: str, changes: list[Change], before: list[dict | None], annotator: str = "") -> Change:
        """The journal entry recording ``changes`` (to be applied in the same write)."""
        seq = len(self._table(JOURNAL)) + 1
        entry = {
            "seq": seq,
            "ts": now_iso(),
            "annotator": annotator,
            "op": op,
            "before": [{"table": c.table, "key": c.key, "record": b} for c, b in zip(changes, before)],
            "after": [{"table": c.table, "key": c.key, "record": c.record} for c in changes],
        }
        return Change(JOURNAL, seq, entry)

    # Reading

    def _table(self, name: str) -> list[dict]:
        return list(self.db.table(name).all())

    def documents(self) -> list[Document]:
        """Every stored document."""
        return [document_from_record(record) for record in self._table(DOCUMENTS)]

    def document(self, doc_id: str) -> Document | None:
        """The document with this id, if stored."""
        return next((document_from_record(r) for r in self._table(DOCUMENTS) if r.get("doc_id") == doc_id), None)

    def annotations(self, doc_id: str) -> list[Annotation]:
        """Every annotation of a document, whatever its status."""
        return [Annotation.from_record(r) for r in self._table(ANNOTATIONS) if r.get("doc_id") == doc_id]

    def entities(self, doc_id: str) -> list[Entity]:
        """The canonical entities of a document."""
        return [Entity.from_record(r) for r in self._table(ENTITIES) if r.get("doc_id") == doc_id]

    def journal(self) -> list[dict]:
        """The journal, oldest first."""
        return sorted(self._table(JOURNAL), key=lambda entry: entry["seq"])

    def gazetteer(self) -> list[dict]:
        """User corrections to suggest again everywhere: ``{key, text, label}`` records."""
        return self._table(GAZETTEER)

    def cached(self, key: str) -> Any:
        """The cached value stored under ``key`` (e.g. NLP results for a text and model), if any."""
        record = self.record(NLP_CACHE, key)
        return None if record is None else record.get("value")

    def cache(self, key: str, value: Any) -> None:
        """Store a cached value under ``key``."""
        self.apply([Change(NLP_CACHE, key, {"key": key, "value": value})])

    def record(self, table: str, key: Any) -> dict | None:
        """The stored record with ``key`` in ``table``."""
        field = KEY_FIELDS[table]
        return next((r for r in self._table(table) if r.get(field) == key), None)


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
    """Rebuild a document from its stored record."""
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
