"""One writer per database: an OS lock on a file beside it, and who holds it.

The lock is an OS lock (``flock``; on Windows the ``filelock`` package's), so the kernel drops
it when its process dies: a lock left by a crashed Postil never blocks anyone. Who holds it (user, host, pid, since when) is
written to a small side file so that a second Postil can say so in its read-only banner.
Several :class:`~tui.store.database.Database` objects in one process share one lock.
"""

from __future__ import annotations

import errno
import getpass
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from tui.model.annotation import now_iso
from tui.store.storage import atomic_write_bytes, pid_alive, read_regular_file, real_path

# An owner file is a few dozen bytes; a larger one is not Postil's and is not read whole.
OWNER_FILE_LIMIT = 4096


def lock_path(db_path: Path) -> Path:
    """The lock file of a database: ``NAME.lock`` beside it."""
    return db_path.with_name(db_path.name + ".lock")


def owner_path(db_path: Path) -> Path:
    """The file naming the lock's holder: ``NAME.lock.owner`` beside the database."""
    return db_path.with_name(db_path.name + ".lock.owner")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry, e.g. in a bare container
        return "unknown"


@dataclass(frozen=True)
class LockHolder:
    """Who holds a database's write lock."""

    user: str
    host: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.user}@{self.host} (pid {self.pid}) since {self.since}"

    @property
    def alive(self) -> bool:
        """False when the holder is a process on this host that no longer exists."""
        return self.host != socket.gethostname() or pid_alive(self.pid)

    @classmethod
    def current(cls) -> LockHolder:
        """This process, as a lock holder."""
        return cls(_user(), socket.gethostname(), os.getpid(), now_iso())


def read_holder(db_path: Path) -> LockHolder | None:
    """The recorded holder of ``db_path``'s lock, if the owner file is there and readable."""
    try:
        record = orjson.loads(read_regular_file(owner_path(real_path(db_path)), OWNER_FILE_LIMIT))
        return LockHolder(str(record["user"]), str(record["host"]), int(record["pid"]), str(record["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class FlockFile:
    """An exclusive ``flock`` on a file, taken without blocking and polled until a timeout.

    The ``filelock`` package does the same on POSIX, but importing it costs about 35 ms of
    every start; it is used on Windows only, where it locks the file its own way.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float, poll_interval: float) -> bool:
        """Take the lock within ``timeout`` seconds (one try when it is 0 or less); False when
        another process keeps it. A file system that cannot lock files raises an ``OSError``
        that says so."""
        import fcntl

        deadline = time.monotonic() + timeout
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        return False
                    time.sleep(poll_interval)
                except OSError as error:
                    if error.errno in (errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK):
                        raise OSError(error.errno, "this file system cannot lock files: keep the database on a local disk") from None
                    raise
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        """Let go of the lock (closing the file is what releases it)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class WindowsLockFile:
    """The ``filelock`` package's lock, with :class:`FlockFile`'s interface."""

    def __init__(self, path: str) -> None:
        from filelock import FileLock

        self._lock = FileLock(path, thread_local=False)

    def acquire(self, timeout: float, poll_interval: float) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=timeout, poll_interval=poll_interval)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        self._lock.release()


LockFile = WindowsLockFile if os.name == "nt" else FlockFile


class _ProcessLock:
    """The OS lock of one database, shared by every store in this process that writes it."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.file_lock = LockFile(str(lock_path(db_path)))
        self.users = 0
        # Serialises writes from several stores (and threads) of this process.
        self.mutex = threading.RLock()


_REGISTRY: dict[str, _ProcessLock] = {}
_REGISTRY_MUTEX = threading.Lock()


class DatabaseLock:
    """The write lock of one database, as held by one store.

    The lock is the real file's (symbolic links resolved): two opens through different paths
    to one file are two opens of one database.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = real_path(db_path)
        self._key = str(self.db_path)
        self._shared: _ProcessLock | None = None

    @property
    def held(self) -> bool:
        """True while this store holds the lock."""
        return self._shared is not None

    @property
    def mutex(self) -> threading.RLock:
        """The in-process mutex writers of this database take around each write."""
        assert self._shared is not None
        return self._shared.mutex

    @property
    def sole_holder(self) -> bool:
        """True when this store is the only one of this process holding the lock."""
        return self._shared is not None and self._shared.users == 1

    def acquire(self, timeout: float = 0.0) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds; False when another process keeps it."""
        with _REGISTRY_MUTEX:
            shared = _REGISTRY.get(self._key)
            if shared is not None and shared.users > 0:
                shared.users += 1
                self._shared = shared
                return True
            shared = _ProcessLock(self.db_path)
        if not shared.file_lock.acquire(timeout=timeout, poll_interval=0.05):
            return False
        with _REGISTRY_MUTEX:
            existing = _REGISTRY.get(self._key)
            if existing is not None and existing.users > 0:
                # Another store of this process took it meanwhile: share theirs.
                shared.file_lock.release()
                existing.users += 1
                self._shared = existing
                return True
            shared.users = 1
            _REGISTRY[self._key] = shared
            self._shared = shared
        try:
            holder = LockHolder.current()
            atomic_write_bytes(owner_path(self.db_path), orjson.dumps(holder.__dict__))
        except OSError:
            pass  # naming the holder is a courtesy; the lock itself is what protects the file
        return True

    def release(self) -> None:
        """Let go of the lock (the OS lock goes when the last store of this process lets go)."""
        shared, self._shared = self._shared, None
        if shared is None:
            return
        with _REGISTRY_MUTEX:
            shared.users -= 1
            if shared.users > 0:
                return
            _REGISTRY.pop(self._key, None)
        try:
            owner_path(self.db_path).unlink(missing_ok=True)
        except OSError:
            pass
        shared.file_lock.release()
