"""The write-ahead log: every save is one checksummed line appended to ``NAME.wal`` and fsync'd.

Appending a line costs the same whatever the size of the database, which is what keeps a
save fast at 100,000 annotations. The log is folded into the TinyDB file (compaction) when
the app is idle, on quit and on the next open; until then the TinyDB file plus the log is
the database. A line is ``CRC32 JSON``; records are numbered (``seq``) one after another.

Only an unterminated last line is a write that a crash cut short (never acknowledged, so
dropped). A whole line whose checksum fails, or a number skipped, is damage: it is reported
with its line, never dropped quietly. After a fold the log is emptied down to one checkpoint
record naming the last record the TinyDB file holds, so that ``postil doctor`` can tell how
far the file had got even when the file itself is lost.
"""

from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson

from tui.store.storage import StoreError, StoreSaveError, fsync_directory, read_regular_file


def wal_path(db_path: Path) -> Path:
    """The log of a database: ``NAME.wal`` beside it."""
    return db_path.with_name(db_path.name + ".wal")


def encode_record(seq: int, changes: list[list], checkpoint: bool = False) -> bytes:
    """One log line: the checksum of the JSON, a space, the JSON, a newline."""
    record: dict = {"seq": seq, "changes": changes}
    if checkpoint:
        record["checkpoint"] = True
    body = orjson.dumps(record)
    return b"%08x %s\n" % (zlib.crc32(body), body)


def is_checkpoint(record: dict) -> bool:
    """True for the record a fold leaves: "the TinyDB file holds every record up to this one"."""
    return record.get("checkpoint") is True


@dataclass
class LogLine:
    """One whole line of the log: its number (from 1), its record (None when damaged) and its
    sequence number (a damaged line's is inferred from its neighbours, None when it cannot be)."""

    number: int
    record: dict | None
    seq: int | None
    why: str = ""
    end: int = 0  # the offset just after the line


@dataclass
class LostRecord:
    """Records the log should hold but does not: ``first``..``last`` (None when unknown)."""

    first: int | None
    last: int | None
    line: int
    why: str

    @property
    def count(self) -> int:
        return 1 if self.first is None or self.last is None else self.last - self.first + 1

    def names(self) -> str:
        """``record 3`` / ``records 4-6`` / ``a record``."""
        if self.first is None:
            return "a record"
        return f"record {self.first}" if self.first == self.last else f"records {self.first}-{self.last}"

    def describe(self) -> str:
        """One phrase, e.g. ``line 3: record 3 is damaged (its checksum does not match)``."""
        if self.why == "missing":
            verb = "is" if self.count == 1 else "are"
            return f"{self.names()} {verb} missing (before line {self.line})"
        return f"line {self.line}: {self.names()} is damaged ({self.why})"


@dataclass
class LogContents:
    """What a log file holds: its whole lines, and where the last whole line ends."""

    lines: list[LogLine]
    good_size: int
    torn_tail: bool

    @property
    def records(self) -> list[dict]:
        """The intact records, in the order they were written."""
        return [line.record for line in self.lines if line.record is not None]

    @property
    def last_seq(self) -> int | None:
        """The highest record number the log accounts for (damaged lines included)."""
        known = [line.seq for line in self.lines if line.seq is not None]
        return max(known, default=None)

    def first_unfolded(self) -> int | None:
        """The number of the first record the log holds for a file that has what came before.

        A leading checkpoint ``S`` says the file it was written for holds records up to ``S``.
        """
        for line in self.lines:
            if line.record is not None and is_checkpoint(line.record):
                return line.seq + 1
            return line.seq
        return None

    def lost(self) -> list[LostRecord]:
        """Damaged lines and skipped numbers, in log order."""
        found: list[LostRecord] = []
        previous: int | None = None
        for line in self.lines:
            if line.seq is not None and previous is not None and line.seq > previous + 1:
                found.append(LostRecord(previous + 1, line.seq - 1, line.number, "missing"))
            if line.record is None:
                found.append(LostRecord(line.seq, line.seq, line.number, line.why))
            if line.seq is not None:
                previous = line.seq
        return found

    def lost_after(self, folded: int) -> list[LostRecord]:
        """What is lost from the records a file holding records up to ``folded`` still needs."""
        relevant = []
        for lost in self.lost():
            if lost.first is None or lost.last > folded:
                if lost.first is not None and lost.first <= folded:
                    lost = LostRecord(folded + 1, lost.last, lost.line, lost.why)
                relevant.append(lost)
        return relevant

    def trouble(self, folded: int, db_name: str) -> str | None:
        """Why this log cannot be replayed onto a file holding records up to ``folded``, or None.

        Damage among records the file already holds does not matter.
        """
        lost = self.lost_after(folded)
        if lost:
            more = sum(item.count for item in lost[1:])
            return lost[0].describe() + (f" (and {more} more damaged or missing)" if more else "")
        for line in self.lines:
            record = line.record
            if record is not None and is_checkpoint(record) and line.seq > folded:
                return f"the log does not follow on from {db_name} (records {folded + 1}-{line.seq} are in neither)"
            if line.seq is not None and line.seq > folded and not (record is not None and is_checkpoint(record)):
                if line.seq != folded + 1:
                    span = f"record {folded + 1}" if line.seq == folded + 2 else f"records {folded + 1}-{line.seq - 1}"
                    return f"the log does not follow on from {db_name} ({span} missing before line {line.number})"
                return None
        return None

    def folded_size(self, folded: int) -> int:
        """How many leading bytes of the log a file holding records up to ``folded`` already has."""
        size = 0
        for line in self.lines:
            if line.record is None or line.seq > folded:
                break
            size = line.end
        return size

    def only_checkpoint(self, folded: int) -> bool:
        """True when the log holds nothing but the checkpoint of a file holding ``folded`` (or nothing)."""
        if self.torn_tail:
            return False
        if not self.lines:
            return True
        return len(self.lines) == 1 and self.lines[0].record is not None and is_checkpoint(self.lines[0].record) and self.lines[0].seq == folded


def read_log(path: Path) -> LogContents:
    """Every whole line of the log at ``path`` (none when it does not exist).

    Raises a one-line StoreError only when the log cannot be read at all; damage is in
    :meth:`LogContents.lost` for the caller to judge.
    """
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise StoreError(f"{path}: not a regular file (a log is never a link, a folder or a device)")
        data = read_regular_file(path)
    except FileNotFoundError:
        return LogContents([], 0, False)
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    lines: list[LogLine] = []
    offset = 0
    torn_tail = False
    while offset < len(data):
        newline = data.find(b"\n", offset)
        if newline < 0:
            torn_tail = True  # a write that a crash cut short: it was never acknowledged
            break
        record, why = _decode(data[offset:newline])
        lines.append(LogLine(len(lines) + 1, record, record["seq"] if record is not None else None, why, newline + 1))
        offset = newline + 1
    _number_lines(lines)
    return LogContents(lines, offset, torn_tail)


def _number_lines(lines: list[LogLine]) -> None:
    """Give damaged lines the numbers their neighbours imply; an intact record that does not
    come after the one before it is out of order, and counts as damaged."""
    previous: int | None = None
    for line in lines:
        if line.record is not None and previous is not None and line.seq <= previous:
            line.record, line.why = None, f"its number {line.seq} does not follow {previous}"
            line.seq = previous + 1
        elif line.record is None:
            line.seq = None if previous is None else previous + 1
        if line.seq is not None:
            previous = line.seq
    following: int | None = None
    for line in reversed(lines):  # damaged lines before the first intact one count back from it
        if line.seq is None and following is not None:
            line.seq = following - 1
        if line.seq is not None:
            following = line.seq


def _decode(line: bytes) -> tuple[dict | None, str]:
    """The record on a log line, or ``None`` and why the line is damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None, "not a log record"
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None, "its checksum does not match"
        record = orjson.loads(body)
    except ValueError:
        return None, "its checksum or JSON does not match"
    if not isinstance(record, dict) or not isinstance(record.get("seq"), int) or not isinstance(record.get("changes"), list):
        return None, "not a log record"
    return record, ""


# fdatasync flushes the data and the new size, skipping the timestamps; where missing, fsync.
sync_data = getattr(os, "fdatasync", os.fsync)


def write_all(fd: int, payload: bytes) -> None:
    """Write all of ``payload`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


class WriteAheadLog:
    """The appending side of a database's log, kept open while the store may write.

    ``size`` is where the next record goes; ``folded_size`` is how much of that is the
    checkpoint of the last fold (so the log holds unfolded saves when ``size`` is larger).
    """

    def __init__(self, path: Path, good_size: int) -> None:
        self.path = path
        self._fd: int | None = None
        self.size = good_size
        self.folded_size = good_size

    @property
    def pending(self) -> bool:
        """True when saves wait in the log to be folded into the TinyDB file."""
        return self.size > self.folded_size

    def _open(self) -> int:
        if self._fd is None:
            existed = self.path.exists()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
            if not existed:
                fsync_directory(self.path.parent)  # the new file's name must survive a crash too
        return self._fd

    def append(self, line: bytes, durable: bool = True) -> None:
        """Append one record and fsync it (unless not ``durable``: the next durable append, or the
        system in its own time, carries it to the disk); on any failure the log is cut back to
        its last record.

        Raises :class:`StoreSaveError` (disk full, permission denied) with the log unchanged.
        """
        try:
            fd = self._open()
            if os.fstat(fd).st_size != self.size:
                os.ftruncate(fd, self.size)  # drop what an earlier failed append left behind
            write_all(fd, line)
            if durable:
                sync_data(fd)
        except OSError as error:
            self._cut_back()
            raise StoreSaveError(f"{self.path}: could not save ({error.strerror or error}); nothing on disk changed", error) from None
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

    def reset(self, folded_seq: int) -> None:
        """Empty the log once its records are safely in the TinyDB file, leaving the checkpoint
        ``folded_seq`` (if even that cannot be written, the log is left empty)."""
        fd = self._open()
        os.ftruncate(fd, 0)
        self.size = self.folded_size = 0
        checkpoint = encode_record(folded_seq, [], checkpoint=True)
        try:
            write_all(fd, checkpoint)
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                self._cut_back()
            return
        self.size = self.folded_size = len(checkpoint)

    def close(self) -> None:
        """Close the file (the log itself stays until it is compacted)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
