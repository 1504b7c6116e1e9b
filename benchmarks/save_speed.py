"""What saving one annotation costs as the store grows, against TinyDB's own JSONStorage.

For each size (1k, 10k, 100k annotations already stored, and 1k annotations plus a
1,000,000-word document), one run measures: the median time of Postil's save of one new
annotation with its journal entry (``Store.apply``: one fsync'd log record), and the median
time of inserting the same record with stock ``TinyDB(path)`` (JSONStorage: re-read and
rewrite the whole file) on an identical database. Also shown, once per size: folding the log
into the TinyDB file (what happens when idle and on quit) and opening the database.
Prints a Markdown table. Run: ``python benchmarks/save_speed.py [SAVES] [BASELINE_RUNS]``.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import tinydb  # noqa: E402

from tui.model.annotation import Annotation  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.store.migrations import SCHEMA_VERSION  # noqa: E402
from tui.store.records import ANNOTATIONS, Change, document_record  # noqa: E402
from tui.store.repository import Store  # noqa: E402
from tui.store.storage import atomic_write_bytes, dump_json  # noqa: E402

WORDS = "the city council said police budget grew by twenty percent while critics warned".split()


def article(words: int, seed: int) -> Document:
    """A synthetic article of ``words`` words."""
    randomness = random.Random(seed)
    text = " ".join(randomness.choice(WORDS) for _ in range(words))
    document = Document(text=text, title=f"bench {words}", source=f"bench:{words}")
    document.added = "2026-01-01T00:00:00+00:00"
    return document


def annotation_records(document: Document, count: int, seed: int) -> list[dict]:
    """``count`` annotation records on ``document`` at random word-sized spans."""
    randomness = random.Random(seed)
    records = []
    for _ in range(count):
        start = randomness.randrange(0, len(document.text) - 12)
        records.append(Annotation.on_text(document.doc_id, document.text, "entity", "ORG", start, start + 10, annotator="bench").to_record())
    return records


def write_database(path: Path, documents: list[Document], records: list[dict]) -> None:
    """A TinyDB file holding ``documents`` (texts inline, as stock TinyDB keeps them) and ``records``."""
    data = {
        "meta": {"1": {"key": "schema", "schema": SCHEMA_VERSION, "app_version": "bench", "applied_seq": 0}},
        "documents": {str(i): document_record(d) for i, d in enumerate(documents, 1)},
        "annotations": {str(i): r for i, r in enumerate(records, 1)},
    }
    atomic_write_bytes(path, dump_json(data))


def milliseconds(seconds: float) -> str:
    """Seconds as milliseconds with two decimals."""
    return f"{seconds * 1000:.2f}"


class Row:
    """One size of store: its Postil database, an identical stock TinyDB file, and the figures."""

    def __init__(self, folder: Path, label: str, documents: list[Document], count: int, saves: int) -> None:
        self.label = label
        self.target = documents[0]
        records = annotation_records(self.target, count, seed=count)
        self.fresh = annotation_records(self.target, saves, seed=count + 1)
        self.ours = folder / f"postil-{count}-{len(documents)}.json"
        write_database(self.ours, documents, records)
        store = Store(self.ours)
        store.compact(force=True)  # moves a long text into its side file, as Postil keeps it
        store.close()
        started = time.perf_counter()
        self.store = Store(self.ours)
        self.open = time.perf_counter() - started
        self.stock = folder / f"tinydb-{count}-{len(documents)}.json"
        write_database(self.stock, documents, records)
        self.timings: list[float] = []
        self.baseline: list[float] = []
        self.fold = 0.0

    def save_one(self, index: int) -> None:
        """Time Postil's save of one new annotation with its journal entry."""
        record = self.fresh[index]
        change = Change(ANNOTATIONS, record["id"], record)
        journal = self.store.append_journal("add", [change], [None], "bench", doc_id=self.target.doc_id)
        started = time.perf_counter()
        self.store.apply([change, journal])
        self.timings.append(time.perf_counter() - started)

    def insert_stock(self, index: int) -> None:
        """Time stock TinyDB's insert of the same kind of record."""
        with tinydb.TinyDB(self.stock) as db:
            table = db.table(ANNOTATIONS)
            started = time.perf_counter()
            table.insert(self.fresh[index])
            self.baseline.append(time.perf_counter() - started)

    def finish(self) -> None:
        """Time folding the log into the file, then close."""
        started = time.perf_counter()
        self.store.compact()
        self.fold = time.perf_counter() - started
        self.store.close()


def main() -> None:
    saves = int(sys.argv[1]) if len(sys.argv) > 1 else 51
    baseline_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    small = article(2_000, seed=1)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rows = [Row(folder, f"{count:,} annotations", [small], count, saves) for count in (1_000, 10_000, 100_000)]
        rows.append(Row(folder, "1,000 annotations + a 1M-word document", [article(1_000_000, seed=2), small], 1_000, saves))
        # Interleaved, so that the disk's ups and downs fall on every size alike.
        for index in range(saves):
            for row in rows:
                row.save_one(index)
        for index in range(baseline_runs):
            for row in rows:
                row.insert_stock(index)
        for row in rows:
            row.finish()
        sizes = [row.ours.stat().st_size / 1e6 for row in rows]
    first = statistics.median(rows[0].timings)
    print(f"Median time to save one annotation (Postil: median of {saves} saves; TinyDB JSONStorage: median of {baseline_runs} inserts; same run, same machine)\n")
    print("| store holds | Postil save (ms) | TinyDB JSONStorage insert (ms) | TinyDB ÷ Postil | Postil ÷ its 1k figure | fold log into file (ms) | open (ms) | TinyDB file (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row, size in zip(rows, sizes):
        ours, stock = statistics.median(row.timings), statistics.median(row.baseline)
        print(
            f"| {row.label} | {milliseconds(ours)} | {milliseconds(stock)} | {stock / ours:.0f}× "
            f"| {ours / first:.2f}× | {milliseconds(row.fold)} | {milliseconds(row.open)} | {size:.1f} |"
        )


if __name__ == "__main__":
    main()
