"""Opening a document whose text changed since it was annotated: a new version, every
annotation and entity of the old one moved onto it and placed again (or orphaned)."""

from __future__ import annotations

from tui.model.anchoring import ReanchorReport, reanchor
from tui.model.annotation import now_iso
from tui.model.document import Document
from tui.store.records import ANNOTATIONS, DOCUMENTS, ENTITIES, Change, document_record
from tui.store.repository import Store


def open_document(store: Store, document: Document) -> tuple[Document, ReanchorReport | None]:
    """The stored document with ``document``'s content, else ``document`` newly stored, and the
    re-anchoring report when it is a new version of one read from the same source (else None).

    A new version gets ``previous`` = the old doc_id, and the old version's annotations and
    entities move onto it, re-anchored, in one write (its ``summary`` is a line for the status
    bar). On a read-only store, or when the disk refuses that write (the store turns read-only
    and says why), the new version is shown and not saved, and the report says so.
    """
    if store.record(DOCUMENTS, document.doc_id) is None and document.source:
        older = store.latest_version(document.source)
        if older is not None:
            return document, new_version(store, older, document)
    return store.open_document(document), None


def new_version(store: Store, older: Document, document: Document) -> ReanchorReport:
    """Store ``document`` as the version after ``older``, with ``older``'s annotations placed on
    its text and its entities, as one write not on the undo history."""
    document.previous = older.doc_id
    if not document.added:
        document.added = now_iso()
    moved = store.annotations(older.doc_id, len(older.text))
    placed, report = reanchor(older.text, document.text, moved, document.doc_id)
    changes = [Change(DOCUMENTS, document.doc_id, document_record(document))]
    before: list[dict | None] = [None]
    for old, new in zip(moved, placed):
        changes.append(Change(ANNOTATIONS, new.id, new.to_record()))
        before.append(old.to_record())
    for entity in store.entities(older.doc_id):
        before.append(entity.to_record())
        entity.doc_id = document.doc_id
        changes.append(Change(ENTITIES, entity.entity_id, entity.to_record()))
    if not store.save_at_open(changes, "reanchor", before, document.doc_id):
        report.saved = False  # a writer re-anchors for real when it opens the text
    return report
