"""The store: documents, annotations, entities and the journal of one Postil database.

``annotations.json`` is an ordinary TinyDB file and the canonical store. A save does not
rewrite it: :meth:`Store.apply` appends the changes of one action as one fsync'd record to
the write-ahead log beside it (``annotations.json.wal``), so an action is on disk whole or
not at all, before the next key, at a cost that does not grow with the database. The log is
folded into the TinyDB file by :meth:`Store.compact` (on idle, on close and on the next
open). Long texts live in content-addressed side files so that folding never rewrites them.

One process writes a database at a time (a lock beside it); a second store on the same file
opens read-only and says who holds the lock (:func:`open_store`).

Files beside ``NAME`` (e.g. ``annotations.json``; for a symbolic link, beside the file it
points to): ``NAME.wal`` (the log: unfolded saves, after the checkpoint of the last fold),
``NAME.lock`` and ``NAME.lock.owner`` (the lock and who holds it), ``NAME.bak`` and
``NAME.bak.1`` (the last two clean opens), ``NAME.schemaN.bak`` (the file as it was before a
migration) and ``postil-texts/`` (texts over 64k characters, by SHA-256).

The journal refers to documents by id: it never holds a copy of a text.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from tui import __version__
from tui.model.annotation import Annotation, Entity, now_iso
from tui.model.document import Document, content_hash
from tui.model.fields import is_integer
from tui.store.lock import DatabaseLock, LockHolder, read_holder
from tui.store.migrations import META, SCHEMA_VERSION, applied_seq, migrate, schema_of, set_meta
from tui.store.records import (
    ANNOTATIONS,
    DOCUMENTS,
    ENTITIES,
    GAZETTEER,
    JOURNAL,
    KEY_FIELDS,
    NLP_CACHE,
    RECORD_NOUNS,
    TEXT_FILE_NAME,
    Change,
    document_from_record,
    document_record,
    journal_doc_id,
    journal_record,
    malformed_records,
    table_index,
    text_file_name,
)
from tui.store.storage import (
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
    StoreSaveError,
    atomic_write_bytes,
    collection_paused,
    doctor_hint,
    dump_json,
    read_database,
    read_regular_file,
    real_path,
    remove_stale_temporaries,
    remove_stale_temporaries_in,
)
from tui.store.wal import WriteAheadLog, encode_record, read_log, wal_path

__all__ = ["SCHEMA_VERSION", "Change", "Store", "open_store"]

# The folder beside the database that holds long texts.
TEXTS_FOLDER = "postil-texts"
# Texts longer than this (in characters) are kept in a side file instead of the TinyDB file.
INLINE_TEXT_LIMIT = 65_536
# The log is folded into the TinyDB file during a save once it grows past this many bytes.
COMPACT_LOG_BYTES = 16 * 1024 * 1024
# How long a command-line writer waits for another Postil to let go of the database.
CLI_LOCK_WAIT = 10.0


def texts_path(db_path: Path) -> Path:
    """The folder of side files holding long texts: ``postil-texts`` beside the database.

    Files are named by the SHA-256 of their text and never change, so databases in one
    folder (a database and a copy restored by ``postil doctor``) can share them.
    """
    return db_path.parent / TEXTS_FOLDER


def backup_path(db_path: Path) -> Path:
    """The last good copy of the database, rewritten on each clean open."""
    return db_path.with_name(db_path.name + ".bak")


def _signature(path: Path) -> tuple | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class Store:
    """A Postil database: a TinyDB file plus its write-ahead log, written by one process.

    ``Store(path)`` takes the write lock if it is free (waiting up to ``lock_timeout``
    seconds); if another process holds it the store is read-only and :attr:`lock_holder`
    says who. Several stores of one process share the lock and see each other's writes.
    ``path`` may be a symbolic link: :attr:`path` is the file it points to, and everything
    (lock, log, backups, texts) lives beside that file. A read-only store says why in
    :attr:`read_only_reason` (one line, for a banner).
    """

    def __init__(self, path: str | os.PathLike, read_only: bool = False, lock_timeout: float = 0.0) -> None:
        self.given_path = Path(path)
        self.path = real_path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.given_path}: is a directory, not a database file")
        if not self.path.parent.is_dir():
            raise StoreError(f"{self.given_path}: the folder {self.given_path.parent} does not exist")
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"{self.given_path}: not a regular file (a database is never a FIFO or a device)")
        self.wal_path = wal_path(self.path)
        self.texts_dir = texts_path(self.path)
        self.lock_holder: LockHolder | None = None
        self.read_only_reason: str | None = "opened read-only" if read_only else None
        self.removed_temporaries: list[Path] = []
        self._lock = DatabaseLock(self.path)
        self._read_only = read_only
        self._log: WriteAheadLog | None = None
        self._tables: dict[str, dict[str, dict]] = {}
        self._keys: dict[str, dict[Any, str]] = {}
        self._next_id: dict[str, int] = {}
        self._seq = 0
        self._journal_seq = 0
        self._file_signature: tuple = (None, None)
        self._texts: dict[str, str] = {}
        self._load_trouble = ""
        try:
            locked = read_only or self._lock.acquire(lock_timeout)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot take the write lock {self.path.name}.lock ({error.strerror or error}); open it with `postil --read-only` or fix the folder's permissions") from None
        if not locked:
            self._read_only = True
            self.lock_holder = read_holder(self.path) or LockHolder("someone", "another process", 0, "unknown")
            self.read_only_reason = f"{self.lock_holder} is writing this database"
        try:
            if self._lock.held:
                with self._lock.mutex:
                    self.removed_temporaries = remove_stale_temporaries(self.path)
                    if self.texts_dir.is_dir():  # a text side file cut short by a crash
                        self.removed_temporaries += remove_stale_temporaries_in(self.texts_dir)
                    self._load(first=True)
            else:
                self._load(first=True)
        except BaseException:
            self._lock.release()
            raise

    @property
    def read_only(self) -> bool:
        """True when this store never writes (opened so, or another process holds the lock)."""
        return self._read_only

    # Loading

    def _load(self, first: bool) -> None:
        """Read the TinyDB file and replay the log records it does not hold yet.

        A reader can catch the writer between folding the log into the file and clearing it;
        a log that does not follow on from the file it read is read again.
        """
        for _ in range(5):
            if self._load_once(first):
                return
            time.sleep(0.01)
        raise StoreError(f"{self.wal_path}: {self._load_trouble}; {doctor_hint(self.path)}")

    def _load_once(self, first: bool) -> bool:
        """One attempt of :meth:`_load`; False when file and log did not fit together."""
        file_signature = _signature(self.path)
        data, raw = read_database(self.path)
        exists = data is not None
        data = data if exists else {}
        schema = schema_of(data) if exists else SCHEMA_VERSION
        if not isinstance(schema, int) or schema < 1:
            raise StoreError(f"{self.path}: unknown schema version {schema!r} in the meta table; {doctor_hint(self.path)}")
        if schema > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer Postil (schema {schema}; this version reads up to {SCHEMA_VERSION}); upgrade Postil to open it")
        migrated = schema < SCHEMA_VERSION
        if migrated:
            if first and not self._read_only:
                try:
                    self._keep_copy(raw, schema)
                except StoreSaveError as error:
                    self._refused_at_open(error)
            data = migrate(data)
        elif not exists:
            set_meta(data)
        log = read_log(self.wal_path)
        folded = applied_seq(data)
        trouble = log.trouble(folded, self.path.name)
        if trouble:
            self._load_trouble = trouble  # a reader may have caught the writer mid-fold: try again
            return False
        self._index(data)
        self._seq = folded
        for record in log.records:
            if record["seq"] <= folded:
                continue  # the checkpoint, or folded by a compaction that stopped before emptying the log
            for table, key, value in record["changes"]:
                self._set(table, key, value)
            self._seq = record["seq"]
        self._journal_seq = max(self._journal_seq, max((seq for seq in self._keys.get(JOURNAL, {}) if is_integer(seq)), default=0))
        if not self._read_only:
            if self._log is None:
                self._log = WriteAheadLog(self.wal_path, log.good_size)
            self._log.size = log.good_size
            self._log.folded_size = log.folded_size(folded)
        self._file_signature = (file_signature, _signature(self.wal_path))
        if first and not self._read_only:
            if migrated or not log.only_checkpoint(folded):
                try:
                    self.compact(force=True)
                except StoreSaveError as error:
                    self._refused_at_open(error)
                    return True
            if self.path.exists():
                self._rotate_backup()
        return True

    def _refused_at_open(self, error: StoreSaveError) -> None:
        """The disk refused what opening has to write (full, read-only): go on read-only, with
        every saved change still shown and still in the log for the next open to fold, and let
        go of the lock for whoever can write."""
        self._read_only = True
        self.read_only_reason = f"{self.path.name} cannot be saved ({error.reason or error})"
        if self._log is not None:
            self._log.close()
            self._log = None
        self._lock.release()

    def _keep_copy(self, raw: bytes, schema: int) -> None:
        """Keep the file as it was before a migration: ``NAME.schemaN.bak`` (never overwritten)."""
        target = self.path.with_name(f"{self.path.name}.schema{schema}.bak")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{self.path.name}.schema{schema}.{number}.bak")
        try:
            atomic_write_bytes(target, raw)
        except OSError as error:
            raise StoreSaveError(f"{self.path}: needs migrating from schema {schema}, but the backup copy {target} could not be written ({error.strerror})", error) from None

    def _rotate_backup(self) -> None:
        """Copy the (just checked) file to ``NAME.bak``; the copy before it becomes ``NAME.bak.1``.

        A file that is already the last backup is not copied again: a database opened again
        unchanged (one whose document keeps refusing to open, say) keeps the copy before it.
        """
        backup = backup_path(self.path)
        try:
            payload = self.path.read_bytes()
            if backup.exists():
                if backup.stat().st_size == len(payload) and backup.read_bytes() == payload:
                    return
                os.replace(backup, backup.with_name(backup.name + ".1"))
            atomic_write_bytes(backup, payload)
        except OSError:
            pass  # a missing backup must not stop anyone from working; doctor reports it

    def _index(self, data: dict) -> None:
        """Take ``data`` as the in-memory database and index each table by its key field."""
        self._tables = data
        self._keys = {}
        self._next_id = {}
        for name, table in data.items():
            field = KEY_FIELDS.get(name)
            if field is not None:
                self._keys[name] = table_index(name, table)
            self._next_id[name] = max((int(k) for k in table if k.isdigit()), default=0) + 1

    def _set(self, table_name: str, key: Any, record: dict | None) -> None:
        """Set or delete one record in memory, the way TinyDB would number it."""
        table = self._tables.setdefault(table_name, {})
        keys = self._keys.setdefault(table_name, {})
        doc_key = keys.get(key)
        if record is None:
            if doc_key is not None:
                del table[doc_key]
                del keys[key]
            return
        if doc_key is None:
            doc_key = str(self._next_id.get(table_name, 1))
            self._next_id[table_name] = int(doc_key) + 1
            keys[key] = doc_key
        table[doc_key] = record

    def _sync(self) -> None:
        """Reload when the files changed behind this store (another store of this process, or a
        writer process while this one is read-only).

        A writer checks under its write mutex: a thread's write (a worker caching the model's
        analysis) changes the log before it records the log's new signature, and a read from
        another thread in between would otherwise reload the whole database.
        """
        if self._lock.held:
            with self._lock.mutex:
                self._reload_if_changed()
        else:
            self._reload_if_changed()

    def _reload_if_changed(self) -> None:
        if (_signature(self.path), _signature(self.wal_path)) != self._file_signature:
            self._load(first=False)

    def refresh(self) -> None:
        """See the latest saved state (what a read-only store calls to follow the writer)."""
        self._sync()

    def close(self) -> None:
        """Fold the log into the TinyDB file and let go of the lock (safe to call twice).

        If folding fails (disk full) the log stays on disk and is folded on the next open.
        """
        try:
            if self._lock.held:
                with self._lock.mutex:
                    try:
                        self._sync()
                        self.compact()
                    except StoreError:
                        pass  # every saved change is still in the log
        finally:
            if self._log is not None:
                self._log.close()
                if self._log.size == 0 and self._lock.sole_holder:
                    self.wal_path.unlink(missing_ok=True)  # nothing left to fold: leave no empty log behind
                self._log = None
            self._lock.release()
            self._read_only = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Writing

    def _check_writable(self) -> None:
        if self._read_only:
            who = f"; {self.lock_holder} is writing it" if self.lock_holder else ""
            raise ReadOnlyStoreError(f"{self.path}: opened read-only{who}")

    def apply(self, changes: list[Change]) -> None:
        """Save every change as one durable record; nothing is saved on error.

        Raises :class:`ReadOnlyStoreError` on a read-only store and :class:`StoreSaveError`
        when the disk refuses the write (full, permission denied); in both cases nothing on
        disk and nothing in this store changes.
        """
        if not changes:
            return
        self._check_writable()
        with self._lock.mutex:
            self._sync()
            if not self.path.exists():
                self.compact(force=True)  # a new database starts as a real TinyDB file
            prepared = [self._prepare(change) for change in changes]
            seq = self._seq + 1
            assert self._log is not None
            self._log.append(encode_record(seq, [[c.table, c.key, c.record] for c in prepared]))
            self._seq = seq
            for change in prepared:
                self._set(change.table, change.key, change.record)
            self._file_signature = (self._file_signature[0], self._log.signature())
            if self._log.size > COMPACT_LOG_BYTES:
                try:
                    self.compact()
                except StoreSaveError:
                    pass  # the change is durable in the log; folding is retried later

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

    def _stored(self, table: str, key: Any) -> dict | None:
        """The record with ``key`` in memory (no reload: callers hold the write mutex)."""
        doc_key = self._keys.get(table, {}).get(key)
        return None if doc_key is None else self._tables[table][doc_key]

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

    @property
    def needs_compaction(self) -> bool:
        """True when saved changes wait in the log to be folded into the TinyDB file."""
        return self._log is not None and self._log.pending

    def compact(self, force: bool = False) -> bool:
        """Fold the log into the TinyDB file (one atomic rewrite); True when it did.

        The app calls this when idle; it also happens on close and on the next open.
        """
        if self._read_only or self._log is None or not (force or self._log.pending):
            return False
        with self._lock.mutex:
            self._move_long_texts_out()
            set_meta(self._tables, schema=SCHEMA_VERSION, app_version=__version__, applied_seq=self._seq)
            self._keys.setdefault(META, {})["schema"] = next(k for k, r in self._tables[META].items() if r.get("key") == "schema")
            try:
                atomic_write_bytes(self.path, dump_json(self._tables))
            except OSError as error:
                raise StoreSaveError(f"{self.path}: could not fold the log into the file ({error.strerror or error}); the file on disk is unchanged and every saved change is in {self.wal_path.name}", error) from None
            try:
                self._log.reset(self._seq)
            except OSError:
                pass  # the records are marked folded (applied_seq); a later fold empties the log
            self._file_signature = (_signature(self.path), self._log.signature())
            return True

    def _move_long_texts_out(self) -> None:
        """Put long texts found inline (a migrated or hand-made file) into side files before a fold."""
        for doc_key, record in self._tables.get(DOCUMENTS, {}).items():
            if isinstance(record.get("text"), str) and len(record["text"]) > INLINE_TEXT_LIMIT:
                self._tables[DOCUMENTS][doc_key] = self._prepare(Change(DOCUMENTS, record.get("doc_id"), record)).record

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

    # Reading

    def tables(self) -> dict[str, dict[str, dict]]:
        """The whole database as TinyDB would see it after folding the log (do not modify)."""
        self._sync()
        return self._tables

    # Every record is checked as it is read (only the records asked for, so opening one document
    # of a large database costs what that document holds): a malformed one raises StoreError
    # naming it, and nothing is shown, exported or written from what it belongs to.

    def _items(self, table: str, doc_id: str | None = None) -> list[tuple[str, dict]]:
        """``(TinyDB id, record)`` of every record of ``table`` (of one document, with ``doc_id``)."""
        self._sync()
        items = self._tables.get(table, {}).items()
        return list(items) if doc_id is None else [(doc_key, record) for doc_key, record in items if record.get("doc_id") == doc_id]

    def _check(self, table: str, items: list[tuple[str, dict]], where: str, text_lengths: dict[str, int] | None = None) -> None:
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
        ``text_length`` (the length of its text) their offsets are checked against it too."""
        items = self._items(ANNOTATIONS, doc_id)
        with collection_paused():  # a book's 100,000 records make a million objects
            self._check(ANNOTATIONS, items, f" of document {doc_id}", None if text_length is None else {doc_id: text_length})
            return [Annotation.from_record(record) for _, record in items]

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

    def cached(self, key: str) -> Any:
        """The cached value stored under ``key`` (e.g. NLP results for a text and model), if any."""
        record = self.record(NLP_CACHE, key)
        return None if record is None else record.get("value")

    def cache(self, key: str, value: Any) -> None:
        """Store a cached value under ``key``."""
        self.apply([Change(NLP_CACHE, key, {"key": key, "value": value})])

    def record(self, table: str, key: Any) -> dict | None:
        """The stored record with ``key`` in ``table`` (a copy)."""
        self._sync()
        doc_key = self._keys.get(table, {}).get(key)
        return None if doc_key is None else dict(self._tables[table][doc_key])


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
