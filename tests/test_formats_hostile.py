"""Hostile import files and hostile database contents: every value is checked before anything
is stored (``file:line: field: reason``, exit 2, the database untouched), and exports write
only inside ``--out``, with no spreadsheet formula in a CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.model.annotation import CLAIM, Annotation
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.store.records import ANNOTATIONS, DOCUMENTS, Change, document_record
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store  # noqa: E402

TEXT = "Mayor Jane Doe said the city cut crime by 20% last year."
CLAIM_SPAN = {"start": 20, "end": 55, "label": "CLAIM"}


def run_import(db: Path, fmt: str, path: Path, *extra: str) -> int:
    """``postil import`` into ``db``; returns its exit status."""
    return main(["import", "--format", fmt, str(path), "--db", str(db), *extra])


def database_bytes(db: Path) -> tuple:
    """The database file and its log, byte for byte (``None`` where one does not exist)."""
    return tuple(p.read_bytes() if p.exists() else None for p in (db, db.with_name(db.name + ".wal")))


@pytest.fixture
def seeded(tmp_path):
    """A database holding the fixture article and its annotations (closed, folded)."""
    store, document = build_store(tmp_path / "db.json")
    store.close()
    return tmp_path / "db.json", document


def prodigy_claim(**details) -> str:
    """A Prodigy task line with one claim span carrying ``details`` in its ``postil`` object."""
    return json.dumps({"text": TEXT, "spans": [{**CLAIM_SPAN, "postil": {"role": "claim", **details}}], "answer": "accept"})


# A value of the wrong type or out of range in each detail a claim or a mention carries.
BAD_DETAILS = [
    ({"speaker_text": {"name": "Jane"}}, "speaker_text: must be a string, not an object"),
    ({"speaker_text": ["Jane"]}, "speaker_text: must be a string, not a list"),
    ({"annotator": {"who": 1}}, "annotator: must be a string, not an object"),
    ({"note": ["a", "b"]}, "note: must be a string, not a list"),
    ({"verdict": {"v": "false"}}, "verdict: an object is not one of"),
    ({"verdict": "pants-on-fire"}, "verdict: 'pants-on-fire' is not one of"),
    ({"checkworthiness": 5}, "checkworthiness: 5 is outside 0..1"),
    ({"checkworthiness": -0.1}, "checkworthiness: -0.1 is outside 0..1"),
    ({"checkworthiness": "high"}, "checkworthiness: must be a number from 0 to 1, not a string"),
    ({"checkworthiness": True}, "checkworthiness: must be a number from 0 to 1, not true/false"),
    ({"claim_type": ["quote"]}, "claim_type: a list is not one of quote, reported, assertion, evidence"),
    ({"evidence": "https://x.example"}, "evidence: must be a list of links, not a string"),
    ({"evidence": [{"url": "https://x.example"}]}, "evidence: link 0 must be a string, not an object"),
    ({"id": ["a-1"]}, "id: must be a string, not a list"),
    ({"speaker_entity": "Jane"}, "speaker_entity: must be an object, not a string"),
    ({"speaker_entity": {"entity_id": "e-1", "name": ["Jane"], "label": "PERSON"}}, "speaker_entity: name must be a string, not a list"),
    ({"entity": {"name": "Jane", "aliases": "Doe"}}, "entity: aliases must be a list of names, not a string"),
    ({"entity": {"name": "Jane", "kb_id": {"q": 42}}}, "entity: kb_id must be a string, not an object"),
    ({"role": ["claim"]}, "role: a list is not one of entity, claim, cue, content, speaker"),
    ({"key": {"k": 1}}, "id: must be a string, not an object"),
    ({"speaker": {"id": "e-1"}}, "speaker: must be a string, not an object"),
    ({"cue": {"start": 15}}, "cue: must be [start, end], not an object"),
    ({"cue": [19, 15]}, "cue: 19-15 is not a span"),
    ({"content": [[20, 55], "x"]}, "content: 1 must be [start, end], not a string"),
    ({"speaker_span": [6, 14, 2]}, "speaker_span: must be [start, end], not a list"),
]


@pytest.mark.parametrize(("details", "reason"), BAD_DETAILS, ids=[reason.split(":")[0] + "-" + str(i) for i, (_, reason) in enumerate(BAD_DETAILS)])
def test_a_bad_detail_imports_nothing_and_names_line_and_field(details, reason, seeded, capsys):
    db, document = seeded
    before = database_bytes(db)
    path = db.with_name("tasks.jsonl")
    path.write_text(json.dumps({"text": "A first good record.", "spans": [], "answer": "accept"}) + "\n" + prodigy_claim(**details) + "\n", encoding="utf-8")
    assert run_import(db, "prodigy", path) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith(f"postil import: {path}:2: {reason}")
    assert database_bytes(db) == before
    # The article and every export still work: nothing of the bad file is in the database.
    store = Store(db, read_only=True)
    AnnotationSession(store, store.document(document.doc_id))
    store.close()


def test_a_refused_import_leaves_a_log_waiting_to_be_folded_as_it_was(tmp_path, capsys):
    """A writer that died left saves in the log; refusing a bad file must not fold them in."""
    db = tmp_path / "db.json"
    store, document = build_store(db)
    store._log.close()  # what the kernel does when the writer dies: the lock goes, nothing is folded
    store._lock.release()
    before = database_bytes(db)
    assert before[1], "the fixture's saves wait in the log"
    path = tmp_path / "tasks.jsonl"
    path.write_text(prodigy_claim(checkworthiness=5) + "\n", encoding="utf-8")
    assert run_import(db, "prodigy", path) == 2
    assert "checkworthiness: 5 is outside 0..1" in capsys.readouterr().err
    assert database_bytes(db) == before


def test_an_imported_claim_opens_and_exports_in_every_format(tmp_path, capsys):
    """What passes the check is what the session and every exporter can handle."""
    db = tmp_path / "db.json"
    path = tmp_path / "tasks.jsonl"
    details = {"claim_type": "quote", "verdict": "false", "checkworthiness": 1, "note": "n", "evidence": ["https://e.example"],
               "speaker_entity": {"entity_id": "e-1", "name": "Jane Doe", "label": "PERSON"}, "annotator": "ann"}
    path.write_text(prodigy_claim(**details) + "\n", encoding="utf-8")
    assert run_import(db, "prodigy", path) == 0
    store = Store(db, read_only=True)
    (document,) = store.documents()
    session = AnnotationSession(store, document)
    (claim,) = session.claims()
    assert session.speaker_name(claim) == "Jane Doe" and claim.attrs["checkworthiness"] == 1
    store.close()
    from tui.formats.registry import FORMATS

    for name in FORMATS:
        assert main(["export", "--format", name, "--db", str(db), "--out", str(tmp_path / f"out-{name}")]) == 0, name


def test_partial_imports_the_good_records_and_reports_each_bad_one(tmp_path, capsys):
    db = tmp_path / "db.json"
    path = tmp_path / "tasks.jsonl"
    good = json.dumps({"text": "Another text about Jane Doe.", "spans": [{"start": 19, "end": 27, "label": "PERSON"}]})
    path.write_text("\n".join([prodigy_claim(note={"x": 1}), good, prodigy_claim(checkworthiness=2)]) + "\n", encoding="utf-8")
    assert run_import(db, "prodigy", path, "--partial") == 0
    err = capsys.readouterr().err
    assert f"skipped: {path}:1: note: must be a string, not an object" in err
    assert f"skipped: {path}:3: checkworthiness: 2 is outside 0..1" in err
    store = Store(db, read_only=True)
    assert [d.text for d in store.documents()] == ["Another text about Jane Doe."]
    store.close()


def test_parts_given_as_values_are_reported_not_imported(tmp_path, capsys):
    path = tmp_path / "tasks.jsonl"
    path.write_text(prodigy_claim(cue=[15, 19], speaker="Jane") + "\n", encoding="utf-8")
    assert run_import(tmp_path / "db.json", "prodigy", path) == 0
    assert "not imported: 2 claim speakers, cues and contents given as values (they are read from spans and relations)" in capsys.readouterr().err


def test_a_bad_title_or_text_type_is_refused(tmp_path, capsys):
    db = tmp_path / "db.json"
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps({"text": TEXT, "meta": {"title": {"t": 1}}, "spans": []}) + "\n", encoding="utf-8")
    assert run_import(db, "prodigy", path) == 2
    assert capsys.readouterr().err.startswith(f"postil import: {path}:1: title: must be a string, not an object")
    assert not db.exists()


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "doccano-rel", "w3c"])
def test_deep_nesting_is_a_one_line_error(fmt, seeded, capsys):
    db, _ = seeded
    before = database_bytes(db)
    path = db.with_name("deep.json")
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert run_import(db, fmt, path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"postil import: {path}:1: not valid JSON") and len(err.strip().splitlines()) == 1
    assert database_bytes(db) == before


def test_w3c_values_of_the_wrong_type(seeded, capsys):
    db, document = seeded
    before = database_bytes(db)
    annotation = {
        "type": "Annotation", "id": "urn:x:1",
        "target": {"source": document.source, "selector": [{"type": "TextQuoteSelector", "exact": ["Jane"]}]},
    }
    path = db.with_name("a.jsonld")
    path.write_text(json.dumps({"type": "AnnotationPage", "items": 7}), encoding="utf-8")
    assert run_import(db, "w3c", path) == 2
    assert capsys.readouterr().err.startswith(f"postil import: {path}:1: items: must be a list of annotations, not a number")
    for broken in (
        annotation,
        {**annotation, "target": {"source": document.source, "selector": {"type": "TextQuoteSelector", "exact": "Jane", "prefix": ["x"]}}},
        {**annotation, "target": {"source": "urn:none"}, "postil": {"doc_id": ["x"]}},
        {**annotation, "target": {"source": document.source, "selector": {"type": "TextQuoteSelector", "exact": "Jane"}}, "postil": {"info": [1, 2], "doc_id": document.doc_id}},
        {**annotation, "target": {"source": document.source, "selector": {"type": "TextQuoteSelector", "exact": "Jane"}},
         "body": [{"purpose": "tagging", "value": "claim"}, {"purpose": "commenting", "value": {"text": "x"}}]},
    ):
        path.write_text(json.dumps({"type": "AnnotationPage", "items": [broken]}), encoding="utf-8")
        assert run_import(db, "w3c", path) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"postil import: {path}:1: ") and "Traceback" not in err
    assert database_bytes(db) == before


def test_w3c_duplicated_annotation_ids_are_reported(seeded, capsys):
    db, document = seeded
    item = {"type": "Annotation", "id": "urn:x:1", "body": [{"purpose": "tagging", "value": "PERSON"}],
            "target": {"source": document.source, "selector": {"type": "TextQuoteSelector", "exact": "Jane Doe"}}}
    path = db.with_name("a.jsonld")
    path.write_text(json.dumps({"type": "AnnotationPage", "items": [item, item]}, indent=1), encoding="utf-8")
    assert run_import(db, "w3c", path) == 2
    lines = path.read_text().splitlines()
    second = [number for number, line in enumerate(lines, start=1) if '"urn:x:1"' in line][1]
    assert capsys.readouterr().err.startswith(f"postil import: {path}:{second}: id: 'urn:x:1' is used twice")


def test_doccano_relation_values_of_the_wrong_type(seeded, capsys):
    db, _ = seeded
    before = database_bytes(db)
    path = db.with_name("rel.jsonl")
    claim = {"id": 0, "start_offset": 20, "end_offset": 55, "label": "CLAIM"}
    cases = [
        ({"text": TEXT, "entities": [claim], "postil": {"0": {"verdict": {"x": 1}}}}, "verdict: an object is not one of"),
        ({"text": TEXT, "entities": [claim], "postil": {"0": {"speaker_text": [1]}}}, "speaker_text: must be a string, not a list"),
        ({"text": TEXT, "entities": [{**claim, "id": {"a": 1}}]}, "entity 0: id must be an integer or a string, not an object"),
        ({"text": TEXT, "entities": [claim], "relations": 5}, '"relations" must be a list'),
        ({"text": TEXT, "entities": [claim, {**claim, "label": "PERSON", "start_offset": 6, "end_offset": 14}]}, "id: entity id 0 is used twice"),
        ({"text": TEXT, "entities": [], "title": ["t"]}, "title: must be a string, not a list"),
    ]
    for record, reason in cases:
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert run_import(db, "doccano-rel", path) == 2
        assert capsys.readouterr().err.startswith(f"postil import: {path}:1: {reason}"), reason
    assert database_bytes(db) == before


def test_prodigy_relations_and_answers_of_the_wrong_type(tmp_path, capsys):
    db = tmp_path / "db.json"
    path = tmp_path / "tasks.jsonl"
    span = {"start": 6, "end": 14, "label": "PERSON"}
    cases = [
        ({"text": TEXT, "spans": [span], "relations": [{"head_span": {"start": [6]}, "child_span": {}}]}, "relation 0 points at a span that is not in the task"),
        ({"text": TEXT, "spans": [span], "relations": 3}, '"relations" must be a list'),
        ({"text": TEXT, "spans": [span], "answer": ["accept"]}, "answer: ['accept'] is not one of accept, reject, ignore"),
        ({"text": TEXT, "spans": [{**span, "postil": {"entity": "Jane"}}]}, "entity: must be an object, not a string"),
        ({"text": TEXT, "spans": [{**span, "postil": {"key": "k"}}, {**span, "start": 0, "end": 5, "postil": {"key": "k"}}]}, "id: 'k' is used twice"),
    ]
    for record, reason in cases:
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert run_import(db, "prodigy", path) == 2
        assert capsys.readouterr().err.startswith(f"postil import: {path}:1: {reason}"), reason
    assert not db.exists()


def test_an_annotation_id_twice_in_one_file_is_reported(tmp_path, capsys):
    path = tmp_path / "tasks.jsonl"
    path.write_text(prodigy_claim(id="a-1") + "\n" + json.dumps({"text": "Other text.", "spans": [{"start": 0, "end": 5, "label": "X", "postil": {"id": "a-1"}}]}) + "\n", encoding="utf-8")
    assert run_import(tmp_path / "db.json", "prodigy", path) == 2
    assert capsys.readouterr().err.startswith(f"postil import: {path}:2: id: annotation 'a-1' is in the file twice (first on line 1)")


def brat_folder(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    """A brat ``doc.txt`` + ``doc.ann`` pair; returns the ``.ann``."""
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    return tmp_path / "doc.ann"


CLAIM_T = "T1\tClaim 20 55\tthe city cut crime by 20% last year\n"


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        ("T1\tPERSON 6 14\tJane Doe\nT1\tTITLE 0 5\tMayor\n", 2, "id: 'T1' is used twice (first on line 1)"),
        (CLAIM_T + "#1\tCheckworthiness T1\t7\n", 2, "checkworthiness: 7.0 is outside 0..1"),
        (CLAIM_T + "#1\tCheckworthiness T1\tnan\n", 2, "checkworthiness: nan is outside 0..1"),
        (CLAIM_T + "A1\tVerdict T1 pants-on-fire\n", 2, "verdict: 'pants-on-fire' is not one of"),
        (CLAIM_T + "A1\tClaimType T1 rumour\n", 2, "claim_type: 'rumour' is not one of"),
        (CLAIM_T + "#1\tSpeakerEntity T1\te-1||Jane\n", 2, "speaker_entity: label must not be blank"),
        ("T1\t 6 14\tJane Doe\n", 1, "label: must not be blank"),
        ("T1\tPER\x1b]0;owned\x07 6 14\tJane Doe\n", 1, "label: must not hold control characters"),
        ("T1\tPERSON 6 1" + "0" * 5000 + "\tJane Doe\n", 1, "bad offsets '6 1000000000"),
        (CLAIM_T + "#1\tExtent T1\t20 9" + "9" * 5000 + "\n", 2, "an Extent note is START END"),
    ],
    ids=["duplicated-T1", "checkworthiness-7", "checkworthiness-nan", "verdict", "claim-type", "speaker-entity", "blank-type", "escape-in-type", "huge-offset", "huge-extent"],
)
def test_brat_values_are_checked_on_their_line(ann, line, reason, seeded, capsys):
    db, _ = seeded
    before = database_bytes(db)
    folder = db.parent / "brat"
    folder.mkdir()
    path = brat_folder(folder, ann)
    assert run_import(db, "brat", path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"postil import: {path}:{line}: {reason}") and len(err.strip().splitlines()) == 1
    assert "\x1b" not in err
    assert database_bytes(db) == before


def test_brat_duplicated_span_is_kept_with_partial_and_reported(tmp_path, capsys):
    """A second T1 used to replace the first silently; now the first stays and the second is reported."""
    path = brat_folder(tmp_path, "T1\tPERSON 6 14\tJane Doe\nT1\tTITLE 0 5\tMayor\n")
    assert run_import(tmp_path / "db.json", "brat", path, "--partial") == 0
    assert f"skipped: {path}:2: id: 'T1' is used twice" in capsys.readouterr().err
    store = Store(tmp_path / "db.json", read_only=True)
    (document,) = store.documents()
    assert [(a.label, a.quote.exact) for a in store.annotations(document.doc_id)] == [("PERSON", "Jane Doe")]
    store.close()


def test_brat_text_that_links_outside_the_folder_is_not_read(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("the private key", encoding="utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.txt").symlink_to(secret)
    (folder / "doc.ann").write_text("T1\tX 4 11\tprivate\n", encoding="utf-8")
    for given in (folder, folder / "doc.ann"):
        assert run_import(tmp_path / "db.json", "brat", given) == 2
        assert capsys.readouterr().err.startswith(f"postil import: {folder / 'doc.txt'}:1: is a link to {secret}, outside {folder}")
    assert not (tmp_path / "db.json").exists()


def test_an_import_file_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "tasks.jsonl"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "tui", "import", "--format", "prodigy", str(fifo), "--db", str(tmp_path / "db.json")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and result.stderr == f"postil import: {fifo}: not a regular file\n"


def test_conll_token_spanning_a_space_of_the_stored_text(seeded, capsys):
    db, document = seeded
    before = database_bytes(db)
    forms = document.text.split()
    first, second = forms[0], forms[1]
    lines = [f"{first}{second[:1]} O", f"{second[1:]} O" if second[1:] else None, *(f"{form} O" for form in forms[2:])]
    path = db.with_name("in.conll")
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    assert run_import(db, "conll2002", path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"postil import: {path}:1: token {first + second[:1]!r} spans whitespace in the stored document {document.doc_id}")
    assert database_bytes(db) == before


def test_spacy_user_data_of_the_wrong_shape(tmp_path, capsys):
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    db = tmp_path / "db.json"
    cases = [
        ({"keys": ["entities"], "info": {}}, "user_data: postil.keys and .info must be objects"),
        ({"keys": {"entities": [["s1"]]}, "info": {}}, "user_data: postil.keys.entities must be a list of strings"),
        ({"keys": {"entities": ["s1"]}, "info": {"s1": [1]}}, "user_data: postil.info.s1 must be an object, not a list"),
        ({"keys": {"entities": ["s1"]}, "info": {}, "relations": [["s1"]]}, "user_data: postil.relations must be a list of [claim, part, type]"),
        ({"keys": {"entities": ["s1"]}, "info": {"s1": {"entity": {"name": 5}}}}, "entity: name must be a string, not a number"),
        ({"keys": {"entities": ["s1"]}, "info": {}, "title": 7}, "title: must be a string, not a number"),
    ]
    for data, reason in cases:
        vocab = Vocab()
        doc = Doc(vocab, words=["Jane", "Doe", "said", "so"])
        doc.spans["entities"] = [doc.char_span(0, 8, label="PERSON")]
        doc.user_data["postil"] = data
        docbin = DocBin(store_user_data=True)
        docbin.add(doc)
        path = tmp_path / "in.spacy"
        path.write_bytes(docbin.to_bytes())
        assert run_import(db, "spacy", path) == 2
        assert capsys.readouterr().err.startswith(f"postil import: {path}:1: {reason}"), reason
    assert not db.exists()


# Exports


def hostile_store(db: Path, doc_id: str, title: str) -> None:
    """A database whose one document has the id and title a hand-edited file could give it."""
    store = Store(db)
    document = Document(text=TEXT, title=title, source="x")
    record = {**document_record(document), "doc_id": doc_id, "added": "2026-01-01T00:00:00+00:00"}
    claim = Annotation.on_text(doc_id, TEXT, CLAIM, "assertion", 20, 55, attrs={"claim_type": "assertion", "content": [[20, 55]], "verdict": "false"})
    store.apply([Change(DOCUMENTS, doc_id, record), Change(ANNOTATIONS, claim.id, claim.to_record())])
    store.close()


@pytest.mark.parametrize("doc_id", ["../../escaped", "/ABSOLUTE/escaped", "..", "a/../../escaped"])
def test_brat_export_writes_only_inside_out(doc_id, tmp_path, capsys):
    db = tmp_path / "deep" / "er" / "db.json"
    db.parent.mkdir(parents=True)
    absolute = tmp_path / "ABSOLUTE"
    hostile_store(db, doc_id.replace("/ABSOLUTE", str(absolute)), title="../../Title: Ünïcode/..\\x")
    out = db.parent / "out"
    before = {p for p in tmp_path.rglob("*")}
    assert main(["export", "--format", "brat", "--db", str(db), "--out", str(out)]) == 0
    written = {p for p in tmp_path.rglob("*")} - before
    assert written and all(p.parent == out for p in written if p != out), sorted(map(str, written))
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "annotation.conf"
    stem = names[1].rsplit(".", 1)[0]
    assert stem.startswith("title-unicode-x") and names[1:] == [f"{stem}.ann", f"{stem}.txt"]


def test_export_does_not_follow_a_link_planted_in_out(seeded, capsys):
    db, document = seeded
    out = db.parent / "out"
    out.mkdir()
    victim = db.parent / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / f"fixture-{document.doc_id}.txt").symlink_to(victim)
    assert main(["export", "--format", "brat", "--db", str(db), "--out", str(out)]) == 2
    assert "would be written outside" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == [f"fixture-{document.doc_id}.txt"]


def test_csv_cells_never_start_a_formula(tmp_path, capsys):
    db = tmp_path / "db.json"
    text = "=HYPERLINK(\"http://evil.example\",\"click\") said -2+3 and @SUM(A1) was\tthere."
    store = Store(db)
    document = Document(text=text, title="t", source="s")
    store.add_document(document)
    cue = [text.index("said"), text.index("said") + 4]
    attrs = {"claim_type": "quote", "speaker": "+cmd|' /C calc'!A0", "cue": cue, "content": [[0, 43]], "verdict": "false",
             "checkworthiness": 0.25, "note": "\tnote", "evidence": ["@evil", "https://ok.example"]}
    claims = [
        Annotation.on_text(document.doc_id, text, CLAIM, "quote", 0, 43, attrs=attrs),
        Annotation.on_text(document.doc_id, text, CLAIM, "assertion", text.index("-2+3"), text.index("-2+3") + 4,
                           attrs={"claim_type": "assertion", "speaker": "\rJane", "content": [[text.index("-2+3"), text.index("-2+3") + 4]], "note": "-"}),
    ]
    store.apply([Change(ANNOTATIONS, claim.id, claim.to_record()) for claim in claims])
    store.close()
    assert main(["export", "--format", "csv", "--db", str(db)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    first, second = rows
    assert first["text"] == "'" + text[:43] and first["speaker"] == "'+cmd|' /C calc'!A0" and first["note"] == "'\tnote"
    assert first["evidence"] == "'@evil https://ok.example"
    assert (first["checkworthiness"], first["start"], first["end"]) == ("0.25", "0", "43")
    assert second["text"] == "'-2+3" and second["speaker"] == "'\rJane" and second["note"] == "'-"


def test_a_span_of_whitespace_alone_is_refused(tmp_path, capsys):
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps({"text": TEXT, "spans": [{"start": 14, "end": 15, "label": "PERSON"}]}) + "\n", encoding="utf-8")
    assert run_import(tmp_path / "db.json", "prodigy", path) == 2
    assert capsys.readouterr().err.startswith(f"postil import: {path}:1: offsets: 14-15 holds only whitespace")


def test_conll_export_of_mentions_that_start_in_whitespace_or_hold_nothing_else(tmp_path, capsys):
    """The database may hold such spans (made by hand or by an older import): CoNLL tags the tokens inside."""
    from tui.model.annotation import ENTITY

    db = tmp_path / "db.json"
    store = Store(db)
    document = Document(text=TEXT, title="t", source="s")
    store.add_document(document)
    mentions = [Annotation.on_text(document.doc_id, TEXT, ENTITY, "PER", 5, 14), Annotation.on_text(document.doc_id, TEXT, ENTITY, "ORG", 19, 20)]
    store.apply([Change(ANNOTATIONS, mention.id, mention.to_record()) for mention in mentions])
    store.close()
    assert main(["export", "--format", "conll2002", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:5] == ["Mayor O", "Jane B-PER", "Doe I-PER", "said O", "the O"]
    assert "not exported: 1 entity mentions of whitespace alone (CoNLL has no token for them)" in captured.err


@pytest.mark.parametrize("fmt", ["brat", "csv", "w3c"])
def test_export_never_reads_a_text_file_the_database_names_elsewhere(fmt, tmp_path, capsys):
    """Long texts live in side files named by their SHA-256: a record naming another file is refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the private key", encoding="utf-8")
    db = tmp_path / "db" / "db.json"
    db.parent.mkdir()
    store = Store(db)
    document = Document(text=TEXT, title="t", source="s")
    record = {k: v for k, v in document_record(document).items() if k != "text"}
    store.apply([Change(DOCUMENTS, document.doc_id, {**record, "text_file": "../../secret.txt"})])
    store.close()
    out = tmp_path / "out"
    assert main(["export", "--format", fmt, "--db", str(db), "--all", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "names no text file Postil made" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
