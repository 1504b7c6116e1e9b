"""Several processes on one database: one writer, read-only followers, kill -9 at any moment."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
import tinydb

from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import Store, open_store
from tui.store.storage import ReadOnlyStoreError, StoreLockedError

REPO = Path(__file__).resolve().parents[1]

# A writer process: takes the lock like a command-line writer, then saves records one by one
# and prints each key once apply() has returned (so the parent knows it was acknowledged).
WRITER = """
import sys, time
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import open_store
path, prefix, count, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
store = open_store(path, writer=True, wait=60)
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    key = f"{prefix}-{i}"
    store.apply([Change(ANNOTATIONS, key, {"id": key, "doc_id": "d", "n": i, "pad": "x" * 200})])
    print(key, flush=True)
    if i % 25 == 24:
        store.compact()
    i += 1
time.sleep(hold)
store.close()
"""


def start_writer(path: Path, prefix: str, count: int = -1, hold: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count), str(hold)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def wait_ready(process: subprocess.Popen) -> None:
    assert process.stdout.readline() == b"ready\n", process.stderr.read().decode()


def acknowledged(output: bytes) -> set[str]:
    """Keys whose whole line was printed, i.e. whose save had returned."""
    return {line.decode() for line in output.split(b"\n")[:-1] if line and line != b"ready"}


def stored_keys(path: Path) -> set[str]:
    store = Store(path)
    try:
        return {record["id"] for record in store.tables().get(ANNOTATIONS, {}).values()}
    finally:
        store.close()


def test_second_process_is_read_only_and_names_the_holder_until_the_holder_is_killed(tmp_path):
    path = tmp_path / "annotations.json"
    holder = start_writer(path, "h", count=1, hold=60)
    try:
        wait_ready(holder)
        assert holder.stdout.readline() == b"h-0\n"
        follower = Store(path)
        assert follower.read_only
        assert follower.lock_holder.pid == holder.pid and "@" in str(follower.lock_holder)
        assert {r["id"] for r in follower.tables()[ANNOTATIONS].values()} == {"h-0"}
        with pytest.raises(ReadOnlyStoreError, match=f"pid {holder.pid}"):
            follower.apply([Change(ANNOTATIONS, "f-0", {"id": "f-0"})])
        started = time.monotonic()
        with pytest.raises(StoreLockedError) as caught:
            open_store(path, writer=True, wait=0.3)
        assert time.monotonic() - started >= 0.3
        assert "\n" not in str(caught.value) and f"pid {holder.pid}" in str(caught.value) and "gave up after 0.3 s" in str(caught.value)
        follower.close()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The kernel dropped the dead holder's lock: nobody waits for it.
    store = open_store(path, writer=True, wait=0)
    assert not store.read_only
    store.apply([Change(ANNOTATIONS, "after", {"id": "after"})])
    store.close()
    assert stored_keys(path) == {"h-0", "after"}


def test_read_only_follower_sees_the_writers_new_saves(tmp_path):
    path = tmp_path / "annotations.json"
    writer = Store(path)
    writer.apply([Change(ANNOTATIONS, "one", {"id": "one"})])
    follower = Store(path, read_only=True)
    writer.apply([Change(ANNOTATIONS, "two", {"id": "two"})])
    assert {r["id"] for r in follower.tables()[ANNOTATIONS].values()} == {"one", "two"}
    writer.close()
    follower.close()


def test_two_writer_processes_lose_no_update(tmp_path):
    path = tmp_path / "annotations.json"
    writers = [start_writer(path, prefix, count=40) for prefix in ("a", "b")]
    outputs = [process.communicate(timeout=120)[0] for process in writers]
    assert [process.returncode for process in writers] == [0, 0]
    saved = set().union(*(acknowledged(output) for output in outputs))
    assert len(saved) == 80
    assert stored_keys(path) == saved


def test_kill_9_during_continuous_saves_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "annotations.json"
    randomness = random.Random(4)
    saved: set[str] = set()
    for run in range(20):
        writer = start_writer(path, f"r{run}")
        wait_ready(writer)
        time.sleep(randomness.uniform(0.0, 0.15))
        writer.send_signal(signal.SIGKILL)
        output, _ = writer.communicate()
        saved |= acknowledged(output)
        # What is on disk is always a whole TinyDB file (none yet when the kill came before the
        # first save; TinyDB would create an empty one)...
        if path.exists():
            with tinydb.TinyDB(path) as db:
                db.tables()
            orjson.loads(path.read_bytes())
    # ...and every acknowledged save is in the database after the next open.
    assert saved <= stored_keys(path)
    assert len(saved) > 20


@pytest.mark.skipif(os.name == "nt", reason="flock is the POSIX lock; Windows uses the filelock package")
def test_the_lock_file_is_exclusive_between_two_opens_and_free_again_once_released(tmp_path):
    from tui.store.lock import FlockFile

    path = str(tmp_path / "annotations.json.lock")
    first, second = FlockFile(path), FlockFile(path)
    assert first.acquire(timeout=0, poll_interval=0.01)
    assert not second.acquire(timeout=0.1, poll_interval=0.02)  # waits, then gives up
    first.release()
    assert second.acquire(timeout=0, poll_interval=0.01)
    second.release()


@pytest.mark.skipif(os.name == "nt", reason="flock is the POSIX lock; Windows uses the filelock package")
def test_a_file_system_that_cannot_lock_files_is_named_in_the_error(tmp_path, monkeypatch):
    import errno
    import fcntl

    from tui.store.storage import StoreError

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")  # as some network and FUSE mounts answer

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.raises(StoreError, match="this file system cannot lock files: keep the database on a local disk"):
        open_store(tmp_path / "annotations.json")
