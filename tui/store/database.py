"""The database file of a Postil store: a TinyDB file, its write-ahead log, its lock and backups.

``annotations.json`` is an ordinary TinyDB file and the canonical store. A save does not
rewrite it: :meth:`Database.apply` appends the changes of one action as one fsync'd record to
the write-ahead log beside it (``annotations.json.wal``), so an action is on disk whole or
not at all, before the next key, at a cost that does not grow with the database. The log is
folded into the TinyDB file by :meth:`Database.compact` (on idle, on close and on the next
open).

One process writes a database at a time (a lock beside it); a second store on the same file
opens read-only and says who holds the lock.

Files beside ``NAME`` (e.g. ``annotations.json``; for a symbolic link, beside the file it
points to): ``NAME.wal`` (the log: unfolded saves, after the checkpoint of the last fold),
``NAME.lock`` and ``NAME.lock.owner`` (the lock and who holds it), ``NAME.bak`` and
``NAME.bak.1`` (the last two clean opens), ``NAME.schemaN.bak`` (the file as it was before a
migration) and ``postil-texts/`` (long texts, by SHA-256: see :mod:`tui.store.repository`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui import __version__
from tui.model.fields import is_integer
from tui.store.files import backup_path, rotate_backup  # noqa: F401 - backup_path is used through this module too
from tui.store.folding import Fold
from tui.store.lock import DatabaseLock, LockHolder, read_holder
from tui.store.migrations import META, SCHEMA_VERSION, applied_seq, migrate, schema_of, set_meta
from tui.store.records import JOURNAL, KEY_FIELDS, Change, HeldRecords, Records, as_record, table_index
from tui.store.storage import (
    ReadOnlyStoreError,
    StoreError,
    StoreSaveError,
    atomic_write_bytes,
    doctor_hint,
    read_database,
    real_path,
    remove_stale_temporaries,
    remove_stale_temporaries_in,
    replace_synced,
    temporary_path,
)
from tui.store.wal import WriteAheadLog, encode_record, read_log, wal_path

# The folder beside the database that holds long texts.
TEXTS_FOLDER = "postil-texts"
# The log is folded into the TinyDB file during a save once it grows past this many bytes, or past
# the file's own size if that is larger: a fold rewrites the whole file (a second or more for a
# book's), so its cost is spread over at least as many bytes of saves, not paid by one large one.
COMPACT_LOG_BYTES = 16 * 1024 * 1024


def texts_path(db_path: Path) -> Path:
    """The folder of side files holding long texts: ``postil-texts`` beside the database.

    Files are named by the SHA-256 of their text and never change, so databases in one
    folder (a database and a copy restored by ``postil doctor``) can share them.
    """
    return db_path.parent / TEXTS_FOLDER


def _signature(path: Path) -> tuple | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class Database:
    """The tables of one database file and its write-ahead log, written by one process.

    ``Database(path)`` takes the write lock if it is free (waiting up to ``lock_timeout``
    seconds); if another process holds it the database is read-only and :attr:`lock_holder`
    says who. Several of one process share the lock and see each other's writes. ``path``
    may be a symbolic link: :attr:`path` is the file it points to, and everything (lock, log,
    backups, texts) lives beside that file. A read-only database says why in
    :attr:`read_only_reason` (one line, for a banner). :meth:`_prepare` and :meth:`_before_fold`
    let a subclass adjust records on their way to disk.
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
        data = read_database(self.path, self._compact_record)
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
                    self._keep_copy(schema)
                except StoreSaveError as error:
                    self._refused_at_open(error)
            data = migrate({name: {doc_key: as_record(record) for doc_key, record in table.items()} for name, table in data.items()})
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
                rotate_backup(self.path)
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

    def _keep_copy(self, schema: int) -> None:
        """Keep the file as it was before a migration: ``NAME.schemaN.bak`` (never overwritten)."""
        target = self.path.with_name(f"{self.path.name}.schema{schema}.bak")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{self.path.name}.schema{schema}.{number}.bak")
        try:
            with self.path.open("rb") as old:  # (under the write lock: the file just read)
                atomic_write_bytes(target, old)
        except OSError as error:
            raise StoreSaveError(f"{self.path}: needs migrating from schema {schema}, but the backup copy {target} could not be written ({error.strerror})", error) from None

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

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Writing

    def _check_writable(self) -> None:
        if self._read_only:
            who = f"; {self.lock_holder} is writing it" if self.lock_holder else ""
            raise ReadOnlyStoreError(f"{self.path}: opened read-only{who}")

    def apply(self, changes: list[Change], durable: bool = True) -> None:
        """Save every change as one durable record; nothing is saved on error. A change that can
        be made again (the model's suggestions) may be saved not ``durable``: written without
        waiting for the disk, so a crash before the next durable save may lose it, nothing else.

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
            self._log.append(encode_record(seq, [[c.table, c.key, c.record] for c in prepared]), durable)
            self._seq = seq
            for change in prepared:
                self._set(change.table, change.key, change.record)
            self._file_signature = (self._file_signature[0], self._log.signature())
            file_signature = self._file_signature[0]
            if self._log.size > max(COMPACT_LOG_BYTES, file_signature[1] if file_signature else 0):
                try:
                    self.compact()
                except StoreSaveError:
                    pass  # the change is durable in the log; folding is retried later

    def _prepare(self, change: Change) -> Change:
        """``change`` as it is to be saved (under the write mutex, before it is logged)."""
        return change

    def _compact_record(self, table: str, record: dict) -> Any:
        """What to hold in memory for ``record`` of ``table`` as the file is read: the record, or
        an object whose ``to_record()`` gives it back exactly (smaller than its dict)."""
        return record


    def _stored(self, table: str, key: Any) -> dict | None:
        """The record with ``key`` in memory (no reload: callers hold the write mutex)."""
        doc_key = self._keys.get(table, {}).get(key)
        return None if doc_key is None else as_record(self._tables[table][doc_key])

    @property
    def needs_compaction(self) -> bool:
        """True when saved changes wait in the log to be folded into the TinyDB file."""
        return self._log is not None and self._log.pending

    def compact(self, force: bool = False) -> bool:
        """Fold the log into the TinyDB file (one atomic rewrite); True when it did. On close, on
        open, when the log outgrows the file; the app, idle, does the steps in a worker."""
        with self._lock.mutex:
            fold = self.take_fold(force)
            if fold is None:
                return False
            try:
                fold.write()
            except OSError as error:
                raise StoreSaveError(self.fold_failed(error), error) from None
            return self.finish_fold(fold)

    def take_fold(self, force: bool = False, purpose: str = "") -> Fold | None:
        """The fold of the log into the TinyDB file as things stand (None when nothing waits): the
        tables with their records shared, not copied, for any thread to write (Fold.write, to a
        temporary file of this ``purpose``) and this store's to put in place (finish_fold)."""
        if self._read_only or self._log is None or not (force or self._log.pending):
            return None
        with self._lock.mutex:
            self._before_fold()
            tables = {name: dict(table) for name, table in self._tables.items()}
            tables[META] = {key: dict(record) for key, record in tables.get(META, {}).items()}  # the live one takes it at finish
            set_meta(tables, schema=SCHEMA_VERSION, app_version=__version__, applied_seq=self._seq)
            return Fold(self._seq, tables, temporary_path(self.path, purpose))

    def finish_fold(self, fold: Fold) -> bool:
        """Put a written ``fold`` in place and empty the log; False, the fold dropped, when a change
        was saved since it was taken (the next fold takes that too) or the store was closed."""
        with self._lock.mutex:
            if self._read_only or self._log is None or self._seq != fold.seq or not fold.temporary.exists():
                fold.temporary.unlink(missing_ok=True)
                return False
            try:
                replace_synced(fold.temporary, self.path)
            except OSError as error:
                raise StoreSaveError(self.fold_failed(error), error) from None
            self._tables[META] = dict(fold.tables[META])  # its schema row as written (applied_seq)
            self._keys.setdefault(META, {})["schema"] = next(k for k, r in self._tables[META].items() if r.get("key") == "schema")
            try:
                self._log.reset(self._seq)
            except OSError:
                pass  # the records are marked folded (applied_seq); a later fold empties the log
            self._file_signature = (_signature(self.path), self._log.signature())
            return True

    def fold_failed(self, error: OSError) -> str:
        """The one-line message of a fold the disk refused."""
        return f"{self.path}: could not fold the log into the file ({error.strerror or error}); the file on disk is unchanged and every saved change is in {self.wal_path.name}"

    def _before_fold(self) -> None:
        """Called under the write mutex before the tables are written to the TinyDB file."""


    # Reading

    def tables(self) -> dict[str, Mapping[str, dict]]:
        """The whole database as TinyDB would see it after folding the log (do not modify; a
        table held in a compact form gives each record as a new dict)."""
        self._sync()
        return {name: table if all(record.__class__ is dict for record in table.values()) else Records(table) for name, table in self._tables.items()}

    def snapshot(self, table: str) -> HeldRecords:
        """The records of ``table`` as they are now, for another thread to read (do not modify):
        references taken at once, a compact one made a dict only when it is read."""
        self._sync()
        return HeldRecords(list(self._tables.get(table, {}).values()))

    def _items(self, table: str, doc_id: str | None = None) -> list[tuple[str, dict]]:
        """``(TinyDB id, record)`` of every record of ``table`` (of one document, with ``doc_id``)."""
        return [(doc_key, as_record(record)) for doc_key, record in self._held(table, doc_id)]

    def _held(self, table: str, doc_id: str | None = None) -> list[tuple[str, Any]]:
        """:meth:`_items` as held in memory: a compact record as it is (see :meth:`_compact_record`)."""
        self._sync()
        items = self._tables.get(table, {}).items()
        if doc_id is None:
            return list(items)
        return [(doc_key, record) for doc_key, record in items if (record.get("doc_id") if record.__class__ is dict else record.doc_id) == doc_id]

    def record(self, table: str, key: Any) -> dict | None:
        """The stored record with ``key`` in ``table`` (a copy)."""
        self._sync()
        doc_key = self._keys.get(table, {}).get(key)
        return None if doc_key is None else dict(as_record(self._tables[table][doc_key]))
