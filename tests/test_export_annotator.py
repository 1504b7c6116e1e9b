"""``postil export --annotator NAME``: one person's work, or the curated version, from any database;
a team database is not exported as a mixture of everyone's."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.test_curation import FAILED, GREW, JANE, PARIS, TEXT, Work, team_database
from tui.cli import main
from tui.model.document import Document
from tui.session.curation import Curation
from tui.store.repository import Store


def _export(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    status = main(["export", "--db", str(db), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def curated_database(db: Path) -> None:
    """The team database with every disagreement decided: alice's "Jane Doe", neither "Acme Corp",
    bob's verdict on Bob Smith's quote."""
    store, document = team_database(db)
    curation = Curation(store, document)
    session = curation.open_session()
    jane, acme, failed = curation.disagreements
    curation.take(session, jane, ["alice"])
    curation.take(session, acme, [])
    curation.take(session, failed, ["bob"])
    store.close()


def brat_lines(folder: Path) -> tuple[set[str], set[str]]:
    """The span lines (label, offsets, text) and attribute lines (name, value) of a brat export's one .ann file."""
    [ann] = folder.glob("*.ann")
    rows = [line.split("\t") for line in ann.read_text().splitlines()]
    spans = {f"{row[1]} {row[2]}" for row in rows if row[0].startswith("T")}
    attributes = {row[1].split(" ", 1)[0] + " " + row[1].split(" ")[-1] for row in rows if row[0].startswith("A")}
    return spans, attributes


def test_a_team_database_is_not_exported_without_naming_whose_work(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    status, out, err = _export(capsys, db, "--format", "w3c", "--out", str(tmp_path / "out.json"))
    assert status != 0 and not out
    assert err.strip().splitlines() == [
        f"postil export: {db}: is a team database: choose whose work with --annotator NAME (alice, bob, curation)"]
    assert not (tmp_path / "out.json").exists()


def test_export_annotator_curation_writes_the_curated_annotations_in_brat(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    status, _, err = _export(capsys, db, "--format", "brat", "--annotator", "curation", "--out", str(tmp_path / "brat"))
    assert status == 0, err
    spans, attributes = brat_lines(tmp_path / "brat")
    assert spans == {
        f"PERSON {JANE[0]} {JANE[1]} Jane Doe", f"GPE {PARIS[0]} {PARIS[1]} Paris",
        f"Claim {GREW[0]} {GREW[1]} {TEXT[GREW[0]:GREW[1]]}", f"Claim {FAILED[0]} {FAILED[1]} {TEXT[FAILED[0]:FAILED[1]]}",
    }
    assert {"Verdict mixed", "Verdict unverified"} == {a for a in attributes if a.startswith("Verdict")}
    [ann] = (tmp_path / "brat").glob("*.ann")
    assert "Robert Smith" in ann.read_text() and "Bob Smith|" not in ann.read_text()  # bob's speaker, not alice's
    assert "exported 4 annotations" in err


def test_export_annotator_alice_writes_exactly_her_work_in_w3c(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    status, out, err = _export(capsys, db, "--format", "w3c", "--annotator", "alice")
    assert status == 0, err
    items = json.loads(out)["items"]
    assert {item["postil"]["info"]["id"] for item in items} == {
        "a-alice-GPE-26", "a-alice-ORG-13", "a-alice-PERSON-0", f"a-alice-claim-{FAILED[0]}", f"a-alice-claim-{GREW[0]}"}
    assert {item["creator"]["nickname"] for item in items} == {"alice"}
    info = [item["postil"]["info"] for item in items]
    entities = [i.get("entity") or i.get("speaker_entity") for i in info]
    assert {e["entity_id"].split("-")[1] for e in entities if e} == {"alice"}
    assert "Robert Smith" not in json.dumps(items)


def test_export_annotator_picks_one_persons_work_from_an_ordinary_database(tmp_path, capsys):
    db = tmp_path / "one.json"
    store = Store(db)
    document = store.open_document(Document(TEXT, "One", "test:one"))
    mine, theirs = Work(document.doc_id, "tester"), Work(document.doc_id, "second checker")
    mine.mention(JANE, "PERSON")
    theirs.mention(PARIS, "GPE")
    changes = [*mine.changes, *theirs.changes]
    for change in changes:  # entities of one person's database name no annotator
        if change.table == "entities":
            del change.record["annotator"]
    store.apply(changes)
    store.close()
    status, out, err = _export(capsys, db, "--format", "w3c", "--annotator", "tester")
    assert status == 0, err
    [item] = json.loads(out)["items"]
    assert (item["postil"]["label"], item["postil"]["info"]["entity"]["name"]) == ("PERSON", "Jane Doe")
    status, out, _ = _export(capsys, db, "--format", "w3c")
    assert status == 0 and len(json.loads(out)["items"]) == 2  # without --annotator, as before


def test_an_annotator_with_no_work_is_refused_naming_those_who_have_some(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    status, out, err = _export(capsys, db, "--format", "brat", "--annotator", "carol", "--out", str(tmp_path / "brat"))
    assert status != 0 and not (tmp_path / "brat").exists()
    assert err.strip().splitlines() == [
        f"postil export: {db}: no annotations by carol in the chosen documents (annotators: alice, bob, curation)"]


def test_an_empty_annotator_name_is_quoted_in_the_refusal(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    status, _, err = _export(capsys, db, "--format", "csv", "--annotator", "")
    assert status != 0
    assert err.strip().splitlines() == [
        f'postil export: {db}: no annotations by "" in the chosen documents (annotators: alice, bob, curation)']


def test_export_out_a_pipe_writes_through_it_and_leaves_it_a_pipe(tmp_path, capsys):
    db = tmp_path / "team.json"
    curated_database(db)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status, _, err = _export(capsys, db, "--format", "csv", "--annotator", "curation", "--out", str(pipe))
        assert status == 0, err
        assert stat.S_ISFIFO(pipe.stat().st_mode)
        assert os.read(reader, 65536).decode().splitlines()[0].startswith("doc_id,title,")
    finally:
        os.close(reader)
