"""A crash-safe TinyDB storage: whole-file atomic replace, orjson, stable key order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage


class StoreError(Exception):
    """A database file that cannot be used; the message is one line naming the file."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened read-only."""


def dump_json(data: Any) -> bytes:
    """Serialise the way every Postil file is written: sorted keys, two-space indent."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, fsync it, then rename it over.

    A crash at any moment leaves either the old file or the new one, never a torn file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


class AtomicJSONStorage(Storage):
    """TinyDB storage that never leaves a torn file and never mistakes a broken file for a new one.

    The parsed content is cached together with the file's stat signature, so repeated reads
    do not re-parse an unchanged file; a change made by someone else is seen on the next read.
    """

    def __init__(self, path: str | os.PathLike, read_only: bool = False) -> None:
        self.path = Path(path)
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
        data = self.path.read_bytes()
        if not data.strip():
            raise StoreError(f"{self.path}: the database file is empty (a new database is never started over an existing file); run `postil doctor {self.path}`")
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise StoreError(f"{self.path}: not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}); run `postil doctor {self.path}`") from None
        if not isinstance(parsed, dict):
            raise StoreError(f"{self.path}: not a TinyDB database (the top level is not an object); run `postil doctor {self.path}`")
        self._cache, self._signature = parsed, signature
        return parsed

    def write(self, data: dict) -> None:
        """Replace the file atomically with ``data``; on failure the file on disk is unchanged."""
        if self.read_only:
            self._cache = None
            raise ReadOnlyStoreError(f"{self.path}: opened read-only")
        try:
            atomic_write_bytes(self.path, dump_json(data))
        except BaseException:
            self._cache = None
            raise
        self._cache, self._signature = data, self._stat_signature()

    def close(self) -> None:
        """Nothing is held open between operations."""
