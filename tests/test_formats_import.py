"""Importing files written by other tools: newline conventions, foreign labels, what is not understood."""

from __future__ import annotations

import json
from pathlib import Path

from tui.cli import main
from tui.store.repository import Store


def only_document(db: Path):
    """The database's one document with its annotations and entities."""
    store = Store(db, read_only=True)
    (document,) = store.documents()
    annotations = store.annotations(document.doc_id)
    entities = store.entities(document.doc_id)
    store.close()
    return document, annotations, entities


def test_windows_newlines_are_normalised_and_offsets_follow(tmp_path):
    text = "First line.\r\nJane Doe said hello.\r\nBye 🚀 Jane.\r\n"
    jane = text.index("Jane")
    last = text.rindex("Jane")
    (tmp_path / "doc.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "doc.ann").write_text(f"T1\tPERSON {jane} {jane + 8}\tJane Doe\nT2\tPERSON {last} {last + 4}\tJane\n", encoding="utf-8")
    assert main(["import", "--format", "brat", str(tmp_path / "doc.ann"), "--db", str(tmp_path / "db.json")]) == 0
    document, annotations, _ = only_document(tmp_path / "db.json")
    assert document.text == text.replace("\r\n", "\n")
    assert sorted(document.text[a.start : a.end] for a in annotations) == ["Jane", "Jane Doe"]


def test_doccano_windows_text_in_utf16_units(tmp_path):
    text = "🚀 ok\r\nJane Doe"
    units = len(text[: text.index("Jane")].encode("utf-16-le")) // 2
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[units, units + 8, "PERSON"]]}) + "\n", encoding="utf-8")
    assert main(["import", "--format", "doccano", str(path), "--db", str(tmp_path / "db.json")]) == 0
    document, (annotation,), (entity,) = only_document(tmp_path / "db.json")
    assert document.text == "🚀 ok\nJane Doe"
    assert (annotation.quote.exact, annotation.label, entity.name) == ("Jane Doe", "PERSON", "Jane Doe")
    assert annotation.origin == "import:doccano"


def test_foreign_doccano_relations_become_claims_with_speakers(tmp_path, capsys):
    record = {
        "text": "Mayor Jane Doe said the city cut crime by 20% last year.",
        "entities": [
            {"id": 0, "start_offset": 6, "end_offset": 14, "label": "PERSON"},
            {"id": 1, "start_offset": 20, "end_offset": 55, "label": "CLAIM"},
            {"id": 2, "start_offset": 15, "end_offset": 19, "label": "CUE"},
            {"id": 3, "start_offset": 0, "end_offset": 5, "label": "CUE"},
        ],
        "relations": [
            {"id": 0, "from_id": 1, "to_id": 0, "type": "said_by"},
            {"id": 1, "from_id": 1, "to_id": 2, "type": "cue"},
            {"id": 2, "from_id": 0, "to_id": 2, "type": "knows"},
        ],
    }
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["import", "--format", "doccano-rel", str(path), "--db", str(tmp_path / "db.json")]) == 0
    err = capsys.readouterr().err
    assert "not imported: 1 relations that are not a claim's speaker, cue or content" in err
    assert "not imported: 1 cue, content or speaker spans attached to no claim" in err
    document, annotations, entities = only_document(tmp_path / "db.json")
    claim = next(a for a in annotations if a.is_claim)
    person = next(a for a in annotations if a.is_entity)
    assert claim.attrs["speaker"] == person.attrs["entity_id"] == entities[0].entity_id
    assert claim.attrs["speaker_span"] == [6, 14] and claim.attrs["cue"] == [15, 19]
    assert claim.attrs["content"] == [[20, 55]] and claim.label == "assertion"


def test_plain_prodigy_ner_task(tmp_path):
    task = {
        "text": "Ed Sheeran played in 東京.",
        "tokens": [{"text": "Ed", "start": 0, "end": 2, "id": 0, "ws": True}],
        "spans": [{"start": 0, "end": 10, "token_start": 0, "token_end": 1, "label": "PERSON"}, {"start": 21, "end": 23, "token_start": 4, "token_end": 4, "label": "GPE"}],
        "answer": "reject",
        "_input_hash": 1, "_task_hash": 2,
    }
    path = tmp_path / "db-out.jsonl"
    path.write_text(json.dumps(task, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", "--format", "prodigy", str(path), "--db", str(tmp_path / "db.json"), "--annotator", "carol"]) == 0
    document, annotations, entities = only_document(tmp_path / "db.json")
    assert sorted((a.quote.exact, a.label, a.status, a.annotator) for a in annotations) == [
        ("Ed Sheeran", "PERSON", "rejected", "carol"), ("東京", "GPE", "rejected", "carol"),
    ]
    assert sorted(e.name for e in entities) == ["Ed Sheeran", "東京"]


def test_import_journal_records_the_import(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "Jane Doe spoke.", "label": [[0, 8, "PERSON"]]}) + "\n", encoding="utf-8")
    assert main(["import", "--format", "doccano", str(path), "--db", str(tmp_path / "db.json")]) == 0
    store = Store(tmp_path / "db.json", read_only=True)
    (entry,) = [e for e in store.journal() if e["op"].startswith("import")]
    store.close()
    assert entry["op"] == "import:doccano"
    assert {change["table"] for change in entry["after"]} == {"documents", "annotations", "entities"}
    assert all(change["record"] is None for change in entry["before"])


def test_notes_and_orphans_are_counted_not_dropped(tmp_path, capsys):
    from tui.model.annotation import NOTE, Annotation
    from tui.model.document import Document
    from tui.store.records import ANNOTATIONS, Change

    store = Store(tmp_path / "db.json")
    document = Document(text="Jane Doe spoke at noon.", title="t", source="t")
    store.add_document(document)
    note = Annotation.on_text(document.doc_id, document.text, NOTE, "note", 0, 8, attrs={"note": "check"})
    orphan = Annotation.on_text(document.doc_id, document.text, "entity", "PERSON", 0, 8, anchor="orphan")
    store.apply([Change(ANNOTATIONS, a.id, a.to_record()) for a in (note, orphan)])
    store.close()
    assert main(["export", "--format", "prodigy", "--db", str(tmp_path / "db.json")]) == 0
    err = capsys.readouterr().err
    assert "not exported: 1 notes (only entities and claims are exported)" in err
    assert "not exported: 1 orphaned annotations (their quote is no longer in the text)" in err


def test_formats_never_import_textual():
    import subprocess
    import sys

    code = (
        "import sys, importlib\n"
        "for name in ['tui.formats.commands', 'tui.formats.registry', 'tui.formats.interchange', 'tui.formats.prodigy', 'tui.formats.docbin',"
        " 'tui.formats.brat', 'tui.formats.doccano', 'tui.formats.conll', 'tui.formats.w3c', 'tui.formats.publish']:\n"
        "    importlib.import_module(name)\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_brat_from_another_project_reports_what_postil_has_no_place_for(tmp_path, capsys):
    text = "Jane Doe fired the coach in Paris."
    (tmp_path / "news.txt").write_text(text, encoding="utf-8")
    (tmp_path / "news.ann").write_text(
        "T1\tPerson 0 8\tJane Doe\n"
        "T2\tFiring 9 14\tfired\n"
        "T3\tLocation 28 33\tParis\n"
        "E1\tFiring:T2 Agent:T1\n"
        "A1\tNegated E1\n"
        "N1\tReference T3 GeoNames:2988507\tParis\n"
        "#1\tAnnotatorNotes T1\tthe mayor\n",
        encoding="utf-8",
    )
    assert main(["import", "--format", "brat", str(tmp_path / "news.ann"), "--db", str(tmp_path / "db.json")]) == 2
    assert "refers to 'E1', which is not a T annotation" in capsys.readouterr().err
    (tmp_path / "news.ann").write_text(
        "T1\tPerson 0 8\tJane Doe\nT2\tFiring 9 14\tfired\nT3\tLocation 28 33\tParis\nE1\tFiring:T2 Agent:T1\n"
        "A1\tUncertain T1\nN1\tReference T3 GeoNames:2988507\tParis\n",
        encoding="utf-8",
    )
    assert main(["import", "--format", "brat", str(tmp_path / "news.ann"), "--db", str(tmp_path / "db.json")]) == 0
    err = capsys.readouterr().err
    assert "not imported: 1 brat events (E lines)" in err
    assert "not imported: 1 brat attributes other than ClaimType, Verdict and Suggested (Uncertain)" in err
    document, annotations, entities = only_document(tmp_path / "db.json")
    assert document.title == "news"
    assert sorted((a.quote.exact, a.label) for a in annotations) == [("Jane Doe", "Person"), ("Paris", "Location"), ("fired", "Firing")]
    assert next(e for e in entities if e.name == "Paris").kb_id == "GeoNames:2988507"


def test_docbin_written_by_spacy_itself(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Angela Merkel visited 東京 yesterday.")
    doc.ents = [doc.char_span(0, 13, label="PERSON"), doc.char_span(22, 24, label="GPE")]
    DocBin(docs=[doc]).to_disk(tmp_path / "train.spacy")
    assert main(["import", "--format", "spacy", str(tmp_path / "train.spacy"), "--db", str(tmp_path / "db.json")]) == 0
    document, annotations, entities = only_document(tmp_path / "db.json")
    assert document.text == "Angela Merkel visited 東京 yesterday."
    assert sorted((a.quote.exact, a.label) for a in annotations) == [("Angela Merkel", "PERSON"), ("東京", "GPE")]


def test_prodigy_annotator_id_names_the_annotator(tmp_path):
    task = {"text": "Jane Doe spoke.", "spans": [{"start": 0, "end": 8, "label": "PERSON"}], "answer": "accept", "_annotator_id": "news-dave"}
    path = tmp_path / "db-out.jsonl"
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    assert main(["import", "--format", "prodigy", str(path), "--db", str(tmp_path / "db.json"), "--annotator", "fallback"]) == 0
    document, (annotation,), _ = only_document(tmp_path / "db.json")
    assert (annotation.annotator, annotation.status) == ("news-dave", "accepted")
