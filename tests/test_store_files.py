"""The database files: plain TinyDB stays canonical, damaged files are refused, nothing is lost."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import orjson
import pytest
import tinydb

from tui.model.annotation import Annotation, Entity
from tui.model.document import Document
from tui.store import wal
from tui.store.database import texts_path
from tui.store.migrations import SCHEMA_VERSION
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import INLINE_TEXT_LIMIT, Store
from tui.store.storage import StoreError, StoreSaveError
from tui.store.wal import wal_path


def article(text: str = "Amazon halts police use of Rekognition.", source: str = "a.txt") -> Document:
    return Document(text=text, title="An article", source=source)


def label(document: Document, start: int, end: int, label: str = "ORG") -> Change:
    annotation = Annotation.on_text(document.doc_id, document.text, "entity", label, start, end)
    return Change(ANNOTATIONS, annotation.id, annotation.to_record())


def plain_tinydb_annotations(path: Path) -> list[dict]:
    with tinydb.TinyDB(path) as db:
        return list(db.table("annotations").all())


def test_closed_store_is_a_plain_tinydb_file_with_sorted_keys(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.close()
    assert [r["quote"]["exact"] for r in plain_tinydb_annotations(path)] == ["Amazon"]
    raw = orjson.loads(path.read_bytes())
    assert list(raw) == sorted(raw)
    assert next(iter(raw["meta"].values()))["schema"] == SCHEMA_VERSION
    # All that is left in the log is the checkpoint: "the file holds every record up to here".
    assert [line.record for line in wal.read_log(wal_path(path)).lines] == [{"seq": 2, "changes": [], "checkpoint": True}]


def test_a_save_is_in_the_log_at_once_and_survives_without_close(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    # No close: the process could die here. The log holds the save; the next open folds it in.
    assert wal_path(path).stat().st_size > 0
    store._lock.release()  # what the kernel does when the process dies
    reopened = Store(path)
    assert [a.quote.exact for a in reopened.annotations(document.doc_id)] == ["Amazon"]
    assert [r["quote"]["exact"] for r in plain_tinydb_annotations(path)] == ["Amazon"]
    reopened.close()


def test_torn_last_log_record_is_dropped_and_earlier_ones_kept(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.apply([label(document, 27, 38, "PRODUCT")])
    store._lock.release()
    log = wal_path(path)
    log.write_bytes(log.read_bytes()[:-25])  # a crash cut the last append short
    reopened = Store(path)
    assert [a.quote.exact for a in reopened.annotations(document.doc_id)] == ["Amazon"]
    reopened.close()


def test_damaged_record_inside_the_log_is_refused_with_its_line(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.apply([label(document, 27, 38, "PRODUCT")])
    store._lock.release()
    log = wal_path(path)
    lines = log.read_bytes().splitlines(keepends=True)
    assert b"Amazon" in lines[1]  # line 1 is the checkpoint of the fold that made the file
    lines[1] = lines[1].replace(b"Amazon", b"Amazom")
    log.write_bytes(b"".join(lines))
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert "line 2" in str(caught.value) and "postil doctor" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"annotations": {"1": {"id": "a"}', "line 1, column 34"),
        (b'{"annotations": {"1": {"id": "a"}}}\n{', "line 2, column 1"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"annotations": [1]}', "table 'annotations'"),
    ],
)
def test_damaged_file_is_refused_in_one_line_and_left_as_it_was(tmp_path, content, expected):
    path = tmp_path / "annotations.json"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and expected in message
    assert f"postil doctor {path}" in message
    assert path.read_bytes() == content


def test_newer_schema_refuses_to_open(tmp_path):
    path = tmp_path / "annotations.json"
    content = dump({"meta": {"1": {"key": "schema", "schema": SCHEMA_VERSION + 1}}})
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"newer Postil \(schema 3; this version reads up to 2\)"):
        Store(path)
    assert path.read_bytes() == content


def dump(data: dict) -> bytes:
    return orjson.dumps(data)


def test_older_schema_is_migrated_after_a_backup_copy(tmp_path):
    path = tmp_path / "annotations.json"
    old = {
        "meta": {"1": {"key": "schema", "schema": 1, "app_version": "0.0.1"}},
        "annotations": {"1": {"id": "a-1", "doc_id": "d", "kind": "entity", "label": "ORG", "start": 0, "end": 6, "quote": {"exact": "Amazon", "prefix": "", "suffix": ""}}},
    }
    path.write_bytes(dump(old))
    store = Store(path)
    store.close()
    backup = tmp_path / "annotations.json.schema1.bak"
    assert orjson.loads(backup.read_bytes()) == old
    migrated = orjson.loads(path.read_bytes())
    assert next(iter(migrated["meta"].values()))["schema"] == 2
    assert migrated["annotations"]["1"]["anchor"] == "anchored"


def test_clean_open_rotates_the_backup(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.close()
    first = path.read_bytes()
    store = Store(path)
    assert (tmp_path / "annotations.json.bak").read_bytes() == first
    store.apply([label(document, 0, 6)])
    store.close()
    second = path.read_bytes()
    Store(path).close()
    assert (tmp_path / "annotations.json.bak").read_bytes() == second
    assert (tmp_path / "annotations.json.bak.1").read_bytes() == first


def test_leftover_temporary_files_of_dead_writers_are_removed_on_open(tmp_path):
    path = tmp_path / "annotations.json"
    Store(path).close()
    dead = tmp_path / ".annotations.json.999999999.tmp"
    dead.write_bytes(b'{"half": ')
    alive = tmp_path / f".annotations.json.{os.getppid()}.tmp"
    alive.write_bytes(b"in progress")
    texts = texts_path(path)
    texts.mkdir()
    dead_text = texts / f".{'0' * 64}.txt.999999999.tmp"
    dead_text.write_bytes(b"half a text")
    store = Store(path)
    assert not dead.exists() and not dead_text.exists() and alive.exists()
    assert store.removed_temporaries == [dead, dead_text]
    store.close()


def test_long_text_lives_in_a_side_file_and_reopens(tmp_path):
    path = tmp_path / "annotations.json"
    text = "Word " * (INLINE_TEXT_LIMIT // 5 + 10)
    store = Store(path)
    document = store.open_document(article(text, "long.txt"))
    store.close()
    record = next(iter(orjson.loads(path.read_bytes())["documents"].values()))
    assert "text" not in record and record["text_file"] == f"{document.sha256}.txt"
    assert (texts_path(path) / record["text_file"]).read_text() == text
    store = Store(path)
    assert store.document(document.doc_id).text == text
    store.close()


def disk_full_after(limit: int):
    """A stand-in for the log's writer that writes ``limit`` bytes, then fails like a full disk."""

    def write_all(fd: int, payload: bytes) -> None:
        os.write(fd, payload[:limit])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write_all


def test_failed_save_raises_and_changes_nothing_on_disk(tmp_path, monkeypatch):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    on_disk = path.read_bytes(), wal_path(path).read_bytes()
    monkeypatch.setattr(wal, "write_all", disk_full_after(20))
    with pytest.raises(StoreSaveError, match="No space left on device"):
        store.apply([label(document, 27, 38, "PRODUCT")])
    assert (path.read_bytes(), wal_path(path).read_bytes()) == on_disk  # the partial record is cut off
    assert [a.quote.exact for a in store.annotations(document.doc_id)] == ["Amazon"]
    monkeypatch.undo()
    store.apply([label(document, 27, 38, "PRODUCT")])
    store.close()
    assert sorted(r["quote"]["exact"] for r in plain_tinydb_annotations(path)) == ["Amazon", "Rekognition"]


def test_two_stores_of_one_process_see_each_others_saves(tmp_path):
    path = tmp_path / "annotations.json"
    first, second = Store(path), Store(path)
    document = first.open_document(article())
    first.apply([label(document, 0, 6)])
    assert not second.read_only
    second.apply([label(document, 27, 38, "PRODUCT")])
    assert len(first.annotations(document.doc_id)) == 2
    first.close()
    second.close()
    assert len(plain_tinydb_annotations(path)) == 2


def test_missing_folder_is_refused_and_not_created(tmp_path):
    path = tmp_path / "no" / "such" / "annotations.json"
    with pytest.raises(StoreError, match=r"the folder .*no/such does not exist"):
        Store(path)
    assert not (tmp_path / "no").exists()


def test_log_that_does_not_follow_on_from_the_file_is_refused(tmp_path):
    path = tmp_path / "annotations.json"
    store = Store(path)
    document = store.open_document(article())
    store.apply([label(document, 0, 6)])
    store.apply([label(document, 27, 38, "PRODUCT")])
    store._lock.release()
    log = wal_path(path)
    log.write_bytes(log.read_bytes().split(b"\n", 2)[2])  # the first two records are gone
    with pytest.raises(StoreError, match=r"the log does not follow on from annotations.json .*postil doctor"):
        Store(path)


def test_read_only_store_opens_a_new_article_without_saving_it(tmp_path):
    path = tmp_path / "annotations.json"
    with Store(path) as writer:
        writer.open_document(article("Another article.", "b.txt"))
    on_disk = path.read_bytes()
    store = Store(path, read_only=True)
    document = store.open_document(article())
    assert store.document(document.doc_id).text == document.text
    store.close()
    assert path.read_bytes() == on_disk


def test_a_worker_threads_saves_never_make_the_app_thread_reload_the_database(tmp_path, monkeypatch):
    """The model's worker caches its analysis while the app thread reads the store: the reads
    see each save as this store's own, never as a change behind its back to reload from disk."""
    store = Store(tmp_path / "db.json")
    store.add_document(article())
    reloads = []
    load = store._load
    monkeypatch.setattr(store, "_load", lambda first: (reloads.append(first), load(first)))

    def cache_analyses() -> None:
        for number in range(100):
            store.cache(f"analysis-{number}", [number])
            time.sleep(0.0005)  # let the reading thread in between saves

    worker = threading.Thread(target=cache_analyses)
    worker.start()
    reads = 0
    while worker.is_alive():
        store.cached("analysis-0")
        reads += 1
    worker.join()
    assert reads > 10
    assert reloads == []
    assert [store.cached(f"analysis-{number}") for number in (0, 99)] == [[0], [99]]
    store.close()
    assert Store(tmp_path / "db.json").cached("analysis-99") == [99]


def test_an_entitys_record_holds_every_field_in_order_and_reads_back():
    from dataclasses import fields

    for entity in (Entity("d", "Jane Doe", "PERSON", aliases=["Doe"], kb_id="Q1", annotator="ann"), Entity("d", "Acme", "ORG")):
        record = entity.to_record()
        expected = [f.name for f in fields(Entity) if f.name != "annotator" or entity.annotator]
        assert list(record) == expected and Entity.from_record(record) == entity
        assert record["aliases"] is not entity.aliases  # the store's copy shares nothing mutable


def test_the_log_is_folded_during_a_save_only_once_it_outgrows_the_file(db_path, monkeypatch):
    from tui.store import database

    monkeypatch.setattr(database, "COMPACT_LOG_BYTES", 2_000)
    text = "Acme Corp hired Jane Doe. " * 2_000
    store = Store(db_path)
    store.apply([Change(ANNOTATIONS, f"a{n}", Annotation.on_text("d", text, "entity", "ORG", 26 * n, 26 * n + 9, id=f"a{n}").to_record()) for n in range(200)])
    store.compact(force=True)
    file_bytes = db_path.stat().st_size
    assert file_bytes > 20 * 2_000
    written = 0
    while written < file_bytes // 2:  # past COMPACT_LOG_BYTES, still below the file's size: no fold on the save
        store.apply([Change(ANNOTATIONS, f"b{written}", Annotation.on_text("d", text, "entity", "PERSON", 16, 24, id=f"b{written}").to_record())])
        written = wal_path(db_path).stat().st_size
        assert db_path.stat().st_size == file_bytes
    for number in range(10_000):  # once the log outgrows the file, a save folds it
        store.apply([Change(ANNOTATIONS, f"c{number}", Annotation.on_text("d", text, "entity", "PERSON", 16, 24, id=f"c{number}").to_record())])
        if db_path.stat().st_size != file_bytes:
            break
    assert db_path.stat().st_size > file_bytes and wal_path(db_path).stat().st_size < 1_000
    store.close()
