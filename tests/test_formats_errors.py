"""Bad input: one line ``file:line: reason``, exit status 2, nothing imported unless ``--partial``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store  # noqa: E402

TEXT = "Mayor Jane Doe said the city cut crime by 20% last year."


def good_prodigy_line(text: str = TEXT) -> str:
    """A well-formed Prodigy task line."""
    return json.dumps({"text": text, "spans": [{"start": 6, "end": 14, "label": "PERSON"}], "answer": "accept"})


def run_import(tmp_path: Path, fmt: str, path: Path, *extra: str) -> int:
    """Run ``postil import`` into ``tmp_path/db.json``; returns its exit status."""
    return main(["import", "--format", fmt, str(path), "--db", str(tmp_path / "db.json"), *extra])


def last_error(capsys) -> str:
    """The last line written to stderr, after the ``postil import: `` or ``postil export: `` it starts with."""
    lines = capsys.readouterr().err.strip().splitlines()
    command, separator, message = lines[-1].partition(": ")
    assert command in ("postil import", "postil export") and separator, lines[-1]
    return message


def stored(tmp_path: Path) -> list:
    """Every annotation in ``tmp_path/db.json`` (none if it does not exist)."""
    if not (tmp_path / "db.json").exists():
        return []
    store = Store(tmp_path / "db.json", read_only=True)
    try:
        return [a for d in store.documents() for a in store.annotations(d.doc_id)]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("fmt", "lines", "line_number", "reason"),
    [
        ("prodigy", [good_prodigy_line(), "{not json"], 2, "not valid JSON"),
        ("prodigy", [good_prodigy_line(), json.dumps({"text": TEXT, "spans": [{"start": 50, "end": 90, "label": "X"}]})], 2, "span 0 50-90 is outside the text"),
        ("prodigy", [json.dumps({"spans": []}), good_prodigy_line()], 1, 'the task has no "text" string'),
        ("prodigy", [good_prodigy_line(), json.dumps({"text": TEXT, "answer": "maybe"})], 2, "answer: 'maybe' is not one of accept, reject, ignore"),
        ("doccano", [json.dumps({"text": TEXT, "label": [[6, 14, "PERSON"]]}), json.dumps({"text": TEXT, "label": [[6, "x", "PERSON"]]})], 2, "offsets must be integers"),
        ("doccano", [json.dumps({"text": "a🚀b", "label": [[0, 1, "X"]]}), json.dumps({"text": "a🚀b", "label": [[0, 2, "X"]]})], 2, "cuts a character in half"),
        ("doccano-rel", [json.dumps({"text": TEXT, "entities": [{"id": 1, "start_offset": 6, "end_offset": 14, "label": "PERSON"}], "relations": []}),
                         json.dumps({"text": TEXT, "entities": [], "relations": [{"from_id": 1, "to_id": 2, "type": "said_by"}]})], 2, "relation 0 must join two entity ids"),
        ("conll2002", ["Jane B-PER", "Doe I-PER", "", "said", "x O"], 4, "expected a token and a tag"),
        ("conll2002", ["Jane B-PER", "Doe Q-PER"], 2, "bad tag 'Q-PER'"),
    ],
)
def test_malformed_line_is_named_and_nothing_is_imported(fmt, lines, line_number, reason, tmp_path, capsys):
    path = tmp_path / "input.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_import(tmp_path, fmt, path) == 2
    error = last_error(capsys)
    assert error.startswith(f"{path}:{line_number}: ")
    assert reason in error and "nothing imported" in error
    assert "Traceback" not in error and stored(tmp_path) == []


def test_partial_imports_the_good_records_and_reports_the_bad(tmp_path, capsys):
    path = tmp_path / "tasks.jsonl"
    other = "Another text about Jane Doe."
    path.write_text("\n".join([good_prodigy_line(), "{broken", json.dumps({"text": other, "spans": [{"start": 19, "end": 27, "label": "PERSON"}]})]) + "\n", encoding="utf-8")
    assert run_import(tmp_path, "prodigy", path, "--partial") == 0
    err = capsys.readouterr().err
    assert f"skipped: {path}:2: not valid JSON" in err
    assert "imported 2 annotations" in err and "1 malformed record(s)" in err
    assert sorted(a.quote.exact for a in stored(tmp_path)) == ["Jane Doe", "Jane Doe"]


def test_nothing_is_written_into_an_existing_database_on_error(tmp_path, capsys):
    store, document = build_store(tmp_path / "db.json")
    store.close()
    before = len(stored(tmp_path))
    path = tmp_path / "tasks.jsonl"
    path.write_text(good_prodigy_line() + "\n[1, 2]\n", encoding="utf-8")
    assert run_import(tmp_path, "prodigy", path) == 2
    assert last_error(capsys).startswith(f"{path}:2: each line must be a JSON object")
    assert len(stored(tmp_path)) == before


def test_brat_errors_name_the_ann_line(tmp_path, capsys):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    ann = tmp_path / "doc.ann"
    ann.write_text("T1\tPERSON 6 14\tJane Doe\nT2\tPERSON 0 5\tJane\nR1\tSpeaker Arg1:T9 Arg2:T1\n", encoding="utf-8")
    assert run_import(tmp_path, "brat", ann) == 2
    error = last_error(capsys)
    assert error.startswith(f"{ann}:2: the text 'Jane' does not match 'Mayor' at 0 5")
    assert "(and 1 more problems)" in error
    assert stored(tmp_path) == []


def test_brat_without_its_text_file(tmp_path, capsys):
    ann = tmp_path / "lonely.ann"
    ann.write_text("T1\tPERSON 0 4\tJane\n", encoding="utf-8")
    assert run_import(tmp_path, "brat", ann) == 2
    assert last_error(capsys) == f"{ann}:1: no lonely.txt beside it (brat keeps the text in a .txt of the same name)"


def test_w3c_invalid_json_names_the_line(tmp_path, capsys):
    path = tmp_path / "a.jsonld"
    path.write_text('{\n  "type": "AnnotationPage",\n  "items": [,]\n}\n', encoding="utf-8")
    assert run_import(tmp_path, "w3c", path) == 2
    assert last_error(capsys).startswith(f"{path}:3: not valid JSON")


def test_not_a_docbin(tmp_path, capsys):
    path = tmp_path / "x.spacy"
    path.write_bytes(b"\x00\x01 definitely not msgpack")
    assert run_import(tmp_path, "spacy", path) == 2
    assert last_error(capsys).startswith(f"{path}:1: not a spaCy DocBin")


def test_missing_input_file(tmp_path, capsys):
    assert run_import(tmp_path, "prodigy", tmp_path / "nope.jsonl") == 2
    assert last_error(capsys) == f"{tmp_path / 'nope.jsonl'}: no such file"


def test_export_needs_a_database_and_a_document(tmp_path, capsys):
    assert main(["export", "--format", "prodigy", "--db", str(tmp_path / "none.json")]) == 2
    assert last_error(capsys) == f"{tmp_path / 'none.json'}: no such database (pass --db PATH)"
    store, document = build_store(tmp_path / "db.json")
    store.close()
    assert main(["export", "--format", "prodigy", "--db", str(tmp_path / "db.json"), "--doc", "ffff"]) == 2
    assert last_error(capsys) == f"{tmp_path / 'db.json'}: no document matches 'ffff'; the documents are: Fixture ({document.doc_id})"
    assert main(["export", "--format", "spacy", "--db", str(tmp_path / "db.json")]) == 2
    assert last_error(capsys) == "--format spacy writes a binary file: pass --out PATH"


def test_export_of_several_documents_needs_doc_or_all(tmp_path, capsys):
    store, document = build_store(tmp_path / "db.json")
    from tui.model.document import Document

    other = Document(text="A second article.", title="second", source="second")
    store.add_document(other)
    store.close()
    db = str(tmp_path / "db.json")
    assert main(["export", "--format", "csv", "--db", db]) == 2
    assert last_error(capsys) == f"{db}: holds 2 documents; pass --doc ID or --all"
    assert main(["export", "--format", "prodigy", "--db", db, "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(json.loads(line)["meta"]["doc_id"] for line in out) == sorted([document.doc_id, other.doc_id])


def test_brat_text_that_is_not_utf8(tmp_path, capsys):
    (tmp_path / "doc.txt").write_bytes("café".encode("latin-1"))
    ann = tmp_path / "doc.ann"
    ann.write_text("T1\tPLACE 0 4\tcafé\n", encoding="utf-8")
    assert run_import(tmp_path, "brat", ann) == 2
    assert last_error(capsys) == f"{tmp_path / 'doc.txt'}:1: not UTF-8 (bad byte at offset 3)"
