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
