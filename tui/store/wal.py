"""The write-ahead log: every save is one checksummed line appended to ``NAME.wal`` and fsync'd.

Appending a line costs the same whatever the size of the database, which is what keeps a
save fast at 100,000 annotations. The log is folded into the TinyDB file (compaction) when
the app is idle, on quit and on the next open; until then the TinyDB file plus the log is
the database. A line is ``CRC32 JSON``: a line cut short by a crash fails its checksum and,
being last, is known never to have been acknowledged, so it is dropped.
"""

from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson

from tui.store.storage import StoreError, StoreSaveError, doctor_hint, fsync_directory


def wal_path(db_path: Path) -> Path:
    """The log of a database: ``NAME.wal`` beside it."""
    return db_path.with_name(db_path.name + ".wal")


def encode_record(seq: int, changes: list[list]) -> bytes:
    """One log line: the checksum of the JSON, a space, the JSON, a newline."""
    body = orjson.dumps({"seq": seq, "changes": changes})
    return b"%08x %s\n" % (zlib.crc32(body), body)


@dataclass
class LogContents:
    """What a log file holds: its whole records, and where the last whole record ends."""

    records: list[dict]
    good_size: int
    torn_tail: bool


def read_log(path: Path) -> LogContents:
    """Every whole record of the log at ``path`` (none when it does not exist).

    A damaged last line is a write that a crash cut short and is reported as ``torn_tail``;
    a damaged line followed by good ones is corruption and raises a one-line StoreError.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise StoreError(f"{path}: not a regular file; {doctor_hint(path)}")
        data = path.read_bytes()
    except FileNotFoundError:
        return LogContents([], 0, False)
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    records: list[dict] = []
    offset = 0
    line_number = 0
    while offset < len(data):
        line_number += 1
        newline = data.find(b"\n", offset)
        line = data[offset:] if newline < 0 else data[offset:newline]
        record = _decode(line) if newline >= 0 else None
        if record is None:
            rest = b"" if newline < 0 else data[newline + 1 :]
            if rest.strip():
                raise StoreError(f"{path}: damaged record at line {line_number}, column 1 (checksum or JSON does not match); {doctor_hint(path)}")
            return LogContents(records, offset, True)
        records.append(record)
        offset = newline + 1
    return LogContents(records, offset, False)


def _decode(line: bytes) -> dict | None:
    """The record on a log line, ``None`` when the line is damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        record = orjson.loads(body)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("seq"), int) or not isinstance(record.get("changes"), list):
        return None
    return record


# fdatasync flushes the data and the new size, skipping the timestamps; where missing, fsync.
sync_data = getattr(os, "fdatasync", os.fsync)


def write_all(fd: int, payload: bytes) -> None:
    """Write all of ``payload`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


class WriteAheadLog:
    """The appending side of a database's log, kept open while the store may write."""

    def __init__(self, path: Path, good_size: int) -> None:
        self.path = path
        self._fd: int | None = None
        self.size = good_size

    def _open(self) -> int:
        if self._fd is None:
            existed = self.path.exists()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not existed:
                fsync_directory(self.path.parent)  # the new file's name must survive a crash too
        return self._fd

    def append(self, line: bytes) -> None:
        """Append one record and fsync it; on any failure the log is cut back to its last record.

        Raises :class:`StoreSaveError` (disk full, permission denied) with the log unchanged.
        """
        try:
            fd = self._open()
            if os.fstat(fd).st_size != self.size:
                os.ftruncate(fd, self.size)  # drop what an earlier failed append left behind
            write_all(fd, line)
            sync_data(fd)
        except OSError as error:
            self._cut_back()
            raise StoreSaveError(f"{self.path}: could not save ({error.strerror or error}); nothing on disk changed") from None
        self.size += len(line)

    def _cut_back(self) -> None:
        """Undo a partial append and close the file, so the next try opens it afresh."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, self.size)
        except OSError:
            pass  # the next append truncates before writing
        try:
            os.close(self._fd)
        except OSError:
            pass
        self._fd = None

    def signature(self) -> tuple | None:
        """The log's stat signature as this writer left it."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def clear(self) -> None:
        """Empty the log once its records are safely in the TinyDB file."""
        fd = self._open()
        os.ftruncate(fd, 0)
        os.fsync(fd)
        self.size = 0

    def close(self) -> None:
        """Close the file (the log itself stays until it is compacted)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
