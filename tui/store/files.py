"""Crash-safe writes: a temporary file beside the target, fsync, rename, fsync of the folder,
so that a crash leaves the old file or the new one, never a torn one; and the removal of the
temporary files a crashed writer left behind (only those whose process is gone).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO


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


def temporary_path(path: Path, purpose: str = "") -> Path:
    """The temporary file a write of ``path`` goes through: ``.NAME.PID.tmp`` beside it (with a
    ``purpose``, ``.NAME.PURPOSE.PID.tmp``: a write of its own that another cannot remove)."""
    return path.with_name(f".{path.name}{'.' + purpose if purpose else ''}.{os.getpid()}.tmp")


def atomic_write_bytes(path: Path, payload: bytes | BinaryIO | Iterable[bytes]) -> None:
    """Write ``payload`` (bytes, a file read to its end in pieces, or the pieces themselves) to
    a temporary file beside ``path``, fsync it, then rename it over.

    A crash at any moment leaves either the old file or the new one, never a torn file.
    """
    temporary = temporary_path(path)
    write_synced(temporary, payload)
    replace_synced(temporary, path)


def write_synced(temporary: Path, payload: bytes | BinaryIO | Iterable[bytes]) -> None:
    """Write ``payload`` to the new file ``temporary`` (never through a link) and fsync it; on
    any failure the file is removed and the error raised."""
    try:
        temporary.unlink(missing_ok=True)  # a leftover of this process id; never written through
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o666)
        with open(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            elif hasattr(payload, "read"):
                shutil.copyfileobj(payload, handle)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_synced(temporary: Path, path: Path) -> None:
    """Rename the written ``temporary`` over ``path`` and make the rename durable."""
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete temporary files left beside ``path`` by crashed writers; returns what was removed.

    Only files named ``.NAME.PID.tmp`` (or ``.NAME.*.PID.tmp`` for side files) whose process is
    gone are removed, so a write in progress elsewhere is never disturbed.
    """
    return _remove_dead_temporaries(path.parent, re.compile(rf"^\.{re.escape(path.name)}(?:\..+)?\.(\d+)\.tmp$"))


def remove_stale_temporaries_in(folder: Path) -> list[Path]:
    """Delete every ``.*.PID.tmp`` file in ``folder`` whose process is gone (e.g. text side files)."""
    return _remove_dead_temporaries(folder, re.compile(r"^\..+\.(\d+)\.tmp$"))


def _remove_dead_temporaries(folder: Path, pattern: re.Pattern) -> list[Path]:
    removed = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        match = pattern.match(candidate.name)
        if match and not pid_alive(int(match.group(1))):
            try:
                candidate.unlink()
                removed.append(candidate)
            except OSError:
                pass
    return removed


def backup_path(db_path: Path) -> Path:
    """The last good copy of the database, rewritten on each clean open."""
    return db_path.with_name(db_path.name + ".bak")


def same_content(path: Path, other: Path, piece: int = 1 << 20) -> bool:
    """Whether two files hold the same bytes, read a piece at a time (a book's database is
    never held twice to compare it)."""
    if path.stat().st_size != other.stat().st_size:
        return False
    with path.open("rb") as one, other.open("rb") as two:
        while True:
            first = one.read(piece)
            if first != two.read(piece):
                return False
            if not first:
                return True


def rotate_backup(path: Path) -> None:
    """Copy the (just checked) file to ``NAME.bak``; the copy before it becomes ``NAME.bak.1``.

    A file that is already the last backup is not copied again: a database opened again
    unchanged (one whose document keeps refusing to open, say) keeps the copy before it.
    """
    backup = backup_path(path)
    try:
        if backup.exists():
            if same_content(path, backup):
                return
            os.replace(backup, backup.with_name(backup.name + ".1"))
        with path.open("rb") as payload:
            atomic_write_bytes(backup, payload)
    except OSError:
        pass  # a missing backup must not stop anyone from working; doctor reports it
