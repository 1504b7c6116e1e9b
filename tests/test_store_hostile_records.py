"""A database whose records have wrong types (a hand edit, another tool) never crashes Postil.

Opening the document, exporting it in any format and ``postil doctor`` each say which record
and field is wrong, in one line, and nothing is rewritten, dropped or written elsewhere.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import orjson
import pytest

from tests.conftest import write_article
from tui.app import PostilApp
from tui.cli import main
from tui.formats.readers import read_article
from tui.formats.registry import FORMATS
from tui.formats.validate import field_problem
from tui.launch import open_session

SIZE = (120, 36)
TEXT = 'Acme Corp hired Jane Doe in Paris. "We are growing," said Jane Doe on Monday.\n'
OTHER_TEXT = "Globex opened an office in Lyon on Friday.\n"


def build_database(folder: Path) -> tuple[Path, Path]:
    """An article and a real database holding its mentions, entities, a claim and their journal."""
    article = write_article(folder, TEXT)
    db = folder / "annotations.json"
    session = open_session(db, read_article(article), annotator="tester")
    session.label_span(0, 9, "ORG")
    jane = session.label_span(16, 24, "PERSON")
    claim = session.mark_claim(35, 77, "quote")
    session.update_claim(claim.id, speaker=jane.attrs["entity_id"], cue=[53, 57], checkworthiness=0.5, evidence=["https://example.org/report"])
    session.store.close()
    return article, db


def load(db: Path) -> dict:
    return orjson.loads(db.read_bytes())


def save(db: Path, data: dict) -> bytes:
    payload = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    db.write_bytes(payload)
    return payload


def annotation(data: dict, exact: str, kind: str = "entity") -> dict:
    return next(r for r in data["annotations"].values() if r["quote"]["exact"] == exact and r["kind"] == kind)


def the_claim(data: dict) -> dict:
    return next(r for r in data["annotations"].values() if r["kind"] == "claim")


def the_document(data: dict) -> dict:
    return next(iter(data["documents"].values()))


def real(path: Path) -> str:
    return os.path.realpath(path)


# Each case spoils one record as a hand edit could and returns "record: field: reason" as the
# error names it.


def speaker_object(data):
    claim = the_claim(data)
    claim["attrs"]["speaker"] = {"id": "e-1"}
    return f"annotation {claim['id']}: attrs.speaker: must be a string, not an object"


def speaker_list(data):
    claim = the_claim(data)
    claim["attrs"]["speaker"] = ["Jane Doe"]
    return f"annotation {claim['id']}: attrs.speaker: must be a string, not a list"


def label_list(data):
    mention = annotation(data, "Acme Corp")
    mention["label"] = ["ORG"]
    return f"annotation {mention['id']}: label: must be a string, not a list"


def start_string(data):
    mention = annotation(data, "Acme Corp")
    mention["start"] = "0"
    return f"annotation {mention['id']}: start: must be a whole number, not a string"


def checkworthiness_seven(data):
    claim = the_claim(data)
    claim["attrs"]["checkworthiness"] = 7
    return f"annotation {claim['id']}: attrs.checkworthiness: 7 is outside 0..1"


def checkworthiness_text(data):
    claim = the_claim(data)
    claim["attrs"]["checkworthiness"] = "x"
    return f"annotation {claim['id']}: attrs.checkworthiness: must be a number from 0 to 1, not a string"


def verdict_number(data):
    claim = the_claim(data)
    claim["attrs"]["verdict"] = 3
    return f"annotation {claim['id']}: attrs.verdict: must be a string, not a number"


def evidence_string(data):
    claim = the_claim(data)
    claim["attrs"]["evidence"] = "https://example.org/report"
    return f"annotation {claim['id']}: attrs.evidence: must be a list of links, not a string"


def quote_string(data):
    mention = annotation(data, "Acme Corp")
    mention["quote"] = "Acme Corp"
    return f"annotation {mention['id']}: quote: must be an object with exact, prefix and suffix, not a string"


def cue_past_the_text(data):
    claim = the_claim(data)
    claim["attrs"]["cue"] = [53, 900]
    return f"annotation {claim['id']}: attrs.cue: 53-900 is outside the text (78 characters)"


def aliases_number(data):
    entity = next(r for r in data["entities"].values() if r["name"] == "Jane Doe")
    entity["aliases"] = 3
    return f"entity {entity['entity_id']}: aliases: must be a list of names, not a number"


def title_list(data):
    document = the_document(data)
    document["title"] = ["Acme", "hires"]
    return f"document {document['doc_id']}: title: must be a string, not a list"


def id_list(data):
    key, mention = next((key, r) for key, r in data["annotations"].items() if r["quote"]["exact"] == "Acme Corp")
    mention["id"] = ["a-1"]
    return f"annotation #{key}: id: must be a string, not a list"


def id_twice(data):
    keys = list(data["annotations"])
    first, second = data["annotations"][keys[0]], data["annotations"][keys[1]]
    second["id"] = first["id"]
    return f"annotation {first['id']}: id: is also the id of annotation #{keys[1]}"


def journal_op_list(data):
    key, entry = next(iter(data["journal"].items()))
    entry["op"] = ["add"]
    return f"journal entry {entry['seq']}: op: must be a string, not a list"


def journal_seq_text(data):
    key, entry = next(iter(data["journal"].items()))
    entry["seq"] = "first"
    return f"journal entry #{key}: seq: must be a whole number, not a string"


def journal_record_spoiled(data):
    entry = next(e for e in data["journal"].values() if e["op"] == "edit-claim")
    entry["after"][0]["record"]["attrs"]["speaker"] = {"id": "e-1"}
    return f"journal entry {entry['seq']}: after.0.record.attrs.speaker: must be a string, not an object"


def journal_changes_text(data):
    entry = next(e for e in data["journal"].values() if e["op"] == "edit-claim")
    entry["after"] = "edit"
    return f"journal entry {entry['seq']}: after: must be a list of changes, not a string"


SPOILERS = [
    speaker_object, speaker_list, label_list, start_string, checkworthiness_seven, checkworthiness_text, verdict_number,
    evidence_string, quote_string, cue_past_the_text, aliases_number, title_list, id_list, id_twice, journal_op_list,
    journal_seq_text, journal_record_spoiled, journal_changes_text,
]
# What an export reads: the documents, their annotations and entities (not the journal).
EXPORT_SPOILERS = [speaker_object, label_list, start_string, checkworthiness_seven, verdict_number, evidence_string, quote_string, aliases_number, title_list, id_list]


def no_app(monkeypatch):
    """Make starting the app a failure: a refused database must stop before any screen."""

    def started(self, *args, **kwargs):
        raise AssertionError("the app started on a malformed database")

    monkeypatch.setattr(PostilApp, "run", started)


@pytest.mark.parametrize("spoil", SPOILERS, ids=lambda spoil: spoil.__name__)
def test_postil_refuses_a_document_with_a_malformed_record_in_one_line_and_changes_nothing(tmp_path, capsys, monkeypatch, spoil):
    article, db = build_database(tmp_path)
    data = load(db)
    named = spoil(data)
    before = save(db, data)
    no_app(monkeypatch)
    assert main([str(article), "--db", str(db), "--no-suggest"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"postil: {real(db)}: {named} (")
    assert f"; nothing was changed; run `postil doctor {real(db)}` to list them" in err
    assert db.read_bytes() == before


def test_the_error_counts_the_malformed_records_and_the_import_check_gives_the_same_reason(tmp_path, capsys, monkeypatch):
    article, db = build_database(tmp_path)
    data = load(db)
    first = label_list(data)  # the first annotation of the table
    annotation(data, "Jane Doe")["status"] = "maybe"
    worth = checkworthiness_seven(data)
    save(db, data)
    no_app(monkeypatch)
    assert main([str(article), "--db", str(db), "--no-suggest"]) == 2
    err = capsys.readouterr().err
    doc_id = the_document(data)["doc_id"]
    assert f"{first} (3 malformed annotations of document {doc_id}); nothing was changed" in err
    assert main(["doctor", str(db)]) == 1
    out = capsys.readouterr().out
    assert out.count("problem: annotation ") == 3 and f"problem: {worth}\n" in out
    # One rule for both: an import file holding the same value is refused for the same reason.
    assert worth.endswith(f"attrs.checkworthiness: {field_problem('checkworthiness', 7)}")


async def test_the_app_opening_a_big_database_in_the_background_quits_with_the_one_line(tmp_path):
    article, db = build_database(tmp_path)
    data = load(db)
    named = speaker_object(data)
    before = save(db, data)
    document = read_article(article)
    app = PostilApp(document=document, open_session=partial(open_session, db, document, annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if app.return_code is not None:
                break
    assert app.return_code == 2
    assert app.load_error.startswith(f"{real(db)}: {named} (1 malformed annotation of document {document.doc_id})")
    assert "\n" not in app.load_error
    assert db.read_bytes() == before


async def test_another_documents_malformed_records_neither_stop_this_one_nor_are_lost(tmp_path, monkeypatch):
    article, db = build_database(tmp_path)
    other = write_article(tmp_path, OTHER_TEXT, name="other.txt")
    session = open_session(db, read_article(other), annotator="tester")
    session.label_span(0, 6, "ORG")
    session.store.close()
    data = load(db)
    other_id = read_article(other).doc_id
    key, globex = next((key, r) for key, r in data["annotations"].items() if r["doc_id"] == other_id)
    globex["id"] = ["a-1"]  # a key no index can hold
    globex["attrs"]["speaker"] = {"name": "Globex"}
    journal = next(e for e in data["journal"].values() if e["doc_id"] == other_id)
    journal["seq"] = "last"  # a sequence number no journal can sort
    save(db, data)
    app = PostilApp(open_session(db, read_article(article), annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        status = str(app.query_one("#status").render())
        assert "2 entities accepted · 1 suggested · 1 claims accepted  ·  saved" in status, status
        await pilot.press("l", "l", "1")  # "hired" becomes a PERSON
        await pilot.press("q")
    kept = load(db)
    assert kept["annotations"][key] == globex
    assert journal in kept["journal"].values()
    assert any(r["quote"]["exact"] == "hired" and r["label"] == "PERSON" for r in kept["annotations"].values())
    no_app(monkeypatch)
    assert main([str(other), "--db", str(db), "--no-suggest"]) == 2


def export_target(tmp_path: Path, name: str) -> Path:
    spec = FORMATS[name]
    return tmp_path / ("out" if spec.output == "directory" else f"out.{name}")


@pytest.mark.parametrize("spoil", EXPORT_SPOILERS, ids=lambda spoil: spoil.__name__)
@pytest.mark.parametrize("name", list(FORMATS))
def test_every_export_refuses_a_malformed_record_in_one_line_and_writes_nothing(tmp_path, capsys, name, spoil):
    _, db = build_database(tmp_path)
    data = load(db)
    named = spoil(data)
    before = save(db, data)
    out = export_target(tmp_path, name)
    assert main(["export", "--format", name, "--db", str(db), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"postil export: {real(db)}: {named} (")
    assert f"run `postil doctor {real(db)}` to list them" in err
    assert not out.exists()
    assert db.read_bytes() == before


@pytest.mark.parametrize("name", list(FORMATS))
def test_an_export_of_one_document_is_not_stopped_by_another_documents_malformed_records(tmp_path, capsys, name):
    article, db = build_database(tmp_path)
    other = write_article(tmp_path, OTHER_TEXT, name="other.txt")
    session = open_session(db, read_article(other), annotator="tester")
    session.label_span(0, 6, "ORG")
    session.store.close()
    data = load(db)
    other_id = read_article(other).doc_id
    next(r for r in data["annotations"].values() if r["doc_id"] == other_id)["id"] = ["a-1"]
    save(db, data)
    doc_id = read_article(article).doc_id
    out = export_target(tmp_path, name)
    assert main(["export", "--format", name, "--db", str(db), "--doc", doc_id, "--out", str(out)]) == 0
    assert out.exists()
    assert main(["export", "--format", name, "--db", str(db), "--doc", other_id, "--out", str(tmp_path / "other-out")]) == 2
    assert "id: must be a string, not a list" in capsys.readouterr().err


def test_doctor_lists_each_malformed_record_as_a_problem_and_changes_nothing(tmp_path, capsys):
    _, db = build_database(tmp_path)
    data = load(db)
    spoiled = [spoil(data) for spoil in (speaker_object, label_list, aliases_number, title_list, journal_op_list)]
    jane = annotation(data, "Jane Doe")
    jane["quote"] = {"exact": "Jane Doe"}
    spoiled.append(f"annotation {jane['id']}: quote: must be an object with exact, prefix and suffix, not an object with exact")
    before = save(db, data)
    assert main(["doctor", str(db)]) == 1
    out = capsys.readouterr().out
    for named in spoiled:
        assert f"problem: {named}\n" in out
    assert db.read_bytes() == before


@pytest.mark.parametrize("spoil", SPOILERS, ids=lambda spoil: spoil.__name__)
def test_doctor_names_the_record_and_field_that_stop_the_document_from_opening(tmp_path, capsys, spoil):
    _, db = build_database(tmp_path)
    data = load(db)
    named = spoil(data)
    before = save(db, data)
    assert main(["doctor", str(db)]) == 1
    out = capsys.readouterr().out
    assert f"problem: {named}" in out
    assert "no problems found" not in out
    assert db.read_bytes() == before


def test_a_fixed_record_opens_with_every_annotation_kept(tmp_path, capsys):
    article, db = build_database(tmp_path)
    good = load(db)
    spoiled = load(db)
    speaker_object(spoiled)
    save(db, spoiled)
    assert main(["export", "--format", "csv", "--db", str(db)]) == 2
    assert load(db) == spoiled
    save(db, good)  # the user puts the speaker back by hand
    session = open_session(db, read_article(article), annotator="tester")
    try:
        assert sorted((a.kind, a.quote.exact) for a in session.by_id.values()) == sorted((r["kind"], r["quote"]["exact"]) for r in good["annotations"].values())
        assert session.undo() is not None  # its history still replays
    finally:
        session.store.close()


def test_importing_into_a_database_with_a_malformed_record_refuses_in_one_line(tmp_path, capsys):
    article, db = build_database(tmp_path)
    exported = tmp_path / "tasks.jsonl"
    assert main(["export", "--format", "prodigy", "--db", str(db), "--out", str(exported)]) == 0
    data = load(db)
    named = title_list(data)
    before = save(db, data)
    capsys.readouterr()
    assert main(["import", "--format", "prodigy", str(exported), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"postil import: {real(db)}: {named} (")
    assert db.read_bytes() == before


SPOILED_ANALYSES = [
    ("a score of 7", lambda cache: next(p for p in cache if p["claims"])["claims"][0].update(score=7)),
    ("a speaker span that is an object", lambda cache: next(p for p in cache if p["claims"])["claims"][0].update(speaker_span={"start": 1})),
    ("entities that are a string", lambda cache: cache[0].update(entities="Amazon")),
    ("an entity past the end of the text", lambda cache: cache[0]["entities"].append([10**9, 10**9 + 5, "ORG"])),
    ("a paragraph that is a list", lambda cache: cache.append([0, 5])),
    ("content that is a number", lambda cache: next(p for p in cache if p["claims"])["claims"][0].update(content=3)),
]


@pytest.mark.parametrize("spoil", [spoil for _, spoil in SPOILED_ANALYSES], ids=[name for name, _ in SPOILED_ANALYSES])
async def test_a_spoiled_cached_analysis_is_not_used_and_nothing_of_it_is_stored(spoil, tmp_path):
    from tests.conftest import sample_document
    from tui.launch import cached_model_suggestions

    db = tmp_path / "annotations.json"
    open_session(db, sample_document(), annotator="tester").store.close()  # the sample's analysis is cached with it
    data = load(db)
    (cache,) = data["nlp_cache"].values()
    spoil(cache["value"])
    save(db, data)
    stored = len(data["annotations"])
    app = PostilApp(open_session(db, sample_document(), annotator="tester"), lambda session: (None, "no model"), cached_suggester=cached_model_suggestions)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = str(app.query_one("#status").render())
        assert "no model" in status, status  # the cache was passed over: the model would have to run
        await pilot.press("q")
    assert len(load(db)["annotations"]) == stored
    reopened = open_session(db, sample_document(), annotator="tester")  # nothing it would refuse was written
    reopened.store.close()


def test_opening_a_refused_database_again_keeps_the_backup_from_before_the_hand_edit(tmp_path, capsys, monkeypatch):
    article, db = build_database(tmp_path)
    open_session(db, read_article(article), annotator="tester").store.close()  # a clean open: its backup
    good = db.read_bytes()
    data = load(db)
    speaker_object(data)
    save(db, data)
    no_app(monkeypatch)
    for _ in range(3):
        assert main([str(article), "--db", str(db), "--no-suggest"]) == 2
    assert (tmp_path / "annotations.json.bak.1").read_bytes() == good
