"""Crash-safe files: atomic whole-file replace, orjson with stable key order, strict parsing.

Every file Postil writes goes through :func:`atomic_write_bytes` (a temporary file beside
the target, fsync, rename, fsync of the folder), so a crash leaves the old file or the new
one, never a torn one. :func:`parse_database` refuses an empty, torn or non-TinyDB file
with a one-line message instead of treating it as a new database.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from tui.store.files import (  # noqa: F401 - the crash-safe writes, used through this module too
    atomic_write_bytes,
    fsync_directory,
    pid_alive,
    remove_stale_temporaries,
    remove_stale_temporaries_in,
    replace_synced,
    same_content,
    temporary_path,
    write_synced,
)


class StoreError(Exception):
    """A database file that cannot be used; the message is one line naming the file."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened read-only."""


class StoreSaveError(StoreError):
    """A save failed (disk full, permission denied); what is on disk is unchanged.

    ``reason`` is the system's word for it (``No space left on device``) when there is one.
    """

    def __init__(self, message: str, cause: OSError | None = None) -> None:
        super().__init__(message)
        self.reason = (cause.strerror or str(cause)) if cause is not None else None


class StoreLockedError(StoreError):
    """Another process holds the database's write lock and did not let go in time."""


def dump_json(data: Any) -> bytes:
    """Serialise the way every Postil file is written: sorted keys, two-space indent. A record
    held in a compact form (see :func:`parse_database`) is written as its ``to_record()``."""
    return orjson.dumps(data, default=_as_record, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS) + b"\n"


def _as_record(value: Any) -> dict:
    to_record = getattr(value, "to_record", None)
    if to_record is None:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return to_record()


def doctor_hint(path: Path) -> str:
    """The advice that ends every message about a damaged database."""
    return f"run `postil doctor {path}`"


def real_path(path: str | os.PathLike) -> Path:
    """The file a database path names, symbolic links resolved: what is locked, folded, backed
    up and renamed, so that a link stays a link and its target receives every update."""
    return Path(os.path.realpath(path))


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


class NotARegularFile(OSError):
    """:func:`read_regular_file` refused a folder, a FIFO, a device or a socket (``kind``)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"is {kind}", str(path))
        self.kind = kind


class FileTooLarge(OSError):
    """:func:`read_regular_file` refused a file over its limit (``size`` bytes, or at least that)."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(errno.EFBIG, "too large", str(path))
        self.size = size


def open_regular_file(path: Path) -> int:
    """A descriptor of ``path`` opened for reading when it is a regular file (opened without
    blocking and checked once open: see :func:`read_regular_file`)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(path, file_kind(mode))
    return fd


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    The file is opened without blocking and its kind checked on the open file, so a FIFO or a
    device (even one swapped in after a check) is refused with :class:`NotARegularFile`, never
    waited on or read without end; a file over ``limit`` raises :class:`FileTooLarge` (read no
    further than the limit); ``FileNotFoundError`` passes through.
    """
    fd = open_regular_file(path)
    try:
        info = os.fstat(fd)
        if limit is not None and info.st_size > limit:
            raise FileTooLarge(path, info.st_size)
        chunks: list[bytes] = []
        total = 0
        while limit is None or total <= limit:
            # One read for the whole file as it stands (one more byte finds its end); more if it grows.
            wanted = max(info.st_size + 1 - total, 1 << 16) if limit is None else limit + 1 - total
            chunk = os.read(fd, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if limit is not None and total > limit:  # it grew since (or, like /proc files, gives no size)
            raise FileTooLarge(path, total)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)

def parse_database(path: Path, data: bytes, compact: Compact | None = None) -> dict:
    """The TinyDB content of ``data`` read from ``path``; a one-line :class:`StoreError` otherwise.

    With ``compact``, each record is handed to ``compact(table, record)`` and its answer kept
    in its place (:func:`read_database` reads a file laid out as Postil writes it a record at a
    time; this is for any other layout).
    """
    if not data.strip():
        raise StoreError(f"{path}: the database file is empty (a new database is never started over an existing file); {doctor_hint(path)}")
    try:
        with collection_paused():  # parsing makes millions of objects and no garbage
            parsed = orjson.loads(data)
            if compact is not None and isinstance(parsed, dict) and all(isinstance(table, dict) for table in parsed.values()):
                parsed = {name: {key: compact(name, record) if isinstance(record, dict) else record for key, record in table.items()} for name, table in parsed.items()}
    except orjson.JSONDecodeError as error:
        raise StoreError(f"{path}: not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}); {doctor_hint(path)}") from None
    if not isinstance(parsed, dict):
        raise StoreError(f"{path}: not a TinyDB database (the top level is not an object); {doctor_hint(path)}")
    for name, table in parsed.items():
        if not isinstance(table, dict) or not all(isinstance(record, dict) or compact is not None and hasattr(record, "to_record") for record in table.values()):
            raise StoreError(f"{path}: not a TinyDB database (table {name!r} is not an object of records); {doctor_hint(path)}")
    return parsed


Compact = Callable[[str, dict], Any]
# A record's first line as dump_json lays a database out: four spaces, its key and its object;
# and a table's: two spaces, its name and its object.
_RECORD_KEY = re.compile(rb'\n    "(?:[^"\\\n]|\\.)*": \{')
_TABLE_KEY = re.compile(rb'\n  ("(?:[^"\\\n]|\\.)*"): \{')
# How much of a database file is read at a time when it is read record by record.
READ_PIECE = 1 << 20


def parse_by_record(pieces: Iterable[bytes], compact: Compact) -> dict | None:
    """The tables of a file (read in ``pieces``) laid out as :func:`dump_json` writes them,
    each record parsed on its own and handed to ``compact`` at once, so that neither the file
    nor its records as dicts are ever held whole; ``None`` when the file is laid out otherwise
    (or is not valid JSON), to be parsed whole.

    Lines break only between JSON tokens, so a line of four spaces and a key opens a record of
    the table named on the last line of two spaces and a key, and the next line of four spaces
    and a brace closes it. The file with every record replaced by its number must parse to
    tables of exactly those numbers, in order, each where its record was taken to be: only
    then are the pieces the records of those tables.
    """
    skeleton = bytearray()  # the file with each record replaced by its number
    records: list[Any] = []
    record_tables: list[str] = []  # the table each record was taken to be in
    table: str | None = None
    buffer = bytearray()
    resume = 0  # where to look on for the end of a record that goes on in the next piece
    try:
        for piece in _then_end(pieces):
            buffer += piece
            end = len(buffer) if not piece else max(0, buffer.rfind(b"\n"))  # whole lines only, until the last piece
            position = 0
            while (found := buffer.find(b'\n    "', position, end)) >= 0:
                match = _RECORD_KEY.match(buffer, found, end)
                if match is None:
                    return None
                opening = match.end() - 1
                if buffer[opening + 1 : opening + 2] == b"}":
                    closing = opening + 1
                else:
                    closing = buffer.find(b"\n    }", max(opening, resume), end)
                    if closing < 0:
                        resume = max(opening, end - 6)
                        break
                    closing += 5
                before = bytes(buffer[position:opening])
                for table_key in _TABLE_KEY.finditer(before):
                    table = orjson.loads(table_key.group(1))
                if table is None:
                    return None
                skeleton += before
                skeleton += b"%d" % len(records)
                records.append(compact(table, orjson.loads(buffer[opening : closing + 1])))
                record_tables.append(table)
                position, resume = closing + 1, 0
            else:  # no record goes on into the next piece: the rest is what lies between records
                if len(buffer) - position > READ_PIECE:
                    return None  # far more than keys and braces: records are not on lines of their own
            del buffer[:position]
            resume = max(0, resume - position)
        skeleton += buffer
        if b"\\u" in skeleton:
            return None  # an escape outside the records: left to orjson's strict reading of the whole file
        # (The standard parser: orjson would take several times the skeleton's size for a moment.
        # Decoded as strict UTF-8 first, as orjson reads: json.loads of bytes would also take
        # UTF-16 or UTF-32, a byte order mark and encoded surrogates.)
        tables = json.loads(skeleton.decode())
    except (ValueError, RecursionError):  # not JSON (orjson.JSONDecodeError is a ValueError too)
        return None
    if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
        return None
    expected = 0
    for name, table in tables.items():
        for number in table.values():
            if number.__class__ is not int or number != expected or record_tables[number] != name:
                return None
            expected += 1
    if expected != len(records):
        return None
    for table in tables.values():
        for key, number in table.items():
            table[key] = records[number]
    return tables


def _then_end(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` (none of them empty), then an empty one for the end."""
    yield from (piece for piece in pieces if piece)
    yield b""


def read_database(path: Path, compact: Compact | None = None) -> dict | None:
    """Parse the database at ``path``: ``None`` when there is no file yet. With ``compact``
    (see :func:`parse_database`) a file laid out as Postil writes it is read a piece at a time,
    record by record."""
    try:
        if compact is not None:
            with open(open_regular_file(path), "rb") as handle:
                with collection_paused():
                    parsed = parse_by_record(iter(partial(handle.read, READ_PIECE), b""), compact)
            if parsed is not None:
                return parsed
        data = read_regular_file(path)
    except FileNotFoundError:
        return None
    except NotARegularFile as error:
        if error.kind == "a directory":
            raise StoreError(f"{path}: is a directory, not a database file") from None
        raise StoreError(f"{path}: not a regular file (a database is never a FIFO or a device)") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_database(path, data, compact)


class AtomicJSONStorage(Storage):
    """TinyDB storage that never leaves a torn file and never mistakes a broken file for a new one.

    For scripts that use TinyDB directly (``TinyDB(path, storage=AtomicJSONStorage)``). The
    parsed content is cached with the file's stat signature, so repeated reads do not
    re-parse an unchanged file; a change made by someone else is seen on the next read.
    """

    def __init__(self, path: str | os.PathLike, read_only: bool = False) -> None:
        self.path = real_path(path)
        self.read_only = read_only
        self._cache: dict | None = None
        self._signature: tuple | None = None

    def _stat_signature(self) -> tuple | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def read(self) -> dict | None:
        """The database as a dict, ``None`` for a file that does not exist yet."""
        signature = self._stat_signature()
        if signature is None:
            self._cache = None
            return None
        if self._cache is not None and signature == self._signature:
            return self._cache
        parsed = read_database(self.path)
        self._cache, self._signature = parsed, signature
        return parsed

    def write(self, data: dict) -> None:
        """Replace the file atomically with ``data``; on failure the file on disk is unchanged."""
        if self.read_only:
            self._cache = None
            raise ReadOnlyStoreError(f"{self.path}: opened read-only")
        try:
            atomic_write_bytes(self.path, dump_json(data))
        except OSError as error:
            self._cache = None
            raise StoreSaveError(f"{self.path}: could not save ({error.strerror or error}); the file on disk is unchanged", error) from None
        except BaseException:
            self._cache = None
            raise
        self._cache, self._signature = data, self._stat_signature()

    def close(self) -> None:
        """Nothing is held open between operations."""


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: reading many records makes millions of objects and
    no garbage, so a collection's walk over them all would only cost time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
