"""Folding the log into a book's TinyDB file holds a batch of records at a time, never the file."""

from __future__ import annotations

import tracemalloc

import orjson

from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.store.folding import dump_tables
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import Store
from tui.store.storage import dump_json


def test_folding_a_large_database_never_holds_its_file_in_memory(tmp_path):
    text = "Acme hires Nora Lin in Oslo. " * 12_000
    path = tmp_path / "book.json"
    store = Store(path)
    document = store.open_document(Document(text=text, title="A book", source="book.txt"))
    changes = []
    for start in range(0, len(text), 29):
        annotation = Annotation.on_text(document.doc_id, text, "entity", "PERSON", start + 11, start + 19)
        changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
    store.apply(changes)
    store.compact(force=True)
    written = path.read_bytes()
    store.apply(changes[:1])  # something to fold again
    tracemalloc.start()
    try:
        store.compact()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(written) > 6_000_000
    assert peak < len(written) / 3  # serialised whole, the file was held twice over
    folded = path.read_bytes()
    assert folded == dump_json(orjson.loads(folded))  # TinyDB's layout, as ever
    assert orjson.loads(folded)[ANNOTATIONS] == orjson.loads(written)[ANNOTATIONS]  # the same record saved again
    assert len(orjson.loads(folded)[ANNOTATIONS]) == len(changes)
    store.close()


def test_the_pieces_of_a_database_join_to_exactly_what_dump_json_writes():
    tables = {
        "notes": {"b": {"text": "two\nlines", "tags": ["x", {"y": []}], "empty": {}}, "a": {"n": 1.5, "none": None}},
        "empty": {},
        "ünïcode": {"\U0001f600": {"k": "v"}, "z": {}, "A": {"é": "\u2028"}},
        "many": {f"key{n:05d}": {"n": n, "nested": {"list": [n, str(n)]}} for n in range(2345)},
    }
    for batch in (1, 7, 1000):
        pieces = list(dump_tables(tables, batch))
        assert b"".join(pieces) == dump_json(tables)
        assert max(piece.count(b'"nested"') for piece in pieces) <= batch
    assert b"".join(dump_tables({})) == dump_json({})


def book_store(tmp_path) -> tuple[Store, list[Change]]:
    """A store with a document and, in its log only, one label per sentence."""
    text = "Acme hires Nora Lin in Oslo. " * 50
    store = Store(tmp_path / "db.json")
    document = store.open_document(Document(text=text, title="A book", source="book.txt"))
    labels = [Annotation.on_text(document.doc_id, text, "entity", "PERSON", start + 11, start + 19) for start in range(0, len(text), 29)]
    changes = [Change(ANNOTATIONS, a.id, a.to_record()) for a in labels]
    store.apply(changes[:25])
    return store, changes


def test_a_fold_written_by_another_thread_puts_in_place_what_compact_writes(tmp_path):
    import threading

    store, changes = book_store(tmp_path)
    path = tmp_path / "db.json"
    fold = store.take_fold(purpose="fold")
    assert fold is not None and fold.temporary.name.startswith(".db.json.fold.")
    writer = threading.Thread(target=fold.write)  # as the app's worker writes it
    writer.start()
    writer.join()
    assert store.needs_compaction  # written, not yet in place: every change still in the log
    assert store.finish_fold(fold)
    assert not store.needs_compaction and not fold.temporary.exists()
    folded = path.read_bytes()
    assert folded == dump_json(orjson.loads(folded))  # TinyDB's layout
    assert len(orjson.loads(folded)[ANNOTATIONS]) == 25
    store.apply(changes[:1])  # the same record saved again: compact writes the same tables
    store.compact()
    compacted = orjson.loads(path.read_bytes())
    assert {name: table for name, table in compacted.items() if name != "meta"} == {name: table for name, table in orjson.loads(folded).items() if name != "meta"}
    store.close()


def test_a_fold_taken_before_a_change_is_saved_is_dropped_and_nothing_is_lost(tmp_path):
    store, changes = book_store(tmp_path)
    path = tmp_path / "db.json"
    before = path.read_bytes()
    fold = store.take_fold(purpose="fold")
    fold.write()
    store.apply(changes[25:30])  # saved while the fold's file was written
    assert not store.finish_fold(fold)
    assert path.read_bytes() == before and not fold.temporary.exists()  # the file as it was; no leftover
    assert store.needs_compaction  # the next pause folds it all
    store.close()
    assert len(orjson.loads(path.read_bytes())[ANNOTATIONS]) == 30
