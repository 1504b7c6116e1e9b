"""Kill -9 during continuous saves, and two writers on one file: Postil's store against stock TinyDB.

Kill test: a child process opens the database (1,000 annotations to start with) and saves
records one after another, printing each key once its save has returned (acknowledged). The
parent kills it with SIGKILL at a random moment, then checks that the TinyDB file still
parses and that every acknowledged key is in the database when it is next opened. Repeated
KILLS times for Postil's ``Store``, for Postil's ``Store`` opened through a symbolic link to
the database (the link must still be a link afterwards, and its target hold every save), and
for stock ``TinyDB(path)`` (JSONStorage); a stock file that no longer parses is counted and
replaced by a fresh one so the runs can go on.

Two-writer test: two processes save 50 records each into one database at the same time;
lost updates are acknowledged keys missing afterwards. Postil's command-line writers wait
for the lock (``open_store(writer=True)``), also when one opens the database through a link
and the other through its real path; stock TinyDB has no lock.

Run: ``python benchmarks/kill_reliability.py [KILLS] [PAIRS]`` (defaults 200 and 20).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from tui.store.records import ANNOTATIONS  # noqa: E402
from tui.store.repository import Store  # noqa: E402
from tui.store.storage import StoreError, atomic_write_bytes, dump_json  # noqa: E402

POSTIL_CHILD = """
import sys
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import open_store
path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(path, writer=True, wait=60)
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    key = f"{prefix}-{i}"
    store.apply([Change(ANNOTATIONS, key, {"id": key, "doc_id": "d", "n": i, "pad": "x" * 200})])
    print(key, flush=True)
    if i % 50 == 49:
        store.compact()  # what idle does in the app: kills land in folds too
    i += 1
store.close()
"""

TINYDB_CHILD = """
import sys
import tinydb
path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = tinydb.TinyDB(path)
table = db.table("annotations")
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    key = f"{prefix}-{i}"
    table.insert({"id": key, "doc_id": "d", "n": i, "pad": "x" * 200})
    print(key, flush=True)
    i += 1
db.close()
"""


def seed(path: Path) -> None:
    """A database of 1,000 annotation-sized records."""
    records = {str(i): {"id": f"seed-{i}", "doc_id": "d", "n": i, "pad": "x" * 200} for i in range(1, 1001)}
    atomic_write_bytes(path, dump_json({"annotations": records}))


def spawn(child: str, path: Path, prefix: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", child, str(path), prefix, str(count)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def acknowledged(output: bytes) -> set[str]:
    """Keys whose whole line was printed, i.e. whose save had returned."""
    return {line.decode() for line in output.split(b"\n")[:-1] if line and line != b"ready"}


def postil_keys(path: Path) -> set[str] | None:
    """Keys in the database as Postil opens it next; None if it cannot be opened."""
    try:
        store = Store(path)
    except StoreError:
        return None
    try:
        return {record.get("id") for record in store.tables().get(ANNOTATIONS, {}).values()}
    finally:
        store.close()


def tinydb_keys(path: Path) -> set[str] | None:
    """Keys in the file as plain JSON; None if it does not parse."""
    try:
        data = orjson.loads(path.read_bytes())
        return {record.get("id") for record in data.get(ANNOTATIONS, {}).values()}
    except (ValueError, AttributeError, OSError):
        return None


def linked(folder: Path, name: str) -> tuple[Path, Path]:
    """``link/NAME``, a symbolic link to ``real/NAME`` (a seeded database)."""
    real, link = folder / "real" / name, folder / "link" / name
    real.parent.mkdir(exist_ok=True)
    link.parent.mkdir(exist_ok=True)
    seed(real)
    link.symlink_to(real)
    return link, real


def kill_runs(kind: str, folder: Path, kills: int, randomness: random.Random) -> dict:
    """Kill a saving child ``kills`` times; count unreadable files and lost acknowledged saves.

    ``postil-link`` opens the database through a symbolic link; a link that is no longer a
    link after a run (replaced by a plain file) is counted.
    """
    path = folder / f"{kind}-kill.json"
    if kind == "postil-link":
        opened, path = linked(folder, path.name)
    else:
        seed(path)
        opened = path
    child = TINYDB_CHILD if kind == "tinydb" else POSTIL_CHILD
    unreadable = lost = saved_total = broken_links = 0
    for run in range(kills):
        process = spawn(child, opened, f"k{run}", -1)
        if process.stdout.readline() != b"ready\n":
            process.kill()
            process.wait()
            unreadable += 1
            seed(path)
            continue
        time.sleep(randomness.uniform(0.0, 0.3))
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
        saved = acknowledged(output)
        saved_total += len(saved)
        parses = tinydb_keys(path) is not None
        keys = tinydb_keys(path) if kind == "tinydb" else postil_keys(opened)
        if opened != path and not opened.is_symlink():
            broken_links += 1
            opened.unlink()
            opened.symlink_to(path)
        if not parses or keys is None:
            unreadable += 1
            lost += len(saved)
            seed(path)
            continue
        lost += len(saved - keys)
    return {"kind": kind, "kills": kills, "unreadable": unreadable, "acknowledged": saved_total, "lost": lost, "broken_links": broken_links}


def writer_pairs(kind: str, folder: Path, pairs: int) -> dict:
    """Two writers at once, ``pairs`` times; count acknowledged saves that are missing afterwards."""
    child = TINYDB_CHILD if kind == "tinydb" else POSTIL_CHILD
    saved_total = lost = failed = 0
    for pair in range(pairs):
        path = folder / f"{kind}-pair-{pair}.json"
        if kind == "postil-link":  # one writer through the link, the other through the real path
            link, path = linked(folder, path.name)
            opened = [link, path]
        else:
            seed(path)
            opened = [path, path]
        processes = [spawn(child, where, f"{name}{pair}", 50) for name, where in zip(("a", "b"), opened)]
        outputs = [process.communicate(timeout=300)[0] for process in processes]
        failed += sum(1 for process in processes if process.returncode != 0)
        saved = set().union(*(acknowledged(output) for output in outputs))
        saved_total += len(saved)
        keys = tinydb_keys(path) if kind == "tinydb" else postil_keys(path)
        lost += len(saved) if keys is None else len(saved - keys)
    return {"kind": kind, "pairs": pairs, "acknowledged": saved_total, "lost": lost, "failed": failed}


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    randomness = random.Random(2026)
    names = {"postil": "Postil Store (log + fold)", "postil-link": "Postil Store through a symbolic link",
             "tinydb": "stock TinyDB (JSONStorage)"}
    kinds = ("postil", "postil-link", "tinydb")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        killed = [kill_runs(kind, folder, kills, randomness) for kind in kinds]
        paired = [writer_pairs(kind, folder, pairs) for kind in kinds]
    print(f"kill -9 at a random moment (0-300 ms) during continuous saves, {kills} times each\n")
    print("| store | kills | unreadable files | acknowledged saves | acknowledged saves lost | links replaced by a file |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in killed:
        links = row["broken_links"] if row["kind"] == "postil-link" else "–"
        print(f"| {names[row['kind']]} | {row['kills']} | {row['unreadable']} | {row['acknowledged']} | {row['lost']} | {links} |")
    print(f"\ntwo processes saving 50 records each into one database at once, {pairs} times each\n")
    print("| store | runs | acknowledged saves | lost updates | writer processes that crashed |")
    print("|---|---:|---:|---:|---:|")
    for row in paired:
        print(f"| {names[row['kind']]} | {row['pairs']} | {row['acknowledged']} | {row['lost']} | {row['failed']} |")


if __name__ == "__main__":
    main()
