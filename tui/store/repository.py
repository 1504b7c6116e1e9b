"""The store: documents, annotations, entities and the journal of one Postil database.

:class:`Store` is a :class:`~tui.store.database.Database` (the TinyDB file, its log and lock)
that knows Postil's records: long texts live in content-addressed side files (``postil-texts/``
beside the database) so that folding the log never rewrites them, the journal refers to
documents by id and never holds a copy of a text, and every record is checked as it is read.
:func:`open_store` opens one for the app or for a command that must write.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tui.model.annotation import Annotation, Entity, compact_annotation, now_iso, quoted_from
from tui.model.document import Document, content_hash
from tui.model.labels import DEFAULT_SCHEME, Scheme
from tui.store.database import Database
from tui.store.migrations import META
from tui.store.records import (
    ANNOTATIONS,
    DOCUMENTS,
    ENTITIES,
    GAZETTEER,
    JOURNAL,
    NLP_CACHE,
    RECORD_NOUNS,
    SCHEME_KEY,
    TEAM_KEY,
    TEXT_FILE_NAME,
    Change,
    as_record,
    document_from_record,
    document_record,
    journal_doc_id,
    journal_record,
    malformed_records,
    stored_scheme,
    text_file_name,
)
from tui.store.storage import StoreError, StoreLockedError, StoreSaveError, atomic_write_bytes, collection_paused, doctor_hint, read_regular_file

__all__ = ["Change", "Store", "open_store"]

# Texts longer than this (in characters) are kept in a side file instead of the TinyDB file.
INLINE_TEXT_LIMIT = 65_536
# How long a command-line writer waits for another Postil to let go of the database.
CLI_LOCK_WAIT = 10.0


class Store(Database):
    """A Postil database: documents and their texts, annotations, entities, the journal, the
    user's corrections, the NLP cache and the label scheme (see
    :class:`~tui.store.database.Database` for the lock, the log and read-only opening)."""

    # The stored scheme last read and what it became (reading it again costs nothing).
    _scheme_cache: tuple[object, Scheme] | None = None

    def _compact_record(self, table: str, record: dict) -> Any:
        """A stored annotation is held as the :class:`Annotation` it reads as (a fifth of its
        dict's size), and handed out as it is by :meth:`annotations`."""
        return compact_annotation(record) if table == ANNOTATIONS else record

    # Long texts

    def _prepare(self, change: Change) -> Change:
        """Move a long document text into its side file (written before the record that names it).

        A document record without its text (the journal's reference, replayed by undo or redo)
        gets the text back from the stored document or its side file; a document that is
        deleted keeps its text in a side file, so a redo can find it.
        """
        record = change.record
        if change.table != DOCUMENTS:
            return change
        if record is None:
            self._keep_text_of(change.key)
            return change
        if "text" not in record and "text_file" not in record:
            record = self._with_stored_text(record)
            change = Change(change.table, change.key, record)
        if len(record.get("text") or "") <= INLINE_TEXT_LIMIT:
            return change
        text = record["text"]
        sha = record.get("sha256") or content_hash(text)
        name = f"{sha}.txt"
        target = self.texts_dir / name
        if not target.exists():
            try:
                self.texts_dir.mkdir(exist_ok=True)
                atomic_write_bytes(target, text.encode("utf-8"))
            except OSError as error:
                raise StoreSaveError(f"{target}: could not save the document text ({error.strerror or error}); nothing else changed") from None
        self._texts[name] = text
        stored = {k: v for k, v in record.items() if k != "text"}
        stored["text_file"] = name
        return Change(change.table, change.key, stored)

    def _keep_text_of(self, doc_id: str) -> None:
        """Before a document's record is deleted, put an inline text in its side file."""
        stored = self._stored(DOCUMENTS, doc_id)
        if stored is None or not isinstance(stored.get("text"), str):
            return
        text = stored["text"]
        target = self.texts_dir / f"{content_hash(text)}.txt"
        if target.exists():
            return
        try:
            self.texts_dir.mkdir(exist_ok=True)
            atomic_write_bytes(target, text.encode("utf-8"))
        except OSError as error:
            raise StoreSaveError(f"{target}: could not keep the document text ({error.strerror or error}); nothing else changed", error) from None

    def _with_stored_text(self, record: dict) -> dict:
        """A document reference completed with its text: the stored document's, else its side file's."""
        stored = self._stored(DOCUMENTS, record.get("doc_id"))
        if stored is not None and "text" in stored:
            return {**record, "text": stored["text"]}
        if stored is not None and text_file_name(stored):
            return {**record, "text_file": stored["text_file"]}
        sha = record.get("sha256")
        name = f"{sha}.txt" if isinstance(sha, str) else ""
        if TEXT_FILE_NAME.fullmatch(name):
            text = self._texts.get(name)
            if text is None:
                try:
                    text = read_regular_file(self.texts_dir / name).decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    text = None
            if text is not None and content_hash(text) == sha:
                return {**record, "text": text}
        raise StoreError(f"{self.path}: the text of document {record.get('doc_id')} is no longer stored; nothing was saved")

    def _before_fold(self) -> None:
        """Put long texts found inline (a migrated or hand-made file) into side files before a fold."""
        for doc_key, record in self._tables.get(DOCUMENTS, {}).items():
            if isinstance(record.get("text"), str) and len(record["text"]) > INLINE_TEXT_LIMIT:
                self._tables[DOCUMENTS][doc_key] = self._prepare(Change(DOCUMENTS, record.get("doc_id"), record)).record

    def _restore_missing_text(self, stored: dict, document: Document) -> None:
        """Rewrite a lost text side file from the same text being opened again (its hash matches)."""
        name = text_file_name(stored)
        if not name or (self.texts_dir / name).exists() or self._read_only:
            return
        if content_hash(document.text) != stored.get("sha256"):
            return
        try:
            self.texts_dir.mkdir(exist_ok=True)
            atomic_write_bytes(self.texts_dir / name, document.text.encode("utf-8"))
        except OSError as error:
            raise StoreSaveError(f"{self.texts_dir / name}: could not restore the document text ({error.strerror or error})") from None

    # Documents and the journal

    def add_document(self, document: Document) -> None:
        """Store a document (its text included)."""
        if not document.added:
            document.added = now_iso()
        self.apply([Change(DOCUMENTS, document.doc_id, document_record(document))])

    def open_document(self, document: Document) -> Document:
        """The stored document with the same content, else ``document`` newly stored (see
        :meth:`save_at_open`; :func:`tui.session.reanchor.open_document` handles a new version
        of a stored one)."""
        self._sync()
        stored = self.record(DOCUMENTS, document.doc_id)
        if stored is not None:
            self._restore_missing_text(stored, document)
            name = text_file_name(stored)
            held = self._texts.get(name) if name else None
            if name and (held == document.text if held is not None else stored.get("sha256") == content_hash(document.text)):
                self._texts[name] = document.text  # the text being opened is the stored one: held once
            return self.document(document.doc_id)
        if not self._read_only and not document.added:
            document.added = now_iso()
        self.save_at_open([Change(DOCUMENTS, document.doc_id, document_record(document))])
        return document

    def save_at_open(self, changes: list[Change], op: str = "", before: list[dict | None] | None = None, doc_id: str | None = None) -> bool:
        """Save what opening a document writes, with a journal entry ``op`` (not undoable) when
        given; True when saved. On a read-only store, or when the disk refuses the write (the
        store then turns read-only and :attr:`read_only_reason` says why), the changes are only
        shown: held in memory, never saved."""
        if not self._read_only:
            batch = changes
            if op:
                batch = [*changes, self.append_journal(op, changes, before or [None] * len(changes), doc_id=doc_id, undoable=False)]
            try:
                self.apply(batch)
                return True
            except StoreSaveError as error:
                self._refused_at_open(error)
        for change in changes:
            self._set(change.table, change.key, change.record)
        return False

    def append_journal(self, op: str, changes: list[Change], before: list[dict | None], annotator: str = "", doc_id: str | None = None, undoable: bool = True) -> Change:
        """The journal entry recording ``changes`` (to be applied in the same write).

        Each call takes a new sequence number, so an entry waiting to be saved again after a
        failed save keeps its place. A document is recorded by reference (its record without
        the text): the text is stored once, by the document, never again in the journal.
        """
        self._sync()
        self._journal_seq += 1
        entry = {
            "seq": self._journal_seq,
            "ts": now_iso(),
            "annotator": annotator,
            "op": op,
            "doc_id": doc_id,
            "undoable": undoable,
            "before": [{"table": c.table, "key": c.key, "record": journal_record(c.table, b)} for c, b in zip(changes, before)],
            "after": [{"table": c.table, "key": c.key, "record": journal_record(c.table, c.record)} for c in changes],
        }
        return Change(JOURNAL, self._journal_seq, entry)

    # Every record is checked as it is read (only the records asked for, so opening one document
    # of a large database costs what that document holds): a malformed one raises StoreError
    # naming it, and nothing is shown, exported or written from what it belongs to.

    def _check(self, table: str, items: Iterable[tuple[str, dict]], where: str, text_lengths: dict[str, int] | None = None) -> None:
        """Raise :class:`StoreError` naming the first malformed record of ``items`` and how many
        there are (``where``: which records were read, e.g. " of document ID")."""
        bad = malformed_records(table, items, self._keys.get(table, {}), text_lengths)
        if bad:
            _, name, [(field, reason), *_] = bad[0]
            one, several = RECORD_NOUNS[table]
            count = f"{len(bad)} malformed {one if len(bad) == 1 else several}{where}"
            raise StoreError(f"{self.path}: {name}: {field}: {reason} ({count}); nothing was changed; {doctor_hint(self.path)} to list them")

    def documents(self) -> list[Document]:
        """Every stored document."""
        items = self._items(DOCUMENTS)
        self._check(DOCUMENTS, items, " in the database")
        return [self._document_from(record) for _, record in items]

    def document(self, doc_id: str) -> Document | None:
        """The document with this id, if stored."""
        self._sync()
        doc_key = self._keys.get(DOCUMENTS, {}).get(doc_id)
        if doc_key is None:
            return None
        items = [(doc_key, self._tables[DOCUMENTS][doc_key])]
        self._check(DOCUMENTS, items, "")
        return self._document_from(items[0][1])

    def latest_version(self, source: str) -> Document | None:
        """The newest stored version of the document read from ``source``, if any."""
        items = [(doc_key, record) for doc_key, record in self._items(DOCUMENTS) if record.get("source") == source]
        self._check(DOCUMENTS, items, f" read from {source}")
        versions = [record for _, record in items]
        superseded = {r.get("previous") for r in versions}
        heads = [r for r in versions if r.get("doc_id") not in superseded] or versions
        if not heads:
            return None
        return self._document_from(max(heads, key=lambda r: r.get("added") or ""))

    def _document_from(self, record: dict) -> Document:
        if "text" in record:
            return document_from_record(record)
        name = text_file_name(record)
        if name is None:
            raise StoreError(f"{self.path}: document {str(record.get('doc_id'))[:40]!r} names no text file Postil made; {doctor_hint(self.path)}")
        text = self._texts.get(name)
        if text is None:
            path = self.texts_dir / name
            try:
                text = read_regular_file(path).decode("utf-8")
            except (OSError, UnicodeDecodeError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                raise StoreError(f"{path}: the text of document {record.get('doc_id')} cannot be read ({reason}); {doctor_hint(self.path)}") from None
            self._texts[name] = text
        return document_from_record({**record, "text": text})

    def annotations(self, doc_id: str, text_length: int | None = None) -> list[Annotation]:
        """Every annotation of a document, whatever its status (orphans included); with
        ``text_length`` (the length of its text) their offsets are checked against it too.
        Those read from the file are the ones the store holds, not copies: an annotation is
        changed by saving a new record, never in place."""
        held = self._held(ANNOTATIONS, doc_id)
        with collection_paused():  # a book's 100,000 records make a million objects
            records = ((doc_key, as_record(record)) for doc_key, record in held)  # made one at a time, to be checked
            self._check(ANNOTATIONS, records, f" of document {doc_id}", None if text_length is None else {doc_id: text_length})
            annotations = [Annotation.from_record(record) if record.__class__ is dict else record for _, record in held]
        document = self._stored(DOCUMENTS, doc_id)
        text = self._texts.get(text_file_name(document) or "") if document is not None else None
        if text is not None and (text_length is None or len(text) == text_length):
            for annotation in annotations:
                quoted_from(text, annotation)
        return annotations

    def orphans(self, doc_id: str) -> list[Annotation]:
        """The annotations of a document that could not be placed on its text (kept with their quote)."""
        return [a for a in self.annotations(doc_id) if a.anchor == "orphan"]

    def entities(self, doc_id: str) -> list[Entity]:
        """The canonical entities of a document."""
        items = self._items(ENTITIES, doc_id)
        self._check(ENTITIES, items, f" of document {doc_id}")
        return [Entity.from_record(record) for _, record in items]

    def journal(self, doc_id: str | None = None, text_length: int | None = None) -> list[dict]:
        """The journal, oldest first (with ``doc_id``, the entries of that document, whose
        annotations are checked against a text of ``text_length`` characters when given)."""
        items = self._items(JOURNAL)
        if doc_id is not None:
            items = [(doc_key, entry) for doc_key, entry in items if journal_doc_id(entry) == doc_id]
        lengths = None if doc_id is None or text_length is None else {doc_id: text_length}
        self._check(JOURNAL, items, " in the database" if doc_id is None else f" of document {doc_id}", lengths)
        return sorted((entry for _, entry in items), key=lambda entry: entry["seq"])

    def gazetteer(self) -> list[dict]:
        """User corrections to suggest again everywhere: ``{key, text, label}`` records."""
        items = self._items(GAZETTEER)
        self._check(GAZETTEER, items, " in the database")
        return [record for _, record in items]

    def scheme(self) -> Scheme:
        """The database's label scheme: the one its meta table keeps, else the default."""
        return self.own_scheme() or DEFAULT_SCHEME

    def own_scheme(self) -> Scheme | None:
        """The scheme set on this database (``postil scheme set``), if one was.

        A stored scheme that does not read (a hand edit) raises :class:`StoreError` naming the
        field, so nothing is labelled or exported under a scheme the user did not set.
        """
        record = self.record(META, SCHEME_KEY)
        if record is None:
            return None
        value = record.get("scheme")
        cached = self._scheme_cache
        if cached is not None and cached[0] == value:
            return cached[1]
        scheme = stored_scheme(self.path, value)
        self._scheme_cache = (value, scheme)
        return scheme

    def team(self) -> dict[str, dict] | None:
        """The annotators of a team database (made by `postil merge`), each with where their work
        came from; None for one person's database. A team record that does not read (a hand
        edit) raises :class:`StoreError`."""
        record = self.record(META, TEAM_KEY)
        if record is None:
            return None
        annotators = record.get("annotators")
        if not isinstance(annotators, dict) or not all(isinstance(name, str) and isinstance(info, dict) for name, info in annotators.items()):
            raise StoreError(f"{self.path}: the team record in the meta table must map annotator names to objects; merge the annotators' databases again with `postil merge`")
        return annotators

    def scheme_change(self, scheme: Scheme) -> Change:
        """The change that makes ``scheme`` the database's (to be applied with the changes that
        relabel what it drops: see :func:`tui.session.schemes.set_scheme`)."""
        return Change(META, SCHEME_KEY, {"key": SCHEME_KEY, "scheme": scheme.to_dict()})

    def cached(self, key: str) -> Any:
        """The cached value stored under ``key`` (e.g. NLP results for a text and model), if any."""
        record = self.record(NLP_CACHE, key)
        return None if record is None else record.get("value")

    def cache(self, key: str, value: Any) -> None:
        """Store a cached value under ``key``: without waiting for the disk, as what can be made
        again is (a crash before the next durable save costs the model's work, no one's edits)."""
        self.apply([Change(NLP_CACHE, key, {"key": key, "value": value})], durable=False)


def open_store(path: str | os.PathLike, writer: bool = False, wait: float | None = None, read_only: bool = False) -> Store:
    """Open a database with its write lock (or, with ``read_only``, without taking it).

    For the app (``writer=False``): if another process holds the lock, or the disk refuses
    what opening writes, the store is read-only and ``store.read_only_reason`` says why (for a
    banner). For a command that must write (``writer=True``): wait up to ``wait`` seconds (10
    by default) for the lock, then raise :class:`StoreLockedError` with a one-line message.
    """
    timeout = (CLI_LOCK_WAIT if wait is None else wait) if writer else (wait or 0.0)
    store = Store(path, read_only=read_only and not writer, lock_timeout=timeout)
    if writer and store.read_only:
        holder, reason = store.lock_holder, store.read_only_reason
        store.close()
        if holder is None:
            raise StoreSaveError(f"{Path(path)}: {reason}; nothing was changed")
        raise StoreLockedError(f"{Path(path)}: another Postil is writing this database ({holder}); gave up after {timeout:g} s, close it and try again")
    return store
