"""``postil doctor``: reports what is wrong and restores into a new file, never in place."""

from __future__ import annotations

import orjson
import tinydb

from tui.cli import main
from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import Store

TEXT = "Amazon halts police use of Rekognition."


def annotation(document: Document, start: int, end: int) -> Change:
    record = Annotation.on_text(document.doc_id, document.text, "entity", "ORG", start, end).to_record()
    return Change(ANNOTATIONS, record["id"], record)


def build(db_path) -> Document:
    """A database with one folded annotation, a backup of it, and one more save only in the log."""
    store = Store(db_path)
    document = store.open_document(Document(TEXT, "t", "a.txt"))
    store.apply([annotation(document, 0, 6)])
    store.close()
    store = Store(db_path)  # a clean open writes annotations.json.bak
    store.apply([annotation(document, 27, 38)])
    store._lock.release()  # the process dies here: the second save is only in the log
    return document


def test_healthy_database_reports_no_problems(db_path, capsys):
    build(db_path)
    assert main(["doctor", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "1 documents, 2 annotations (0 orphaned)" in out and "no problems found" in out
    assert "1 saved changes not yet folded" in out


def test_the_database_is_named_by_db_or_found_where_every_command_looks(db_path, tmp_path, capsys, monkeypatch):
    build(db_path)
    monkeypatch.chdir(tmp_path)
    assert main(["doctor", "--db", str(db_path)]) == 0
    assert f"{db_path}: schema" in capsys.readouterr().out
    assert main(["doctor"]) == 0  # ./annotations.json, the default of --db
    assert f"{db_path}: schema" in capsys.readouterr().out
    assert main(["doctor", str(db_path), "--db", str(tmp_path / "other.json")]) == 2
    assert capsys.readouterr().err.strip() == "postil doctor: name the database once, as PATH or with --db"


def test_unparseable_file_is_restored_from_backup_and_log_into_a_new_file(db_path, capsys):
    build(db_path)
    db_path.write_bytes(b'{"annotations": {"1": ')
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert f"problem: {db_path}: not valid JSON at line 1, column 23" in out
    restored = db_path.with_name("annotations.json.restored.json")
    assert f"restored annotations.json.bak plus 1 saved changes from annotations.json.wal into {restored}" in out
    assert db_path.read_bytes() == b'{"annotations": {"1": '  # never in place
    with tinydb.TinyDB(restored) as db:
        assert sorted(r["quote"]["exact"] for r in db.table("annotations").all()) == ["Amazon", "Rekognition"]
    # A second run never overwrites the first restored copy.
    assert main(["doctor", str(db_path)]) == 1
    assert db_path.with_name("annotations.json.restored-2.json").exists()


def test_annotations_that_do_not_match_their_text_are_reported(db_path, capsys):
    build(db_path)
    Store(db_path).close()  # fold the log
    data = orjson.loads(db_path.read_bytes())
    record = next(iter(data["annotations"].values()))
    record["start"], record["end"] = 1, 7
    record2 = list(data["annotations"].values())[1]
    record2["end"] = 400
    db_path.write_bytes(orjson.dumps(data))
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert f"annotation {record['id']}: the text at 1-7 is 'mazon ', not its quote 'Amazon'" in out
    assert f"annotation {record2['id']}: offsets: 27-400 is outside the text (39 characters)" in out
    assert not db_path.with_name("annotations.json.restored.json").exists()


def test_newer_schema_is_a_problem_and_nothing_is_written(db_path, capsys):
    db_path.write_bytes(orjson.dumps({"meta": {"1": {"key": "schema", "schema": 99}}}))
    assert main(["doctor", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "schema 99 is newer than this Postil reads" in out and "no backup of" in out
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["annotations.json"]


def test_bad_usage_exits_2_with_one_line(db_path, tmp_path, capsys):
    assert main(["doctor", str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.strip().endswith("missing.json: no such database")
    build(db_path)
    taken = tmp_path / "taken.json"
    taken.write_text("{}")
    assert main(["doctor", str(db_path), "--restore", "--output", str(taken)]) == 2
    assert taken.read_text() == "{}"
